package domain

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
)

// Date is a civil date: a day in the calendar, without a time of day or a location.
// Deadlines are counted in Dates; a time.Time becomes a Date only through a location (DateOf).
//
// The zero Date is "no date". Methods other than IsZero, String and MarshalText treat fields out of
// range as time.Date does (Date{2026, 2, 30} is 2026-03-02); ParseDate never returns such a Date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in loc (in t's own location when loc is nil).
func DateOf(t time.Time, loc *time.Location) Date {
	if loc != nil {
		t = t.In(loc)
	}
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses s as "YYYY-MM-DD" (e.g. "2026-05-19"). It returns an EINVALID error for anything else,
// including days that do not exist such as "2026-02-30".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "invalid date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t, nil), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns the date n days after d (before d when n is negative).
func (d Date) AddDays(n int) Date { return dateFromDays(d.days() + int64(n)) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(floorMod(d.days()+int64(time.Thursday), 7))
}

// Compare returns -1 if d is before e, 0 if they are the same day and +1 if d is after e.
func (d Date) Compare(e Date) int {
	switch a, b := d.days(), e.days(); {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.days() < e.days() }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.days() > e.days() }

// Equal reports whether d and e are the same day.
func (d Date) Equal(e Date) bool { return d.days() == e.days() }

// In returns the first instant (midnight, or the first existing instant when midnight is skipped by a
// clock change) of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// EndOfDayIn returns 23:59:59 of d in loc: the instant by which a deadline due on d must be met.
// The sub-second part is zero so that the instant reads cleanly in JSON, logs and the Temporal UI.
func (d Date) EndOfDayIn(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, loc)
}

// String returns d as "2006-01-02".
func (d Date) String() string {
	if d.Year < 0 || d.Year > 9999 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	b := make([]byte, 0, 10)
	return string(d.appendTo(b))
}

func (d Date) appendTo(b []byte) []byte {
	b = appendInt(b, d.Year, 4)
	b = append(b, '-')
	b = appendInt(b, int(d.Month), 2)
	b = append(b, '-')
	return appendInt(b, d.Day, 2)
}

func appendInt(b []byte, v, width int) []byte {
	var buf [8]byte
	i := len(buf)
	for v > 0 || width > 0 {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		width--
	}
	return append(b, buf[i:]...)
}

// MarshalText encodes d as "2006-01-02" (and the zero Date as ""), so that a Date is a JSON string.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	if d.Year < 0 || d.Year > 9999 {
		return nil, Errorf(EINVALID, "date %s: year outside 0000-9999", d)
	}
	return d.appendTo(make([]byte, 0, 10)), nil
}

// UnmarshalText decodes "2006-01-02" (and "" as the zero Date). It returns an EINVALID error otherwise.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// days returns the number of days from 1970-01-01 to d (Howard Hinnant's days_from_civil, proleptic
// Gregorian calendar). Out-of-range months and days are normalised as time.Date does.
func (d Date) days() int64 {
	y, m := int64(d.Year), int64(d.Month)
	// Bring the month into 1..12 first.
	m--
	y += floorDiv(m, 12)
	m = floorMod(m, 12) + 1
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateFromDays is the inverse of Date.days (Hinnant's civil_from_days).
func dateFromDays(z int64) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{Year: int(y), Month: time.Month(m), Day: int(d)}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// Sources of a Holiday: why the day is not a working day.
const (
	HolidaySourceFixed       = "fixed"        // a state holiday on the same day every year
	HolidaySourceEaster      = "easter"       // Orthodox Easter Monday, computed
	HolidaySourceSundayShift = "sunday-shift" // the Monday (or later) that replaces a state holiday falling on a Sunday
	HolidaySourceOneOff      = "one-off"      // imported as published by the government (Ramazan Bajram, election days)
)

// Holiday is a non-working day for all citizens.
type Holiday struct {
	Date Date   `json:"date"`
	Name string `json:"name"`
	// Source is one of the HolidaySource constants.
	Source string `json:"source"`
}

// fixedHolidays are the state holidays of the Law on Holidays (2007) that fall on the same day every year.
// The first day of Ramazan Bajram is a non-working day too, but follows the moon: it is never computed and
// comes only from the imported one-off days.
var fixedHolidays = [...]struct {
	month time.Month
	day   int
	name  string
}{
	{time.January, 1, "New Year"},
	{time.January, 7, "Orthodox Christmas"},
	{time.May, 1, "Labour Day"},
	{time.May, 24, "Saints Cyril and Methodius"},
	{time.August, 2, "Ilinden"},
	{time.September, 8, "Independence Day"},
	{time.October, 11, "Day of the People's Uprising"},
	{time.October, 23, "Day of the Macedonian Revolutionary Struggle"},
	{time.December, 8, "Saint Clement of Ohrid"},
}

// easterMondayName is the name of the day after Orthodox Easter Sunday.
const easterMondayName = "Orthodox Easter Monday"

// OrthodoxEaster returns the date of Orthodox Easter Sunday in year, in the Gregorian calendar: the
// Julian computus (Meeus), converted by the Julian–Gregorian difference of that century (13 days for
// 1900–2099, 14 for 2100–2199).
func OrthodoxEaster(year int) Date {
	a, b, c := year%4, year%7, year%19
	d := (19*c + 15) % 30
	e := (2*a + 4*b - d + 34) % 7
	month := (d + e + 114) / 31
	day := (d+e+114)%31 + 1
	// Easter falls in March–May, after the century's leap-day difference has taken effect.
	offset := year/100 - year/400 - 2
	return Date{Year: year, Month: time.Month(month), Day: day}.AddDays(offset)
}

// Calendar is North Macedonia's calendar of working days: Saturdays, Sundays, the state holidays of the
// Law on Holidays (2007) with their Sunday shifts, and the imported one-off days are non-working.
//
// A Calendar is safe for concurrent use. It computes each year's holidays the first time the year is
// asked for and keeps them; its results depend only on its one-off days, so they are deterministic.
type Calendar struct {
	oneOff []Holiday // sorted by date, one per date

	mu    sync.Mutex                         // serialises the building of years
	years atomic.Pointer[map[int]*yearTable] // copy-on-write: readers never lock
}

// yearTable is one year's holidays, sorted, with an index by day of the year.
type yearTable struct {
	list []Holiday
	// byDay[i] is 1 + the index in list of the first holiday on day i of the year (0: no holiday).
	byDay [366]int16
	jan1  int64 // days of 1 January
}

// NewCalendar returns a calendar with the given one-off non-working days (first days of Ramazan Bajram,
// election days, days declared by the government), usually read by ParseOneOffDays. One-off days are
// taken as given: they are not moved when they fall on a Sunday. A date given twice keeps its first name.
func NewCalendar(oneOff []Holiday) *Calendar {
	c := &Calendar{}
	seen := make(map[Date]bool, len(oneOff))
	for _, h := range oneOff {
		h.Date = h.Date.AddDays(0) // normalise
		if seen[h.Date] {
			continue
		}
		seen[h.Date] = true
		h.Source = HolidaySourceOneOff
		c.oneOff = append(c.oneOff, h)
	}
	slices.SortStableFunc(c.oneOff, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return c
}

// IsWorkingDay reports whether d is a working day: neither a Saturday, a Sunday nor a holiday.
func (c *Calendar) IsWorkingDay(d Date) bool {
	if isWeekend(d) {
		return false
	}
	_, ok := c.holidayOn(d)
	return !ok
}

// HolidayOn returns the holiday on d, if any. When several fall on d, it returns the state holiday
// before a Sunday shift and before a one-off day.
func (c *Calendar) HolidayOn(d Date) (Holiday, bool) {
	h, ok := c.holidayOn(d)
	if !ok {
		return Holiday{}, false
	}
	return *h, true
}

func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func (c *Calendar) holidayOn(d Date) (*Holiday, bool) {
	z := d.days()
	if d.Month < time.January || d.Month > time.December || d.Day < 1 || d.Day > 28 {
		d = dateFromDays(z) // normalise before choosing the year
	}
	t := c.year(d.Year)
	i := t.byDay[z-t.jan1]
	if i == 0 {
		return nil, false
	}
	return &t.list[i-1], true
}

// Holidays returns the holidays of year sorted by date: the state holidays (on Saturdays and Sundays
// too), the working days that replace state holidays falling on a Sunday (Source "sunday-shift") and the
// one-off days. The caller may modify the returned slice.
func (c *Calendar) Holidays(year int) []Holiday {
	return slices.Clone(c.year(year).list)
}

// NextWorkingDay returns d if it is a working day, else the first working day after d.
func (c *Calendar) NextWorkingDay(d Date) Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// AddWorkingDays returns the date n working days after d (d itself does not count) and the non-working
// days passed over on the way, in ascending order. A negative n counts back: the date n working days
// before d. With n = 0 it returns d, even if d is not a working day.
func (c *Calendar) AddWorkingDays(d Date, n int) (Date, []Date) {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	var skipped []Date
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		} else {
			skipped = append(skipped, d)
		}
	}
	if step < 0 {
		slices.Reverse(skipped)
	}
	return d, skipped
}

// year returns the table of year, building it on first use.
func (c *Calendar) year(y int) *yearTable {
	if m := c.years.Load(); m != nil {
		if t, ok := (*m)[y]; ok {
			return t
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.years.Load()
	if old != nil {
		if t, ok := (*old)[y]; ok {
			return t
		}
	}
	t := c.buildYear(y)
	m := map[int]*yearTable{}
	if old != nil {
		m = maps.Clone(*old)
	}
	m[y] = t
	c.years.Store(&m)
	return t
}

// stateHolidays returns the state holidays of year (fixed and Easter Monday) in date order, unshifted.
func stateHolidays(year int) []Holiday {
	hs := make([]Holiday, 0, len(fixedHolidays)+1)
	for _, f := range fixedHolidays {
		hs = append(hs, Holiday{Date: Date{year, f.month, f.day}, Name: f.name, Source: HolidaySourceFixed})
	}
	hs = append(hs, Holiday{Date: OrthodoxEaster(year).AddDays(1), Name: easterMondayName, Source: HolidaySourceEaster})
	slices.SortStableFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return hs
}

// sourceRank orders holidays that share a date.
func sourceRank(s string) int {
	switch s {
	case HolidaySourceFixed, HolidaySourceEaster:
		return 0
	case HolidaySourceSundayShift:
		return 1
	}
	return 2
}

// buildYear computes the holidays of year y.
//
// A state holiday on a Sunday moves to the following Monday; if that Monday is already a holiday (a
// state holiday, a one-off day or the replacement of an earlier Sunday holiday), to the next day that is
// neither a weekend day nor a holiday. Saturday holidays do not move. The previous year is considered
// too, so that a shift across New Year would be found.
func (c *Calendar) buildYear(y int) *yearTable {
	state := append(stateHolidays(y-1), stateHolidays(y)...)
	taken := make(map[int64]bool, len(state)+len(c.oneOff))
	for _, h := range state {
		taken[h.Date.days()] = true
	}
	for _, h := range c.oneOff {
		if h.Date.Year >= y-1 && h.Date.Year <= y+1 {
			taken[h.Date.days()] = true
		}
	}
	isTaken := func(d Date) bool {
		if taken[d.days()] {
			return true
		}
		if d.Year > y { // a shift into the next year must also avoid that year's state holidays
			for _, h := range stateHolidays(d.Year) {
				if h.Date.Equal(d) {
					return true
				}
			}
		}
		return false
	}

	var list []Holiday
	for _, h := range state {
		if h.Date.Year == y {
			list = append(list, h)
		}
		if h.Date.Weekday() != time.Sunday {
			continue
		}
		to := h.Date.AddDays(1)
		for isWeekend(to) || isTaken(to) {
			to = to.AddDays(1)
		}
		taken[to.days()] = true
		if to.Year == y {
			list = append(list, Holiday{Date: to, Name: fmt.Sprintf(SundayShiftFormat, h.Name), Source: HolidaySourceSundayShift})
		}
	}
	for _, h := range c.oneOff {
		if h.Date.Year == y {
			list = append(list, h)
		}
	}
	slices.SortStableFunc(list, func(a, b Holiday) int {
		if n := a.Date.Compare(b.Date); n != 0 {
			return n
		}
		return sourceRank(a.Source) - sourceRank(b.Source)
	})

	t := &yearTable{list: list, jan1: Date{y, time.January, 1}.days()}
	for i, h := range list {
		if k := h.Date.days() - t.jan1; t.byDay[k] == 0 {
			t.byDay[k] = int16(i + 1)
		}
	}
	return t
}

// ParseOneOffDays reads one-off non-working days: one per line, "YYYY-MM-DD", white space, then the name
// of the day, e.g. "2026-03-20 Ramazan Bajram (Eid al-Fitr), first day". Blank lines and lines starting
// with "#" are ignored. It returns an EINVALID error naming the line of a bad date, a missing name or a
// date given twice.
func ParseOneOffDays(r io.Reader) ([]Holiday, error) {
	var days []Holiday
	firstLine := map[Date]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff") // a byte order mark from Windows editors
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		field, name := line, ""
		if i := strings.IndexFunc(line, unicode.IsSpace); i >= 0 {
			field, name = line[:i], strings.TrimSpace(line[i:])
		}
		d, err := ParseDate(field)
		if err != nil {
			return nil, Errorf(EINVALID, "one-off days, line %d: invalid date %q: want YYYY-MM-DD", n, field)
		}
		if name == "" {
			return nil, Errorf(EINVALID, "one-off days, line %d: missing name after date %s", n, d)
		}
		if first, ok := firstLine[d]; ok {
			return nil, Errorf(EINVALID, "one-off days, line %d: duplicate date %s (first on line %d)", n, d, first)
		}
		firstLine[d] = n
		days = append(days, Holiday{Date: d, Name: name, Source: HolidaySourceOneOff})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, Errorf(EINVALID, "one-off days: line longer than %d bytes", bufio.MaxScanTokenSize)
		}
		return nil, fmt.Errorf("read one-off days: %w", err)
	}
	return days, nil
}
