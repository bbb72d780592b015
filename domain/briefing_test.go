package domain_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Skopje wherever the tests run

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/sqlite"
)

// ReadModels is a domain.ReadModels over lists held in memory. It filters by the fields the briefing
// uses, sorts by receivedAt and dueAt, and serves pages of at most PageMax rows, so that a briefing has
// to read several pages. It records the queries it answers.
type ReadModels struct {
	CaseList    []domain.CaseSummary
	RequestList []domain.RequestSummary
	NoticeList  []domain.NoticeSummary
	PageMax     int

	CaseQueries []domain.CaseQuery
}

var _ domain.ReadModels = (*ReadModels)(nil)

func page[T any](items []T, offset, limit, max int) domain.Page[T] {
	if max > 0 && limit > max {
		limit = max
	}
	end := min(len(items), offset+limit)
	if offset > end {
		offset = end
	}
	return domain.Page[T]{Items: items[offset:end], Offset: offset, Limit: limit, HasMore: end < len(items)}
}

func inRange(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

func (m *ReadModels) Cases(_ context.Context, q domain.CaseQuery) (domain.Page[domain.CaseSummary], error) {
	m.CaseQueries = append(m.CaseQueries, q)
	var out []domain.CaseSummary
	for _, c := range m.CaseList {
		switch {
		case len(q.Kinds) > 0 && !slices.Contains(q.Kinds, c.Kind),
			q.Open != nil && *q.Open != c.Open,
			len(q.Buckets) > 0 && (!c.Open || !slices.Contains(q.Buckets, c.Bucket)),
			!inRange(c.ReceivedAt, q.ReceivedFrom, q.ReceivedTo):
			continue
		}
		out = append(out, c)
	}
	switch q.Sort.Field {
	case "dueAt":
		slices.SortStableFunc(out, func(x, y domain.CaseSummary) int { return cmp.Or(x.DueAt.Compare(y.DueAt), cmp.Compare(x.ID, y.ID)) })
	case "", "receivedAt":
		slices.SortStableFunc(out, func(x, y domain.CaseSummary) int {
			return cmp.Or(y.ReceivedAt.Compare(x.ReceivedAt), cmp.Compare(x.ID, y.ID))
		})
	default:
		return domain.Page[domain.CaseSummary]{}, domain.FieldErrorf("sort", "Unknown sort %q.", q.Sort.Field)
	}
	return page(out, q.Offset, q.Limit, m.PageMax), nil
}

func (m *ReadModels) DueBoard(_ context.Context, q domain.DueBoardQuery) (domain.DueBoard, error) {
	var t domain.DueCount
	for _, c := range m.CaseList {
		if !c.Open {
			continue
		}
		t.Open++
		switch c.Bucket {
		case domain.DueVeryOverdue:
			t.VeryOverdue++
		case domain.DueOverdue:
			t.Overdue++
		case domain.DueToday:
			t.Today++
		case domain.DueThisWeek:
			t.ThisWeek++
		case domain.DueLater:
			t.Later++
		case domain.DueSuspended:
			t.Suspended++
		}
	}
	return domain.DueBoard{Now: q.Now, Totals: t}, nil
}

func (m *ReadModels) Requests(_ context.Context, q domain.RequestQuery) (domain.Page[domain.RequestSummary], error) {
	var out []domain.RequestSummary
	for _, r := range m.RequestList {
		switch {
		case len(q.Kinds) > 0 && !slices.Contains(q.Kinds, r.Kind),
			len(q.Statuses) > 0 && !slices.Contains(q.Statuses, r.Status),
			!inRange(r.DueAt, q.DueFrom, q.DueTo):
			continue
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(x, y domain.RequestSummary) int { return x.DueAt.Compare(y.DueAt) })
	return page(out, q.Offset, q.Limit, m.PageMax), nil
}

func (m *ReadModels) Notices(_ context.Context, q domain.NoticeQuery) (domain.Page[domain.NoticeSummary], error) {
	var out []domain.NoticeSummary
	for _, n := range m.NoticeList {
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, n.Kind) || !inRange(n.At, q.From, q.To) {
			continue
		}
		out = append(out, n)
	}
	slices.SortStableFunc(out, func(x, y domain.NoticeSummary) int { return y.At.Compare(x.At) })
	return page(out, q.Offset, q.Limit, m.PageMax), nil
}

func (m *ReadModels) Statistics(context.Context, domain.StatsQuery) ([]domain.StatsRow, error) {
	return nil, nil
}

func (m *ReadModels) FOIReport(context.Context, int) (domain.FOIReport, error) {
	return domain.FOIReport{}, nil
}

// briefingLoc is Europe/Skopje.
var briefingLoc = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		panic(err)
	}
	return loc
}()

// skopjeAt returns an instant of 2026 in Europe/Skopje.
func skopjeAt(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, briefingLoc)
}

// ids returns the IDs of a section's items.
func ids[T any](s domain.BriefingSection[T], id func(T) string) []string {
	out := make([]string, len(s.Items))
	for i, item := range s.Items {
		out[i] = id(item)
	}
	return out
}

func caseID(c domain.CaseSummary) string       { return c.ID }
func requestID(r domain.RequestSummary) string { return r.CaseID + "/" + r.ID }
func noticeID(n domain.NoticeSummary) string   { return n.ID }

func mustEqual(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestComposeBriefing(t *testing.T) {
	ctx := context.Background()
	cal := domain.NewCalendar(nil)
	// Monday 26 October 2026, 07:30; the previous briefing was on Thursday 22 October at 07:30 (Friday
	// 23 October is a state holiday).
	now := skopjeAt(time.October, 26, 7, 30)
	since := skopjeAt(time.October, 22, 7, 30)
	due := func(month time.Month, day int) time.Time {
		return domain.Date{Year: 2026, Month: month, Day: day}.EndOfDayIn(briefingLoc)
	}
	open := func(id string, kind domain.CaseKind, received time.Time, bucket domain.DueBucket, dueAt time.Time, daysOverdue int) domain.CaseSummary {
		return domain.CaseSummary{
			ID: id, Kind: kind, Status: domain.StatusAssigned, Open: true, Bucket: bucket, ReceivedAt: received.UTC(),
			RegisteredAt: received.UTC().Add(time.Second), DueAt: dueAt.UTC(), DaysOverdue: daysOverdue,
		}
	}
	rm := &ReadModels{
		PageMax: 2, // every section takes several pages
		CaseList: []domain.CaseSummary{
			// New over the long weekend: received Friday, Saturday and Sunday.
			open("weekend-fri", domain.KindPetition, skopjeAt(time.October, 23, 10, 0), domain.DueLater, due(time.December, 22), 0),
			open("weekend-sat", domain.KindMediaQuery, skopjeAt(time.October, 24, 18, 0), domain.DueOverdue, skopjeAt(time.October, 26, 18, 0).Add(-time.Hour*30), 1),
			open("weekend-sun", domain.KindCitizenQuestion, skopjeAt(time.October, 25, 9, 0), domain.DueLater, due(time.November, 16), 0),
			// A letter received on Wednesday and entered on Friday is new too.
			{ID: "backdated", Kind: domain.KindPetition, Status: domain.StatusRegistered, Open: true, Bucket: domain.DueLater,
				ReceivedAt: skopjeAt(time.October, 21, 9, 0).UTC(), RegisteredAt: skopjeAt(time.October, 23, 11, 0).UTC(), DueAt: due(time.December, 21).UTC()},
			// Entered before the last briefing: not new.
			open("thursday-early", domain.KindProposal, skopjeAt(time.October, 22, 7, 0), domain.DueToday, due(time.October, 26), 0),
			// Received after the briefing was composed: in the next one.
			open("after-now", domain.KindPetition, now.Add(time.Minute), domain.DueLater, due(time.December, 25), 0),
			// Due this week; overdue ones, one very overdue; a closed media query.
			open("week-1", domain.KindPublicInformation, skopjeAt(time.October, 8, 9, 0), domain.DueThisWeek, due(time.October, 28), 0),
			open("week-2", domain.KindPetition, skopjeAt(time.August, 31, 9, 0), domain.DueThisWeek, due(time.October, 30), 0),
			open("late-3", domain.KindCitizenQuestion, skopjeAt(time.October, 1, 9, 0), domain.DueOverdue, due(time.October, 23), 3),
			open("late-40", domain.KindPetition, skopjeAt(time.July, 17, 9, 0), domain.DueVeryOverdue, due(time.September, 16), 40),
			open("media-open", domain.KindMediaQuery, skopjeAt(time.October, 22, 10, 0), domain.DueToday, skopjeAt(time.October, 26, 12, 0), 0),
			{ID: "media-closed", Kind: domain.KindMediaQuery, Status: domain.StatusClosed, ReceivedAt: skopjeAt(time.October, 20, 9, 0).UTC()},
		},
		RequestList: []domain.RequestSummary{
			{CaseID: "twin", ID: "r2", Kind: domain.RequestMilestone, Status: domain.RequestIsOpen, DueAt: due(time.November, 9).UTC(), Title: "Visit of the delegation"},
			{CaseID: "twin", ID: "r3", Kind: domain.RequestActivity, Status: domain.RequestIsOpen, DueAt: due(time.October, 20).UTC(), Bucket: domain.DueOverdue},
			{CaseID: "twin", ID: "r4", Kind: domain.RequestMilestone, Status: domain.RequestIsOpen, DueAt: due(time.November, 10).UTC()}, // 15 days on
			{CaseID: "twin", ID: "r5", Kind: domain.RequestMilestone, Status: domain.RequestIsAnswered, DueAt: due(time.October, 30).UTC()},
			{CaseID: "twin", ID: "r1", Kind: domain.RequestReport, Status: domain.RequestIsOpen, DueAt: due(time.October, 29).UTC()},
			{CaseID: "petition", ID: "r1", Kind: domain.RequestInput, Status: domain.RequestIsOpen, DueAt: due(time.October, 27).UTC()},
		},
		NoticeList: []domain.NoticeSummary{
			{ID: "n-before", Kind: domain.NoticeEscalation, At: since.Add(-time.Minute).UTC()},
			{ID: "n-esc-fri", Kind: domain.NoticeEscalation, At: skopjeAt(time.October, 23, 8, 0).UTC(), Level: domain.LevelHead},
			{ID: "n-reminder", Kind: domain.NoticeReminder, At: skopjeAt(time.October, 23, 8, 0).UTC()},
			{ID: "n-overdue-sat", Kind: domain.NoticeOverdue, At: skopjeAt(time.October, 24, 0, 0).UTC()},
			{ID: "n-esc-mon", Kind: domain.NoticeEscalation, At: skopjeAt(time.October, 26, 0, 0).UTC(), Level: domain.LevelCabinet},
		},
	}

	b, err := domain.ComposeBriefing(ctx, rm, domain.BriefingRequest{
		Now: now, Trigger: domain.BriefingBySchedule, By: "system", Since: since, Location: briefingLoc, Calendar: cal,
	})
	if err != nil {
		t.Fatal(err)
	}
	if b.Date != (domain.Date{Year: 2026, Month: time.October, Day: 26}) || !b.ComposedAt.Equal(now) || !b.Since.Equal(since) || !b.NewFrom.Equal(since) {
		t.Errorf("date %s, composed %v, since %v, new from %v", b.Date, b.ComposedAt, b.Since, b.NewFrom)
	}
	mustEqual(t, "new", ids(b.New, caseID), []string{"weekend-sun", "weekend-sat", "backdated", "weekend-fri", "media-open"})
	mustEqual(t, "due today", ids(b.DueToday, caseID), []string{"media-open", "thursday-early"})
	mustEqual(t, "due this week", ids(b.DueThisWeek, caseID), []string{"week-1", "week-2"})
	mustEqual(t, "overdue", ids(b.Overdue, caseID), []string{"late-40", "late-3", "weekend-sat"})
	mustEqual(t, "open media queries", ids(b.OpenMediaQueries, caseID), []string{"weekend-sat", "media-open"})
	mustEqual(t, "escalations", ids(b.Escalations, noticeID), []string{"n-esc-mon", "n-overdue-sat", "n-esc-fri"})
	mustEqual(t, "milestones", ids(b.Milestones, requestID), []string{"twin/r3", "twin/r2"})
	if want := (domain.Date{Year: 2026, Month: time.November, Day: 9}); b.MilestonesUntil != want {
		t.Errorf("milestones until %s, want %s", b.MilestonesUntil, want)
	}
	if b.New.Count != 5 || b.Overdue.Count != 3 || b.Milestones.Count != 2 || b.Escalations.Count != 3 {
		t.Errorf("counts: new %d, overdue %d, milestones %d, escalations %d", b.New.Count, b.Overdue.Count, b.Milestones.Count, b.Escalations.Count)
	}
	want := domain.DueCount{VeryOverdue: 1, Overdue: 2, Today: 2, ThisWeek: 2, Later: 4, Open: 11}
	if b.Totals != want {
		t.Errorf("totals = %+v, want %+v", b.Totals, want)
	}
	// Buckets are asked for at the time of composition, not at the time the read model answers.
	for _, q := range rm.CaseQueries {
		if len(q.Buckets) > 0 && !q.Now.Equal(now) {
			t.Errorf("query %+v: buckets at %v, want %v", q, q.Now, now)
		}
	}
}

func TestComposeBriefingCapsSections(t *testing.T) {
	ctx := context.Background()
	now := skopjeAt(time.November, 3, 7, 30)
	rm := &ReadModels{PageMax: 30}
	for i := range 120 {
		dueAt := domain.Date{Year: 2026, Month: time.October, Day: 1}.AddDays(i % 30).EndOfDayIn(briefingLoc)
		rm.CaseList = append(rm.CaseList, domain.CaseSummary{
			ID: fmt.Sprintf("c%03d", i), Kind: domain.KindPetition, Open: true, Bucket: domain.DueOverdue,
			ReceivedAt: now.Add(-time.Duration(i+1) * time.Hour).UTC(), DueAt: dueAt.UTC(),
			DaysOverdue: domain.DateOf(now, briefingLoc).Compare(domain.DateOf(dueAt, briefingLoc)) * (33 - i%30),
		})
	}
	b, err := domain.ComposeBriefing(ctx, rm, domain.BriefingRequest{
		Now: now, Trigger: domain.BriefingByStaff, By: "besa.hoxha", Since: now.Add(-200 * time.Hour), Location: briefingLoc, Calendar: domain.NewCalendar(nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]domain.BriefingSection[domain.CaseSummary]{"new": b.New, "overdue": b.Overdue} {
		if s.Count != 120 || len(s.Items) != domain.BriefingSectionLimit {
			t.Errorf("%s: count %d, %d items; want 120 and %d", name, s.Count, len(s.Items), domain.BriefingSectionLimit)
		}
	}
	if !slices.IsSortedFunc(b.Overdue.Items, func(x, y domain.CaseSummary) int { return cmp.Compare(y.DaysOverdue, x.DaysOverdue) }) {
		t.Error("overdue cases are not most overdue first")
	}
	if first := b.Overdue.Items[0]; first.DaysOverdue != 33 {
		t.Errorf("the most overdue case is %d days overdue, want 33", first.DaysOverdue)
	}
	if first := b.New.Items[0]; first.ID != "c000" {
		t.Errorf("the newest case is %s, want c000", first.ID)
	}
	// Empty sections are empty lists, not null.
	if b.Escalations.Items == nil || b.Milestones.Items == nil || b.DueToday.Items == nil {
		t.Error("an empty section has nil items")
	}
}

func TestComposeBriefingFirst(t *testing.T) {
	// The first briefing, on Monday 26 October 2026, covers what came in since the start of the working
	// day before: Thursday 22 October (Friday is a holiday).
	rm := &ReadModels{CaseList: []domain.CaseSummary{
		{ID: "wed", ReceivedAt: skopjeAt(time.October, 21, 16, 0).UTC(), RegisteredAt: skopjeAt(time.October, 21, 16, 0).UTC()},
		{ID: "thu", ReceivedAt: skopjeAt(time.October, 22, 0, 0).UTC(), RegisteredAt: skopjeAt(time.October, 22, 0, 1).UTC()},
	}}
	b, err := domain.ComposeBriefing(context.Background(), rm, domain.BriefingRequest{
		Now: skopjeAt(time.October, 26, 7, 30), Trigger: domain.BriefingBySchedule, By: "system", Location: briefingLoc, Calendar: domain.NewCalendar(nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Since.IsZero() || !b.NewFrom.Equal(skopjeAt(time.October, 22, 0, 0)) {
		t.Errorf("since %v, new from %v; want zero and Thursday 00:00", b.Since, b.NewFrom.In(briefingLoc))
	}
	mustEqual(t, "new", ids(b.New, caseID), []string{"thu"})

	// Without cases, every section is an empty list, not null.
	empty, err := domain.ComposeBriefing(context.Background(), &ReadModels{}, domain.BriefingRequest{
		Now: skopjeAt(time.October, 26, 7, 30), Trigger: domain.BriefingBySchedule, By: "system", Location: briefingLoc, Calendar: domain.NewCalendar(nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	if empty.New.Items == nil || empty.Overdue.Items == nil || empty.OpenMediaQueries.Items == nil || empty.Escalations.Items == nil || empty.Milestones.Items == nil {
		t.Errorf("an empty section has nil items: %+v", empty)
	}
}

func TestComposeBriefingInvalid(t *testing.T) {
	now := skopjeAt(time.October, 26, 7, 30)
	for name, req := range map[string]domain.BriefingRequest{
		"ErrTrigger":  {Now: now, Trigger: "cron", Location: briefingLoc, Calendar: domain.NewCalendar(nil)},
		"ErrNoTime":   {Trigger: domain.BriefingByStaff, Location: briefingLoc, Calendar: domain.NewCalendar(nil)},
		"ErrNoPlace":  {Now: now, Trigger: domain.BriefingByStaff, Calendar: domain.NewCalendar(nil)},
		"ErrCalendar": {Now: now, Trigger: domain.BriefingByStaff, Location: briefingLoc},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := domain.ComposeBriefing(context.Background(), &ReadModels{}, req); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("err = %v, want EINVALID", err)
			}
		})
	}
}

// failingReadModels fails every query.
type failingReadModels struct{ ReadModels }

func (failingReadModels) Notices(context.Context, domain.NoticeQuery) (domain.Page[domain.NoticeSummary], error) {
	return domain.Page[domain.NoticeSummary]{}, domain.Errorf(domain.EUNAVAILABLE, "down")
}

func TestComposeBriefingReadModelsDown(t *testing.T) {
	_, err := domain.ComposeBriefing(context.Background(), &failingReadModels{}, domain.BriefingRequest{
		Now: skopjeAt(time.October, 26, 7, 30), Trigger: domain.BriefingByStaff, Location: briefingLoc, Calendar: domain.NewCalendar(nil),
	})
	if domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Errorf("err = %v, want EUNAVAILABLE", err)
	}
}

func TestLatestBriefing(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(t.TempDir() + "/events.db")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	record := func(at time.Time, trigger domain.BriefingTrigger) {
		t.Helper()
		d := domain.DateOf(at, briefingLoc)
		stream := domain.BriefingStream(d)
		var next uint64
		if events, err := store.ReadStream(ctx, stream, domain.ReadStreamOptions{}); err == nil {
			next = uint64(len(events))
		}
		data, err := domain.EncodeEvents(stream, next, domain.Metadata{CausationID: "test"}, &domain.BriefingComposed{Briefing: domain.Briefing{Date: d, ComposedAt: at.UTC(), Trigger: trigger}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Append(ctx, stream, domain.ExpectRevision(next), data...); err != nil {
			t.Fatal(err)
		}
	}
	thursday, monday := domain.Date{Year: 2026, Month: time.October, Day: 22}, domain.Date{Year: 2026, Month: time.October, Day: 26}

	t.Run("ErrNone", func(t *testing.T) {
		if _, err := domain.LatestBriefing(ctx, store, monday, domain.BriefingLookbackDays, time.Time{}); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("err = %v, want ENOTFOUND", err)
		}
		if _, _, err := domain.ReadBriefings(ctx, store, thursday); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("err = %v, want ENOTFOUND", err)
		}
	})

	record(skopjeAt(time.October, 22, 7, 30), domain.BriefingBySchedule)
	record(skopjeAt(time.October, 22, 15, 0), domain.BriefingByStaff)
	t.Run("OK_LastOfLatestDay", func(t *testing.T) {
		b, err := domain.LatestBriefing(ctx, store, monday, domain.BriefingLookbackDays, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if !b.ComposedAt.Equal(skopjeAt(time.October, 22, 15, 0)) || b.Trigger != domain.BriefingByStaff {
			t.Errorf("latest = %v by %s, want Thursday's 15:00 by staff", b.ComposedAt.In(briefingLoc), b.Trigger)
		}
		briefings, rev, err := domain.ReadBriefings(ctx, store, thursday)
		if err != nil || len(briefings) != 2 || rev != 1 {
			t.Errorf("Thursday: %d briefings, revision %d, %v", len(briefings), rev, err)
		}
	})
	t.Run("OK_Before", func(t *testing.T) {
		b, err := domain.LatestBriefing(ctx, store, thursday, domain.BriefingLookbackDays, skopjeAt(time.October, 22, 12, 0))
		if err != nil {
			t.Fatal(err)
		}
		if !b.ComposedAt.Equal(skopjeAt(time.October, 22, 7, 30)) {
			t.Errorf("latest before noon = %v, want 07:30", b.ComposedAt.In(briefingLoc))
		}
	})
	t.Run("ErrTooFarBack", func(t *testing.T) {
		_, err := domain.LatestBriefing(ctx, store, thursday.AddDays(domain.BriefingLookbackDays+1), domain.BriefingLookbackDays, time.Time{})
		if domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("err = %v, want ENOTFOUND", err)
		}
	})
	if s := domain.BriefingStream(thursday); !strings.HasSuffix(s, "-2026-10-22") {
		t.Errorf("stream %s", s)
	}
}

// BenchmarkLatestBriefing looks for the latest briefing in the embedded store: found three days back
// (a long weekend), and not found in a year (each day's stream read and missing).
func BenchmarkLatestBriefing(b *testing.B) {
	ctx := context.Background()
	store, err := sqlite.Open(b.TempDir() + "/events.db")
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	thursday := domain.Date{Year: 2026, Month: time.October, Day: 22}
	data, err := domain.EncodeEvents(domain.BriefingStream(thursday), 0, domain.Metadata{}, &domain.BriefingComposed{Briefing: domain.Briefing{Date: thursday, ComposedAt: skopjeAt(time.October, 22, 7, 30).UTC()}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := store.Append(ctx, domain.BriefingStream(thursday), domain.NoStream(), data...); err != nil {
		b.Fatal(err)
	}
	b.Run("ThreeDaysBack", func(b *testing.B) {
		for b.Loop() {
			if _, err := domain.LatestBriefing(ctx, store, thursday.AddDays(4), domain.BriefingLookbackDays, time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NoneInAYear", func(b *testing.B) {
		for b.Loop() {
			if _, err := domain.LatestBriefing(ctx, store, thursday.AddDays(-1), 366, time.Time{}); domain.ErrorCode(err) != domain.ENOTFOUND {
				b.Fatal(err)
			}
		}
	})
}
