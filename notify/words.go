package notify

import "github.com/predmet/predmet/domain"

// words are the names of case kinds and escalation levels in each language, as the templates' kind
// and level functions write them. They are nouns in the nominative ("Вид на предметот: претставка").
var words = map[string]map[domain.Language]string{
	string(domain.KindPetition): {
		domain.Macedonian: "претставка",
		domain.Albanian:   "peticion",
		domain.English:    "petition",
	},
	string(domain.KindProposal): {
		domain.Macedonian: "предлог",
		domain.Albanian:   "propozim",
		domain.English:    "proposal",
	},
	string(domain.KindPublicInformation): {
		domain.Macedonian: "барање за слободен пристап до информации од јавен карактер",
		domain.Albanian:   "kërkesë për qasje të lirë në informata me karakter publik",
		domain.English:    "request for free access to public information",
	},
	string(domain.KindCitizenQuestion): {
		domain.Macedonian: "прашање од граѓанин",
		domain.Albanian:   "pyetje e qytetarit",
		domain.English:    "citizen's question",
	},
	string(domain.KindMediaQuery): {
		domain.Macedonian: "новинарско прашање",
		domain.Albanian:   "pyetje e gazetarit",
		domain.English:    "media query",
	},
	string(domain.KindTwinCityProgramme): {
		domain.Macedonian: "програма за соработка со збратимен град",
		domain.Albanian:   "program bashkëpunimi me qytetin binjak",
		domain.English:    "twin-city programme",
	},
	string(domain.KindCooperationInitiative): {
		domain.Macedonian: "иницијатива за меѓународна соработка",
		domain.Albanian:   "iniciativë për bashkëpunim ndërkombëtar",
		domain.English:    "international cooperation initiative",
	},
	string(domain.KindWebsitePublication): {
		domain.Macedonian: "објава на веб-страницата",
		domain.Albanian:   "publikim në faqen e internetit",
		domain.English:    "website publication",
	},

	"level:" + string(domain.LevelDeputy): {
		domain.Macedonian: "заменик-раководител на секторот",
		domain.Albanian:   "zëvendësdrejtuesi i sektorit",
		domain.English:    "deputy head of the sector",
	},
	"level:" + string(domain.LevelHead): {
		domain.Macedonian: "раководител на секторот",
		domain.Albanian:   "drejtuesi i sektorit",
		domain.English:    "head of the sector",
	},
	"level:" + string(domain.LevelSecretary): {
		domain.Macedonian: "секретар на општината",
		domain.Albanian:   "sekretari i komunës",
		domain.English:    "secretary of the municipality",
	},
	"level:" + string(domain.LevelCabinet): {
		domain.Macedonian: "кабинет на градоначалникот",
		domain.Albanian:   "kabineti i kryetarit të komunës",
		domain.English:    "mayor's cabinet",
	},
	"level:" + string(domain.LevelOfficer): {
		domain.Macedonian: "надлежен службеник",
		domain.Albanian:   "zyrtari përgjegjës",
		domain.English:    "responsible officer",
	},
}

// defaultMunicipality is how a message names the municipality when the configuration does not.
var defaultMunicipality = map[domain.Language]string{
	domain.Macedonian: "Општината",
	domain.Albanian:   "Komuna",
	domain.English:    "The Municipality",
}

// word returns the word for key in lang; the key itself (without its prefix) when there is none.
func word(key string, lang domain.Language) string {
	if w, ok := words[key][lang]; ok {
		return w
	}
	if len(key) > 6 && key[:6] == "level:" {
		return key[6:]
	}
	return key
}
