package domain

import (
	"strconv"
	"time"
)

// ClockUnit is the unit in which a clock is counted.
type ClockUnit string

// Units of a Clock.
const (
	CalendarDays ClockUnit = "calendar_days" // every day counts; a due date on a non-working day moves to the next working day
	WorkingDays  ClockUnit = "working_days"  // only working days count
	Hours        ClockUnit = "hours"         // elapsed hours, weekends and holidays included
	Minutes      ClockUnit = "minutes"       // elapsed minutes, weekends and holidays included
	Seconds      ClockUnit = "seconds"       // elapsed seconds: for tests and demonstrations that cannot wait minutes
)

// clockSuffixes are the short forms of the units, as accepted by ParseClock. Longer suffixes come first.
var clockSuffixes = [...]struct {
	suffix string
	unit   ClockUnit
}{
	{"wd", WorkingDays},
	{"d", CalendarDays},
	{"h", Hours},
	{"m", Minutes},
	{"s", Seconds},
}

// MaxClockLength is the longest clock Validate accepts, in any unit (about a hundred years in days).
const MaxClockLength = 36600

// Clock is how long a case (or a request for input) may take: a legal deadline such as 60 calendar
// days, or an internal target such as 15 working days or 48 hours.
type Clock struct {
	Length int       `json:"length"`
	Unit   ClockUnit `json:"unit"`
}

// ParseClock parses the short form of a clock: "60d" (calendar days), "15wd" (working days), "48h"
// (hours), "30m" (minutes) or "20s" (seconds). It returns an EINVALID error for anything else.
func ParseClock(s string) (Clock, error) {
	c, err := parseClock(s)
	if err != nil {
		return Clock{}, err
	}
	if err := c.Validate(); err != nil {
		return Clock{}, err
	}
	return c, nil
}

// Validate returns an EINVALID error (field "clock") unless the clock has a known unit and a length
// from 1 to MaxClockLength.
func (c Clock) Validate() error {
	switch c.Unit {
	case CalendarDays, WorkingDays, Hours, Minutes, Seconds:
	default:
		return FieldErrorf("clock", "unknown clock unit %q: want %s, %s, %s, %s or %s", c.Unit, CalendarDays, WorkingDays, Hours, Minutes, Seconds)
	}
	if c.Length < 1 || c.Length > MaxClockLength {
		return FieldErrorf("clock", "clock length %d out of range 1..%d", c.Length, MaxClockLength)
	}
	return nil
}

func (c Clock) valid() bool { return c.Validate() == nil }

// String returns the short form that ParseClock reads, e.g. "60d" or "15wd".
func (c Clock) String() string {
	for _, u := range clockSuffixes {
		if u.unit == c.Unit {
			return strconv.Itoa(c.Length) + u.suffix
		}
	}
	return strconv.Itoa(c.Length) + " " + string(c.Unit)
}

// duration returns the length of an hour, minute or second clock.
func (c Clock) duration() time.Duration {
	switch c.Unit {
	case Hours:
		return time.Duration(c.Length) * time.Hour
	case Minutes:
		return time.Duration(c.Length) * time.Minute
	case Seconds:
		return time.Duration(c.Length) * time.Second
	}
	return 0
}

// SkippedDay is a non-working day that a deadline passed over.
type SkippedDay struct {
	Date Date `json:"date"`
	// Reason is the holiday's name, or "Saturday" or "Sunday" (see HolidayName).
	Reason string `json:"reason"`
}

// Deadline is a due instant together with how it was computed, so that staff can see and check it.
type Deadline struct {
	// Start is the instant the clock started (the receipt of the document).
	Start time.Time `json:"start"`
	Clock Clock     `json:"clock"`
	// DueAt is the instant by which the case must be answered. For day clocks it is 23:59:59 on DueDate in
	// the calendar's location: an answer sent any time on the due date is in time.
	DueAt time.Time `json:"dueAt"`
	// DueDate is the civil date of DueAt in the calendar's location.
	DueDate Date `json:"dueDate"`
	// DaysCounted is the number of days counted for a day clock (its length), 0 for hour, minute and second clocks.
	DaysCounted int `json:"daysCounted"`
	// Skipped lists the non-working days the deadline passed over: for calendar days, the days after the
	// original due date that were not working days; for working days, every non-working day not counted.
	Skipped []SkippedDay `json:"skipped,omitempty"`
	// MovedFrom is the original due date of a calendar-day clock that ended on a non-working day.
	MovedFrom *Date `json:"movedFrom,omitempty"`
	// Changes are the extensions, suspensions and resumptions applied, in order, each with what it did.
	Changes []ClockChange `json:"changes,omitempty"`
	// Suspended is set while the clock stands still; DueAt is then the due instant it had when it stopped
	// and Left the time it has left.
	Suspended bool       `json:"suspended,omitempty"`
	Left      *ClockLeft `json:"left,omitempty"`
}

// Deadline computes when clock, started at start, runs out, with loc the municipality's location
// (Europe/Skopje, loaded by the caller; start's own location when nil). It is a pure function of its
// arguments and the calendar's one-off days.
//
// Day clocks are counted as in administrative procedure: the day of receipt (start's date in loc) does
// not count. Calendar days: the due date is that date plus Length days and,
// if it is not a working day, the next working day. Working days: the due date is the Length-th working
// day after that date. Either way DueAt is 23:59:59 on the due date in loc (see Date.EndOfDayIn).
//
// Hour, minute and second clocks: DueAt is start plus the elapsed duration, whatever the day; DueDate is its date
// in loc.
//
// The clock should have passed Validate; an invalid clock gives a Deadline due at start.
func (c *Calendar) Deadline(start time.Time, clock Clock, loc *time.Location) Deadline {
	if loc == nil {
		loc = start.Location()
	}
	dl := Deadline{Start: start, Clock: clock}
	if !clock.valid() {
		dl.DueAt = start.In(loc)
		dl.DueDate = DateOf(start, loc)
		return dl
	}
	switch clock.Unit {
	case Hours, Minutes, Seconds:
		dl.DueAt = start.Add(clock.duration()).In(loc)
		dl.DueDate = DateOf(dl.DueAt, loc)
		return dl
	case CalendarDays:
		due := DateOf(start, loc).AddDays(clock.Length)
		if !c.IsWorkingDay(due) {
			from := due
			dl.MovedFrom = &from
			for ; !c.IsWorkingDay(due); due = due.AddDays(1) {
				dl.Skipped = append(dl.Skipped, c.skippedDay(due))
			}
		}
		dl.DueDate = due
	case WorkingDays:
		due, skipped := c.AddWorkingDays(DateOf(start, loc), clock.Length)
		if len(skipped) > 0 {
			dl.Skipped = make([]SkippedDay, len(skipped))
			for i, d := range skipped {
				dl.Skipped[i] = c.skippedDay(d)
			}
		}
		dl.DueDate = due
	}
	dl.DaysCounted = clock.Length
	dl.DueAt = dl.DueDate.EndOfDayIn(loc)
	return dl
}

// skippedDay explains why d is not a working day.
func (c *Calendar) skippedDay(d Date) SkippedDay {
	if h, ok := c.holidayOn(d); ok {
		return SkippedDay{Date: d, Reason: h.Name}
	}
	return SkippedDay{Date: d, Reason: d.Weekday().String()}
}
