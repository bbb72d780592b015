package i18n

// The messages of personal data: sealing, erasure, retention, the submitter's copy and the access log
// (domain/personal.go, domain/erasure.go, domain/access.go, domain/retention.go, keystore, services).
func init() {
	extend(map[string]translation{
		"What you asked for was erased.": {
			mk: "Она што го баравте е избришано.",
			sq: "Ajo që kërkuat është fshirë.",
		},
		"Gone": {
			mk: "Избришано",
			sq: "E fshirë",
		},
		"What predmet holds about you": {
			mk: "Што чува predmet за вас",
			sq: "Çfarë mban predmet për ju",
		},
		"Exported on %s by %s.": {
			mk: "Извезено на %s од %s.",
			sq: "Eksportuar më %s nga %s.",
		},
		"Case %s": {
			mk: "Предмет %s",
			sq: "Lënda %s",
		},
		"Kind": {
			mk: "Вид",
			sq: "Lloji",
		},
		"Status": {
			mk: "Состојба",
			sq: "Gjendja",
		},
		"Received": {
			mk: "Примено",
			sq: "Pranuar",
		},
		"Subject": {
			mk: "Предмет на барањето",
			sq: "Tema",
		},
		"Name": {
			mk: "Име",
			sq: "Emri",
		},
		"E-mail": {
			mk: "Е-пошта",
			sq: "Posta elektronike",
		},
		"Phone": {
			mk: "Телефон",
			sq: "Telefoni",
		},
		"Address": {
			mk: "Адреса",
			sq: "Adresa",
		},
		"Text": {
			mk: "Текст",
			sq: "Teksti",
		},
		"History": {
			mk: "Историја",
			sq: "Historia",
		},
		"Messages sent": {
			mk: "Испратени пораки",
			sq: "Mesazhet e dërguara",
		},
		"Who read it": {
			mk: "Кој го читал",
			sq: "Kush e ka lexuar",
		},
		"None.": {
			mk: "Нема.",
			sq: "Asnjë.",
		},
		"No case has a submitter with that e-mail address.": {
			mk: "Нема предмет чиј подносител ја дал таа адреса за е-пошта.",
			sq: "Asnjë lëndë nuk ka parashtrues me atë adresë të postës elektronike.",
		},
		"No erasure with ID %q.": {
			mk: "Нема бришење со идентификатор %q.",
			sq: "Nuk ka fshirje me identifikuesin %q.",
		},
		"[erased]": {
			mk: "[избришано]",
			sq: "[e fshirë]",
		},
		"The personal data was erased.": {
			mk: "Личните податоци се избришани.",
			sq: "Të dhënat personale janë fshirë.",
		},
		"A retention period is a number of years such as 10y, a clock such as 90d, or permanent; not %q.": {
			mk: "Рокот на чување е број години, како 10y, време, како 90d, или permanent (трајно); не %q.",
			sq: "Afati i ruajtjes është një numër vitesh si 10y, një kohë si 90d, ose permanent (përherë); jo %q.",
		},
		"A retention period is a number of years such as 10y, a clock such as 90d, or permanent; not %s.": {
			mk: "Рокот на чување е број години, како 10y, време, како 90d, или permanent (трајно); не %s.",
			sq: "Afati i ruajtjes është një numër vitesh si 10y, një kohë si 90d, ose permanent (përherë); jo %s.",
		},
		"The case %s is still open: it is kept while it is handled.": {
			mk: "Предметот %s е сè уште отворен: се чува додека се решава.",
			sq: "Lënda %s është ende e hapur: ruhet derisa të trajtohet.",
		},
		"The case %s is kept permanently under the list of documentary material.": {
			mk: "Предметот %s се чува трајно според листата на документарен материјал.",
			sq: "Lënda %s ruhet përherë sipas listës së materialit dokumentar.",
		},
		"The case %s is kept until %s, %s after its close, under the list of documentary material.": {
			mk: "Предметот %s се чува до %s, %s по неговото затворање, според листата на документарен материјал.",
			sq: "Lënda %s ruhet deri më %s, %s pas mbylljes së saj, sipas listës së materialit dokumentar.",
		},
		"Name the person by e-mail address or the case by its ID.": {
			mk: "Наведете го лицето со адреса за е-пошта или предметот со неговиот идентификатор.",
			sq: "Emërtojeni personin me adresën e postës elektronike ose lëndën me identifikuesin e saj.",
		},
		"Name either the person by e-mail address or the case by its ID, not both.": {
			mk: "Наведете или лице со адреса за е-пошта или предмет со идентификатор, не двете.",
			sq: "Emërtoni ose personin me adresën e postës elektronike ose lëndën me identifikuesin, jo të dyja.",
		},
		"Your roles do not allow you to read this case.": {
			mk: "Вашите улоги не ви дозволуваат да го читате овој предмет.",
			sq: "Rolet tuaja nuk ju lejojnë ta lexoni këtë lëndë.",
		},
		"The key store does not answer.": {
			mk: "Складот на клучеви не одговара.",
			sq: "Depoja e çelësave nuk përgjigjet.",
		},
		"%q cannot name a key.": {
			mk: "%q не може да биде име на клуч.",
			sq: "%q nuk mund të jetë emër çelësi.",
		},
	})
}
