package domain

import (
	"slices"
	"strconv"
	"time"
)

// NotifyHour is the hour of the working morning at which day-counted reminders and escalations go out.
const NotifyHour = 8

// PlannedStep is a reminder or an escalation that a request's workflow delivers at At.
type PlannedStep struct {
	At   time.Time        `json:"at"`
	Kind NotificationKind `json:"kind"`
	// Step is, from 1, the reminder's number in the order reminders go out, or the escalation's step in
	// the order the policy's ladder lists them.
	Step  int             `json:"step"`
	Level EscalationLevel `json:"level"`
}

// PlanRequest returns when a request due at dueAt is reminded and escalated under policy p, sorted by
// time (reminders before escalations at the same instant), every instant in loc, the municipality's
// location (dueAt's own when nil). A zero dueAt plans nothing. It is a pure function of its arguments and
// the calendar's one-off days.
//
// Reminders go to the head of the sector asked (LevelHead), at their offset before the due instant:
//   - an hour, minute or second offset: dueAt minus the offset;
//   - N calendar days: 08:00 on the due date minus N days, or on the working day before it if that is
//     not a working day;
//   - N working days: 08:00 on the N-th working day before the due date.
//
// They are numbered in the order they go out. The escalation ladder is climbed after the due instant,
// its steps numbered in the policy's order:
//   - an offset of 0 (in any unit): the first second after dueAt;
//   - an hour, minute or second offset: dueAt plus the offset;
//   - N calendar days: 08:00 on the due date plus N days, or on the next working day if that is not one;
//   - N working days: 08:00 on the N-th working day after the due date.
//
// No escalation is planned before the first second after dueAt.
func (c *Calendar) PlanRequest(dueAt time.Time, p RequestPolicy, loc *time.Location) []PlannedStep {
	if dueAt.IsZero() {
		return nil
	}
	if loc == nil {
		loc = dueAt.Location()
	}
	dueAt = dueAt.In(loc)
	due := DateOf(dueAt, loc)
	morning := func(d Date) time.Time { return time.Date(d.Year, d.Month, d.Day, NotifyHour, 0, 0, 0, loc) }
	steps := make([]PlannedStep, 0, len(p.Reminders)+len(p.Escalation))

	for _, r := range p.Reminders {
		var at time.Time
		switch r.Unit {
		case Hours, Minutes, Seconds:
			at = dueAt.Add(-r.duration())
		case CalendarDays:
			d := due.AddDays(-r.Length)
			for !c.IsWorkingDay(d) {
				d = d.AddDays(-1)
			}
			at = morning(d)
		case WorkingDays:
			d, _ := c.AddWorkingDays(due, -r.Length)
			at = morning(d)
		default:
			continue // an invalid policy: Policy.Validate rejects it
		}
		steps = append(steps, PlannedStep{At: at, Kind: NotifyReminder, Level: LevelHead})
	}
	// Reminders are numbered in the order they go out, whatever the order of the policy's list.
	slices.SortStableFunc(steps, func(a, b PlannedStep) int { return a.At.Compare(b.At) })
	for i := range steps {
		steps[i].Step = i + 1
	}

	afterDue := dueAt.Add(time.Second)
	for i, s := range p.Escalation {
		at := afterDue
		if s.After.Length > 0 {
			switch s.After.Unit {
			case Hours, Minutes, Seconds:
				at = dueAt.Add(s.After.duration())
			case CalendarDays:
				at = morning(c.NextWorkingDay(due.AddDays(s.After.Length)))
			case WorkingDays:
				d, _ := c.AddWorkingDays(due, s.After.Length)
				at = morning(d)
			default:
				continue
			}
		}
		if at.Before(afterDue) {
			at = afterDue
		}
		steps = append(steps, PlannedStep{At: at, Kind: NotifyEscalation, Step: i + 1, Level: s.To})
	}

	// Reminders come first in steps, so a stable sort keeps them before escalations at the same instant.
	slices.SortStableFunc(steps, func(a, b PlannedStep) int { return a.At.Compare(b.At) })
	return steps
}

// NotificationID returns the ID of a request's reminder or escalation: the same on every retry and replay,
// different for every case, request, generation, kind and step.
func NotificationID(caseID, requestID string, generation int, kind NotificationKind, step int) string {
	return DeterministicID("notification", caseID, requestID, strconv.Itoa(generation), string(kind), strconv.Itoa(step))
}
