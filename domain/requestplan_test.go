package domain_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Skopje wherever the tests run

	"github.com/predmet/predmet/domain"
)

func TestCalendar_PlanRequest(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		t.Fatal(err)
	}
	cal := MustOpenCalendar(t)
	policies := domain.DefaultPolicies()
	petition := policies[domain.KindPetition].Requests
	media := policies[domain.KindMediaQuery].Requests
	endOf := func(s string) time.Time { return MustParseDate(t, s).EndOfDayIn(loc) }
	at := func(s string) time.Time {
		v, err := time.ParseInLocation(time.DateTime, s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	days := func(n int, u domain.ClockUnit) domain.Clock { return domain.Clock{Length: n, Unit: u} }

	for _, tt := range []struct {
		name   string
		cal    *domain.Calendar
		dueAt  time.Time
		policy domain.RequestPolicy
		// want lists the steps as "kind step level 2006-01-02 15:04:05" in Skopje's time.
		want []string
	}{
		{
			// 1 May 2026 (Labour Day) is a Friday: the working day before Monday 4 May is Thursday 30 April.
			name: "OK_PetitionAroundLabourDay", dueAt: endOf("2026-05-04"), policy: petition,
			want: []string{
				"reminder 1 head 2026-04-30 08:00:00",
				"escalation 1 deputy 2026-05-05 00:00:00",
				"escalation 2 head 2026-05-05 08:00:00",
				"escalation 3 secretary 2026-05-07 08:00:00",
				"escalation 4 cabinet 2026-05-11 08:00:00",
			},
		},
		{
			// 24 May 2026 (Saints Cyril and Methodius) is a Sunday: Monday 25 May is the holiday instead.
			name: "OK_PetitionAroundCyrilAndMethodius", dueAt: endOf("2026-05-22"), policy: petition,
			want: []string{
				"reminder 1 head 2026-05-21 08:00:00",
				"escalation 1 deputy 2026-05-23 00:00:00",
				"escalation 2 head 2026-05-26 08:00:00",
				"escalation 3 secretary 2026-05-28 08:00:00",
				"escalation 4 cabinet 2026-06-01 08:00:00",
			},
		},
		{
			// Orthodox Easter Monday 2026 is 13 April. Orthodox Good Friday, 10 April, is a working day for all.
			name: "OK_PetitionAfterEasterMonday", dueAt: endOf("2026-04-14"), policy: petition,
			want: []string{
				"reminder 1 head 2026-04-10 08:00:00",
				"escalation 1 deputy 2026-04-15 00:00:00",
				"escalation 2 head 2026-04-15 08:00:00",
				"escalation 3 secretary 2026-04-17 08:00:00",
				"escalation 4 cabinet 2026-04-21 08:00:00",
			},
		},
		{
			// Friday 20 March 2026, Ramazan Bajram, is a one-off day from deploy/calendar.
			name: "OK_ImportedOneOffDay", dueAt: endOf("2026-03-23"),
			policy: domain.RequestPolicy{Reminders: []domain.Clock{days(1, domain.WorkingDays)}},
			want:   []string{"reminder 1 head 2026-03-19 08:00:00"},
		},
		{
			name: "OK_WithoutTheOneOffDay", cal: domain.NewCalendar(nil), dueAt: endOf("2026-03-23"),
			policy: domain.RequestPolicy{Reminders: []domain.Clock{days(1, domain.WorkingDays)}},
			want:   []string{"reminder 1 head 2026-03-20 08:00:00"},
		},
		{
			// Hour offsets count elapsed time, holidays included.
			name: "OK_MediaQueryInHours", dueAt: at("2026-05-04 14:00:00"), policy: media,
			want: []string{
				"reminder 1 head 2026-05-04 13:00:00",
				"escalation 1 deputy 2026-05-04 14:00:01",
				"escalation 2 head 2026-05-04 15:00:00",
				"escalation 3 secretary 2026-05-04 16:00:00",
				"escalation 4 cabinet 2026-05-04 18:00:00",
			},
		},
		{
			name: "OK_HoursIgnoreHolidays", dueAt: at("2026-04-30 23:30:00"), policy: media,
			want: []string{
				"reminder 1 head 2026-04-30 22:30:00",
				"escalation 1 deputy 2026-04-30 23:30:01",
				"escalation 2 head 2026-05-01 00:30:00",
				"escalation 3 secretary 2026-05-01 01:30:00",
				"escalation 4 cabinet 2026-05-01 03:30:00",
			},
		},
		{
			// Seconds, as the end-to-end tests use: a reminder before the due instant, a ladder after it.
			name: "OK_Seconds", dueAt: at("2026-05-05 12:00:00"),
			policy: domain.RequestPolicy{
				Reminders: []domain.Clock{days(10, domain.Seconds)},
				Escalation: []domain.EscalationStep{
					{After: days(0, domain.Seconds), To: domain.LevelDeputy},
					{After: days(10, domain.Seconds), To: domain.LevelHead},
				},
			},
			want: []string{
				"reminder 1 head 2026-05-05 11:59:50",
				"escalation 1 deputy 2026-05-05 12:00:01",
				"escalation 2 head 2026-05-05 12:00:10",
			},
		},
		{
			// Reminders listed latest first still go out earliest first, numbered as they go.
			name: "OK_RemindersNumberedInTheOrderTheyGoOut", dueAt: endOf("2026-05-15"),
			policy: domain.RequestPolicy{Reminders: []domain.Clock{days(1, domain.WorkingDays), days(5, domain.WorkingDays)}},
			want: []string{
				"reminder 1 head 2026-05-08 08:00:00",
				"reminder 2 head 2026-05-14 08:00:00",
			},
		},
		{
			// Calendar days: a reminder on a non-working day goes out on the working day before it, an
			// escalation on the working day after it. Two reminders may land on the same morning.
			name: "OK_CalendarDays", dueAt: endOf("2026-05-04"),
			policy: domain.RequestPolicy{
				Reminders: []domain.Clock{days(3, domain.CalendarDays), days(1, domain.CalendarDays), days(7, domain.CalendarDays)},
				Escalation: []domain.EscalationStep{
					{After: days(1, domain.CalendarDays), To: domain.LevelHead},
					{After: days(5, domain.CalendarDays), To: domain.LevelSecretary},
				},
			},
			want: []string{
				"reminder 1 head 2026-04-27 08:00:00", // reminders are numbered in the order they go out
				"reminder 2 head 2026-04-30 08:00:00", // 1 May is Labour Day
				"reminder 3 head 2026-04-30 08:00:00", // Sunday 3 May, back past Saturday and Labour Day
				"escalation 1 head 2026-05-05 08:00:00",
				"escalation 2 secretary 2026-05-11 08:00:00", // Saturday 9 May, on to Monday
			},
		},
		{
			name: "OK_CalendarDaysEscalateAfterAHoliday", dueAt: endOf("2026-04-30"),
			policy: domain.RequestPolicy{Escalation: []domain.EscalationStep{{After: days(1, domain.CalendarDays), To: domain.LevelHead}}},
			want:   []string{"escalation 1 head 2026-05-04 08:00:00"},
		},
		{
			// An offset of 0 in a day unit still means the first second after the due instant, and a day
			// offset from an early due instant is never before it.
			name: "OK_ZeroDayOffsetIsTheDueInstant", dueAt: at("2026-05-05 07:00:00"),
			policy: domain.RequestPolicy{Escalation: []domain.EscalationStep{
				{After: days(0, domain.WorkingDays), To: domain.LevelDeputy},
				{After: days(1, domain.WorkingDays), To: domain.LevelHead},
			}},
			want: []string{
				"escalation 1 deputy 2026-05-05 07:00:01",
				"escalation 2 head 2026-05-06 08:00:00",
			},
		},
		{
			// The clocks go forward on 29 March 2026: 08:00 is local time on both sides.
			name: "OK_AcrossSummerTime", dueAt: endOf("2026-03-30"),
			policy: domain.RequestPolicy{Reminders: []domain.Clock{days(1, domain.WorkingDays)}},
			want:   []string{"reminder 1 head 2026-03-27 08:00:00"},
		},
		{
			// Steps are sorted by time, whatever the order of the policy's ladder.
			name: "OK_SortedByTime", dueAt: at("2026-05-05 12:00:00"),
			policy: domain.RequestPolicy{Escalation: []domain.EscalationStep{
				{After: days(2, domain.Hours), To: domain.LevelSecretary},
				{After: days(30, domain.Minutes), To: domain.LevelHead},
			}},
			want: []string{
				"escalation 2 head 2026-05-05 12:30:00",
				"escalation 1 secretary 2026-05-05 14:00:00",
			},
		},
		{name: "OK_NoDueDateNoPlan", policy: petition, want: nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := cal
			if tt.cal != nil {
				c = tt.cal
			}
			var got []string
			for _, s := range c.PlanRequest(tt.dueAt, tt.policy, loc) {
				got = append(got, fmt.Sprintf("%s %d %s %s", s.Kind, s.Step, s.Level, s.At.In(loc).Format(time.DateTime)))
				if s.At.Location() != loc {
					t.Errorf("step %s %d is in %v, want %v", s.Kind, s.Step, s.At.Location(), loc)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}

	t.Run("OK_NilLocationMeansTheDueInstants", func(t *testing.T) {
		steps := cal.PlanRequest(endOf("2026-05-04"), petition, nil)
		if got, want := steps[0].At, at("2026-04-30 08:00:00"); !got.Equal(want) {
			t.Errorf("reminder at %v, want %v", got, want)
		}
	})
}
