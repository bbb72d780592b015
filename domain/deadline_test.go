package domain_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Skopje wherever the tests run

	"github.com/predmet/predmet/domain"
)

func TestParseClock(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want domain.Clock
	}{
		{"60d", domain.Clock{Length: 60, Unit: domain.CalendarDays}},
		{"15wd", domain.Clock{Length: 15, Unit: domain.WorkingDays}},
		{"48h", domain.Clock{Length: 48, Unit: domain.Hours}},
		{"30m", domain.Clock{Length: 30, Unit: domain.Minutes}},
		{"20s", domain.Clock{Length: 20, Unit: domain.Seconds}},
		{" 5d ", domain.Clock{Length: 5, Unit: domain.CalendarDays}},
	} {
		t.Run("OK"+tt.want.String(), func(t *testing.T) {
			got, err := domain.ParseClock(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("ParseClock(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
			}
			if again, err := domain.ParseClock(got.String()); err != nil || again != got {
				t.Errorf("ParseClock(%q) = %v, %v: String does not round-trip", got.String(), again, err)
			}
		})
	}
	for _, in := range []string{"", "d", "60", "60 d", "0d", "-5d", "+5d", "60w", "60dd", "1.5h", "99999d", "60days", "20 seconds", "0s"} {
		t.Run("ErrInvalid/"+in, func(t *testing.T) {
			if c, err := domain.ParseClock(in); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("ParseClock(%q) = %v, %v, want EINVALID", in, c, err)
			}
		})
	}
}

func TestClock_Validate(t *testing.T) {
	for _, tt := range []struct {
		name  string
		clock domain.Clock
		ok    bool
	}{
		{"OK", domain.Clock{Length: 60, Unit: domain.CalendarDays}, true},
		{"OKLongest", domain.Clock{Length: domain.MaxClockLength, Unit: domain.WorkingDays}, true},
		{"ErrZeroLength", domain.Clock{Length: 0, Unit: domain.Hours}, false},
		{"ErrNegativeLength", domain.Clock{Length: -1, Unit: domain.Minutes}, false},
		{"ErrTooLong", domain.Clock{Length: domain.MaxClockLength + 1, Unit: domain.CalendarDays}, false},
		{"ErrUnknownUnit", domain.Clock{Length: 3, Unit: "weeks"}, false},
		{"ErrZeroClock", domain.Clock{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.clock.Validate()
			if tt.ok && err != nil {
				t.Errorf("Validate(%v) = %v, want nil", tt.clock, err)
			}
			if !tt.ok && domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("Validate(%v) = %v, want EINVALID", tt.clock, err)
			}
		})
	}
}

func TestCalendar_Deadline(t *testing.T) {
	skopje := mustLoadSkopje(t)
	cal := MustOpenCalendar(t)
	at := func(date string, hour, min int) time.Time {
		d := MustParseDate(t, date)
		return time.Date(d.Year, d.Month, d.Day, hour, min, 0, 0, skopje)
	}
	endOf := func(date string) time.Time { return at(date, 23, 59).Add(59 * time.Second) }
	sixtyDays := domain.Clock{Length: 60, Unit: domain.CalendarDays}

	for _, tt := range []struct {
		name      string
		start     time.Time
		clock     domain.Clock
		dueDate   string
		movedFrom string // "" when not moved
		skipped   []string
		explain   string
	}{
		{
			name: "OKCalendarDaysOnWeekday", start: at("2026-01-10", 10, 0), clock: sixtyDays,
			dueDate: "2026-03-11",
			explain: "60 calendar days from 2026-01-10 end on 2026-03-11, a Wednesday. Due by 23:59:59 CET on 2026-03-11.",
		},
		{
			name: "OKCalendarDaysReceiptDateInSkopje", start: time.Date(2026, 1, 9, 23, 30, 0, 0, time.UTC), clock: sixtyDays,
			dueDate: "2026-03-11", // received at 00:30 on 10 January in Skopje
		},
		{
			name: "OKCalendarDaysSaturdayMovedToMonday", start: at("2026-01-13", 9, 0), clock: sixtyDays,
			dueDate: "2026-03-16", movedFrom: "2026-03-14",
			skipped: []string{"2026-03-14 Saturday", "2026-03-15 Sunday"},
			explain: "60 calendar days from 2026-01-13 end on 2026-03-14, a Saturday; moved to the next working day 2026-03-16, " +
				"passing over 2026-03-14 (Saturday) and 2026-03-15 (Sunday). Due by 23:59:59 CET on 2026-03-16.",
		},
		{
			name: "OKCalendarDaysSundayMovedToMonday", start: at("2026-01-14", 9, 0), clock: sixtyDays,
			dueDate: "2026-03-16", movedFrom: "2026-03-15",
			skipped: []string{"2026-03-15 Sunday"},
			explain: "60 calendar days from 2026-01-14 end on 2026-03-15, a Sunday; moved to the next working day 2026-03-16. " +
				"Due by 23:59:59 CET on 2026-03-16.",
		},
		{
			name: "OKCalendarDaysHolidayMovedToNextDay", start: at("2026-07-10", 9, 0), clock: sixtyDays,
			dueDate: "2026-09-09", movedFrom: "2026-09-08",
			skipped: []string{"2026-09-08 Independence Day"},
			explain: "60 calendar days from 2026-07-10 end on 2026-09-08, a Tuesday (Independence Day); moved to the next working day 2026-09-09. " +
				"Due by 23:59:59 CEST on 2026-09-09.",
		},
		{
			name: "OKCalendarDaysHolidayThenWeekendMovedToMonday", start: at("2026-08-24", 9, 0), clock: sixtyDays,
			dueDate: "2026-10-26", movedFrom: "2026-10-23",
			skipped: []string{"2026-10-23 Day of the Macedonian Revolutionary Struggle", "2026-10-24 Saturday", "2026-10-25 Sunday"},
			explain: "60 calendar days from 2026-08-24 end on 2026-10-23, a Friday (Day of the Macedonian Revolutionary Struggle); " +
				"moved to the next working day 2026-10-26, passing over 2026-10-23 (Day of the Macedonian Revolutionary Struggle), " +
				"2026-10-24 (Saturday) and 2026-10-25 (Sunday). Due by 23:59:59 CET on 2026-10-26.",
		},
		{
			name: "OKCalendarDaysSundayHolidayMovedPastItsMonday", start: at("2026-03-25", 9, 0), clock: sixtyDays,
			dueDate: "2026-05-26", movedFrom: "2026-05-24",
			skipped: []string{"2026-05-24 Saints Cyril and Methodius", "2026-05-25 Saints Cyril and Methodius (moved from Sunday)"},
		},
		{
			name: "OKCalendarDaysSaturdayThenSundayHolidayThenItsMonday", start: at("2028-11-07", 9, 0), clock: sixtyDays,
			dueDate: "2029-01-09", movedFrom: "2029-01-06",
			skipped: []string{"2029-01-06 Saturday", "2029-01-07 Orthodox Christmas", "2029-01-08 Orthodox Christmas (moved from Sunday)"},
		},
		{
			name: "OKCalendarDaysOnRamazanBajram", start: at("2026-01-19", 9, 0), clock: sixtyDays,
			dueDate: "2026-03-23", movedFrom: "2026-03-20",
			skipped: []string{"2026-03-20 Ramazan Bajram (Eid al-Fitr), first day", "2026-03-21 Saturday", "2026-03-22 Sunday"},
		},
		{
			name: "OKWorkingDaysAcrossEaster", start: at("2026-04-08", 15, 0), clock: domain.Clock{Length: 5, Unit: domain.WorkingDays},
			dueDate: "2026-04-16",
			skipped: []string{"2026-04-11 Saturday", "2026-04-12 Sunday", "2026-04-13 Orthodox Easter Monday"},
			explain: "5 working days from 2026-04-08 end on 2026-04-16, a Thursday; not counted: 2026-04-11 (Saturday), " +
				"2026-04-12 (Sunday) and 2026-04-13 (Orthodox Easter Monday). Due by 23:59:59 CEST on 2026-04-16.",
		},
		{
			name: "OKWorkingDaysAcrossNewYearAndChristmas", start: at("2025-12-30", 8, 0), clock: domain.Clock{Length: 5, Unit: domain.WorkingDays},
			dueDate: "2026-01-08",
			skipped: []string{"2026-01-01 New Year", "2026-01-03 Saturday", "2026-01-04 Sunday", "2026-01-07 Orthodox Christmas"},
		},
		{
			name: "OKOneWorkingDay", start: at("2026-03-12", 8, 0), clock: domain.Clock{Length: 1, Unit: domain.WorkingDays},
			dueDate: "2026-03-13",
			explain: "1 working day from 2026-03-12 end on 2026-03-13, a Friday. Due by 23:59:59 CET on 2026-03-13.",
		},
		{
			name: "OKCalendarDaysAcrossSummerTimeStart", start: at("2026-03-20", 10, 0), clock: domain.Clock{Length: 10, Unit: domain.CalendarDays},
			dueDate: "2026-03-30",
		},
		{
			name: "OKCalendarDaysAcrossSummerTimeEnd", start: at("2026-10-20", 10, 0), clock: domain.Clock{Length: 6, Unit: domain.CalendarDays},
			dueDate: "2026-10-26",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dl := cal.Deadline(tt.start, tt.clock, skopje)
			if want := MustParseDate(t, tt.dueDate); dl.DueDate != want {
				t.Errorf("DueDate = %s, want %s", dl.DueDate, want)
			}
			if want := endOf(tt.dueDate); !dl.DueAt.Equal(want) || dl.DueAt.Location() != skopje {
				t.Errorf("DueAt = %s, want %s in Europe/Skopje", dl.DueAt, want)
			}
			if h, m, s := dl.DueAt.Clock(); h != 23 || m != 59 || s != 59 {
				t.Errorf("DueAt = %s, want 23:59:59 local", dl.DueAt)
			}
			if !dl.Start.Equal(tt.start) || dl.Clock != tt.clock || dl.DaysCounted != tt.clock.Length {
				t.Errorf("Start, Clock, DaysCounted = %s, %v, %d", dl.Start, dl.Clock, dl.DaysCounted)
			}
			switch {
			case tt.movedFrom == "" && dl.MovedFrom != nil:
				t.Errorf("MovedFrom = %s, want nil", dl.MovedFrom)
			case tt.movedFrom != "" && (dl.MovedFrom == nil || *dl.MovedFrom != MustParseDate(t, tt.movedFrom)):
				t.Errorf("MovedFrom = %v, want %s", dl.MovedFrom, tt.movedFrom)
			}
			var skipped []string
			for _, s := range dl.Skipped {
				skipped = append(skipped, s.Date.String()+" "+s.Reason)
			}
			if !slices.Equal(skipped, tt.skipped) {
				t.Errorf("Skipped = %q, want %q", skipped, tt.skipped)
			}
			if tt.explain != "" {
				if got := dl.Explain(); got != tt.explain {
					t.Errorf("Explain() =\n%s\nwant\n%s", got, tt.explain)
				}
			}
		})
	}

	t.Run("OKDueAtEndOfDayInSummerAndWinterTime", func(t *testing.T) {
		// 29 March 2026 (02:00 → 03:00) and 25 October 2026 (03:00 → 02:00) change the offset.
		spring := cal.Deadline(at("2026-03-20", 10, 0), domain.Clock{Length: 10, Unit: domain.CalendarDays}, skopje)
		if want := time.Date(2026, 3, 30, 21, 59, 59, 0, time.UTC); !spring.DueAt.Equal(want) {
			t.Errorf("spring DueAt = %s (%s UTC), want %s", spring.DueAt, spring.DueAt.UTC(), want)
		}
		autumn := cal.Deadline(at("2026-10-20", 10, 0), domain.Clock{Length: 6, Unit: domain.CalendarDays}, skopje)
		if want := time.Date(2026, 10, 26, 22, 59, 59, 0, time.UTC); !autumn.DueAt.Equal(want) {
			t.Errorf("autumn DueAt = %s (%s UTC), want %s", autumn.DueAt, autumn.DueAt.UTC(), want)
		}
	})

	for _, tt := range []struct {
		name    string
		start   time.Time
		clock   domain.Clock
		dueAt   time.Time
		dueDate string
		explain string
	}{
		{
			name: "OKHoursOverWeekend", start: at("2026-03-13", 16, 0), clock: domain.Clock{Length: 48, Unit: domain.Hours},
			dueAt: at("2026-03-15", 16, 0), dueDate: "2026-03-15",
			explain: "48 hours from 2026-03-13 16:00 CET end at 2026-03-15 16:00 CET; hours and minutes run on weekends and holidays too.",
		},
		{
			name: "OKHoursAcrossSummerTimeStart", start: at("2026-03-28", 12, 0), clock: domain.Clock{Length: 24, Unit: domain.Hours},
			dueAt: at("2026-03-29", 13, 0), dueDate: "2026-03-29", // only 23 hours on the wall clock
			explain: "24 hours from 2026-03-28 12:00 CET end at 2026-03-29 13:00 CEST; hours and minutes run on weekends and holidays too.",
		},
		{
			name: "OKMinutesAcrossMidnight", start: at("2026-05-22", 23, 50), clock: domain.Clock{Length: 30, Unit: domain.Minutes},
			dueAt: at("2026-05-23", 0, 20), dueDate: "2026-05-23",
		},
		{
			// Seconds, for tests that cannot wait minutes: counted like minutes, to the second.
			name: "OKSecondsAcrossMidnight", start: at("2026-05-22", 23, 59).Add(50 * time.Second), clock: domain.Clock{Length: 20, Unit: domain.Seconds},
			dueAt: at("2026-05-23", 0, 0).Add(10 * time.Second), dueDate: "2026-05-23",
		},
		{
			name: "OKHoursFromUTCStart", start: time.Date(2026, 12, 31, 22, 30, 0, 0, time.UTC), clock: domain.Clock{Length: 1, Unit: domain.Hours},
			dueAt: at("2027-01-01", 0, 30), dueDate: "2027-01-01",
			explain: "1 hour from 2026-12-31 23:30 CET end at 2027-01-01 00:30 CET; hours and minutes run on weekends and holidays too.",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dl := cal.Deadline(tt.start, tt.clock, skopje)
			if !dl.DueAt.Equal(tt.dueAt) {
				t.Errorf("DueAt = %s, want %s", dl.DueAt, tt.dueAt)
			}
			if want := MustParseDate(t, tt.dueDate); dl.DueDate != want {
				t.Errorf("DueDate = %s, want %s", dl.DueDate, want)
			}
			if dl.DaysCounted != 0 || dl.Skipped != nil || dl.MovedFrom != nil {
				t.Errorf("DaysCounted, Skipped, MovedFrom = %d, %v, %v, want none", dl.DaysCounted, dl.Skipped, dl.MovedFrom)
			}
			if tt.explain != "" {
				if got := dl.Explain(); got != tt.explain {
					t.Errorf("Explain() =\n%s\nwant\n%s", got, tt.explain)
				}
			}
		})
	}

	t.Run("OKInvalidClockDueAtStart", func(t *testing.T) {
		start := at("2026-03-11", 9, 0)
		dl := cal.Deadline(start, domain.Clock{Length: 0, Unit: domain.CalendarDays}, skopje)
		if !dl.DueAt.Equal(start) || dl.DueDate != MustParseDate(t, "2026-03-11") {
			t.Errorf("Deadline with invalid clock = %+v, want due at start", dl)
		}
		if got, want := dl.Explain(), `Invalid clock "0d": due at the start, 2026-03-11 09:00:00 CET.`; got != want {
			t.Errorf("Explain() = %q, want %q", got, want)
		}
	})

	t.Run("OKJSONRoundTrip", func(t *testing.T) {
		dl := cal.Deadline(at("2026-08-24", 9, 0), sixtyDays, skopje)
		b, err := json.Marshal(dl)
		if err != nil {
			t.Fatal(err)
		}
		var got domain.Deadline
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if !got.DueAt.Equal(dl.DueAt) || got.DueDate != dl.DueDate || got.MovedFrom == nil || *got.MovedFrom != *dl.MovedFrom ||
			!slices.Equal(got.Skipped, dl.Skipped) || got.Clock != dl.Clock || got.DaysCounted != 60 {
			t.Errorf("round trip of %s gave %+v", b, got)
		}
	})
}

func BenchmarkDeadline(b *testing.B) {
	skopje := mustLoadSkopje(b)
	cal := MustOpenCalendar(b)
	start := time.Date(2026, 1, 13, 9, 0, 0, 0, skopje)
	b.Run("CalendarDays", func(b *testing.B) {
		clock := domain.Clock{Length: 60, Unit: domain.CalendarDays}
		for b.Loop() {
			cal.Deadline(start, clock, skopje)
		}
	})
	b.Run("WorkingDays", func(b *testing.B) {
		clock := domain.Clock{Length: 15, Unit: domain.WorkingDays}
		for b.Loop() {
			cal.Deadline(start, clock, skopje)
		}
	})
}
