package domain_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

// changes builds clock changes at times in Europe/Skopje.
type changes struct {
	t   *testing.T
	loc *time.Location
}

func (c changes) at(s string) time.Time {
	c.t.Helper()
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout = time.DateTime // with seconds
	}
	t, err := time.ParseInLocation(layout, s, c.loc)
	if err != nil {
		c.t.Fatal(err)
	}
	return t
}

func (c changes) extend(at, by, reason string) domain.ClockChange {
	c.t.Helper()
	clock, err := domain.ParseClock(by)
	if err != nil {
		c.t.Fatal(err)
	}
	return domain.ClockChange{Kind: domain.ClockExtended, Source: domain.SourceCase, At: c.at(at), By: clock, Reason: reason}
}

func (c changes) suspend(at string, source domain.ClockSource, reason string) domain.ClockChange {
	return domain.ClockChange{Kind: domain.ClockSuspended, Source: source, At: c.at(at), Reason: reason}
}

func (c changes) resume(at string, source domain.ClockSource) domain.ClockChange {
	return domain.ClockChange{Kind: domain.ClockResumed, Source: source, At: c.at(at)}
}

func TestCalendar_DeadlineWith(t *testing.T) {
	skopje := mustLoadSkopje(t)
	cal := MustOpenCalendar(t) // with Ramazan Bajram on Friday 20 March 2026
	ch := changes{t, skopje}
	const (
		staff   = domain.SourceCase
		clarify = domain.SourceClarification
		global  = domain.SourceGlobal
	)

	for _, tt := range []struct {
		name    string
		start   string
		clock   string
		changes []domain.ClockChange
		// The result: due date (and instant for hour and minute clocks), the move and the days passed over.
		dueDate   string
		dueAt     string // "2006-01-02 15:04"; the end of dueDate when empty
		movedFrom string
		skipped   []string
		// While suspended: the time left.
		suspended bool
		leftDays  int
		leftDur   time.Duration
		// After each change: its due date and the time left (-1: running).
		changeDue  []string
		changeLeft []int
		explain    string
	}{
		{
			// 20 days from Monday 2 March end on Sunday 22 March (due Monday 23 March); 10 more end on 1 April.
			name: "OKExtendedCalendarDays", start: "2026-03-02 09:00", clock: "20d",
			changes: []domain.ClockChange{ch.extend("2026-03-10 12:00", "10d", "large request")},
			dueDate: "2026-04-01", changeDue: []string{"2026-04-01"}, changeLeft: []int{-1},
			explain: "20 calendar days from 2026-03-02 end on 2026-03-22, a Sunday; moved to the next working day 2026-03-23. " +
				"Extended by 10 calendar days on 2026-03-10 (large request): due 2026-04-01. Due by 23:59:59 CEST on 2026-04-01.",
		},
		{
			// An extension that ends on a Sunday moves to the Monday.
			name: "OKExtendedCalendarDaysOntoSunday", start: "2026-03-02 09:00", clock: "20d",
			changes: []domain.ClockChange{ch.extend("2026-03-10 12:00", "7d", "")},
			dueDate: "2026-03-30", movedFrom: "2026-03-29", skipped: []string{"2026-03-29 Sunday"},
			changeDue: []string{"2026-03-30"}, changeLeft: []int{-1},
			explain: "20 calendar days from 2026-03-02 end on 2026-03-22, a Sunday; moved to the next working day 2026-03-23. " +
				"Extended by 7 calendar days on 2026-03-10: due 2026-03-29, moved to the next working day 2026-03-30. " +
				"Passed over: 2026-03-29 (Sunday). Due by 23:59:59 CEST on 2026-03-30.",
		},
		{
			// 5 working days from Wednesday 8 April 2026 skip Easter Monday (13 April): due Thursday 16 April;
			// 3 more skip the weekend: due Tuesday 21 April.
			name: "OKExtendedWorkingDays", start: "2026-04-08 15:00", clock: "5wd",
			changes:   []domain.ClockChange{ch.extend("2026-04-14 09:00", "3wd", "the sector asked for more time")},
			dueDate:   "2026-04-21",
			skipped:   []string{"2026-04-11 Saturday", "2026-04-12 Sunday", "2026-04-13 Orthodox Easter Monday", "2026-04-18 Saturday", "2026-04-19 Sunday"},
			changeDue: []string{"2026-04-21"}, changeLeft: []int{-1},
			explain: "5 working days from 2026-04-08 end on 2026-04-16, a Thursday. " +
				"Extended by 3 working days on 2026-04-14 (the sector asked for more time): due 2026-04-21. " +
				"Not counted: 2026-04-11 (Saturday), 2026-04-12 (Sunday), 2026-04-13 (Orthodox Easter Monday), 2026-04-18 (Saturday) and 2026-04-19 (Sunday). " +
				"Due by 23:59:59 CEST on 2026-04-21.",
		},
		{
			name: "OKExtendedHours", start: "2026-03-13 16:00", clock: "48h",
			changes: []domain.ClockChange{ch.extend("2026-03-14 10:00", "4h", "the mayor is abroad")},
			dueDate: "2026-03-15", dueAt: "2026-03-15 20:00", changeDue: []string{"2026-03-15"}, changeLeft: []int{-1},
			explain: "48 hours from 2026-03-13 16:00 CET end at 2026-03-15 16:00 CET; hours and minutes run on weekends and holidays too. " +
				"Extended by 4 hours on 2026-03-14 10:00 CET (the mayor is abroad): due 2026-03-15 20:00 CET. Due at 2026-03-15 20:00 CET.",
		},
		{
			// Stopped on 5 March with 17 days left (to 22 March); still stopped.
			name: "OKSuspendedCalendarDays", start: "2026-03-02 09:00", clock: "20d",
			changes: []domain.ClockChange{ch.suspend("2026-03-05 10:00", clarify, "")},
			dueDate: "2026-03-23", movedFrom: "2026-03-22", skipped: []string{"2026-03-22 Sunday"},
			suspended: true, leftDays: 17, changeDue: []string{"2026-03-23"}, changeLeft: []int{17},
			explain: "20 calendar days from 2026-03-02 end on 2026-03-22, a Sunday; moved to the next working day 2026-03-23. " +
				"Suspended on 2026-03-05 (clarification) with 17 calendar days left. The clock is suspended; 17 calendar days are left.",
		},
		{
			// Resumed on 9 March with the 17 days it had left: due 26 March.
			name: "OKResumedCalendarDaysKeepTheTimeLeft", start: "2026-03-02 09:00", clock: "20d",
			changes: []domain.ClockChange{ch.suspend("2026-03-05 10:00", clarify, ""), ch.resume("2026-03-09 11:00", clarify)},
			dueDate: "2026-03-26", changeDue: []string{"2026-03-23", "2026-03-26"}, changeLeft: []int{17, -1},
			explain: "20 calendar days from 2026-03-02 end on 2026-03-22, a Sunday; moved to the next working day 2026-03-23. " +
				"Suspended on 2026-03-05 (clarification) with 17 calendar days left. " +
				"Resumed on 2026-03-09 (clarification): due 2026-03-26. Due by 23:59:59 CET on 2026-03-26.",
		},
		{
			// 10 working days from Monday 2 March end on Monday 16 March. Stopped on Wednesday 4 March with
			// 8 working days left (5, 6, 9–13, 16); resumed on Thursday 12 March, they end on 25 March, past
			// the weekend and Ramazan Bajram. The weekend of 7–8 March, while stopped, is not "not counted".
			name: "OKResumedWorkingDays", start: "2026-03-02 09:00", clock: "10wd",
			changes:   []domain.ClockChange{ch.suspend("2026-03-04 10:00", clarify, ""), ch.resume("2026-03-12 09:00", clarify)},
			dueDate:   "2026-03-25",
			skipped:   []string{"2026-03-14 Saturday", "2026-03-15 Sunday", "2026-03-20 Ramazan Bajram (Eid al-Fitr), first day", "2026-03-21 Saturday", "2026-03-22 Sunday"},
			changeDue: []string{"2026-03-16", "2026-03-25"}, changeLeft: []int{8, -1},
			explain: "10 working days from 2026-03-02 end on 2026-03-16, a Monday. " +
				"Suspended on 2026-03-04 (clarification) with 8 working days left. Resumed on 2026-03-12 (clarification): due 2026-03-25. " +
				"Not counted: 2026-03-14 (Saturday), 2026-03-15 (Sunday), 2026-03-20 (Ramazan Bajram (Eid al-Fitr), first day), " +
				"2026-03-21 (Saturday) and 2026-03-22 (Sunday). Due by 23:59:59 CET on 2026-03-25.",
		},
		{
			// Stopped and resumed the same Friday: the weekend is not listed twice.
			name: "OKResumedWorkingDaysSameDay", start: "2026-03-09 09:00", clock: "5wd",
			changes: []domain.ClockChange{ch.suspend("2026-03-13 09:00", staff, "x"), ch.resume("2026-03-13 15:00", staff)},
			dueDate: "2026-03-16", skipped: []string{"2026-03-14 Saturday", "2026-03-15 Sunday"},
			changeDue: []string{"2026-03-16", "2026-03-16"}, changeLeft: []int{1, -1},
		},
		{
			// Across Labour Day: 5 working days from Wednesday 29 April 2026 skip 1–3 May.
			name: "OKResumedWorkingDaysAcrossLabourDay", start: "2026-04-20 09:00", clock: "5wd",
			changes: []domain.ClockChange{ch.suspend("2026-04-20 10:00", global, "decree"), ch.resume("2026-04-29 08:00", global)},
			dueDate: "2026-05-07", skipped: []string{"2026-05-01 Labour Day", "2026-05-02 Saturday", "2026-05-03 Sunday"},
			changeDue: []string{"2026-04-27", "2026-05-07"}, changeLeft: []int{5, -1},
		},
		{
			// 90 minutes from 09:00; stopped at 09:30 with an hour left, resumed at 14:00.
			name: "OKResumedMinutes", start: "2026-05-22 09:00", clock: "90m",
			changes: []domain.ClockChange{ch.suspend("2026-05-22 09:30", staff, "the line is down"), ch.resume("2026-05-22 14:00", staff)},
			dueDate: "2026-05-22", dueAt: "2026-05-22 15:00", changeDue: []string{"2026-05-22", "2026-05-22"}, changeLeft: []int{0, -1},
			explain: "90 minutes from 2026-05-22 09:00 CEST end at 2026-05-22 10:30 CEST; hours and minutes run on weekends and holidays too. " +
				"Suspended on 2026-05-22 09:30 CEST (by staff: the line is down) with 1 hour left. " +
				"Resumed on 2026-05-22 14:00 CEST (by staff): due 2026-05-22 15:00 CEST. Due at 2026-05-22 15:00 CEST.",
		},
		{
			name: "OKSuspendedMinutes", start: "2026-05-22 09:00", clock: "90m",
			changes: []domain.ClockChange{ch.suspend("2026-05-22 09:45", staff, "")},
			dueDate: "2026-05-22", dueAt: "2026-05-22 10:30", suspended: true, leftDur: 45 * time.Minute,
			changeDue: []string{"2026-05-22"}, changeLeft: []int{0},
			explain: "90 minutes from 2026-05-22 09:00 CEST end at 2026-05-22 10:30 CEST; hours and minutes run on weekends and holidays too. " +
				"Suspended on 2026-05-22 09:45 CEST (by staff) with 45 minutes left. The clock is suspended; 45 minutes are left.",
		},
		{
			// 40 seconds from 09:00:00; stopped at 09:00:30 with 10 seconds left, resumed at 09:05:00.
			name: "OKResumedSeconds", start: "2026-05-22 09:00", clock: "40s",
			changes: []domain.ClockChange{ch.suspend("2026-05-22 09:00:30", staff, ""), ch.resume("2026-05-22 09:05", staff)},
			dueDate: "2026-05-22", dueAt: "2026-05-22 09:05:10", changeDue: []string{"2026-05-22", "2026-05-22"}, changeLeft: []int{0, -1},
		},
		{
			// Staff stop it on 5 March, the decree on 6 March; staff resume on 9 March, but it runs again only
			// when the decree ends on 12 March: 17 days later is Sunday 29 March, due Monday 30 March.
			name: "OKOverlappingSuspensionsRunWhenBothResume", start: "2026-03-02 09:00", clock: "20d",
			changes: []domain.ClockChange{
				ch.suspend("2026-03-05 10:00", staff, "site visit"), ch.suspend("2026-03-06 00:00", global, "state of emergency"),
				ch.resume("2026-03-09 10:00", staff), ch.resume("2026-03-12 00:00", global),
			},
			dueDate: "2026-03-30", movedFrom: "2026-03-29", skipped: []string{"2026-03-29 Sunday"},
			changeDue: []string{"2026-03-23", "2026-03-23", "2026-03-23", "2026-03-30"}, changeLeft: []int{17, 17, 17, -1},
			explain: "20 calendar days from 2026-03-02 end on 2026-03-22, a Sunday; moved to the next working day 2026-03-23. " +
				"Suspended on 2026-03-05 (by staff: site visit) with 17 calendar days left. " +
				"Suspended on 2026-03-06 (all clocks: state of emergency); the clock was already stopped. " +
				"Resumed on 2026-03-09 (by staff); still stopped (all clocks). " +
				"Resumed on 2026-03-12 (all clocks): due 2026-03-29, moved to the next working day 2026-03-30. " +
				"Passed over: 2026-03-29 (Sunday). Due by 23:59:59 CEST on 2026-03-30.",
		},
		{
			// The same, the other way round: the decree ends first, staff resume last.
			name: "OKOverlappingSuspensionsOtherOrder", start: "2026-03-02 09:00", clock: "20d",
			changes: []domain.ClockChange{
				ch.suspend("2026-03-05 10:00", global, "state of emergency"), ch.suspend("2026-03-06 10:00", staff, "site visit"),
				ch.resume("2026-03-09 00:00", global), ch.resume("2026-03-12 10:00", staff),
			},
			dueDate: "2026-03-30", movedFrom: "2026-03-29", skipped: []string{"2026-03-29 Sunday"},
			changeDue: []string{"2026-03-23", "2026-03-23", "2026-03-23", "2026-03-30"}, changeLeft: []int{17, 17, 17, -1},
			explain: "20 calendar days from 2026-03-02 end on 2026-03-22, a Sunday; moved to the next working day 2026-03-23. " +
				"Suspended on 2026-03-05 (all clocks: state of emergency) with 17 calendar days left. " +
				"Suspended on 2026-03-06 (by staff: site visit); the clock was already stopped. " +
				"Resumed on 2026-03-09 (all clocks); still stopped (by staff). " +
				"Resumed on 2026-03-12 (by staff): due 2026-03-29, moved to the next working day 2026-03-30. " +
				"Passed over: 2026-03-29 (Sunday). Due by 23:59:59 CEST on 2026-03-30.",
		},
		{
			// A resumption by a source that did not stop the clock changes nothing.
			name: "OKResumeByAnotherSourceChangesNothing", start: "2026-03-02 09:00", clock: "20d",
			changes: []domain.ClockChange{ch.suspend("2026-03-05 10:00", global, "decree"), ch.resume("2026-03-09 10:00", staff)},
			dueDate: "2026-03-23", movedFrom: "2026-03-22", skipped: []string{"2026-03-22 Sunday"},
			suspended: true, leftDays: 17, changeDue: []string{"2026-03-23", "2026-03-23"}, changeLeft: []int{17, 17},
			explain: "20 calendar days from 2026-03-02 end on 2026-03-22, a Sunday; moved to the next working day 2026-03-23. " +
				"Suspended on 2026-03-05 (all clocks: decree) with 17 calendar days left. " +
				"Resumed on 2026-03-09 (by staff), which had not stopped the clock: no change. The clock is suspended; 17 calendar days are left.",
		},
		{
			// An extension while stopped adds to the time left: 17 + 10 days from 9 March is Sunday 5 April.
			name: "OKExtendedWhileSuspended", start: "2026-03-02 09:00", clock: "20d",
			changes: []domain.ClockChange{
				ch.suspend("2026-03-05 10:00", clarify, ""), ch.extend("2026-03-06 10:00", "10d", "large request"), ch.resume("2026-03-09 10:00", clarify),
			},
			dueDate: "2026-04-06", movedFrom: "2026-04-05", skipped: []string{"2026-04-05 Sunday"},
			changeDue: []string{"2026-03-23", "2026-03-23", "2026-04-06"}, changeLeft: []int{17, 27, -1},
			explain: "20 calendar days from 2026-03-02 end on 2026-03-22, a Sunday; moved to the next working day 2026-03-23. " +
				"Suspended on 2026-03-05 (clarification) with 17 calendar days left. " +
				"Extended by 10 calendar days on 2026-03-06 (large request) while the clock was stopped: 27 calendar days left. " +
				"Resumed on 2026-03-09 (clarification): due 2026-04-05, moved to the next working day 2026-04-06. " +
				"Passed over: 2026-04-05 (Sunday). Due by 23:59:59 CEST on 2026-04-06.",
		},
		{
			name: "OKExtendedHoursWhileSuspended", start: "2026-03-13 16:00", clock: "48h",
			changes: []domain.ClockChange{
				ch.suspend("2026-03-14 10:00", staff, ""), ch.extend("2026-03-14 11:00", "4h", ""), ch.resume("2026-03-16 09:00", staff),
			},
			dueDate: "2026-03-17", dueAt: "2026-03-17 19:00", changeDue: []string{"2026-03-15", "2026-03-15", "2026-03-17"}, changeLeft: []int{0, 0, -1},
			explain: "48 hours from 2026-03-13 16:00 CET end at 2026-03-15 16:00 CET; hours and minutes run on weekends and holidays too. " +
				"Suspended on 2026-03-14 10:00 CET (by staff) with 30 hours left. " +
				"Extended by 4 hours on 2026-03-14 11:00 CET while the clock was stopped: 34 hours left. " +
				"Resumed on 2026-03-16 09:00 CET (by staff): due 2026-03-17 19:00 CET. Due at 2026-03-17 19:00 CET.",
		},
		{
			// 20 days from Monday 20 April end on Sunday 10 May; stopped on 22 April with 18 days left and
			// resumed on 6 May, they end on Sunday 24 May, Saints Cyril and Methodius, whose Monday off
			// follows: due Tuesday 26 May.
			name: "OKResumedOntoHoliday", start: "2026-04-20 09:00", clock: "20d",
			changes: []domain.ClockChange{ch.suspend("2026-04-22 12:00", staff, "waiting for the cadastre"), ch.resume("2026-05-06 09:00", staff)},
			dueDate: "2026-05-26", movedFrom: "2026-05-24",
			skipped:   []string{"2026-05-24 Saints Cyril and Methodius", "2026-05-25 Saints Cyril and Methodius (moved from Sunday)"},
			changeDue: []string{"2026-05-11", "2026-05-26"}, changeLeft: []int{18, -1},
			explain: "20 calendar days from 2026-04-20 end on 2026-05-10, a Sunday; moved to the next working day 2026-05-11. " +
				"Suspended on 2026-04-22 (by staff: waiting for the cadastre) with 18 calendar days left. " +
				"Resumed on 2026-05-06 (by staff): due 2026-05-24, moved to the next working day 2026-05-26. " +
				"Passed over: 2026-05-24 (Saints Cyril and Methodius) and 2026-05-25 (Saints Cyril and Methodius (moved from Sunday)). " +
				"Due by 23:59:59 CEST on 2026-05-26.",
		},
		{
			// Resumed on 21 April with 10 days left: they end on Friday 1 May, Labour Day.
			name: "OKResumedOntoLabourDay", start: "2026-04-01 09:00", clock: "15d",
			changes: []domain.ClockChange{ch.suspend("2026-04-06 09:00", clarify, ""), ch.resume("2026-04-21 09:00", clarify)},
			dueDate: "2026-05-04", movedFrom: "2026-05-01",
			skipped:   []string{"2026-05-01 Labour Day", "2026-05-02 Saturday", "2026-05-03 Sunday"},
			changeDue: []string{"2026-04-16", "2026-05-04"}, changeLeft: []int{10, -1},
		},
		{
			// Stopped on the due day itself: nothing is left, but the day was not over; it is due the day it resumes.
			name: "OKSuspendedOnTheDueDay", start: "2026-03-02 09:00", clock: "5d",
			changes: []domain.ClockChange{ch.suspend("2026-03-09 10:00", global, "decree"), ch.resume("2026-03-16 00:00", global)},
			dueDate: "2026-03-16", changeDue: []string{"2026-03-09", "2026-03-16"}, changeLeft: []int{0, -1},
		},
		{
			// 5 days from 2 March end on Saturday 7 March, due Monday 9 March. Stopped on 10 March, after the
			// deadline had passed: nothing is left, and it stays due on 9 March when it resumes.
			name: "OKSuspendedAfterTheDueDate", start: "2026-03-02 09:00", clock: "5d",
			changes: []domain.ClockChange{ch.suspend("2026-03-10 10:00", global, "state of emergency"), ch.resume("2026-03-16 00:00", global)},
			dueDate: "2026-03-09", movedFrom: "2026-03-07", skipped: []string{"2026-03-07 Saturday", "2026-03-08 Sunday"},
			changeDue: []string{"2026-03-09", "2026-03-09"}, changeLeft: []int{0, -1},
			explain: "5 calendar days from 2026-03-02 end on 2026-03-07, a Saturday; moved to the next working day 2026-03-09. " +
				"Suspended on 2026-03-10 (all clocks: state of emergency) after the deadline had passed. " +
				"Resumed on 2026-03-16 (all clocks): due 2026-03-07, moved to the next working day 2026-03-09. " +
				"Passed over: 2026-03-07 (Saturday) and 2026-03-08 (Sunday). Due by 23:59:59 CET on 2026-03-09.",
		},
		{
			name: "OKSuspendedAfterTheDueInstantHours", start: "2026-03-13 16:00", clock: "48h",
			changes: []domain.ClockChange{ch.suspend("2026-03-15 17:00", global, ""), ch.resume("2026-03-16 09:00", global)},
			dueDate: "2026-03-15", dueAt: "2026-03-15 16:00", changeDue: []string{"2026-03-15", "2026-03-15"}, changeLeft: []int{0, -1},
		},
		{
			// An extension while a late clock stands still gives it time again.
			name: "OKExtendedWhileSuspendedAfterTheDueDate", start: "2026-03-02 09:00", clock: "5d",
			changes: []domain.ClockChange{
				ch.suspend("2026-03-10 10:00", global, ""), ch.extend("2026-03-11 10:00", "3d", "x"), ch.resume("2026-03-16 00:00", global),
			},
			dueDate: "2026-03-19", changeDue: []string{"2026-03-09", "2026-03-09", "2026-03-19"}, changeLeft: []int{0, 3, -1},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clock, err := domain.ParseClock(tt.clock)
			if err != nil {
				t.Fatal(err)
			}
			start := ch.at(tt.start)
			dl := cal.DeadlineWith(start, clock, tt.changes, skopje)

			if want := MustParseDate(t, tt.dueDate); dl.DueDate != want {
				t.Errorf("DueDate = %s, want %s", dl.DueDate, want)
			}
			wantAt := MustParseDate(t, tt.dueDate).EndOfDayIn(skopje)
			if tt.dueAt != "" {
				wantAt = ch.at(tt.dueAt)
			}
			if !dl.DueAt.Equal(wantAt) {
				t.Errorf("DueAt = %s, want %s", dl.DueAt, wantAt)
			}
			switch {
			case tt.movedFrom == "" && dl.MovedFrom != nil:
				t.Errorf("MovedFrom = %s, want nil", dl.MovedFrom)
			case tt.movedFrom != "" && (dl.MovedFrom == nil || dl.MovedFrom.String() != tt.movedFrom):
				t.Errorf("MovedFrom = %v, want %s", dl.MovedFrom, tt.movedFrom)
			}
			var skipped []string
			for _, s := range dl.Skipped {
				skipped = append(skipped, s.Date.String()+" "+s.Reason)
			}
			if !slices.Equal(skipped, tt.skipped) {
				t.Errorf("Skipped = %q, want %q", skipped, tt.skipped)
			}
			if dl.Suspended != tt.suspended {
				t.Errorf("Suspended = %t, want %t", dl.Suspended, tt.suspended)
			}
			switch {
			case !tt.suspended && dl.Left != nil:
				t.Errorf("Left = %v, want nil while running", dl.Left)
			case tt.suspended && (dl.Left == nil || dl.Left.Days != tt.leftDays || dl.Left.Duration != tt.leftDur):
				t.Errorf("Left = %+v, want %d days, %s", dl.Left, tt.leftDays, tt.leftDur)
			}
			if !dl.Start.Equal(start) || dl.Clock != clock || len(dl.Changes) != len(tt.changes) {
				t.Fatalf("Start, Clock, Changes = %s, %v, %d", dl.Start, dl.Clock, len(dl.Changes))
			}
			for i, c := range dl.Changes {
				if c.Kind != tt.changes[i].Kind || c.Source != tt.changes[i].Source || !c.At.Equal(tt.changes[i].At) {
					t.Errorf("change %d = %+v, want it as given", i, c)
				}
				if c.DueDate.String() != tt.changeDue[i] {
					t.Errorf("change %d: DueDate = %s, want %s", i, c.DueDate, tt.changeDue[i])
				}
				if c.DueDate != domain.DateOf(c.DueAt, skopje) {
					t.Errorf("change %d: DueDate %s is not the date of DueAt %s", i, c.DueDate, c.DueAt)
				}
				prev := dl.Changes[max(i-1, 0)].DueAt
				if i == 0 {
					prev = cal.Deadline(start, clock, skopje).DueAt
				}
				if !c.PreviousDueAt.Equal(prev) {
					t.Errorf("change %d: PreviousDueAt = %s, want %s", i, c.PreviousDueAt, prev)
				}
				switch want := tt.changeLeft[i]; {
				case want < 0 && c.Left != nil:
					t.Errorf("change %d: Left = %+v, want nil", i, c.Left)
				case want >= 0 && (c.Left == nil || c.Left.Days != want):
					t.Errorf("change %d: Left = %+v, want %d days", i, c.Left, want)
				}
			}
			if clock.Unit == domain.Hours || clock.Unit == domain.Minutes || clock.Unit == domain.Seconds {
				if dl.DaysCounted != 0 {
					t.Errorf("DaysCounted = %d, want 0 for a time clock", dl.DaysCounted)
				}
			} else if want := clock.Length + dl.Extended(); dl.DaysCounted != want {
				t.Errorf("DaysCounted = %d, want %d", dl.DaysCounted, want)
			}
			if tt.explain != "" {
				if got := dl.Explain(); got != tt.explain {
					t.Errorf("Explain() =\n%s\nwant\n%s", got, tt.explain)
				}
			}

			// Every prefix of the changes gives the deadline its last change recorded.
			for n := 1; n <= len(tt.changes); n++ {
				part := cal.DeadlineWith(start, clock, tt.changes[:n], skopje)
				if last := part.Changes[n-1]; !part.Suspended && (!last.DueAt.Equal(part.DueAt) || last.DueDate != part.DueDate) {
					t.Errorf("after %d changes: due %s, but the change records %s", n, part.DueAt, last.DueAt)
				}
			}

			// The deadline survives the event store.
			b, err := json.Marshal(dl)
			if err != nil {
				t.Fatal(err)
			}
			var back domain.Deadline
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !back.DueAt.Equal(dl.DueAt) || back.Suspended != dl.Suspended || len(back.Changes) != len(dl.Changes) || back.Extended() != dl.Extended() {
				t.Errorf("JSON round trip of %s gave %+v", b, back)
			}
		})
	}

	t.Run("OKNoChangesIsDeadline", func(t *testing.T) {
		start := ch.at("2026-01-13 09:00")
		clock := domain.Clock{Length: 60, Unit: domain.CalendarDays}
		a, b := cal.DeadlineWith(start, clock, nil, skopje), cal.Deadline(start, clock, skopje)
		if a.Explain() != b.Explain() || !a.DueAt.Equal(b.DueAt) {
			t.Errorf("DeadlineWith without changes = %+v, want %+v", a, b)
		}
	})
}

func TestDeadline_SuspendedBy(t *testing.T) {
	skopje := mustLoadSkopje(t)
	cal := domain.NewCalendar(nil)
	ch := changes{t, skopje}
	clock := domain.Clock{Length: 20, Unit: domain.CalendarDays}
	start := ch.at("2026-03-02 09:00")
	dl := cal.DeadlineWith(start, clock, []domain.ClockChange{
		ch.suspend("2026-03-05 10:00", domain.SourceCase, "x"), ch.suspend("2026-03-06 10:00", domain.SourceGlobal, "y"),
		ch.resume("2026-03-07 10:00", domain.SourceCase), ch.extend("2026-03-08 10:00", "3d", "z"),
	}, skopje)
	if dl.SuspendedBy(domain.SourceCase) || !dl.SuspendedBy(domain.SourceGlobal) || dl.SuspendedBy(domain.SourceClarification) {
		t.Errorf("SuspendedBy case, global, clarification = %t, %t, %t, want false, true, false",
			dl.SuspendedBy(domain.SourceCase), dl.SuspendedBy(domain.SourceGlobal), dl.SuspendedBy(domain.SourceClarification))
	}
	if dl.Extended() != 3 || !dl.Suspended || dl.Left.Days != 20 {
		t.Errorf("Extended %d, Suspended %t, Left %+v, want 3, true, 20 days", dl.Extended(), dl.Suspended, dl.Left)
	}
	if got := dl.Explain(); !strings.HasSuffix(got, "The clock is suspended; 20 calendar days are left.") {
		t.Errorf("Explain() = %s", got)
	}
}

func TestDeadline_ExplainLeft(t *testing.T) {
	skopje := mustLoadSkopje(t)
	cal := domain.NewCalendar(nil)
	ch := changes{t, skopje}
	for _, tt := range []struct {
		name, clock, start, suspend, want string
	}{
		{"OKOneDay", "5d", "2026-03-02 09:00", "2026-03-06 09:00", "The clock is suspended; 1 calendar day is left."},
		{"OKNoDays", "5d", "2026-03-02 09:00", "2026-03-07 09:00", "The clock is suspended; 0 calendar days are left."},
		{"OKOneWorkingDay", "5wd", "2026-03-02 09:00", "2026-03-06 09:00", "The clock is suspended; 1 working day is left."},
		{"OKHoursAndMinutes", "48h", "2026-03-02 09:00", "2026-03-03 10:15", "The clock is suspended; 22 hours and 45 minutes are left."},
		{"OKOneHour", "2h", "2026-03-02 09:00", "2026-03-02 10:00", "The clock is suspended; 1 hour is left."},
		{"OKHourAndMinutes", "2h", "2026-03-02 09:00", "2026-03-02 09:58", "The clock is suspended; 1 hour and 2 minutes are left."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clock, err := domain.ParseClock(tt.clock)
			if err != nil {
				t.Fatal(err)
			}
			dl := cal.DeadlineWith(ch.at(tt.start), clock, []domain.ClockChange{ch.suspend(tt.suspend, domain.SourceCase, "")}, skopje)
			if got := dl.Explain(); !strings.HasSuffix(got, tt.want) {
				t.Errorf("Explain() = %s\nwant it to end %q", got, tt.want)
			}
		})
	}
	t.Run("OKSeconds", func(t *testing.T) {
		start := ch.at("2026-03-02 09:00")
		dl := cal.DeadlineWith(start, domain.Clock{Length: 1, Unit: domain.Minutes},
			[]domain.ClockChange{{Kind: domain.ClockSuspended, Source: domain.SourceCase, At: start.Add(30 * time.Second)}}, skopje)
		if got, want := dl.Explain(), "The clock is suspended; 30 seconds are left."; !strings.HasSuffix(got, want) {
			t.Errorf("Explain() = %s, want it to end %q", got, want)
		}
	})
}

func TestClock_UnmarshalJSON(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want domain.Clock
	}{
		{`"60d"`, domain.Clock{Length: 60, Unit: domain.CalendarDays}},
		{`"15wd"`, domain.Clock{Length: 15, Unit: domain.WorkingDays}},
		{`"0m"`, domain.Clock{Length: 0, Unit: domain.Minutes}},
		{`{"length": 48, "unit": "hours"}`, domain.Clock{Length: 48, Unit: domain.Hours}},
	} {
		t.Run("OK"+tt.want.String(), func(t *testing.T) {
			var c domain.Clock
			if err := json.Unmarshal([]byte(tt.in), &c); err != nil || c != tt.want {
				t.Errorf("Unmarshal(%s) = %v, %v, want %v", tt.in, c, err, tt.want)
			}
		})
	}
	for _, in := range []string{`"60"`, `"d"`, `"-1d"`, `"60 days"`, `60`, `[]`} {
		t.Run("ErrInvalid/"+in, func(t *testing.T) {
			var c domain.Clock
			if err := json.Unmarshal([]byte(in), &c); err == nil {
				t.Errorf("Unmarshal(%s) = %v, want an error", in, c)
			}
		})
	}
	t.Run("OKValidateOffset", func(t *testing.T) {
		if err := (domain.Clock{Unit: domain.Minutes}).ValidateOffset(); err != nil {
			t.Errorf("ValidateOffset(0m) = %v", err)
		}
		if err := (domain.Clock{Unit: "weeks"}).ValidateOffset(); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("ValidateOffset(0 weeks) = %v, want EINVALID", err)
		}
	})
}
