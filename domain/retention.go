package domain

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Retention is how long the personal data of a closed case is kept, counted from its close: the
// period the municipality's list of documentary material sets for the kind of case (under the Law on
// Archives), in years; or, for tests and demonstrations, a clock in calendar days, hours, minutes or
// seconds; or permanently. The zero Retention keeps nothing past the close.
//
// Its JSON form is a string: "10y", "90d", "48h", "30m", "20s" or "permanent".
type Retention struct {
	Years     int
	Clock     Clock
	Permanent bool
}

// ParseRetention parses the short form of a retention period (see Retention). It returns an EINVALID
// error naming the field "retention" for anything else.
func ParseRetention(s string) (Retention, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "permanent":
		return Retention{Permanent: true}, nil
	case s == "" || s == "0":
		return Retention{}, nil
	case strings.HasSuffix(s, "y"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "y"))
		if err != nil || n < 1 || n > 100 {
			return Retention{}, FieldErrorf("retention", "A retention period is a number of years such as 10y, a clock such as 90d, or permanent; not %q.", s)
		}
		return Retention{Years: n}, nil
	}
	c, err := ParseClock(s)
	if err != nil || c.Unit == WorkingDays {
		return Retention{}, FieldErrorf("retention", "A retention period is a number of years such as 10y, a clock such as 90d, or permanent; not %q.", s)
	}
	return Retention{Clock: c}, nil
}

// String returns the short form ParseRetention reads ("" for the zero Retention).
func (r Retention) String() string {
	switch {
	case r.Permanent:
		return "permanent"
	case r.Years > 0:
		return strconv.Itoa(r.Years) + "y"
	case r.Clock != (Clock{}):
		return r.Clock.String()
	}
	return ""
}

// IsZero reports whether r keeps nothing past the close.
func (r Retention) IsZero() bool { return r == Retention{} }

// MarshalJSON writes the short form.
func (r Retention) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }

// UnmarshalJSON reads the short form.
func (r *Retention) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return FieldErrorf("retention", "A retention period is a number of years such as 10y, a clock such as 90d, or permanent; not %s.", string(b))
	}
	v, err := ParseRetention(s)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Until returns when the retention of a case closed at closed ends: years and calendar days are counted
// on the calendar in loc, shorter clocks as elapsed time. For a permanent retention it returns the zero
// time.
func (r Retention) Until(closed time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	switch {
	case r.Permanent:
		return time.Time{}
	case r.Years > 0:
		return closed.In(loc).AddDate(r.Years, 0, 0)
	case r.Clock.Unit == CalendarDays:
		return closed.In(loc).AddDate(0, 0, r.Clock.Length)
	}
	return closed.Add(r.Clock.duration())
}

// defaultRetention is the retention of each kind when the policy file sets none: placeholders until
// the municipality's own list of documentary material is entered in the policy file.
var defaultRetention = map[CaseKind]Retention{ // read by key only: workflows call DefaultPolicies
	KindPetition:              {Years: 10},
	KindProposal:              {Years: 10},
	KindPublicInformation:     {Years: 5},
	KindCitizenQuestion:       {Years: 5},
	KindMediaQuery:            {Years: 2},
	KindTwinCityProgramme:     {Permanent: true},
	KindCooperationInitiative: {Permanent: true},
	KindWebsitePublication:    {Years: 5},
}
