package domain

import (
	"slices"
	"strconv"
	"strings"
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
// (hours) or "30m" (minutes). It returns an EINVALID error for anything else.
func ParseClock(s string) (Clock, error) {
	t := strings.TrimSpace(s)
	for _, u := range clockSuffixes {
		num, ok := strings.CutSuffix(t, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil || num == "" || num[0] < '0' || num[0] > '9' {
			break
		}
		c := Clock{Length: n, Unit: u.unit}
		if err := c.Validate(); err != nil {
			return Clock{}, err
		}
		return c, nil
	}
	return Clock{}, Errorf(EINVALID, "invalid clock %q: want a number and a unit, e.g. 60d, 15wd, 48h or 30m", s)
}

// Validate returns an EINVALID error (field "clock") unless the clock has a known unit and a length
// from 1 to MaxClockLength.
func (c Clock) Validate() error {
	switch c.Unit {
	case CalendarDays, WorkingDays, Hours, Minutes:
	default:
		return FieldErrorf("clock", "unknown clock unit %q: want %s, %s, %s or %s", c.Unit, CalendarDays, WorkingDays, Hours, Minutes)
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

// describe returns the clock in words, e.g. "60 calendar days" or "1 working day".
func (c Clock) describe() string {
	var one, many string
	switch c.Unit {
	case CalendarDays:
		one, many = "calendar day", "calendar days"
	case WorkingDays:
		one, many = "working day", "working days"
	case Hours:
		one, many = "hour", "hours"
	case Minutes:
		one, many = "minute", "minutes"
	default:
		return c.String()
	}
	if c.Length == 1 {
		return "1 " + one
	}
	return strconv.Itoa(c.Length) + " " + many
}

// duration returns the length of an hour or minute clock.
func (c Clock) duration() time.Duration {
	switch c.Unit {
	case Hours:
		return time.Duration(c.Length) * time.Hour
	case Minutes:
		return time.Duration(c.Length) * time.Minute
	}
	return 0
}

// SkippedDay is a non-working day that a deadline passed over.
type SkippedDay struct {
	Date Date `json:"date"`
	// Reason is the holiday's name, or "Saturday" or "Sunday".
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
	// DaysCounted is the number of days counted for a day clock (its length), 0 for hour and minute clocks.
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
// Hour and minute clocks: DueAt is start plus the elapsed duration, whatever the day; DueDate is its date
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
	case Hours, Minutes:
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

// Explain returns a short English account of how the deadline was computed, e.g. "60 calendar days
// from 2026-01-13 end on 2026-03-14, a Saturday; moved to the next working day 2026-03-16, passing over
// 2026-03-14 (Saturday) and 2026-03-15 (Sunday). Due by 23:59:59 CET on 2026-03-16."
//
// A deadline with Changes is explained as the clock first ran, then each change in order, e.g.
// "Extended by 10 calendar days on 2026-03-02 (large request): due 2026-03-24.", "Suspended on
// 2026-03-05 (clarification) with 12 calendar days left.", "Resumed on 2026-03-09 (clarification): due
// 2026-03-21, moved to the next working day 2026-03-23.", then where it stands: when it is due, or "The
// clock is suspended; 12 calendar days are left."
func (d Deadline) Explain() string {
	var b strings.Builder
	loc := d.DueAt.Location()
	if d.Clock.valid() && len(d.Changes) > 0 {
		d.explainChanged(&b, loc)
		return b.String()
	}
	if !d.Clock.valid() {
		b.WriteString("Invalid clock ")
		b.WriteString(strconv.Quote(d.Clock.String()))
		b.WriteString(": due at the start, ")
		b.WriteString(d.DueAt.Format("2006-01-02 15:04:05 MST"))
		b.WriteString(".")
		return b.String()
	}
	b.WriteString(d.Clock.describe())
	b.WriteString(" from ")
	switch d.Clock.Unit {
	case Hours, Minutes:
		b.WriteString(d.Start.In(loc).Format("2006-01-02 15:04 MST"))
		b.WriteString(" end at ")
		b.WriteString(d.DueAt.Format("2006-01-02 15:04 MST"))
		b.WriteString("; hours and minutes run on weekends and holidays too.")
		return b.String()
	case CalendarDays:
		b.WriteString(DateOf(d.Start, loc).String())
		if d.MovedFrom == nil {
			b.WriteString(" end on ")
			writeDay(&b, d.DueDate)
			b.WriteString(".")
			break
		}
		b.WriteString(" end on ")
		writeDay(&b, *d.MovedFrom)
		if len(d.Skipped) > 0 && d.Skipped[0].Date.Equal(*d.MovedFrom) && !isWeekdayName(d.Skipped[0].Reason) {
			b.WriteString(" (")
			b.WriteString(d.Skipped[0].Reason)
			b.WriteString(")")
		}
		b.WriteString("; moved to the next working day ")
		b.WriteString(d.DueDate.String())
		if len(d.Skipped) > 1 {
			b.WriteString(", passing over ")
			writeSkipped(&b, d.Skipped)
		}
		b.WriteString(".")
	case WorkingDays:
		b.WriteString(DateOf(d.Start, loc).String())
		b.WriteString(" end on ")
		writeDay(&b, d.DueDate)
		if len(d.Skipped) > 0 {
			b.WriteString("; not counted: ")
			writeSkipped(&b, d.Skipped)
		}
		b.WriteString(".")
	}
	b.WriteString(" Due by ")
	b.WriteString(d.DueAt.Format("15:04:05 MST"))
	b.WriteString(" on ")
	b.WriteString(d.DueDate.String())
	b.WriteString(".")
	return b.String()
}

// writeDay writes "2026-03-14, a Saturday".
func writeDay(b *strings.Builder, d Date) {
	b.WriteString(d.String())
	b.WriteString(", a ")
	b.WriteString(d.Weekday().String())
}

// writeSkipped writes "2026-03-14 (Saturday), 2026-03-15 (Sunday) and 2026-03-16 (...)".
func writeSkipped(b *strings.Builder, days []SkippedDay) {
	for i, s := range days {
		switch {
		case i == 0:
		case i == len(days)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(s.Date.String())
		b.WriteString(" (")
		b.WriteString(s.Reason)
		b.WriteString(")")
	}
}

func isWeekdayName(s string) bool {
	return s == time.Saturday.String() || s == time.Sunday.String()
}

// minuteLayout writes the instants of hour and minute clocks.
const minuteLayout = "2006-01-02 15:04 MST"

// explainChanged writes the explanation of a deadline with changes (see Explain).
func (d Deadline) explainChanged(b *strings.Builder, loc *time.Location) {
	timed := d.Clock.Unit == Hours || d.Clock.Unit == Minutes
	first := d.Changes[0]
	b.WriteString(d.Clock.describe())
	b.WriteString(" from ")
	switch d.Clock.Unit {
	case Hours, Minutes:
		b.WriteString(d.Start.In(loc).Format(minuteLayout))
		b.WriteString(" end at ")
		b.WriteString(d.Start.Add(d.Clock.duration()).In(loc).Format(minuteLayout))
		b.WriteString("; hours and minutes run on weekends and holidays too.")
	case CalendarDays:
		start := DateOf(d.Start, loc)
		end := start.AddDays(d.Clock.Length)
		b.WriteString(start.String())
		b.WriteString(" end on ")
		writeDay(b, end)
		if !first.PreviousDueAt.IsZero() {
			if due := DateOf(first.PreviousDueAt, loc); !due.Equal(end) {
				b.WriteString("; moved to the next working day ")
				b.WriteString(due.String())
			}
		}
		b.WriteString(".")
	case WorkingDays:
		b.WriteString(DateOf(d.Start, loc).String())
		if !first.PreviousDueAt.IsZero() {
			b.WriteString(" end on ")
			writeDay(b, DateOf(first.PreviousDueAt, loc))
		}
		b.WriteString(".")
	}

	when := func(t time.Time) string {
		if timed {
			return t.In(loc).Format(minuteLayout)
		}
		return DateOf(t, loc).String()
	}
	due := func(ch ClockChange) string {
		switch {
		case timed:
			return ch.DueAt.In(loc).Format(minuteLayout)
		case ch.MovedFrom != nil:
			return ch.MovedFrom.String() + ", moved to the next working day " + ch.DueDate.String()
		}
		return ch.DueDate.String()
	}
	var held []ClockSource
	for _, ch := range d.Changes {
		stopped := len(held) > 0
		b.WriteString(" ")
		switch ch.Kind {
		case ClockExtended:
			b.WriteString("Extended by ")
			b.WriteString(ch.By.describe())
			b.WriteString(" on ")
			b.WriteString(when(ch.At))
			writeParenthesis(b, "", ch.Reason)
			if stopped && ch.Left != nil {
				b.WriteString(" while the clock was stopped: ")
				b.WriteString(d.describeLeft(*ch.Left))
				b.WriteString(" left.")
			} else {
				b.WriteString(": due ")
				b.WriteString(due(ch))
				b.WriteString(".")
			}
		case ClockSuspended:
			if !slices.Contains(held, ch.Source) {
				held = append(held, ch.Source)
			}
			b.WriteString("Suspended on ")
			b.WriteString(when(ch.At))
			writeParenthesis(b, sourceLabel(ch.Source), ch.Reason)
			switch {
			case stopped:
				b.WriteString("; the clock was already stopped.")
			case !ch.PreviousDueAt.IsZero() && ch.At.After(ch.PreviousDueAt):
				b.WriteString(" after the deadline had passed.")
			case ch.Left != nil:
				b.WriteString(" with ")
				b.WriteString(d.describeLeft(*ch.Left))
				b.WriteString(" left.")
			default:
				b.WriteString(".")
			}
		case ClockResumed:
			b.WriteString("Resumed on ")
			b.WriteString(when(ch.At))
			writeParenthesis(b, sourceLabel(ch.Source), ch.Reason)
			if !slices.Contains(held, ch.Source) {
				b.WriteString(", which had not stopped the clock: no change.")
				break
			}
			held = slices.DeleteFunc(held, func(s ClockSource) bool { return s == ch.Source })
			if len(held) > 0 {
				labels := make([]string, len(held))
				for i, s := range held {
					labels[i] = sourceLabel(s)
				}
				b.WriteString("; still stopped by ")
				b.WriteString(strings.Join(labels, " and "))
				b.WriteString(".")
				break
			}
			b.WriteString(": due ")
			b.WriteString(due(ch))
			b.WriteString(".")
		default:
			b.WriteString("Unknown change ")
			b.WriteString(strconv.Quote(string(ch.Kind)))
			b.WriteString(" on ")
			b.WriteString(when(ch.At))
			b.WriteString(".")
		}
	}

	b.WriteString(" ")
	if d.Suspended {
		left := ClockLeft{}
		if d.Left != nil {
			left = *d.Left
		}
		text := d.describeLeft(left)
		b.WriteString("The clock is suspended; ")
		b.WriteString(text)
		if strings.HasPrefix(text, "1 ") && !strings.Contains(text, " and ") {
			b.WriteString(" is left.")
		} else {
			b.WriteString(" are left.")
		}
		return
	}
	if timed {
		b.WriteString("Due at ")
		b.WriteString(d.DueAt.Format(minuteLayout))
		b.WriteString(".")
		return
	}
	if len(d.Skipped) > 0 {
		if d.Clock.Unit == WorkingDays {
			b.WriteString("Not counted: ")
		} else {
			b.WriteString("Passed over: ")
		}
		writeSkipped(b, d.Skipped)
		b.WriteString(". ")
	}
	b.WriteString("Due by ")
	b.WriteString(d.DueAt.Format("15:04:05 MST"))
	b.WriteString(" on ")
	b.WriteString(d.DueDate.String())
	b.WriteString(".")
}

// writeParenthesis writes " (label: reason)", " (label)", " (reason)" or nothing.
func writeParenthesis(b *strings.Builder, label, reason string) {
	reason = strings.TrimSpace(reason)
	if label == "" && reason == "" {
		return
	}
	b.WriteString(" (")
	b.WriteString(label)
	if label != "" && reason != "" {
		b.WriteString(": ")
	}
	b.WriteString(reason)
	b.WriteString(")")
}

// sourceLabel names who stopped a clock.
func sourceLabel(s ClockSource) string {
	switch s {
	case SourceCase:
		return "by staff"
	case SourceClarification:
		return "clarification"
	case SourceGlobal:
		return "all clocks"
	}
	return string(s)
}

// describeLeft writes the time a stopped clock has left, counted like the clock: "12 calendar days",
// "1 working day", "2 hours and 30 minutes".
func (d Deadline) describeLeft(l ClockLeft) string {
	if d.Clock.Unit != Hours && d.Clock.Unit != Minutes {
		return Clock{Length: l.Days, Unit: d.Clock.Unit}.describe()
	}
	var parts []string
	rest := l.Duration.Round(time.Second)
	for _, u := range []struct {
		size      time.Duration
		one, many string
	}{{time.Hour, "hour", "hours"}, {time.Minute, "minute", "minutes"}, {time.Second, "second", "seconds"}} {
		n := rest / u.size
		rest -= n * u.size
		switch {
		case n == 1:
			parts = append(parts, "1 "+u.one)
		case n > 1:
			parts = append(parts, strconv.FormatInt(int64(n), 10)+" "+u.many)
		}
	}
	switch len(parts) {
	case 0:
		return "0 minutes"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
