package letters

import (
	"time"

	"github.com/predmet/predmet/domain"
)

// Samples returns the facts every template is checked with when loaded: a case with every fact known
// (an address, a subject, two sectors' input, a competent body), and one with the least a case has.
func Samples(kind domain.CaseKind, lang domain.Language) []Facts {
	n := sampleNames[lang]
	if n.municipality == "" {
		n = sampleNames[domain.Macedonian]
	}
	full := Facts{
		Kind: kind, Language: lang,
		Number:    domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 2112, Sub: 1, Date: domain.Date{Year: 2026, Month: time.May, Day: 19}},
		Received:  domain.Date{Year: 2026, Month: time.May, Day: 18},
		Today:     domain.Date{Year: 2026, Month: time.June, Day: 2},
		Submitter: Addressee{Name: n.submitter, Address: n.address},
		Subject:   n.subject,
		Request:   n.request,
		Inputs: []Input{
			{Sector: n.sectors[0], Text: n.inputs[0]},
			{Sector: n.sectors[1], Text: n.inputs[1]},
		},
		Municipality: n.municipality,
		Department:   n.department,
		Signatory:    Signatory{Name: n.signatory, Title: n.title},
		ForwardedTo:  n.forwardedTo,
	}
	least := Facts{
		Kind: kind, Language: lang,
		Number:       domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 7, Sub: 1, Date: domain.Date{Year: 2026, Month: time.January, Day: 8}},
		Received:     domain.Date{Year: 2026, Month: time.January, Day: 8},
		Submitter:    Addressee{Name: n.submitter},
		Municipality: n.municipality,
	}
	return []Facts{full, least}
}

type names struct {
	municipality, department, submitter, address, subject, request, signatory, title, forwardedTo string
	sectors, inputs                                                                               [2]string
}

var sampleNames = map[domain.Language]names{
	domain.Macedonian: {
		municipality: "Општина Пример",
		department:   "Одделение за дијаспора, меѓународна соработка и односи со јавноста",
		submitter:    "Ѓорѓи Љубеновски",
		address:      "ул. „Џон Кенеди“ бр. 12\n1000 Скопје",
		subject:      "Оштетен тротоар на ул. „Гоце Делчев“",
		request:      "Ве молам да го поправите тротоарот пред зградата бр. 15.",
		sectors:      [2]string{"Сектор за комунални работи", "Сектор за урбанизам"},
		inputs:       [2]string{"Поправката е предвидена во програмата за 2026 година и ќе се изведе до крајот на јули.", "Тротоарот е дел од урбанистичкиот план за населбата."},
		signatory:    "Ана Петровска",
		title:        "Раководител на одделение",
		forwardedTo:  "Јавно претпријатие „Улици и патишта“",
	},
	domain.Albanian: {
		municipality: "Komuna e Shembullit",
		department:   "Njësia për diasporë, bashkëpunim ndërkombëtar dhe marrëdhënie me publikun",
		submitter:    "Ëndrit Çela",
		address:      "Rr. „Nënë Tereza“ nr. 4\n1200 Tetovë",
		subject:      "Trotuari i dëmtuar në rr. „Ilindenit“",
		request:      "Ju lutem ta riparoni trotuarin para ndërtesës nr. 15.",
		sectors:      [2]string{"Sektori për punë komunale", "Sektori për urbanizëm"},
		inputs:       [2]string{"Riparimi është parashikuar në programin për vitin 2026 dhe do të kryhet deri në fund të korrikut.", "Trotuari është pjesë e planit urbanistik të lagjes."},
		signatory:    "Arta Xhaferi",
		title:        "Udhëheqëse e njësisë",
		forwardedTo:  "Ndërmarrja publike „Rrugë dhe rrugica“",
	},
	domain.English: {
		municipality: "Municipality of Primer",
		department:   "Department for Diaspora, International Cooperation and Public Relations",
		submitter:    "Jane Miller",
		address:      "Sister City Office\n12 Main Street\nSpringfield",
		subject:      "Exchange programme for schools",
		request:      "We would like to propose an exchange of pupils between our schools.",
		sectors:      [2]string{"Sector for Education", "Sector for Finance"},
		inputs:       [2]string{"Two schools have agreed to take part in the autumn term.", "The travel costs can be met from the 2026 budget for cooperation."},
		signatory:    "Ana Petrovska",
		title:        "Head of Department",
		forwardedTo:  "the Ministry of Education and Science",
	},
}
