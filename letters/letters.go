// Package letters writes the municipality's answers: drafts started from answer templates that the
// department edits, and the approved answer as a PDF letter ready to send or to print.
package letters

import (
	"fmt"

	"github.com/predmet/predmet/domain"
)

// Facts are what an answer template is filled with: the facts of a case, in the answer's language.
type Facts struct {
	Kind     domain.CaseKind
	Language domain.Language
	// Number is the archive number of the incoming document that opened the case (sub-number 1),
	// with the day it was registered.
	Number domain.ArchiveNumber
	// Received is the day the document was received; Today the day the draft is started.
	Received domain.Date
	Today    domain.Date
	// Submitter is whom the answer goes to.
	Submitter Addressee
	// Subject is the case's subject as registered; Request the submitter's own text.
	Subject string
	Request string
	// Inputs are the sectors' replies to the department's requests for input, in the order received.
	Inputs []Input
	// Municipality and Department are their names in Language ("Општина Пример", "Одделение за
	// односи со јавноста").
	Municipality string
	Department   string
	// Signatory is who signs the answer.
	Signatory Signatory
	// ForwardedTo names the competent body that a matter outside the municipality's competence was
	// sent to, when it was.
	ForwardedTo string
}

// Addressee is whom a letter goes to. It is personal data.
type Addressee struct {
	Name string `json:"name"`
	// Address is the postal address, its lines separated by line breaks; empty when there is none.
	Address string `json:"address,omitempty"`
}

// Input is a sector's reply to a request for input.
type Input struct {
	// Sector is the sector's name in the answer's language.
	Sector string `json:"sector"`
	Text   string `json:"text"`
}

// Signatory is who signs a letter: a name and a post ("Раководител на одделение").
type Signatory struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
}

// formatDate writes a date as the register does: 19.05.2026; a zero date as nothing.
func formatDate(d domain.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d.%02d.%04d", d.Day, int(d.Month), d.Year)
}
