package i18n

// The messages of the read side's HTTP API (intake/query.go, intake/readmodels.go) and the labels of the
// Agency's yearly report in CSV (intake/csv.go).
func init() {
	extend(map[string]translation{
		// Errors in the query string: 400, naming the parameter.
		"The query string is not properly encoded.": {
			mk: "Низата на барањето (query string) не е правилно кодирана.",
			sq: "Vargu i pyetjes (query string) nuk është i koduar siç duhet.",
		},
		"Unknown query parameter %q; this address takes %s.": {
			mk: "Непознат параметар %q; оваа адреса ги прима: %s.",
			sq: "Parametër i panjohur %q; kjo adresë pranon: %s.",
		},
		"The parameter %s may be given only once.": {
			mk: "Параметарот %s може да се наведе само еднаш.",
			sq: "Parametri %s mund të jepet vetëm një herë.",
		},
		"The parameter %s does not take the value %q; use one of %s.": {
			mk: "Параметарот %s не ја прима вредноста %q; користете една од следниве: %s.",
			sq: "Parametri %s nuk pranon vlerën %q; përdorni një nga këto: %s.",
		},
		"A value of the parameter %s is longer than %d characters.": {
			mk: "Една вредност на параметарот %s е подолга од %d знаци.",
			sq: "Një vlerë e parametrit %s është më e gjatë se %d karaktere.",
		},
		"A value of the parameter %s is not valid UTF-8.": {
			mk: "Една вредност на параметарот %s не е валиден текст во UTF-8.",
			sq: "Një vlerë e parametrit %s nuk është tekst i vlefshëm UTF-8.",
		},
		"The parameter %s must be a date such as 2026-05-19 or a date and time in RFC 3339 format such as 2026-05-19T09:30:00+02:00.": {
			mk: "Параметарот %s мора да биде датум, на пр. 2026-05-19, или датум и време во форматот RFC 3339, на пр. 2026-05-19T09:30:00+02:00.",
			sq: "Parametri %s duhet të jetë datë, p.sh. 2026-05-19, ose datë dhe orë në formatin RFC 3339, p.sh. 2026-05-19T09:30:00+02:00.",
		},
		"The parameter %s must be a month such as 2026-05 or a date such as 2026-05-19.": {
			mk: "Параметарот %s мора да биде месец, на пр. 2026-05, или датум, на пр. 2026-05-19.",
			sq: "Parametri %s duhet të jetë muaj, p.sh. 2026-05, ose datë, p.sh. 2026-05-19.",
		},
		"The parameter %s must be true or false.": {
			mk: "Параметарот %s мора да биде true или false.",
			sq: "Parametri %s duhet të jetë true ose false.",
		},
		"The parameter %s must be a whole number.": {
			mk: "Параметарот %s мора да биде цел број.",
			sq: "Parametri %s duhet të jetë numër i plotë.",
		},
		"The parameter %s must be between %d and %d.": {
			mk: "Параметарот %s мора да биде помеѓу %d и %d.",
			sq: "Parametri %s duhet të jetë ndërmjet %d dhe %d.",
		},
		"The parameter %s must not be negative.": {
			mk: "Параметарот %s не смее да биде негативен.",
			sq: "Parametri %s nuk duhet të jetë negativ.",
		},
		"The parameter sort does not take the field %q; use one of %s, with a leading - for descending order.": {
			mk: "Параметарот sort не го прима полето %q; користете едно од следниве: %s, со - напред за опаѓачки редослед.",
			sq: "Parametri sort nuk pranon fushën %q; përdorni një nga këto: %s, me - përpara për renditje zbritëse.",
		},
		"The parameter %s must not be after %s.": {
			mk: "Параметарот %s не смее да биде по %s.",
			sq: "Parametri %s nuk duhet të jetë pas %s.",
		},
		"The parameter %s must be a case ID (a UUID).": {
			mk: "Параметарот %s мора да биде ID на предмет (UUID).",
			sq: "Parametri %s duhet të jetë ID e një lënde (UUID).",
		},
		"The year must have four digits, such as 2025; not %q.": {
			mk: "Годината мора да има четири цифри, на пр. 2025, а не %q.",
			sq: "Viti duhet të ketë katër shifra, p.sh. 2025, jo %q.",
		},

		// A sector head's inbox: 403.
		"As head of the sector %q you see only its requests, not those of %q.": {
			mk: "Како раководител на секторот %q ги гледате само неговите барања, не и тие на %q.",
			sq: "Si drejtues i sektorit %q shihni vetëm kërkesat e tij, jo ato të %q.",
		},
		"Your staff entry names no sector, so there is no inbox for you to see; ask an administrator to set your sector.": {
			mk: "Во вашиот запис во именикот на вработени не е наведен сектор, па нема сандаче што би го виделе; побарајте од администраторот да го внесе вашиот сектор.",
			sq: "Regjistrimi juaj te lista e punonjësve nuk përmend asnjë sektor, prandaj nuk ka kuti hyrëse për ju; kërkojini administratorit ta caktojë sektorin tuaj.",
		},

		// The labels of the Agency's yearly report (GET /api/v1/statistics/foi/{year} as CSV).
		"Year of the report": {
			mk: "Година на извештајот",
			sq: "Viti i raportit",
		},
		"Requests received in the year": {
			mk: "Барања примени во годината",
			sq: "Kërkesa të pranuara gjatë vitit",
		},
		"Requests carried over unresolved from earlier years": {
			mk: "Нерешени барања пренесени од претходните години",
			sq: "Kërkesa të pazgjidhura të bartura nga vitet e mëparshme",
		},
		"Requests granted": {
			mk: "Усвоени барања",
			sq: "Kërkesa të miratuara",
		},
		"Requests granted in part": {
			mk: "Делумно усвоени барања",
			sq: "Kërkesa të miratuara pjesërisht",
		},
		"Requests refused": {
			mk: "Одбиени барања",
			sq: "Kërkesa të refuzuara",
		},
		"Requests forwarded to the competent body": {
			mk: "Барања препратени до надлежниот орган",
			sq: "Kërkesa të përcjella te organi kompetent",
		},
		"Requests withdrawn": {
			mk: "Повлечени барања",
			sq: "Kërkesa të tërhequra",
		},
		"Requests rejected": {
			mk: "Отфрлени барања",
			sq: "Kërkesa të hedhura poshtë",
		},
		"Requests merged into another": {
			mk: "Барања споени со друго барање",
			sq: "Kërkesa të bashkuara me një tjetër",
		},
		"Requests unresolved at the end of the year": {
			mk: "Нерешени барања на крајот на годината",
			sq: "Kërkesa të pazgjidhura në fund të vitit",
		},
		"Answers given within the deadline": {
			mk: "Одговори дадени во рокот",
			sq: "Përgjigje të dhëna brenda afatit",
		},
		"Answers given after the deadline": {
			mk: "Одговори дадени по истекот на рокот",
			sq: "Përgjigje të dhëna pas afatit",
		},
		"Requests whose deadline was extended": {
			mk: "Барања чиј рок е продолжен",
			sq: "Kërkesa me afat të zgjatur",
		},
		"Requests the requester was asked to complete": {
			mk: "Барања за кои од барателот е побарано да ги дополни",
			sq: "Kërkesa për të cilat kërkuesit iu kërkua t'i plotësojë",
		},
		"Requests never completed by the requester": {
			mk: "Барања што барателот не ги дополнил",
			sq: "Kërkesa që kërkuesi nuk i plotësoi",
		},
		"Median days from receipt to answer": {
			mk: "Медијана на деновите од прием до одговор",
			sq: "Mediana e ditëve nga pranimi deri te përgjigjja",
		},
	})
}
