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
	})
}
