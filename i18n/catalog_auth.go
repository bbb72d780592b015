package i18n

// Staff sign-in: its pages, its refusals and the names of the roles (package auth).
func init() {
	extend(map[string]translation{
		"Sign in to predmet": {
			mk: "Најава во predmet",
			sq: "Hyrja në predmet",
		},
		"You cannot sign in": {
			mk: "Не можете да се најавите",
			sq: "Nuk mund të hyni",
		},
		"Sign in with %s": {
			mk: "Најава преку %s",
			sq: "Hyni përmes %s",
		},
		"Sign in": {
			mk: "Најава",
			sq: "Hyni",
		},
		"You have signed out.": {
			mk: "Се одјавивте.",
			sq: "Keni dalë.",
		},
		"No sign-in is set up: predmet has no identity provider, and the development sign-in is off.": {
			mk: "Најавата не е поставена: predmet нема давател на идентитет, а развојната најава е исклучена.",
			sq: "Hyrja nuk është konfiguruar: predmet nuk ka ofrues identiteti, dhe hyrja për zhvillim është e fikur.",
		},
		"Development sign-in: anyone can sign in as anyone, with no password. Never use it with real cases.": {
			mk: "Развојна најава: секој може да се најави како кој било, без лозинка. Никогаш не ја користете со вистински предмети.",
			sq: "Hyrje për zhvillim: kushdo mund të hyjë si kushdo, pa fjalëkalim. Mos e përdorni kurrë me lëndë të vërteta.",
		},
		"Sign in as": {
			mk: "Најавете се како",
			sq: "Hyni si",
		},
		"The developer, with every role": {
			mk: "Развивачот, со сите улоги",
			sq: "Zhvilluesi, me të gjitha rolet",
		},
		"Back to the sign-in": {
			mk: "Назад кон најавата",
			sq: "Kthehu te hyrja",
		},
		"You are not signed in, or your session has ended. Sign in again.": {
			mk: "Не сте најавени или сесијата ви истече. Најавете се повторно.",
			sq: "Nuk keni hyrë, ose seanca juaj ka përfunduar. Hyni përsëri.",
		},
		"predmet could not complete this just now. Try again in a moment.": {
			mk: "predmet не можеше да го заврши ова токму сега. Обидете се повторно за момент.",
			sq: "predmet nuk mundi ta përfundojë këtë tani. Provoni përsëri pas pak.",
		},
		"The form was sent from another site, so predmet refused it. Open the page in predmet and send it again.": {
			mk: "Формуларот е испратен од друга страница, па predmet го одби. Отворете ја страницата во predmet и испратете го повторно.",
			sq: "Formulari u dërgua nga një faqe tjetër, prandaj predmet e refuzoi. Hapeni faqen në predmet dhe dërgojeni përsëri.",
		},
		"The sign-in service does not answer. Try again in a few minutes.": {
			mk: "Услугата за најава не одговара. Обидете се повторно за неколку минути.",
			sq: "Shërbimi i hyrjes nuk përgjigjet. Provoni përsëri pas disa minutash.",
		},
		"This sign-in has expired or was not started in this browser. Sign in again.": {
			mk: "Оваа најава истече или не е започната во овој прелистувач. Најавете се повторно.",
			sq: "Kjo hyrje ka skaduar ose nuk është nisur në këtë shfletues. Hyni përsëri.",
		},
		"The sign-in service refused the sign-in (%s).": {
			mk: "Услугата за најава ја одби најавата (%s).",
			sq: "Shërbimi i hyrjes e refuzoi hyrjen (%s).",
		},
		"The sign-in service did not confirm the sign-in. Sign in again.": {
			mk: "Услугата за најава не ја потврди најавата. Најавете се повторно.",
			sq: "Shërbimi i hyrjes nuk e konfirmoi hyrjen. Hyni përsëri.",
		},
		"The sign-in service's answer could not be verified, so predmet refused it. Sign in again.": {
			mk: "Одговорот на услугата за најава не можеше да се провери, па predmet го одби. Најавете се повторно.",
			sq: "Përgjigjja e shërbimit të hyrjes nuk mund të verifikohej, prandaj predmet e refuzoi. Hyni përsëri.",
		},
		"%s is not in the municipality's organisation directory, so predmet does not know you. Ask the department to add you to the directory.": {
			mk: "%s не е во именикот на организацијата на општината, па predmet не ве познава. Побарајте од одделението да ве додаде во именикот.",
			sq: "%s nuk është në regjistrin e organizatës së komunës, prandaj predmet nuk ju njeh. Kërkojini njësisë t'ju shtojë në regjistër.",
		},
		"%s has no role in predmet. Ask the department to give you one.": {
			mk: "%s нема улога во predmet. Побарајте од одделението да ви додели улога.",
			sq: "%s nuk ka rol në predmet. Kërkojini njësisë t'ju caktojë një rol.",
		},
		"%s is to answer for a sector, but the organisation directory names no unit that you head or deputise, and the sign-in names none either.": {
			mk: "%s треба да одговара за сектор, но именикот на организацијата не наведува единица што ја раководите или во која сте заменик, а ни најавата не наведува.",
			sq: "%s duhet të përgjigjet për një sektor, por regjistri i organizatës nuk përmend asnjë njësi që ju e drejtoni ose ku jeni zëvendës, as hyrja nuk përmend.",
		},
		"The sign-in names the sector %q, which is not in the organisation directory.": {
			mk: "Најавата го наведува секторот %q, кој не е во именикот на организацијата.",
			sq: "Hyrja përmend sektorin %q, i cili nuk është në regjistrin e organizatës.",
		},
		"predmet has no organisation directory, so it cannot tell who you are.": {
			mk: "predmet нема именик на организацијата, па не може да утврди кои сте.",
			sq: "predmet nuk ka regjistër të organizatës, prandaj nuk mund të dijë kush jeni.",
		},
		"The sign-in service did not say who you are (the claim %q is missing).": {
			mk: "Услугата за најава не кажа кои сте (недостасува тврдењето %q).",
			sq: "Shërbimi i hyrjes nuk tregoi kush jeni (mungon pretendimi %q).",
		},
		"The sign-in service has not verified the address %s.": {
			mk: "Услугата за најава не ја потврдила адресата %s.",
			sq: "Shërbimi i hyrjes nuk e ka verifikuar adresën %s.",
		},
		"The staff file makes %s the head of the sector %q, which the organisation directory does not say they head or deputise, so predmet refuses this token. Ask the department to correct the staff file or the directory.": {
			mk: "Датотеката со персонал го прави %s раководител на секторот %q, а именикот на организацијата не вели дека го раководи или е заменик во него, па predmet го одбива овој токен. Побарајте од одделението да ја поправи датотеката со персонал или именикот.",
			sq: "Skedari i personelit e bën %s udhëheqës të sektorit %q, të cilin regjistri i organizatës nuk thotë se e drejton ose ku është zëvendës, prandaj predmet e refuzon këtë token. Kërkojini njësisë të korrigjojë skedarin e personelit ose regjistrin.",
		},

		// The API's doors (package intake): a token or a signed-in browser's session.
		"Sign in, or send the header Authorization: Bearer <token>.": {
			mk: "Најавете се или испратете го заглавието Authorization: Bearer <токен>.",
			sq: "Hyni, ose dërgoni kreun HTTP Authorization: Bearer <token>.",
		},
		"%q is not a person's ID.": {
			mk: "%q не е идентификатор на лице.",
			sq: "%q nuk është identifikues i një personi.",
		},

		// The roles, as the sign-in pages name them.
		"Intake": {
			mk: "Писарница",
			sq: "Pranimi",
		},
		"Officer": {
			mk: "Службеник",
			sq: "Zyrtar",
		},
		"Sector head": {
			mk: "Раководител на сектор",
			sq: "Udhëheqës i sektorit",
		},
		"Supervisor": {
			mk: "Надзор",
			sq: "Mbikëqyrës",
		},
		"Administrator": {
			mk: "Администратор",
			sq: "Administratori",
		},
	})
}
