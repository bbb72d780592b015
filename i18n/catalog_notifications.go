package i18n

// The messages of notification delivery and the outbox (domain/notification.go, domain/resend.go,
// services.Outbox, activities.CaseNotes, activities.MailComposer) that staff read.
func init() {
	extend(map[string]translation{
		"A notification needs its ID and kind.": {
			mk: "Известувањето мора да има идентификатор и вид.",
			sq: "Njoftimi duhet të ketë identifikues dhe lloj.",
		},
		"The notification's stream %s holds another event.": {
			mk: "Текот на известувањето %s содржи друг настан.",
			sq: "Rrjedha e njoftimit %s përmban një ngjarje tjetër.",
		},
		"No notification with ID %q.": {
			mk: "Нема известување со идентификатор %q.",
			sq: "Nuk ka njoftim me identifikuesin %q.",
		},
		"The submitter left no e-mail address.": {
			mk: "Подносителот не остави адреса за е-пошта.",
			sq: "Parashtruesi nuk la adresë të postës elektronike.",
		},
		"Nobody in the organisation directory receives %s messages.": {
			mk: "Никој во именикот на организацијата не прима пораки од видот %s.",
			sq: "Askush në regjistrin e organizatës nuk merr mesazhe të llojit %s.",
		},
		"Unknown notification kind %q.": {
			mk: "Непознат вид на известување %q.",
			sq: "Lloj i panjohur njoftimi %q.",
		},
		"No organisation directory is configured: staff have no addresses.": {
			mk: "Не е поставен именик на организацијата: вработените немаат адреси.",
			sq: "Nuk është vendosur regjistri i organizatës: punonjësit nuk kanë adresa.",
		},
		"The notification was delivered; there is nothing to send again.": {
			mk: "Известувањето е доставено; нема што повторно да се испрати.",
			sq: "Njoftimi është dorëzuar; nuk ka asgjë për të dërguar përsëri.",
		},
		"The notification is still being delivered.": {
			mk: "Известувањето сè уште се доставува.",
			sq: "Njoftimi është ende duke u dorëzuar.",
		},
		"Only a message to the submitter takes a corrected address; correct staff addresses in the organisation directory.": {
			mk: "Исправена адреса се прима само за порака до подносителот; адресите на вработените се исправаат во именикот на организацијата.",
			sq: "Adresë e korrigjuar pranohet vetëm për mesazh drejt parashtruesit; adresat e punonjësve korrigjohen në regjistrin e organizatës.",
		},
		"A note on a case needs its event and its key.": {
			mk: "На белешката за предметот ѝ требаат настан и клуч.",
			sq: "Shënimit për lëndën i nevojiten ngjarja dhe çelësi.",
		},
		"The stream of case %s kept moving.": {
			mk: "Текот на предметот %s постојано се менуваше.",
			sq: "Rrjedha e lëndës %s vazhdoi të ndryshonte.",
		},
	})
}
