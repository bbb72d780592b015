package domain

import (
	"fmt"
	"regexp"
)

// ArchiveNumber is a document's number in the register (деловодник), e.g. "08-2112/4": the unit's sign,
// the base number of the case for the year and the sub-number of the act within the case. The incoming
// document that opens a case is sub-number 1; every later act in the case takes the next one.
type ArchiveNumber struct {
	Unit   string `json:"unit"`
	Year   int    `json:"year"`
	Number int    `json:"number"`
	Sub    int    `json:"sub"`
	// Date is the day the act was registered (the "од 19.05.2026" part).
	Date Date `json:"date"`
}

// String renders the number as the register writes it: "<unit>-<number>/<sub>".
func (a ArchiveNumber) String() string { return fmt.Sprintf("%s-%d/%d", a.Unit, a.Number, a.Sub) }

// Long renders the number with its date, as on a document: "08-2112/4 од 19.05.2026".
func (a ArchiveNumber) Long() string {
	return fmt.Sprintf("%s од %02d.%02d.%04d", a.String(), a.Date.Day, int(a.Date.Month), a.Date.Year)
}

var unitPattern = regexp.MustCompile(`^[0-9A-Za-z]{1,8}$`)

// ValidateUnit checks a register unit (archive sign) such as "08".
func ValidateUnit(unit string) error {
	if !unitPattern.MatchString(unit) {
		return Errorf(EINVALID, "Register unit %q must be 1 to 8 letters or digits.", unit)
	}
	return nil
}

// RegisterStream returns the name of the stream that numbers the register of unit for year. Its event
// at revision r assigns base number r+1: the numbers are sequential, unique and never reused.
func RegisterStream(unit string, year int) string { return fmt.Sprintf("register-%s-%d", unit, year) }
