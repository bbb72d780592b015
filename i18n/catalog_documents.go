package i18n

// The messages of documents: files kept in the blob store (package blob), answer templates and letters
// (package letters).
func init() {
	extend(map[string]translation{
		"%q is not a SHA-256 sum.": {
			mk: "%q не е збир SHA-256.",
			sq: "%q nuk është shumë SHA-256.",
		},
		"The most bytes a file may have must not be negative.": {
			mk: "Најголемата дозволена големина на датотека не смее да биде негативна.",
			sq: "Madhësia më e madhe e lejuar e skedarit nuk mund të jetë negative.",
		},
		"Unknown media type %q.": {
			mk: "Непознат тип на содржина %q.",
			sq: "Lloj i panjohur i përmbajtjes %q.",
		},
		"The file's content (%s) is not of a type that is accepted; accepted are: %s.": {
			mk: "Содржината на датотеката (%s) не е од дозволен тип; дозволени се: %s.",
			sq: "Përmbajtja e skedarit (%s) nuk është e një lloji të lejuar; lejohen: %s.",
		},
		"The file is larger than %s, the most a file may have.": {
			mk: "Датотеката е поголема од %s, колку што е најмногу дозволено за една датотека.",
			sq: "Skedari është më i madh se %s, që është madhësia më e madhe e lejuar për një skedar.",
		},
		"The file is empty.": {
			mk: "Датотеката е празна.",
			sq: "Skedari është bosh.",
		},
		"The file store does not answer.": {
			mk: "Складиштето за датотеки не одговара.",
			sq: "Depoja e skedarëve nuk përgjigjet.",
		},
		"No file with SHA-256 %s.": {
			mk: "Нема датотека со SHA-256 %s.",
			sq: "Nuk ka skedar me SHA-256 %s.",
		},

		// E-mail attachments (package notify).
		"Attachment %d has no file name.": {
			mk: "Прилогот %d нема име на датотека.",
			sq: "Shtojca %d nuk ka emër skedari.",
		},
		"The file name of attachment %d must be one line of at most %d characters, without a slash or a backslash.": {
			mk: "Името на датотеката на прилогот %d мора да биде еден ред од најмногу %d знаци, без коса или обратна коса црта.",
			sq: "Emri i skedarit të shtojcës %d duhet të jetë një rresht me më së shumti %d karaktere, pa vijë të pjerrët ose vijë të pjerrët të kundërt.",
		},
		"Attachment %d has no valid media type.": {
			mk: "Прилогот %d нема валиден тип на содржина.",
			sq: "Shtojca %d nuk ka lloj të vlefshëm të përmbajtjes.",
		},
		"Attachment %d is empty.": {
			mk: "Прилогот %d е празен.",
			sq: "Shtojca %d është bosh.",
		},
		"The message %s has no attachment %d.": {
			mk: "Пораката %s нема прилог %d.",
			sq: "Mesazhi %s nuk ka shtojcën %d.",
		},

		// Answer templates and letters (package letters).
		"No answer template %q for this kind of case in this language.": {
			mk: "Нема образец за одговор %q за овој вид предмет на овој јазик.",
			sq: "Nuk ka shabllon përgjigjeje %q për këtë lloj lënde në këtë gjuhë.",
		},
	})
}
