package domain

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ClockChangeKind is what a ClockChange does to a clock.
type ClockChangeKind string

// Kinds of clock changes.
const (
	ClockExtended  ClockChangeKind = "extended"  // the deadline moves later by By
	ClockSuspended ClockChangeKind = "suspended" // the clock stops, keeping the time it had left
	ClockResumed   ClockChangeKind = "resumed"   // the clock runs again with the time it had left
)

// ClockSource says who stopped a clock. A clock stopped by several sources runs again only when each
// of them has resumed it.
type ClockSource string

// Sources of suspensions.
const (
	SourceCase          ClockSource = "case"          // staff suspended this case's clock
	SourceClarification ClockSource = "clarification" // the requester is completing the request
	SourceGlobal        ClockSource = "global"        // every clock at once (a decree)
)

// ClockChange is an extension, suspension or resumption of a case's clock.
type ClockChange struct {
	Kind   ClockChangeKind `json:"kind"`
	Source ClockSource     `json:"source"`
	At     time.Time       `json:"at"`
	// By is the extension's length, counted like the clock.
	By     Clock  `json:"by,omitzero"`
	Reason string `json:"reason,omitempty"`
	// Revision, for global changes, is the position of the change in ClocksStream plus one.
	Revision uint64 `json:"revision,omitempty"`
	// DueAt and DueDate are the due instant and date after the change (while suspended: before it resumes),
	// moved to the next working day as the Deadline's are; MovedFrom is then the date the clock ran out.
	// PreviousDueAt is the due instant before the change. Left is set while the clock is stopped: the time
	// it has left.
	DueAt         time.Time  `json:"dueAt,omitzero"`
	DueDate       Date       `json:"dueDate,omitzero"`
	MovedFrom     *Date      `json:"movedFrom,omitempty"`
	PreviousDueAt time.Time  `json:"previousDueAt,omitzero"`
	Left          *ClockLeft `json:"left,omitempty"`
}

// ClockLeft is the time a stopped clock has left: days (calendar or working, like the clock) or a duration.
type ClockLeft struct {
	Days     int           `json:"days,omitempty"`
	Duration time.Duration `json:"duration,omitempty"`
}

// String returns e.g. "12 days" or "3h0m0s".
func (l ClockLeft) String() string {
	if l.Duration != 0 {
		return l.Duration.String()
	}
	if l.Days == 1 {
		return "1 day"
	}
	return strconv.Itoa(l.Days) + " days"
}

// Extended returns the total length of the extensions applied, counted like the clock.
func (d *Deadline) Extended() int {
	n := 0
	for _, c := range d.Changes {
		if c.Kind == ClockExtended {
			n += c.By.Length
		}
	}
	return n
}

// SuspendedBy reports whether the clock is stopped by source.
func (d *Deadline) SuspendedBy(source ClockSource) bool {
	return slices.Contains(d.suspenders(), source)
}

// stoppedAt returns when the clock last stopped, or the zero time when it runs.
func (d *Deadline) stoppedAt() time.Time {
	var at time.Time
	for i, ch := range d.Changes {
		switch {
		case ch.Left == nil:
			at = time.Time{}
		case i == 0 || d.Changes[i-1].Left == nil:
			at = ch.At
		}
	}
	return at
}

// suspenders returns the sources that hold the clock stopped.
func (d *Deadline) suspenders() []ClockSource {
	var held []ClockSource
	for _, c := range d.Changes {
		switch c.Kind {
		case ClockSuspended:
			if !slices.Contains(held, c.Source) {
				held = append(held, c.Source)
			}
		case ClockResumed:
			held = slices.DeleteFunc(held, func(s ClockSource) bool { return s == c.Source })
		}
	}
	return held
}

// DeadlineWith computes when clock, started at start, runs out after the changes, applied in order:
//
//   - An extension moves the raw due date (before any move to a working day) later by its length,
//     counted like the clock; while the clock is stopped it adds to the time left.
//   - For a working-day clock, Skipped keeps the non-working days passed over while the clock ran: those
//     after a suspension's day are dropped, those after a resumption's day are added.
//   - A suspension stops the clock: the time left is what remained from the suspension's day to the raw
//     due date (calendar days, working days after that day, or the exact duration for hour, minute and
//     second clocks). A clock already stopped by another source stays stopped.
//     A clock stopped after its due instant had passed has nothing left: it resumes still due when it
//     was, unless an extension while it stood still gave it time.
//   - A resumption by the last source holding the clock restarts it from the resumption's day with the
//     time it had left: the same count of days after that day, or the same duration after that instant.
//
// A calendar-day deadline that ends on a non-working day then moves to the next working day, as in
// Deadline. While stopped, the result has Suspended set, Left, and the due instant it had when it stopped.
func (c *Calendar) DeadlineWith(start time.Time, clock Clock, changes []ClockChange, loc *time.Location) Deadline {
	dl := c.Deadline(start, clock, loc)
	if len(changes) == 0 || !clock.valid() {
		return dl
	}
	if loc == nil {
		loc = start.Location()
	}
	// raw is the due date before any move to a working day; rawAt the due instant of time clocks.
	raw := dl.DueDate
	if dl.MovedFrom != nil {
		raw = *dl.MovedFrom
	}
	rawAt := dl.DueAt
	var skipped []SkippedDay
	if clock.Unit == WorkingDays {
		skipped = slices.Clone(dl.Skipped)
	}
	previous := dl.DueAt
	var held []ClockSource
	var left ClockLeft
	expired := false // the clock was stopped after it had run out
	counted := clock.Length
	applied := make([]ClockChange, 0, len(changes))
	for _, ch := range changes {
		stopped := len(held) > 0
		switch ch.Kind {
		case ClockExtended:
			counted += ch.By.Length
			if stopped {
				if clock.Unit == Hours || clock.Unit == Minutes || clock.Unit == Seconds {
					left.Duration += ch.By.duration()
				} else {
					left.Days += ch.By.Length
				}
				expired = false
				break
			}
			switch clock.Unit {
			case CalendarDays:
				raw = raw.AddDays(ch.By.Length)
			case WorkingDays:
				var s []Date
				raw, s = c.AddWorkingDays(raw, ch.By.Length)
				skipped = append(skipped, c.skippedDays(s)...)
			default:
				rawAt = rawAt.Add(ch.By.duration())
			}
		case ClockSuspended:
			if !slices.Contains(held, ch.Source) {
				held = append(held, ch.Source)
			}
			if stopped {
				break
			}
			expired = ch.At.After(previous)
			day := DateOf(ch.At, loc)
			switch clock.Unit {
			case CalendarDays:
				left = ClockLeft{Days: max(0, int(raw.days()-day.days()))}
			case WorkingDays:
				left = ClockLeft{Days: c.workingDaysBetween(day, raw)}
				// Days after the suspension's were not passed over: the clock stood still.
				skipped = slices.DeleteFunc(skipped, func(s SkippedDay) bool { return s.Date.After(day) })
			default:
				left = ClockLeft{Duration: max(0, rawAt.Sub(ch.At))}
			}
		case ClockResumed:
			if !slices.Contains(held, ch.Source) {
				break
			}
			held = slices.DeleteFunc(held, func(s ClockSource) bool { return s == ch.Source })
			if len(held) > 0 {
				break
			}
			if expired { // a clock that had run out stays run out
				expired, left = false, ClockLeft{}
				break
			}
			day := DateOf(ch.At, loc)
			switch clock.Unit {
			case CalendarDays:
				raw = day.AddDays(left.Days)
			case WorkingDays:
				var s []Date
				raw, s = c.AddWorkingDays(day, left.Days)
				skipped = append(skipped, c.skippedDays(s)...)
			default:
				rawAt = ch.At.Add(left.Duration)
			}
			left = ClockLeft{}
		}
		// Record what the change did.
		ch.PreviousDueAt, ch.MovedFrom, ch.Left = previous, nil, nil
		switch clock.Unit {
		case Hours, Minutes, Seconds:
			ch.DueAt, ch.DueDate = rawAt.In(loc), DateOf(rawAt, loc)
		case CalendarDays:
			due := c.NextWorkingDay(raw)
			if !due.Equal(raw) {
				from := raw
				ch.MovedFrom = &from
			}
			ch.DueDate, ch.DueAt = due, due.EndOfDayIn(loc)
		default:
			ch.DueDate, ch.DueAt = raw, raw.EndOfDayIn(loc)
		}
		previous = ch.DueAt
		if len(held) > 0 {
			l := left
			ch.Left = &l
		}
		applied = append(applied, ch)
	}

	out := Deadline{Start: dl.Start, Clock: clock, Changes: applied, DaysCounted: counted}
	switch clock.Unit {
	case Hours, Minutes, Seconds:
		out.DaysCounted = 0
		out.DueAt = rawAt.In(loc)
		out.DueDate = DateOf(out.DueAt, loc)
	case CalendarDays:
		due := raw
		if !c.IsWorkingDay(due) {
			from := due
			out.MovedFrom = &from
			for ; !c.IsWorkingDay(due); due = due.AddDays(1) {
				out.Skipped = append(out.Skipped, c.skippedDay(due))
			}
		}
		out.DueDate = due
		out.DueAt = due.EndOfDayIn(loc)
	case WorkingDays:
		out.Skipped = skipped
		out.DueDate = raw
		out.DueAt = raw.EndOfDayIn(loc)
	}
	if len(held) > 0 {
		out.Suspended = true
		l := left
		out.Left = &l
	}
	return out
}

// skippedDays explains each day of days.
func (c *Calendar) skippedDays(days []Date) []SkippedDay {
	out := make([]SkippedDay, len(days))
	for i, d := range days {
		out[i] = c.skippedDay(d)
	}
	return out
}

// workingDaysBetween counts the working days after from up to and including to (0 when to is not after from).
func (c *Calendar) workingDaysBetween(from, to Date) int {
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// UnmarshalJSON reads a clock written either as {"length": 60, "unit": "calendar_days"} (how events
// store it) or in its short form "60d" (how people write it in a policy file). A length of 0 is read
// (offsets such as "0m" use it); Validate decides whether it is allowed.
func (c *Clock) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		parsed, err := parseClock(s)
		if err != nil {
			return err
		}
		*c = parsed
		return nil
	}
	type plain Clock
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*c = Clock(p)
	return nil
}

// parseClock reads the short form of a clock, allowing a length of 0.
func parseClock(s string) (Clock, error) {
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
		return Clock{Length: n, Unit: u.unit}, nil
	}
	return Clock{}, Errorf(EINVALID, "invalid clock %q: want a number and a unit, e.g. 60d, 15wd, 48h or 30m", s)
}

// ValidateOffset is Validate for offsets from a due instant (reminders, escalation steps), which may be 0.
func (c Clock) ValidateOffset() error {
	if c.Length == 0 {
		c.Length = 1
	}
	return c.Validate()
}
