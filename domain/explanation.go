package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Message is a sentence for people before it is formatted: a fixed English format string with fmt verbs,
// and its arguments. As with Error's Format, the format is the key under which the sentence is translated
// (package i18n); each language keeps its verbs in the same order.
//
// Arguments that are words to be translated have types of their own, whose String methods write them in
// English: time.Weekday, HolidayName, Amount, Span, SkippedDays, Note and ClockSources. Dates, times and
// free text written by people (the reasons of clock changes) are passed as they are shown in every
// language.
type Message struct {
	Format string
	Args   []any
}

// String returns the message in English.
func (m Message) String() string { return fmt.Sprintf(m.Format, m.Args...) }

// The formats of the sentences of Deadline.Explanation, by the part of the explanation they make.
// Where the English needs no verb for an optional part (a note, a list of days, a move), each variant
// is a format of its own, so that every language can write it whole.
const (
	// How the clock first ran: its length, the date (or instant) it started from, the day it ends on,
	// and that day's weekday.
	fmtInvalidClock        = "Invalid clock %q: due at the start, %s."
	fmtTimed               = "%s from %s end at %s; hours and minutes run on weekends and holidays too."
	fmtEnds                = "%s from %s end on %s, a %s."
	fmtEndsMoved           = "%s from %s end on %s, a %s; moved to the next working day %s."
	fmtEndsMovedOver       = "%s from %s end on %s, a %s; moved to the next working day %s, passing over %s."
	fmtEndsOnHoliday       = "%s from %s end on %s, a %s (%s); moved to the next working day %s."
	fmtEndsOnHolidayOver   = "%s from %s end on %s, a %s (%s); moved to the next working day %s, passing over %s."
	fmtEndsNotCounted      = "%s from %s end on %s, a %s; not counted: %s."
	fmtFrom                = "%s from %s."
	fmtDueBy               = "Due by %s on %s."
	fmtDueAt               = "Due at %s."
	fmtNotCounted          = "Not counted: %s."
	fmtPassedOver          = "Passed over: %s."
	fmtSuspendedLeftOne    = "The clock is suspended; %s is left."
	fmtSuspendedLeft       = "The clock is suspended; %s are left."
	fmtExtendedStopped     = "Extended by %s on %s while the clock was stopped: %s left."
	fmtExtendedStoppedNote = "Extended by %s on %s %s while the clock was stopped: %s left."
	fmtExtended            = "Extended by %s on %s: due %s."
	fmtExtendedNote        = "Extended by %s on %s %s: due %s."
	fmtExtendedMoved       = "Extended by %s on %s: due %s, moved to the next working day %s."
	fmtExtendedMovedNote   = "Extended by %s on %s %s: due %s, moved to the next working day %s."
	fmtSuspendedAgain      = "Suspended on %s; the clock was already stopped."
	fmtSuspendedAgainNote  = "Suspended on %s %s; the clock was already stopped."
	fmtSuspendedLate       = "Suspended on %s after the deadline had passed."
	fmtSuspendedLateNote   = "Suspended on %s %s after the deadline had passed."
	fmtSuspendedWith       = "Suspended on %s with %s left."
	fmtSuspendedWithNote   = "Suspended on %s %s with %s left."
	fmtSuspended           = "Suspended on %s."
	fmtSuspendedNote       = "Suspended on %s %s."
	fmtResumedNoop         = "Resumed on %s, which had not stopped the clock: no change."
	fmtResumedNoopNote     = "Resumed on %s %s, which had not stopped the clock: no change."
	fmtResumedHeld         = "Resumed on %s; still stopped (%s)."
	fmtResumedHeldNote     = "Resumed on %s %s; still stopped (%s)."
	fmtResumed             = "Resumed on %s: due %s."
	fmtResumedNote         = "Resumed on %s %s: due %s."
	fmtResumedMoved        = "Resumed on %s: due %s, moved to the next working day %s."
	fmtResumedMovedNote    = "Resumed on %s %s: due %s, moved to the next working day %s."
	fmtUnknownChange       = "Unknown change %q on %s."
)

// explanationFormats lists the formats above.
var explanationFormats = [...]string{
	fmtInvalidClock, fmtTimed, fmtEnds, fmtEndsMoved, fmtEndsMovedOver, fmtEndsOnHoliday, fmtEndsOnHolidayOver,
	fmtEndsNotCounted, fmtFrom, fmtDueBy, fmtDueAt, fmtNotCounted, fmtPassedOver, fmtSuspendedLeftOne,
	fmtSuspendedLeft, fmtExtendedStopped, fmtExtendedStoppedNote, fmtExtended, fmtExtendedNote, fmtExtendedMoved,
	fmtExtendedMovedNote, fmtSuspendedAgain, fmtSuspendedAgainNote, fmtSuspendedLate, fmtSuspendedLateNote,
	fmtSuspendedWith, fmtSuspendedWithNote, fmtSuspended, fmtSuspendedNote, fmtResumedNoop, fmtResumedNoopNote,
	fmtResumedHeld, fmtResumedHeldNote, fmtResumed, fmtResumedNote, fmtResumedMoved, fmtResumedMovedNote,
	fmtUnknownChange,
}

// ExplanationFormats returns every format that Deadline.Explanation uses, for the check that each has
// a translation.
func ExplanationFormats() []string { return slices.Clone(explanationFormats[:]) }

// Layouts of the instants in explanations.
const (
	minuteLayout = "2006-01-02 15:04 MST"    // the instants of hour, minute and second clocks
	secondLayout = "2006-01-02 15:04:05 MST" // the due instant of an invalid clock
	dueLayout    = "15:04:05 MST"            // the time of day a day clock is due by
)

// Amount is a count of a clock's unit, in words: "60 calendar days", "1 working day", "48 hours".
type Amount struct {
	Count int
	Unit  ClockUnit
}

// String returns the amount in English, e.g. "60 calendar days" or "1 hour"; an unknown unit in the
// short form of a clock.
func (a Amount) String() string {
	var one, many string
	switch a.Unit {
	case CalendarDays:
		one, many = "calendar day", "calendar days"
	case WorkingDays:
		one, many = "working day", "working days"
	case Hours:
		one, many = "hour", "hours"
	case Minutes:
		one, many = "minute", "minutes"
	case Seconds:
		one, many = "second", "seconds"
	default:
		return Clock{Length: a.Count, Unit: a.Unit}.String()
	}
	return countEnglish(a.Count, one, many)
}

// countEnglish returns "1 hour" or "n hours".
func countEnglish(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Span is the time left on an hour, minute or second clock, in words: hours, minutes and seconds, rounded to
// the second, e.g. "22 hours and 45 minutes"; "0 minutes" when nothing is left.
type Span time.Duration

// Parts returns the span rounded to the second in whole hours, minutes and seconds. A negative span
// has no parts.
func (s Span) Parts() (hours, minutes, seconds int) {
	rest := max(0, time.Duration(s).Round(time.Second))
	hours = int(rest / time.Hour)
	rest -= time.Duration(hours) * time.Hour
	minutes = int(rest / time.Minute)
	rest -= time.Duration(minutes) * time.Minute
	return hours, minutes, int(rest / time.Second)
}

// String returns the span in English, e.g. "1 hour and 2 minutes".
func (s Span) String() string {
	h, m, sec := s.Parts()
	var parts []string
	for _, p := range []struct {
		n         int
		one, many string
	}{{h, "hour", "hours"}, {m, "minute", "minutes"}, {sec, "second", "seconds"}} {
		if p.n > 0 {
			parts = append(parts, countEnglish(p.n, p.one, p.many))
		}
	}
	if len(parts) == 0 {
		return "0 minutes"
	}
	return joinEnglish(parts)
}

// one reports whether the English amount of time left is singular ("1 calendar day is left").
func one(left any) bool {
	switch l := left.(type) {
	case Amount:
		return l.Count == 1
	case Span:
		h, m, s := l.Parts()
		return h+m+s == 1
	}
	return false
}

// joinEnglish joins items as "a", "a and b" or "a, b and c".
func joinEnglish(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// SundayShiftFormat is the name of the working day taken off in place of a state holiday that falls on a
// Sunday, with the holiday's name for the verb.
const SundayShiftFormat = "%s (moved from Sunday)"

// HolidayName is the name of a non-working day in an explanation: a state holiday's English name (under
// which it is translated), a one-off day's name as it was published, a Sunday shift (SundayShiftFormat),
// or, for a day passed over only because it is a weekend day, "Saturday" or "Sunday".
type HolidayName string

// SundayShift returns the name of the state holiday that n replaces, when n names a Sunday shift.
func (n HolidayName) SundayShift() (HolidayName, bool) {
	base, ok := strings.CutSuffix(string(n), strings.TrimPrefix(SundayShiftFormat, "%s"))
	return HolidayName(base), ok && base != ""
}

// SkippedDays are non-working days passed over, in words: "2026-03-14 (Saturday), 2026-03-15 (Sunday)
// and 2026-03-16 (...)". Each Reason is a HolidayName.
type SkippedDays []SkippedDay

// String returns the days in English.
func (s SkippedDays) String() string {
	items := make([]string, len(s))
	for i, d := range s {
		items[i] = d.Date.String() + " (" + d.Reason + ")"
	}
	return joinEnglish(items)
}

// Note says in parentheses what a clock change came from and why: "(by staff: site visit)",
// "(clarification)", "(large request)". Source is empty for extensions, which show only their reason.
type Note struct {
	Source ClockSource
	Reason string
}

// newNote returns the note of a change, with the reason trimmed.
func newNote(source ClockSource, reason string) Note {
	return Note{Source: source, Reason: strings.TrimSpace(reason)}
}

// IsZero reports whether the note has nothing to say.
func (n Note) IsZero() bool { return n.Source.Label() == "" && n.Reason == "" }

// String returns the note in English, parentheses included.
func (n Note) String() string {
	label := n.Source.Label()
	switch {
	case label != "" && n.Reason != "":
		return "(" + label + ": " + n.Reason + ")"
	case label != "":
		return "(" + label + ")"
	}
	return "(" + n.Reason + ")"
}

// Label returns who stopped a clock, in English: "by staff", "clarification" or "all clocks"; another
// source as it is.
func (s ClockSource) Label() string {
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

// ClockSources are the sources that hold a clock stopped, in words: "all clocks and clarification".
type ClockSources []ClockSource

// String returns the sources' labels in English.
func (s ClockSources) String() string {
	labels := make([]string, len(s))
	for i, src := range s {
		labels[i] = src.Label()
	}
	return joinEnglish(labels)
}

// Explain returns a short English account of how the deadline was computed: the sentences of
// Explanation, joined by spaces. For example "60 calendar days from 2026-01-13 end on 2026-03-14, a
// Saturday; moved to the next working day 2026-03-16, passing over 2026-03-14 (Saturday) and
// 2026-03-15 (Sunday). Due by 23:59:59 CET on 2026-03-16."
func (d Deadline) Explain() string {
	msgs := d.Explanation()
	sentences := make([]string, len(msgs))
	for i, m := range msgs {
		sentences[i] = m.String()
	}
	return strings.Join(sentences, " ")
}

// Explanation returns how the deadline was computed, one Message per sentence: how the clock first ran
// (its length, start, end and any move off a non-working day); for a deadline with Changes, each
// extension, suspension and resumption in order, e.g. "Extended by 10 calendar days on 2026-03-02
// (large request): due 2026-03-24." or "Suspended on 2026-03-05 (clarification) with 12 calendar days
// left."; then where it stands: the non-working days passed over and when it is due, or "The clock is
// suspended; 12 calendar days are left."
func (d Deadline) Explanation() []Message {
	loc := d.DueAt.Location()
	if !d.Clock.valid() {
		return []Message{msg(fmtInvalidClock, d.Clock.String(), d.DueAt.Format(secondLayout))}
	}
	if len(d.Changes) > 0 {
		return d.explainChanged(loc)
	}
	length := Amount{Count: d.Clock.Length, Unit: d.Clock.Unit}
	start := DateOf(d.Start, loc)
	var first Message
	switch d.Clock.Unit {
	case Hours, Minutes, Seconds:
		return []Message{msg(fmtTimed, length, d.Start.In(loc).Format(minuteLayout), d.DueAt.Format(minuteLayout))}
	case CalendarDays:
		if d.MovedFrom == nil {
			first = msg(fmtEnds, length, start, d.DueDate, d.DueDate.Weekday())
			break
		}
		from := *d.MovedFrom
		over := len(d.Skipped) > 1
		if len(d.Skipped) > 0 && d.Skipped[0].Date.Equal(from) && !isWeekdayName(d.Skipped[0].Reason) {
			holiday := HolidayName(d.Skipped[0].Reason)
			if over {
				first = msg(fmtEndsOnHolidayOver, length, start, from, from.Weekday(), holiday, d.DueDate, SkippedDays(d.Skipped))
			} else {
				first = msg(fmtEndsOnHoliday, length, start, from, from.Weekday(), holiday, d.DueDate)
			}
		} else if over {
			first = msg(fmtEndsMovedOver, length, start, from, from.Weekday(), d.DueDate, SkippedDays(d.Skipped))
		} else {
			first = msg(fmtEndsMoved, length, start, from, from.Weekday(), d.DueDate)
		}
	case WorkingDays:
		if len(d.Skipped) > 0 {
			first = msg(fmtEndsNotCounted, length, start, d.DueDate, d.DueDate.Weekday(), SkippedDays(d.Skipped))
		} else {
			first = msg(fmtEnds, length, start, d.DueDate, d.DueDate.Weekday())
		}
	}
	return []Message{first, msg(fmtDueBy, d.DueAt.Format(dueLayout), d.DueDate)}
}

// msg returns a Message.
func msg(format string, args ...any) Message { return Message{Format: format, Args: args} }

func isWeekdayName(s string) bool {
	return s == time.Saturday.String() || s == time.Sunday.String()
}

// explainChanged returns the explanation of a deadline with changes (see Explanation).
func (d Deadline) explainChanged(loc *time.Location) []Message {
	timed := d.Clock.Unit == Hours || d.Clock.Unit == Minutes || d.Clock.Unit == Seconds
	first := d.Changes[0]
	length := Amount{Count: d.Clock.Length, Unit: d.Clock.Unit}
	var msgs []Message
	switch d.Clock.Unit {
	case Hours, Minutes, Seconds:
		msgs = append(msgs, msg(fmtTimed, length, d.Start.In(loc).Format(minuteLayout),
			d.Start.Add(d.Clock.duration()).In(loc).Format(minuteLayout)))
	case CalendarDays:
		start := DateOf(d.Start, loc)
		end := start.AddDays(d.Clock.Length)
		if !first.PreviousDueAt.IsZero() {
			if due := DateOf(first.PreviousDueAt, loc); !due.Equal(end) {
				msgs = append(msgs, msg(fmtEndsMoved, length, start, end, end.Weekday(), due))
				break
			}
		}
		msgs = append(msgs, msg(fmtEnds, length, start, end, end.Weekday()))
	case WorkingDays:
		start := DateOf(d.Start, loc)
		if first.PreviousDueAt.IsZero() {
			msgs = append(msgs, msg(fmtFrom, length, start))
			break
		}
		end := DateOf(first.PreviousDueAt, loc)
		msgs = append(msgs, msg(fmtEnds, length, start, end, end.Weekday()))
	}

	when := func(t time.Time) string {
		if timed {
			return t.In(loc).Format(minuteLayout)
		}
		return DateOf(t, loc).String()
	}
	// due returns the message for a change that set a new due date: plain, or moved off a non-working day.
	due := func(ch ClockChange, plain, moved string, head ...any) Message {
		switch {
		case timed:
			return msg(plain, append(head, ch.DueAt.In(loc).Format(minuteLayout))...)
		case ch.MovedFrom != nil:
			return msg(moved, append(head, *ch.MovedFrom, ch.DueDate)...)
		}
		return msg(plain, append(head, ch.DueDate)...)
	}
	// noted returns the message in its variant with the note, or without it when the note is empty.
	noted := func(note Note, without, with string, at string, rest ...any) Message {
		if note.IsZero() {
			return msg(without, append([]any{at}, rest...)...)
		}
		return msg(with, append([]any{at, note}, rest...)...)
	}
	var held []ClockSource
	for _, ch := range d.Changes {
		stopped := len(held) > 0
		at := when(ch.At)
		switch ch.Kind {
		case ClockExtended:
			note := newNote("", ch.Reason)
			by := Amount{Count: ch.By.Length, Unit: ch.By.Unit}
			switch {
			case stopped && ch.Left != nil && note.IsZero():
				msgs = append(msgs, msg(fmtExtendedStopped, by, at, d.left(*ch.Left)))
			case stopped && ch.Left != nil:
				msgs = append(msgs, msg(fmtExtendedStoppedNote, by, at, note, d.left(*ch.Left)))
			case note.IsZero():
				msgs = append(msgs, due(ch, fmtExtended, fmtExtendedMoved, by, at))
			default:
				msgs = append(msgs, due(ch, fmtExtendedNote, fmtExtendedMovedNote, by, at, note))
			}
		case ClockSuspended:
			if !slices.Contains(held, ch.Source) {
				held = append(held, ch.Source)
			}
			note := newNote(ch.Source, ch.Reason)
			switch {
			case stopped:
				msgs = append(msgs, noted(note, fmtSuspendedAgain, fmtSuspendedAgainNote, at))
			case !ch.PreviousDueAt.IsZero() && ch.At.After(ch.PreviousDueAt):
				msgs = append(msgs, noted(note, fmtSuspendedLate, fmtSuspendedLateNote, at))
			case ch.Left != nil:
				msgs = append(msgs, noted(note, fmtSuspendedWith, fmtSuspendedWithNote, at, d.left(*ch.Left)))
			default:
				msgs = append(msgs, noted(note, fmtSuspended, fmtSuspendedNote, at))
			}
		case ClockResumed:
			note := newNote(ch.Source, ch.Reason)
			if !slices.Contains(held, ch.Source) {
				msgs = append(msgs, noted(note, fmtResumedNoop, fmtResumedNoopNote, at))
				break
			}
			held = slices.DeleteFunc(held, func(s ClockSource) bool { return s == ch.Source })
			switch {
			case len(held) > 0:
				msgs = append(msgs, noted(note, fmtResumedHeld, fmtResumedHeldNote, at, slices.Clone(ClockSources(held))))
			case note.IsZero():
				msgs = append(msgs, due(ch, fmtResumed, fmtResumedMoved, at))
			default:
				msgs = append(msgs, due(ch, fmtResumedNote, fmtResumedMovedNote, at, note))
			}
		default:
			msgs = append(msgs, msg(fmtUnknownChange, string(ch.Kind), at))
		}
	}

	if d.Suspended {
		left := d.left(ClockLeft{})
		if d.Left != nil {
			left = d.left(*d.Left)
		}
		if one(left) {
			return append(msgs, msg(fmtSuspendedLeftOne, left))
		}
		return append(msgs, msg(fmtSuspendedLeft, left))
	}
	if timed {
		return append(msgs, msg(fmtDueAt, d.DueAt.Format(minuteLayout)))
	}
	if len(d.Skipped) > 0 {
		if d.Clock.Unit == WorkingDays {
			msgs = append(msgs, msg(fmtNotCounted, SkippedDays(d.Skipped)))
		} else {
			msgs = append(msgs, msg(fmtPassedOver, SkippedDays(d.Skipped)))
		}
	}
	return append(msgs, msg(fmtDueBy, d.DueAt.Format(dueLayout), d.DueDate))
}

// left returns the time a stopped clock has left, counted like the clock: an Amount of calendar or
// working days, or a Span.
func (d Deadline) left(l ClockLeft) any {
	if d.Clock.Unit != Hours && d.Clock.Unit != Minutes && d.Clock.Unit != Seconds {
		return Amount{Count: l.Days, Unit: d.Clock.Unit}
	}
	return Span(l.Duration)
}
