package domain_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

// MustParseDate parses s as "YYYY-MM-DD" or fails the test.
func MustParseDate(tb testing.TB, s string) domain.Date {
	tb.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		tb.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

// MustOpenCalendar returns the calendar with the one-off days shipped in deploy/calendar.
func MustOpenCalendar(tb testing.TB) *domain.Calendar {
	tb.Helper()
	f, err := os.Open("../deploy/calendar/one-off-days.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	days, err := domain.ParseOneOffDays(f)
	if err != nil {
		tb.Fatalf("ParseOneOffDays(deploy/calendar/one-off-days.txt): %v", err)
	}
	return domain.NewCalendar(days)
}

func TestDate(t *testing.T) {
	t.Run("OKAgreesWithTimePackage", func(t *testing.T) {
		start := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
		d := domain.Date{Year: 1600, Month: time.January, Day: 1}
		for i := 0; i < 366*800; i++ {
			tm := start.AddDate(0, 0, i)
			want := domain.DateOf(tm, time.UTC)
			if got := d.AddDays(i); got != want {
				t.Fatalf("%s.AddDays(%d) = %s, want %s", d, i, got, want)
			}
			if got := want.Weekday(); got != tm.Weekday() {
				t.Fatalf("%s.Weekday() = %s, want %s", want, got, tm.Weekday())
			}
			if got := want.AddDays(-i); got != d {
				t.Fatalf("%s.AddDays(%d) = %s, want %s", want, -i, got, d)
			}
		}
	})
	t.Run("OKNormalisesOutOfRangeFields", func(t *testing.T) {
		if got, want := (domain.Date{Year: 2026, Month: 2, Day: 30}).AddDays(0), MustParseDate(t, "2026-03-02"); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		if got, want := (domain.Date{Year: 2025, Month: 13, Day: 1}).AddDays(0), MustParseDate(t, "2026-01-01"); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("OKCompares", func(t *testing.T) {
		a, b := MustParseDate(t, "2025-12-31"), MustParseDate(t, "2026-01-01")
		if !a.Before(b) || a.After(b) || a.Equal(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
			t.Errorf("comparisons of %s and %s are wrong", a, b)
		}
		if !b.After(a) || !b.Equal(domain.Date{Year: 2025, Month: 12, Day: 32}) {
			t.Errorf("comparisons of %s are wrong", b)
		}
	})
	t.Run("OKDateOfUsesLocation", func(t *testing.T) {
		skopje := mustLoadSkopje(t)
		tm := time.Date(2026, 1, 9, 23, 30, 0, 0, time.UTC) // 00:30 on 10 January in Skopje
		if got, want := domain.DateOf(tm, skopje), MustParseDate(t, "2026-01-10"); got != want {
			t.Errorf("DateOf(Skopje) = %s, want %s", got, want)
		}
		if got, want := domain.DateOf(tm, time.UTC), MustParseDate(t, "2026-01-09"); got != want {
			t.Errorf("DateOf(UTC) = %s, want %s", got, want)
		}
		if got, want := domain.DateOf(tm.In(skopje), nil), MustParseDate(t, "2026-01-10"); got != want {
			t.Errorf("DateOf(nil) = %s, want %s", got, want)
		}
	})
	t.Run("OKInIsMidnight", func(t *testing.T) {
		skopje := mustLoadSkopje(t)
		got := MustParseDate(t, "2026-03-29").In(skopje) // the day summer time starts, at 02:00
		if want := time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != skopje {
			t.Errorf("In = %s, want %s in Europe/Skopje", got, want)
		}
	})
	t.Run("OKString", func(t *testing.T) {
		for d, want := range map[domain.Date]string{
			{Year: 2026, Month: 5, Day: 9}:  "2026-05-09",
			{Year: 987, Month: 12, Day: 31}: "0987-12-31",
			{}:                              "0000-00-00",
		} {
			if got := d.String(); got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
		}
	})
	t.Run("OKJSON", func(t *testing.T) {
		type doc struct {
			Due  domain.Date  `json:"due"`
			None domain.Date  `json:"none"`
			Ptr  *domain.Date `json:"ptr,omitempty"`
		}
		b, err := json.Marshal(doc{Due: MustParseDate(t, "2026-03-16")})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(b), `{"due":"2026-03-16","none":""}`; got != want {
			t.Errorf("Marshal = %s, want %s", got, want)
		}
		var v doc
		if err := json.Unmarshal([]byte(`{"due":"2029-01-09","none":"","ptr":"2030-12-09"}`), &v); err != nil {
			t.Fatal(err)
		}
		if v.Due != MustParseDate(t, "2029-01-09") || !v.None.IsZero() || v.Ptr == nil || *v.Ptr != MustParseDate(t, "2030-12-09") {
			t.Errorf("Unmarshal = %+v", v)
		}
	})
	t.Run("ErrInvalidJSON", func(t *testing.T) {
		var d domain.Date
		err := json.Unmarshal([]byte(`"16.03.2026"`), &d)
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("Unmarshal error = %v, want EINVALID", err)
		}
	})
	for _, s := range []string{"", "2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", "2026-01-01T00:00:00Z", "2026-01-01 "} {
		t.Run("ErrInvalidDate/"+s, func(t *testing.T) {
			if _, err := domain.ParseDate(s); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("ParseDate(%q) error = %v, want EINVALID", s, err)
			}
		})
	}
}

// wantHoliday is one expected holiday: its date, the weekday (checked, to catch mistakes in the table),
// its name and its source.
type wantHoliday struct {
	date, weekday, name, source string
}

// wantHolidays are the holidays of 2025–2030, without one-off days. Sunday holidays and their Mondays:
// 24 May, 2 Aug and 11 Oct 2026; 7 Jan 2029; 8 Sep and 8 Dec 2030. There are none in 2025, 2027 or
// 2028. Saturday holidays (24 May, 2 Aug, 11 Oct 2025; 1 May, 23 Oct 2027; 1 Jan 2028; 8 Sep, 8 Dec
// 2029) do not move.
var wantHolidays = map[int][]wantHoliday{
	2025: {
		{"2025-01-01", "Wed", "New Year", "fixed"},
		{"2025-01-07", "Tue", "Orthodox Christmas", "fixed"},
		{"2025-04-21", "Mon", "Orthodox Easter Monday", "easter"},
		{"2025-05-01", "Thu", "Labour Day", "fixed"},
		{"2025-05-24", "Sat", "Saints Cyril and Methodius", "fixed"},
		{"2025-08-02", "Sat", "Ilinden", "fixed"},
		{"2025-09-08", "Mon", "Independence Day", "fixed"},
		{"2025-10-11", "Sat", "Day of the People's Uprising", "fixed"},
		{"2025-10-23", "Thu", "Day of the Macedonian Revolutionary Struggle", "fixed"},
		{"2025-12-08", "Mon", "Saint Clement of Ohrid", "fixed"},
	},
	2026: {
		{"2026-01-01", "Thu", "New Year", "fixed"},
		{"2026-01-07", "Wed", "Orthodox Christmas", "fixed"},
		{"2026-04-13", "Mon", "Orthodox Easter Monday", "easter"},
		{"2026-05-01", "Fri", "Labour Day", "fixed"},
		{"2026-05-24", "Sun", "Saints Cyril and Methodius", "fixed"},
		{"2026-05-25", "Mon", "Saints Cyril and Methodius (moved from Sunday)", "sunday-shift"},
		{"2026-08-02", "Sun", "Ilinden", "fixed"},
		{"2026-08-03", "Mon", "Ilinden (moved from Sunday)", "sunday-shift"},
		{"2026-09-08", "Tue", "Independence Day", "fixed"},
		{"2026-10-11", "Sun", "Day of the People's Uprising", "fixed"},
		{"2026-10-12", "Mon", "Day of the People's Uprising (moved from Sunday)", "sunday-shift"},
		{"2026-10-23", "Fri", "Day of the Macedonian Revolutionary Struggle", "fixed"},
		{"2026-12-08", "Tue", "Saint Clement of Ohrid", "fixed"},
	},
	2027: {
		{"2027-01-01", "Fri", "New Year", "fixed"},
		{"2027-01-07", "Thu", "Orthodox Christmas", "fixed"},
		{"2027-05-01", "Sat", "Labour Day", "fixed"},
		{"2027-05-03", "Mon", "Orthodox Easter Monday", "easter"},
		{"2027-05-24", "Mon", "Saints Cyril and Methodius", "fixed"},
		{"2027-08-02", "Mon", "Ilinden", "fixed"},
		{"2027-09-08", "Wed", "Independence Day", "fixed"},
		{"2027-10-11", "Mon", "Day of the People's Uprising", "fixed"},
		{"2027-10-23", "Sat", "Day of the Macedonian Revolutionary Struggle", "fixed"},
		{"2027-12-08", "Wed", "Saint Clement of Ohrid", "fixed"},
	},
	2028: {
		{"2028-01-01", "Sat", "New Year", "fixed"},
		{"2028-01-07", "Fri", "Orthodox Christmas", "fixed"},
		{"2028-04-17", "Mon", "Orthodox Easter Monday", "easter"},
		{"2028-05-01", "Mon", "Labour Day", "fixed"},
		{"2028-05-24", "Wed", "Saints Cyril and Methodius", "fixed"},
		{"2028-08-02", "Wed", "Ilinden", "fixed"},
		{"2028-09-08", "Fri", "Independence Day", "fixed"},
		{"2028-10-11", "Wed", "Day of the People's Uprising", "fixed"},
		{"2028-10-23", "Mon", "Day of the Macedonian Revolutionary Struggle", "fixed"},
		{"2028-12-08", "Fri", "Saint Clement of Ohrid", "fixed"},
	},
	2029: {
		{"2029-01-01", "Mon", "New Year", "fixed"},
		{"2029-01-07", "Sun", "Orthodox Christmas", "fixed"},
		{"2029-01-08", "Mon", "Orthodox Christmas (moved from Sunday)", "sunday-shift"},
		{"2029-04-09", "Mon", "Orthodox Easter Monday", "easter"},
		{"2029-05-01", "Tue", "Labour Day", "fixed"},
		{"2029-05-24", "Thu", "Saints Cyril and Methodius", "fixed"},
		{"2029-08-02", "Thu", "Ilinden", "fixed"},
		{"2029-09-08", "Sat", "Independence Day", "fixed"},
		{"2029-10-11", "Thu", "Day of the People's Uprising", "fixed"},
		{"2029-10-23", "Tue", "Day of the Macedonian Revolutionary Struggle", "fixed"},
		{"2029-12-08", "Sat", "Saint Clement of Ohrid", "fixed"},
	},
	2030: {
		{"2030-01-01", "Tue", "New Year", "fixed"},
		{"2030-01-07", "Mon", "Orthodox Christmas", "fixed"},
		{"2030-04-29", "Mon", "Orthodox Easter Monday", "easter"},
		{"2030-05-01", "Wed", "Labour Day", "fixed"},
		{"2030-05-24", "Fri", "Saints Cyril and Methodius", "fixed"},
		{"2030-08-02", "Fri", "Ilinden", "fixed"},
		{"2030-09-08", "Sun", "Independence Day", "fixed"},
		{"2030-09-09", "Mon", "Independence Day (moved from Sunday)", "sunday-shift"},
		{"2030-10-11", "Fri", "Day of the People's Uprising", "fixed"},
		{"2030-10-23", "Wed", "Day of the Macedonian Revolutionary Struggle", "fixed"},
		{"2030-12-08", "Sun", "Saint Clement of Ohrid", "fixed"},
		{"2030-12-09", "Mon", "Saint Clement of Ohrid (moved from Sunday)", "sunday-shift"},
	},
}

func TestCalendar_Holidays(t *testing.T) {
	cal := domain.NewCalendar(nil)
	for year := 2025; year <= 2030; year++ {
		t.Run(fmt.Sprintf("OK%d", year), func(t *testing.T) {
			want := wantHolidays[year]
			got := cal.Holidays(year)
			if len(got) != len(want) {
				t.Errorf("Holidays(%d) has %d days, want %d: %v", year, len(got), len(want), got)
			}
			for i := range min(len(got), len(want)) {
				w, g := want[i], got[i]
				d := MustParseDate(t, w.date)
				if wd := d.Weekday().String()[:3]; wd != w.weekday {
					t.Fatalf("bad test table: %s is a %s, not a %s", w.date, wd, w.weekday)
				}
				if g.Date != d || g.Name != w.name || g.Source != w.source {
					t.Errorf("Holidays(%d)[%d] = %s %q %s, want %s %q %s", year, i, g.Date, g.Name, g.Source, w.date, w.name, w.source)
				}
				if h, ok := cal.HolidayOn(d); !ok || h != g {
					t.Errorf("HolidayOn(%s) = %v, %v, want %v", d, h, ok, g)
				}
				if cal.IsWorkingDay(d) {
					t.Errorf("IsWorkingDay(%s) = true, want false (%s)", d, w.name)
				}
			}
		})
	}
	t.Run("OKOtherWeekdaysAreWorkingDays", func(t *testing.T) {
		off := map[domain.Date]bool{}
		for _, hs := range wantHolidays {
			for _, h := range hs {
				off[MustParseDate(t, h.date)] = true
			}
		}
		for d := MustParseDate(t, "2025-01-01"); d.Year <= 2030; d = d.AddDays(1) {
			wd := d.Weekday()
			want := wd != time.Saturday && wd != time.Sunday && !off[d]
			if got := cal.IsWorkingDay(d); got != want {
				t.Errorf("IsWorkingDay(%s, a %s) = %v, want %v", d, wd, got, want)
			}
			if _, ok := cal.HolidayOn(d); ok != off[d] {
				t.Errorf("HolidayOn(%s) found = %v, want %v", d, ok, off[d])
			}
		}
		// 2026: 261 weekdays less 10 holidays on weekdays (counting the three Mondays after Sundays).
		if n := countWorking(cal, 2026); n != 251 {
			t.Errorf("2026 has %d working days, want 251", n)
		}
	})
	t.Run("OKSaturdayHolidaysDoNotMove", func(t *testing.T) {
		for _, s := range []string{"2025-05-26", "2025-08-04", "2025-10-13", "2027-10-25", "2028-01-03", "2029-09-10", "2029-12-10"} {
			d := MustParseDate(t, s)
			if !cal.IsWorkingDay(d) {
				h, _ := cal.HolidayOn(d)
				t.Errorf("IsWorkingDay(%s) = false (%q), want true: the Saturday before is a holiday that does not move", d, h.Name)
			}
		}
	})
	t.Run("OKShiftSkipsEasterMonday", func(t *testing.T) {
		// 2016: Labour Day on Sunday 1 May, Orthodox Easter Monday on 2 May: Labour Day moves to Tuesday 3 May.
		got, ok := cal.HolidayOn(MustParseDate(t, "2016-05-03"))
		if want := (domain.Holiday{Date: MustParseDate(t, "2016-05-03"), Name: "Labour Day (moved from Sunday)", Source: "sunday-shift"}); !ok || got != want {
			t.Errorf("HolidayOn(2016-05-03) = %+v, %v, want %+v", got, ok, want)
		}
		if h, _ := cal.HolidayOn(MustParseDate(t, "2016-05-02")); h.Name != "Orthodox Easter Monday" {
			t.Errorf("HolidayOn(2016-05-02) = %+v, want Orthodox Easter Monday", h)
		}
	})
	t.Run("OKShiftSkipsOneOffDay", func(t *testing.T) {
		cal := domain.NewCalendar([]domain.Holiday{{Date: MustParseDate(t, "2026-05-25"), Name: "Election day"}})
		want := []domain.Holiday{
			{Date: MustParseDate(t, "2026-05-24"), Name: "Saints Cyril and Methodius", Source: "fixed"},
			{Date: MustParseDate(t, "2026-05-25"), Name: "Election day", Source: "one-off"},
			{Date: MustParseDate(t, "2026-05-26"), Name: "Saints Cyril and Methodius (moved from Sunday)", Source: "sunday-shift"},
		}
		var got []domain.Holiday
		for _, h := range cal.Holidays(2026) {
			if h.Date.Month == time.May && h.Date.Day > 20 {
				got = append(got, h)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("Holidays(2026) in late May = %+v, want %+v", got, want)
		}
	})
	t.Run("OKHolidaysReturnsCopy", func(t *testing.T) {
		hs := cal.Holidays(2026)
		hs[0].Name = "changed"
		if h, _ := cal.HolidayOn(MustParseDate(t, "2026-01-01")); h.Name != "New Year" {
			t.Errorf("HolidayOn(2026-01-01).Name = %q after changing a returned slice", h.Name)
		}
	})
}

func countWorking(cal *domain.Calendar, year int) int {
	n := 0
	for d := (domain.Date{Year: year, Month: time.January, Day: 1}); d.Year == year; d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

func TestOrthodoxEaster(t *testing.T) {
	for _, tt := range []struct{ year, sunday string }{
		{"1900", "1900-04-22"}, // the first year of the 13-day difference
		{"2000", "2000-04-30"},
		{"2010", "2010-04-04"},
		{"2016", "2016-05-01"},
		{"2024", "2024-05-05"},
		{"2025", "2025-04-20"},
		{"2026", "2026-04-12"},
		{"2027", "2027-05-02"},
		{"2028", "2028-04-16"},
		{"2029", "2029-04-08"},
		{"2030", "2030-04-28"},
		{"2100", "2100-05-02"}, // 14 days' difference from 1 March 2100
	} {
		want := MustParseDate(t, tt.sunday)
		t.Run("OK"+tt.year, func(t *testing.T) {
			got := domain.OrthodoxEaster(want.Year)
			if got != want {
				t.Errorf("OrthodoxEaster(%d) = %s, want %s", want.Year, got, want)
			}
			if got.Weekday() != time.Sunday {
				t.Errorf("OrthodoxEaster(%d) = %s, a %s", want.Year, got, got.Weekday())
			}
		})
	}
	t.Run("OKEasterMondayIsAHoliday", func(t *testing.T) {
		cal := domain.NewCalendar(nil)
		for _, s := range []string{"2025-04-21", "2026-04-13", "2027-05-03", "2028-04-17", "2029-04-09", "2030-04-29"} {
			d := MustParseDate(t, s)
			if h, ok := cal.HolidayOn(d); !ok || h.Name != "Orthodox Easter Monday" || h.Source != "easter" {
				t.Errorf("HolidayOn(%s) = %+v, %v, want Orthodox Easter Monday", d, h, ok)
			}
			// Orthodox Good Friday is a holiday for the Orthodox only: it does not move statutory clocks.
			if gf := d.AddDays(-3); !cal.IsWorkingDay(gf) {
				t.Errorf("IsWorkingDay(%s, Good Friday) = false, want true", gf)
			}
		}
	})
}

func TestCalendar_OneOffDays(t *testing.T) {
	t.Run("OKShippedFile", func(t *testing.T) {
		cal := MustOpenCalendar(t)
		for _, s := range []string{"2025-03-31", "2026-03-20"} {
			d := MustParseDate(t, s)
			h, ok := cal.HolidayOn(d)
			if !ok || h.Source != "one-off" || !strings.Contains(h.Name, "Ramazan Bajram") {
				t.Errorf("HolidayOn(%s) = %+v, %v, want the first day of Ramazan Bajram", d, h, ok)
			}
			if cal.IsWorkingDay(d) {
				t.Errorf("IsWorkingDay(%s) = true, want false", d)
			}
		}
		if n := countWorking(cal, 2026); n != 250 {
			t.Errorf("2026 has %d working days with Ramazan Bajram, want 250", n)
		}
	})
	t.Run("OKOneOffSundayNotMoved", func(t *testing.T) {
		cal := domain.NewCalendar([]domain.Holiday{{Date: MustParseDate(t, "2025-03-30"), Name: "Ramazan Bajram"}})
		if !cal.IsWorkingDay(MustParseDate(t, "2025-03-31")) {
			t.Error("IsWorkingDay(2025-03-31) = false: a one-off day on a Sunday must not move")
		}
		if got := cal.Holidays(2025); len(got) != len(wantHolidays[2025])+1 {
			t.Errorf("Holidays(2025) = %v, want the state holidays and one one-off day", got)
		}
	})
	t.Run("OKDuplicateKeepsFirst", func(t *testing.T) {
		d := MustParseDate(t, "2026-06-01")
		cal := domain.NewCalendar([]domain.Holiday{{Date: d, Name: "first"}, {Date: d, Name: "second"}})
		if h, _ := cal.HolidayOn(d); h.Name != "first" || h.Source != "one-off" {
			t.Errorf("HolidayOn(%s) = %+v, want the first name, source one-off", d, h)
		}
		if n := len(cal.Holidays(2026)); n != len(wantHolidays[2026])+1 {
			t.Errorf("Holidays(2026) has %d days, want %d", n, len(wantHolidays[2026])+1)
		}
	})
}

func TestParseOneOffDays(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		in := "\ufeff# comment\n\n   \n2026-03-20\tRamazan Bajram (Eid al-Fitr), first day\n  # indented comment\n2026-06-07   Парламентарни избори  \r\n"
		got, err := domain.ParseOneOffDays(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.Holiday{
			{Date: MustParseDate(t, "2026-03-20"), Name: "Ramazan Bajram (Eid al-Fitr), first day", Source: "one-off"},
			{Date: MustParseDate(t, "2026-06-07"), Name: "Парламентарни избори", Source: "one-off"},
		}
		if !slices.Equal(got, want) {
			t.Errorf("ParseOneOffDays = %+v, want %+v", got, want)
		}
	})
	t.Run("OKEmpty", func(t *testing.T) {
		got, err := domain.ParseOneOffDays(strings.NewReader("# nothing yet\n"))
		if err != nil || len(got) != 0 {
			t.Errorf("ParseOneOffDays = %v, %v, want no days", got, err)
		}
	})
	for _, tt := range []struct {
		name, in, want string
	}{
		{"ErrBadDate", "# header\n2026-03-20 Eid\n2026-02-30 Election day\n", "line 3: invalid date \"2026-02-30\""},
		{"ErrBadDateFormat", "20.03.2026 Eid\n", "line 1: invalid date \"20.03.2026\""},
		{"ErrMissingName", "\n\n2026-03-20\n", "line 3: missing name after date 2026-03-20"},
		{"ErrMissingNameBlank", "2026-03-20 \t \n", "line 1: missing name after date 2026-03-20"},
		{"ErrDuplicateDate", "2026-03-20 Eid\n# again\n2026-03-20 Eid again\n", "line 3: duplicate date 2026-03-20 (first on line 1)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domain.ParseOneOffDays(strings.NewReader(tt.in))
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("error = %v, want EINVALID", err)
			}
			if msg := domain.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message = %q, want it to contain %q", msg, tt.want)
			}
		})
	}
}

func TestCalendar_NextWorkingDay(t *testing.T) {
	cal := domain.NewCalendar(nil)
	for _, tt := range []struct{ name, from, want string }{
		{"OKWorkingDayItself", "2026-03-11", "2026-03-11"},
		{"OKSaturdayToMonday", "2026-03-14", "2026-03-16"},
		{"OKSundayHolidayToTuesday", "2026-05-24", "2026-05-26"},
		{"OKNewYearToFriday", "2026-01-01", "2026-01-02"},
		{"OKSaturdayNewYearToMonday", "2028-01-01", "2028-01-03"},
		{"OKAcrossYearEnd", "2028-12-30", "2029-01-02"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			from, want := MustParseDate(t, tt.from), MustParseDate(t, tt.want)
			if got := cal.NextWorkingDay(from); got != want {
				t.Errorf("NextWorkingDay(%s) = %s, want %s", from, got, want)
			}
		})
	}
}

func TestCalendar_AddWorkingDays(t *testing.T) {
	cal := MustOpenCalendar(t)
	for _, tt := range []struct {
		name    string
		from    string
		n       int
		want    string
		skipped []string
	}{
		{"OKAcrossEaster", "2026-04-08", 5, "2026-04-16", []string{"2026-04-11", "2026-04-12", "2026-04-13"}},
		{"OKAcrossNewYearAndChristmas", "2025-12-30", 5, "2026-01-08", []string{"2026-01-01", "2026-01-03", "2026-01-04", "2026-01-07"}},
		{"OKAcrossRamazanBajram", "2026-03-18", 3, "2026-03-24", []string{"2026-03-20", "2026-03-21", "2026-03-22"}},
		{"OKFromSaturday", "2026-03-14", 1, "2026-03-16", []string{"2026-03-15"}},
		{"OKZero", "2026-03-14", 0, "2026-03-14", nil},
		{"OKBackwards", "2026-01-08", -5, "2025-12-30", []string{"2026-01-01", "2026-01-03", "2026-01-04", "2026-01-07"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, skipped := cal.AddWorkingDays(MustParseDate(t, tt.from), tt.n)
			if want := MustParseDate(t, tt.want); got != want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, want)
			}
			var gotSkipped []string
			for _, d := range skipped {
				gotSkipped = append(gotSkipped, d.String())
			}
			if !slices.Equal(gotSkipped, tt.skipped) {
				t.Errorf("skipped = %v, want %v", gotSkipped, tt.skipped)
			}
		})
	}
}

func TestCalendar_Concurrent(t *testing.T) {
	cal := MustOpenCalendar(t)
	ref := MustOpenCalendar(t)
	want := map[int]int{}
	for y := 1990; y <= 2060; y++ {
		want[y] = countWorking(ref, y)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 71 {
				y := 1990 + (i*7+g*13)%71
				if got := countWorking(cal, y); got != want[y] {
					t.Errorf("concurrent count of %d = %d, want %d", y, got, want[y])
				}
			}
		})
	}
	wg.Wait()
}

func mustLoadSkopje(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}
