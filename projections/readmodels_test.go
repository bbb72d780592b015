package projections_test

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/projections"
)

// utc returns the instant of "2006-01-02 15:04" in Skopje, in UTC as the read models return instants.
func utc(s string) time.Time { return at(s).UTC() }

// dueEnd returns 23:59:59 of the date in Skopje, in UTC.
func dueEnd(s string) time.Time { return endOf(s).UTC() }

func ptr[T any](v T) *T { return &v }

// storyCases returns every case of the story as the read model should list it at storyNow.
func storyCases(l *storyLog) map[string]domain.CaseSummary {
	cases := map[string]domain.CaseSummary{
		"c01": {Kind: domain.KindPetition, Status: domain.StatusAssigned, Sector: "communal", Officer: "officer-1",
			Channel: domain.ChannelEmail, Language: domain.Macedonian, ArchiveNumber: "08-101/1",
			ReceivedAt: utc("2026-03-02 09:00"), RegisteredAt: utc("2026-03-02 09:10"),
			DueAt: dueEnd("2026-05-04"), DueDate: date("2026-05-04"), Open: true, Bucket: domain.DueOverdue, DaysOverdue: 9,
			OpenRequests: 1, Version: 12},
		"c02": {Kind: domain.KindPetition, Status: domain.StatusClosed, Sector: "communal", Officer: "officer-2",
			Channel: domain.ChannelLetter, Language: domain.Albanian, ArchiveNumber: "08-102/1",
			ReceivedAt: utc("2026-03-10 11:00"), RegisteredAt: utc("2026-03-10 11:30"),
			DueAt: dueEnd("2026-05-11"), DueDate: date("2026-05-11"), Outcome: domain.StatusAnswered,
			AnsweredAt: utc("2026-04-20 12:00"), ClosedAt: utc("2026-04-21 09:00"), OnTime: ptr(true), Version: 7},
		"c03": {Kind: domain.KindPublicInformation, Status: domain.StatusClosed, Sector: "finance", Officer: "officer-1",
			Channel: domain.ChannelWeb, Language: domain.Macedonian, ArchiveNumber: "08-103/1",
			ReceivedAt: utc("2026-04-01 10:00"), RegisteredAt: utc("2026-04-01 10:05"),
			DueAt: dueEnd("2026-05-04"), DueDate: date("2026-05-04"), Outcome: domain.StatusAnsweredInPart,
			AnsweredAt: utc("2026-04-28 10:00"), ClosedAt: utc("2026-04-29 09:00"), OnTime: ptr(true), Version: 12},
		"c04": {Kind: domain.KindPublicInformation, Status: domain.StatusRefused, Sector: "legal", Officer: "officer-2",
			Channel: domain.ChannelEmail, Language: domain.Albanian, ArchiveNumber: "08-104/1",
			ReceivedAt: utc("2026-03-20 09:00"), RegisteredAt: utc("2026-03-20 09:30"),
			DueAt: dueEnd("2026-04-09"), DueDate: date("2026-04-09"), Outcome: domain.StatusRefused,
			AnsweredAt: utc("2026-04-14 10:00"), OnTime: ptr(false), Version: 7},
		"c05": {Kind: domain.KindPetition, Status: domain.StatusForwarded, Channel: domain.ChannelCounter,
			Language: domain.Macedonian, ArchiveNumber: "08-105/1",
			ReceivedAt: utc("2026-04-06 10:00"), RegisteredAt: utc("2026-04-06 10:15"),
			DueAt: dueEnd("2026-06-05"), DueDate: date("2026-06-05"), ClosedAt: utc("2026-04-08 11:00"), Version: 4},
		"c06": {Kind: domain.KindCitizenQuestion, Status: domain.StatusWithdrawn, Channel: domain.ChannelPhone,
			Language: domain.Macedonian, ArchiveNumber: "08-106/1",
			ReceivedAt: utc("2026-05-04 09:00"), RegisteredAt: utc("2026-05-04 09:20"),
			DueAt: dueEnd("2026-05-26"), DueDate: date("2026-05-26"), ClosedAt: utc("2026-05-06 10:00"), Version: 3},
		"c07": {Kind: domain.KindPetition, Status: domain.StatusAssigned, Sector: "urbanism", Officer: "officer-1",
			Channel: domain.ChannelWeb, Language: domain.English, ArchiveNumber: "08-107/1",
			ReceivedAt: utc("2026-04-20 09:00"), RegisteredAt: utc("2026-04-20 09:05"),
			DueAt: dueEnd("2026-06-19"), DueDate: date("2026-06-19"), Open: true, Suspended: true,
			Bucket: domain.DueSuspended, Version: 4},
		"c08": {Kind: domain.KindMediaQuery, Status: domain.StatusWaitingForInput, Sector: "communal", Officer: "officer-2",
			Channel: domain.ChannelEmail, Language: domain.Macedonian, ArchiveNumber: "08-108/1",
			ReceivedAt: utc("2026-05-11 15:00"), RegisteredAt: utc("2026-05-11 15:05"),
			DueAt: utc("2026-05-13 15:00"), DueDate: date("2026-05-13"), Open: true, Bucket: domain.DueToday,
			OpenRequests: 1, Version: 5},
		"c09": {Kind: domain.KindProposal, Status: domain.StatusAssigned, Sector: "urbanism", Officer: "officer-3",
			Channel: domain.ChannelLetter, Language: domain.Macedonian, ArchiveNumber: "08-109/1",
			ReceivedAt: utc("2026-02-20 10:00"), RegisteredAt: utc("2026-02-20 10:30"),
			DueAt: dueEnd("2026-04-21"), DueDate: date("2026-04-21"), Open: true, Bucket: domain.DueVeryOverdue,
			DaysOverdue: 22, Version: 4},
		"c10": {Kind: domain.KindCitizenQuestion, Status: domain.StatusRegistered, Channel: domain.ChannelWeb,
			Language: domain.Albanian, ArchiveNumber: "08-110/1",
			ReceivedAt: utc("2026-04-22 09:00"), RegisteredAt: utc("2026-04-22 09:10"),
			DueAt: dueEnd("2026-05-14"), DueDate: date("2026-05-14"), Open: true, Bucket: domain.DueThisWeek, Version: 2},
		"c11": {Kind: domain.KindPetition, Status: domain.StatusAssigned, Sector: "legal", Officer: "officer-3",
			Channel: domain.ChannelEmail, Language: domain.Macedonian, ArchiveNumber: "08-111/1",
			ReceivedAt: utc("2026-05-12 10:00"), RegisteredAt: utc("2026-05-12 10:10"),
			DueAt: dueEnd("2026-07-13"), DueDate: date("2026-07-13"), Open: true, Bucket: domain.DueLater, Version: 3},
		"c12": {Kind: domain.KindPetition, Status: domain.StatusReceived, Sector: "urbanism", Channel: domain.ChannelCounter,
			Language: domain.Macedonian, ReceivedAt: utc("2026-05-13 08:00"), Version: 1},
		"c13": {Kind: domain.KindTwinCityProgramme, Status: domain.StatusAssigned, Sector: "international", Officer: "officer-1",
			Channel: domain.ChannelLetter, Language: domain.English, ArchiveNumber: "08-13/1",
			ReceivedAt: utc("2026-01-15 10:00"), RegisteredAt: utc("2026-01-15 10:30"), Open: true, OpenRequests: 1, Version: 5},
		"c14": {Kind: domain.KindPetition, Status: domain.StatusRejected, Channel: domain.ChannelWeb,
			Language: domain.Macedonian, ArchiveNumber: "08-114/1",
			ReceivedAt: utc("2026-04-27 09:00"), RegisteredAt: utc("2026-04-27 09:05"),
			DueAt: dueEnd("2026-06-26"), DueDate: date("2026-06-26"), ClosedAt: utc("2026-04-29 10:00"), Version: 3},
		"c15": {Kind: domain.KindPetition, Status: domain.StatusMerged, Channel: domain.ChannelEmail,
			Language: domain.Macedonian, ArchiveNumber: "08-115/1",
			ReceivedAt: utc("2026-04-28 09:00"), RegisteredAt: utc("2026-04-28 09:05"),
			DueAt: dueEnd("2026-06-29"), DueDate: date("2026-06-29"), ClosedAt: utc("2026-04-30 10:00"), Version: 3},
		"c16": {Kind: domain.KindPublicInformation, Status: domain.StatusClosed, Sector: "finance", Officer: "officer-2",
			Channel: domain.ChannelEmail, Language: domain.Macedonian, ArchiveNumber: "08-116/1",
			ReceivedAt: utc("2025-12-22 10:00"), RegisteredAt: utc("2025-12-22 10:10"),
			DueAt: dueEnd("2026-01-12"), DueDate: date("2026-01-12"), Outcome: domain.StatusAnswered,
			AnsweredAt: utc("2026-01-09 10:00"), ClosedAt: utc("2026-01-12 09:00"), OnTime: ptr(true), Version: 7},
		"c17": {Kind: domain.KindPublicInformation, Status: domain.StatusRejected, Channel: domain.ChannelWeb,
			Language: domain.Macedonian, ArchiveNumber: "08-117/1",
			ReceivedAt: utc("2026-05-04 10:00"), RegisteredAt: utc("2026-05-04 10:05"),
			DueAt: dueEnd("2026-05-26"), DueDate: date("2026-05-26"), ClosedAt: utc("2026-05-11 10:00"), Version: 6},
		"c18": {Kind: domain.KindPublicInformation, Status: domain.StatusRegistered, Channel: domain.ChannelEmail,
			Language: domain.Albanian, ArchiveNumber: "08-118/1",
			ReceivedAt: utc("2026-05-11 09:00"), RegisteredAt: utc("2026-05-11 09:10"),
			DueAt: dueEnd("2026-06-01"), DueDate: date("2026-06-01"), Open: true, Bucket: domain.DueLater, Version: 2},
	}
	for id, c := range cases {
		c.ID, c.UpdatedAt = id, l.updated(id)
		cases[id] = c
	}
	return cases
}

// requirePage fails unless got is the page of want's items (by key) from offset, of limit, with hasMore.
func requirePage[T any](tb testing.TB, got domain.Page[T], want map[string]T, keys []string, offset, limit int, hasMore bool) {
	tb.Helper()
	w := domain.Page[T]{Items: []T{}, Offset: offset, Limit: limit, HasMore: hasMore}
	for _, k := range keys {
		item, ok := want[k]
		if !ok {
			tb.Fatalf("no expected item %s", k)
		}
		w.Items = append(w.Items, item)
	}
	if !reflect.DeepEqual(got, w) {
		tb.Errorf("got page (offset %d, limit %d, hasMore %v):", got.Offset, got.Limit, got.HasMore)
		for i, it := range got.Items {
			tb.Errorf("  %d: %+v", i, it)
		}
		tb.Errorf("want (offset %d, limit %d, hasMore %v) %q:", offset, limit, hasMore, keys)
		for i, it := range w.Items {
			tb.Errorf("  %d: %+v", i, it)
		}
	}
}

func TestReadModels_Cases(t *testing.T) {
	cw, l := mustOpenStory(t, projections.CaseworkOptions{})
	want := storyCases(l)
	open, finished := true, false
	for _, tt := range []struct {
		name    string
		q       domain.CaseQuery
		ids     []string
		limit   int
		hasMore bool
	}{
		{"All", domain.CaseQuery{}, []string{"c12", "c11", "c08", "c18", "c17", "c06", "c15", "c14", "c10", "c07",
			"c05", "c03", "c04", "c02", "c01", "c09", "c13", "c16"}, 100, false},
		{"FirstPage", domain.CaseQuery{Limit: 5}, []string{"c12", "c11", "c08", "c18", "c17"}, 5, true},
		{"LastPage", domain.CaseQuery{Limit: 5, Offset: 15}, []string{"c09", "c13", "c16"}, 5, false},
		{"Oldest", domain.CaseQuery{Sort: domain.Sort{Field: "receivedAt"}, Limit: 2}, []string{"c16", "c13"}, 2, true},
		{"Sector", domain.CaseQuery{Sectors: []string{"urbanism"}}, []string{"c12", "c07", "c09"}, 100, false},
		{"Overdue", domain.CaseQuery{Buckets: []domain.DueBucket{domain.DueOverdue, domain.DueVeryOverdue}, Sort: domain.Sort{Field: "dueAt"}},
			[]string{"c09", "c01"}, 100, false},
		{"Today", domain.CaseQuery{Buckets: []domain.DueBucket{domain.DueToday, domain.DueThisWeek, domain.DueSuspended}},
			[]string{"c08", "c10", "c07"}, 100, false},
		// Ties of the due instant go by ID; the programme without a deadline comes last.
		{"OfficerByDue", domain.CaseQuery{Officers: []string{"officer-1"}, Sort: domain.Sort{Field: "dueAt"}},
			[]string{"c01", "c03", "c07", "c13"}, 100, false},
		{"OfficerByDueDesc", domain.CaseQuery{Officers: []string{"officer-1"}, Sort: domain.Sort{Field: "dueAt", Desc: true}},
			[]string{"c07", "c03", "c01", "c13"}, 100, false},
		{"OpenOfficers", domain.CaseQuery{Officers: []string{"officer-2", "officer-3"}, Open: &open},
			[]string{"c11", "c08", "c09"}, 100, false},
		{"Finished", domain.CaseQuery{Kinds: []domain.CaseKind{domain.KindPublicInformation}, Open: &finished},
			[]string{"c17", "c03", "c04", "c16"}, 100, false},
		{"StatusesChannels", domain.CaseQuery{Statuses: []domain.Status{domain.StatusClosed, domain.StatusForwarded},
			Channels: []domain.Channel{domain.ChannelLetter, domain.ChannelCounter}}, []string{"c05", "c02"}, 100, false},
		{"Language", domain.CaseQuery{Languages: []domain.Language{domain.Albanian}}, []string{"c18", "c10", "c04", "c02"}, 100, false},
		{"Received", domain.CaseQuery{ReceivedFrom: at("2026-04-01 00:00"), ReceivedTo: at("2026-04-28 09:00")},
			[]string{"c14", "c10", "c07", "c05", "c03"}, 100, false},
		{"Due", domain.CaseQuery{DueFrom: at("2026-05-13 00:00"), DueTo: at("2026-05-15 00:00"), Sort: domain.Sort{Field: "dueAt"}},
			[]string{"c08", "c10"}, 100, false},
		{"ArchiveNumber", domain.CaseQuery{Sort: domain.Sort{Field: "archiveNumber"}, Limit: 4}, []string{"c16", "c13", "c01", "c02"}, 4, true},
		// The case without a number comes after the numbered ones, whichever page it falls on.
		{"ArchiveNumberDescEnd", domain.CaseQuery{Sort: domain.Sort{Field: "archiveNumber", Desc: true}, Limit: 3, Offset: 16},
			[]string{"c16", "c12"}, 3, false},
		{"ArchiveNumberDescUnnumbered", domain.CaseQuery{Sort: domain.Sort{Field: "archiveNumber", Desc: true}, Limit: 3, Offset: 17},
			[]string{"c12"}, 3, false},
		{"Updated", domain.CaseQuery{Sort: domain.Sort{Field: "updatedAt", Desc: true}, Limit: 1}, []string{"c08"}, 1, true},
		{"None", domain.CaseQuery{Kinds: []domain.CaseKind{"nothing"}}, nil, 100, false},
		{"BucketOfFinished", domain.CaseQuery{Buckets: []domain.DueBucket{domain.DueToday}, Open: &finished}, nil, 100, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Now = storyNow
			got, err := cw.Cases(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			requirePage(t, got, want, tt.ids, q.Offset, tt.limit, tt.hasMore)
		})
	}

	t.Run("BucketsAsListed", func(t *testing.T) {
		// Over three months of query times, selecting a bucket (in SQL) finds exactly the cases that the
		// list places in it (in Go), whichever way the query is planned. Under the race detector, which
		// makes each query twenty times slower and finds nothing in a check that runs one query at a
		// time, every seventh of those query times.
		step := 7 * time.Hour
		if raceEnabled {
			step = 7 * step
		}
		for now := at("2026-03-01 00:00"); now.Before(at("2026-06-01 00:00")); now = now.Add(step) {
			all, err := cw.Cases(t.Context(), domain.CaseQuery{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range domain.DueBuckets {
				var want []string
				for _, c := range all.Items {
					if c.Bucket == b {
						want = append(want, c.ID)
					}
				}
				for _, q := range []domain.CaseQuery{
					{Now: now, Buckets: []domain.DueBucket{b}},
					{Now: now, Buckets: []domain.DueBucket{b}, Sort: domain.Sort{Field: "dueAt"}},
					{Now: now, Buckets: []domain.DueBucket{b, domain.DueToday}, Kinds: domain.CaseKinds},
				} {
					page, err := cw.Cases(t.Context(), q)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, c := range page.Items {
						if c.Bucket == b {
							got = append(got, c.ID)
						} else if c.Bucket != domain.DueToday || len(q.Buckets) == 1 {
							t.Fatalf("at %s, %+v: %s is %s", now, q, c.ID, c.Bucket)
						}
					}
					slices.Sort(got)
					slices.Sort(want)
					if !slices.Equal(got, want) {
						t.Fatalf("at %s, %+v: got %q, want %q", now, q, got, want)
					}
				}
			}
		}
	})

	t.Run("Get", func(t *testing.T) {
		// Get places the case at the current time: long after the story, c01 is very overdue.
		got, err := cw.Get(t.Context(), "c01")
		if err != nil {
			t.Fatal(err)
		}
		if now := time.Now().In(storyLoc); now.Hour() == 23 && now.Minute() == 59 {
			t.Skip("too close to midnight to tell the days overdue")
		}
		today := domain.DateOf(time.Now(), storyLoc).In(time.UTC)
		w := want["c01"]
		w.Bucket, w.DaysOverdue = domain.DueVeryOverdue, int(today.Sub(date("2026-05-04").In(time.UTC)).Hours()/24)
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("got  %+v\nwant %+v", got, w)
		}
	})
}

func TestReadModels_DueBoard(t *testing.T) {
	cw, _ := mustOpenStory(t, projections.CaseworkOptions{})
	for _, tt := range []struct {
		name string
		q    domain.DueBoardQuery
		want domain.DueBoard
	}{
		{"All", domain.DueBoardQuery{Now: storyNow}, domain.DueBoard{
			Now: storyNow.UTC(), Today: date("2026-05-13"), WeekEnd: date("2026-05-17"), VeryOverdueDays: 10,
			Totals: domain.DueCount{VeryOverdue: 1, Overdue: 1, Today: 1, ThisWeek: 1, Later: 2, Suspended: 1, Open: 7},
			BySector: []domain.DueCount{
				{Key: "", ThisWeek: 1, Later: 1, Open: 2},
				{Key: "communal", Overdue: 1, Today: 1, Open: 2},
				{Key: "legal", Later: 1, Open: 1},
				{Key: "urbanism", VeryOverdue: 1, Suspended: 1, Open: 2},
			},
			ByOfficer: []domain.DueCount{
				{Key: "", ThisWeek: 1, Later: 1, Open: 2},
				{Key: "officer-1", Overdue: 1, Suspended: 1, Open: 2},
				{Key: "officer-2", Today: 1, Open: 1},
				{Key: "officer-3", VeryOverdue: 1, Later: 1, Open: 2},
			},
		}},
		{"KindsByOverdue", domain.DueBoardQuery{Now: storyNow, Kinds: []domain.CaseKind{domain.KindPetition, domain.KindProposal},
			Sort: domain.Sort{Field: "overdue"}}, domain.DueBoard{
			Now: storyNow.UTC(), Today: date("2026-05-13"), WeekEnd: date("2026-05-17"), VeryOverdueDays: 10,
			Totals: domain.DueCount{VeryOverdue: 1, Overdue: 1, Later: 1, Suspended: 1, Open: 4},
			BySector: []domain.DueCount{
				{Key: "communal", Overdue: 1, Open: 1},
				{Key: "legal", Later: 1, Open: 1},
				{Key: "urbanism", VeryOverdue: 1, Suspended: 1, Open: 2},
			},
			ByOfficer: []domain.DueCount{
				{Key: "officer-1", Overdue: 1, Suspended: 1, Open: 2},
				{Key: "officer-3", VeryOverdue: 1, Later: 1, Open: 2},
			},
		}},
		// A day later c08's 15:00 has passed, c10 is due today and c01 is ten days past its due date.
		{"NextDay", domain.DueBoardQuery{Now: at("2026-05-14 16:00"), Sectors: []string{"communal", ""}}, domain.DueBoard{
			Now: utc("2026-05-14 16:00"), Today: date("2026-05-14"), WeekEnd: date("2026-05-17"), VeryOverdueDays: 10,
			Totals: domain.DueCount{VeryOverdue: 1, Overdue: 1, Today: 1, Later: 1, Open: 4},
			BySector: []domain.DueCount{
				{Key: "", Today: 1, Later: 1, Open: 2},
				{Key: "communal", VeryOverdue: 1, Overdue: 1, Open: 2},
			},
			ByOfficer: []domain.DueCount{
				{Key: "", Today: 1, Later: 1, Open: 2},
				{Key: "officer-1", VeryOverdue: 1, Open: 1},
				{Key: "officer-2", Overdue: 1, Open: 1},
			},
		}},
		// On Sunday the week ends today; c01 is now 13 days overdue.
		{"Sunday", domain.DueBoardQuery{Now: at("2026-05-17 10:00"), Officers: []string{"officer-3", "officer-1"},
			Sort: domain.Sort{Field: "key", Desc: true}}, domain.DueBoard{
			Now: utc("2026-05-17 10:00"), Today: date("2026-05-17"), WeekEnd: date("2026-05-17"), VeryOverdueDays: 10,
			Totals: domain.DueCount{VeryOverdue: 2, Later: 1, Suspended: 1, Open: 4},
			BySector: []domain.DueCount{
				{Key: "urbanism", VeryOverdue: 1, Suspended: 1, Open: 2},
				{Key: "legal", Later: 1, Open: 1},
				{Key: "communal", VeryOverdue: 1, Open: 1},
			},
			ByOfficer: []domain.DueCount{
				{Key: "officer-3", VeryOverdue: 1, Later: 1, Open: 2},
				{Key: "officer-1", VeryOverdue: 1, Suspended: 1, Open: 2},
			},
		}},
		{"None", domain.DueBoardQuery{Now: storyNow, Kinds: []domain.CaseKind{domain.KindWebsitePublication}}, domain.DueBoard{
			Now: storyNow.UTC(), Today: date("2026-05-13"), WeekEnd: date("2026-05-17"), VeryOverdueDays: 10,
			BySector: []domain.DueCount{}, ByOfficer: []domain.DueCount{},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cw.DueBoard(t.Context(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}

	t.Run("SameFromTalliesAndCases", func(t *testing.T) {
		// The whole board adds up tallies by due date; a board of some sectors reads the cases. Over three
		// months of query times, every six hours, the two agree.
		all := []string{"", "communal", "finance", "international", "legal", "urbanism"}
		for now := at("2026-03-01 00:00"); now.Before(at("2026-06-01 00:00")); now = now.Add(6 * time.Hour) {
			whole, err := cw.DueBoard(t.Context(), domain.DueBoardQuery{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			some, err := cw.DueBoard(t.Context(), domain.DueBoardQuery{Now: now, Sectors: all})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(whole, some) {
				t.Fatalf("at %s:\ntallies %+v\ncases   %+v", now, whole, some)
			}
		}
		// At 16:00 c08's deadline of 15:00 has passed: overdue, though due today.
		got, err := cw.DueBoard(t.Context(), domain.DueBoardQuery{Now: at("2026-05-13 16:00")})
		if err != nil {
			t.Fatal(err)
		}
		if want := (domain.DueCount{VeryOverdue: 1, Overdue: 2, ThisWeek: 1, Later: 2, Suspended: 1, Open: 7}); got.Totals != want {
			t.Fatalf("totals %+v, want %+v", got.Totals, want)
		}
	})

	t.Run("VeryOverdueDays", func(t *testing.T) {
		// With a threshold of 9 days, c01 (due 4 May) is very overdue on 13 May.
		cw, _ := mustOpenStory(t, projections.CaseworkOptions{VeryOverdueDays: 9})
		got, err := cw.DueBoard(t.Context(), domain.DueBoardQuery{Now: storyNow, Officers: []string{"officer-1"}})
		if err != nil {
			t.Fatal(err)
		}
		want := domain.DueBoard{
			Now: storyNow.UTC(), Today: date("2026-05-13"), WeekEnd: date("2026-05-17"), VeryOverdueDays: 9,
			Totals:    domain.DueCount{VeryOverdue: 1, Suspended: 1, Open: 2},
			BySector:  []domain.DueCount{{Key: "communal", VeryOverdue: 1, Open: 1}, {Key: "urbanism", Suspended: 1, Open: 1}},
			ByOfficer: []domain.DueCount{{Key: "officer-1", VeryOverdue: 1, Suspended: 1, Open: 2}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got  %+v\nwant %+v", got, want)
		}
	})
}

func TestReadModels_Requests(t *testing.T) {
	cw, _ := mustOpenStory(t, projections.CaseworkOptions{})
	want := map[string]domain.RequestSummary{
		"c01/r1": {CaseID: "c01", CaseKind: domain.KindPetition, ArchiveNumber: "08-101/1", ID: "r1", Kind: domain.RequestInput,
			Sector: "finance", Required: true, Status: domain.RequestIsAnswered, RequestedAt: utc("2026-03-03 10:05"),
			DueAt: dueEnd("2026-03-18"), DueDate: date("2026-03-18"), Generation: 1, Reminders: 1,
			AnsweredAt: utc("2026-03-17 14:00")},
		"c01/r2": {CaseID: "c01", CaseKind: domain.KindPetition, ArchiveNumber: "08-101/1", ID: "r2", Kind: domain.RequestInput,
			Sector: "legal", Status: domain.RequestIsOpen, RequestedAt: utc("2026-03-18 09:00"),
			DueAt: dueEnd("2026-05-14"), DueDate: date("2026-05-14"), Bucket: domain.DueThisWeek},
		"c08/r1": {CaseID: "c08", CaseKind: domain.KindMediaQuery, ArchiveNumber: "08-108/1", ID: "r1", Kind: domain.RequestInput,
			Sector: "urbanism", Required: true, Status: domain.RequestIsOpen, RequestedAt: utc("2026-05-13 07:00"),
			DueAt: utc("2026-05-13 11:00"), DueDate: date("2026-05-13"), Bucket: domain.DueOverdue,
			Escalation: 1, Level: domain.LevelDeputy},
		"c13/r1": {CaseID: "c13", CaseKind: domain.KindTwinCityProgramme, ArchiveNumber: "08-13/1", ID: "r1",
			Kind: domain.RequestActivity, Sector: "culture", Title: "Cultural exchange week", Status: domain.RequestIsOpen,
			RequestedAt: utc("2026-01-20 09:00"), DueAt: dueEnd("2026-05-08"), DueDate: date("2026-05-08"),
			Bucket: domain.DueOverdue, DaysOverdue: 5, Reminders: 1},
	}
	all := []domain.RequestStatus{domain.RequestIsOpen, domain.RequestIsAnswered, domain.RequestIsCancelled}
	yes, no := true, false
	for _, tt := range []struct {
		name    string
		q       domain.RequestQuery
		keys    []string
		limit   int
		hasMore bool
	}{
		{"Open", domain.RequestQuery{}, []string{"c13/r1", "c08/r1", "c01/r2"}, 100, false},
		{"SectorInbox", domain.RequestQuery{Sectors: []string{"urbanism"}, Statuses: all}, []string{"c08/r1"}, 100, false},
		{"Answered", domain.RequestQuery{Statuses: []domain.RequestStatus{domain.RequestIsAnswered}}, []string{"c01/r1"}, 100, false},
		{"Overdue", domain.RequestQuery{Buckets: []domain.DueBucket{domain.DueOverdue, domain.DueVeryOverdue}}, []string{"c13/r1", "c08/r1"}, 100, false},
		{"Escalated", domain.RequestQuery{Escalated: &yes, Statuses: all}, []string{"c08/r1"}, 100, false},
		{"NotEscalated", domain.RequestQuery{Escalated: &no}, []string{"c13/r1", "c01/r2"}, 100, false},
		{"Case", domain.RequestQuery{CaseID: "c01", Statuses: all, Sort: domain.Sort{Field: "requestedAt", Desc: true}},
			[]string{"c01/r2", "c01/r1"}, 100, false},
		{"Programme", domain.RequestQuery{Kinds: []domain.RequestKind{domain.RequestActivity, domain.RequestMilestone}}, []string{"c13/r1"}, 100, false},
		{"ByEscalation", domain.RequestQuery{Sort: domain.Sort{Field: "escalation", Desc: true}, Limit: 2}, []string{"c08/r1", "c13/r1"}, 2, true},
		{"Due", domain.RequestQuery{Statuses: all, DueFrom: at("2026-03-01 00:00"), DueTo: at("2026-05-13 11:00")}, []string{"c01/r1", "c13/r1"}, 100, false},
		{"None", domain.RequestQuery{Statuses: []domain.RequestStatus{domain.RequestIsCancelled}}, nil, 100, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Now = storyNow
			got, err := cw.Requests(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			requirePage(t, got, want, tt.keys, q.Offset, tt.limit, tt.hasMore)
		})
	}
}

func TestReadModels_Notices(t *testing.T) {
	cw, l := mustOpenStory(t, projections.CaseworkOptions{})
	// A deadline passing is told when the event is recorded.
	want := map[string]domain.NoticeSummary{
		"c01-rem1": {ID: "n-c01-r1-rem1", At: utc("2026-03-09 08:00"), Kind: domain.NoticeReminder, CaseID: "c01",
			CaseKind: domain.KindPetition, ArchiveNumber: "08-101/1", RequestID: "r1", Sector: "urbanism", Officer: "officer-1",
			Step: 1, Level: domain.LevelHead},
		"c01-esc1": {ID: "n-c01-r1-esc1", At: utc("2026-03-11 00:00"), Kind: domain.NoticeEscalation, CaseID: "c01",
			CaseKind: domain.KindPetition, ArchiveNumber: "08-101/1", RequestID: "r1", Sector: "urbanism", Officer: "officer-1",
			Step: 1, Level: domain.LevelDeputy},
		"c01-esc2": {ID: "n-c01-r1-esc2", At: utc("2026-03-11 08:00"), Kind: domain.NoticeEscalation, CaseID: "c01",
			CaseKind: domain.KindPetition, ArchiveNumber: "08-101/1", RequestID: "r1", Sector: "urbanism", Officer: "officer-1",
			Step: 2, Level: domain.LevelHead},
		"c01-g1-rem1": {ID: "n-c01-r1-g1-rem1", At: utc("2026-03-17 08:00"), Kind: domain.NoticeReminder, CaseID: "c01",
			CaseKind: domain.KindPetition, ArchiveNumber: "08-101/1", RequestID: "r1", Sector: "finance", Officer: "officer-1",
			Step: 1, Level: domain.LevelHead},
		"c01-overdue": {ID: "n-c01-overdue1", At: l.created("c01", 11), Kind: domain.NoticeOverdue, CaseID: "c01",
			CaseKind: domain.KindPetition, ArchiveNumber: "08-101/1", Sector: "communal", Officer: "officer-1",
			Step: 1, Level: domain.LevelOfficer},
		// Without a notification, the notice takes the event's ID.
		"c04-overdue": {ID: domain.EventID(domain.CaseStream("c04"), 3), At: l.created("c04", 3), Kind: domain.NoticeOverdue,
			CaseID: "c04", CaseKind: domain.KindPublicInformation, ArchiveNumber: "08-104/1", Sector: "legal", Officer: "officer-2",
			Step: 1, Level: domain.LevelOfficer},
		"c08-esc1": {ID: "n-c08-r1-esc1", At: utc("2026-05-13 11:00").Add(time.Second), Kind: domain.NoticeEscalation, CaseID: "c08",
			CaseKind: domain.KindMediaQuery, ArchiveNumber: "08-108/1", RequestID: "r1", Sector: "urbanism", Officer: "officer-2",
			Step: 1, Level: domain.LevelDeputy},
		"c09-overdue": {ID: "n-c09-overdue1", At: l.created("c09", 3), Kind: domain.NoticeOverdue, CaseID: "c09",
			CaseKind: domain.KindProposal, ArchiveNumber: "08-109/1", Sector: "urbanism", Officer: "officer-3",
			Step: 1, Level: domain.LevelOfficer},
		"c13-rem1": {ID: "n-c13-r1-rem1", At: utc("2026-05-01 08:00"), Kind: domain.NoticeReminder, CaseID: "c13",
			CaseKind: domain.KindTwinCityProgramme, ArchiveNumber: "08-13/1", RequestID: "r1", Sector: "culture",
			Officer: "officer-1", Step: 1, Level: domain.LevelHead},
	}
	// The story was appended in the order of its times: c04's deadline passed first, then c09's, then
	// c01's, all recorded after the other notices' times.
	if !l.created("c04", 3).Before(l.created("c09", 3)) || !l.created("c09", 3).Before(l.created("c01", 11)) {
		t.Fatal("the story's events were not recorded in order")
	}
	for _, tt := range []struct {
		name    string
		q       domain.NoticeQuery
		keys    []string
		limit   int
		hasMore bool
	}{
		{"All", domain.NoticeQuery{}, []string{"c01-overdue", "c09-overdue", "c04-overdue", "c08-esc1", "c13-rem1",
			"c01-g1-rem1", "c01-esc2", "c01-esc1", "c01-rem1"}, 100, false},
		{"Page", domain.NoticeQuery{Limit: 2, Offset: 1}, []string{"c09-overdue", "c04-overdue"}, 2, true},
		{"Escalations", domain.NoticeQuery{Kinds: []domain.NoticeKind{domain.NoticeEscalation}}, []string{"c08-esc1", "c01-esc2", "c01-esc1"}, 100, false},
		{"CaseInOrder", domain.NoticeQuery{CaseID: "c01", Sort: domain.Sort{Field: "at"}},
			[]string{"c01-rem1", "c01-esc1", "c01-esc2", "c01-g1-rem1", "c01-overdue"}, 100, false},
		{"SectorLevel", domain.NoticeQuery{Sectors: []string{"urbanism"}, Levels: []domain.EscalationLevel{domain.LevelDeputy}},
			[]string{"c08-esc1", "c01-esc1"}, 100, false},
		{"Range", domain.NoticeQuery{From: at("2026-03-11 00:00"), To: at("2026-05-01 08:00")}, []string{"c01-g1-rem1", "c01-esc2", "c01-esc1"}, 100, false},
		{"None", domain.NoticeQuery{CaseID: "c02"}, nil, 100, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cw.Notices(t.Context(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			requirePage(t, got, want, tt.keys, tt.q.Offset, tt.limit, tt.hasMore)
		})
	}
}

// roundStats rounds the shares and days of rows to nine decimals, so that rows compare whatever the last
// bit of a floating-point computation.
func roundStats(rows []domain.StatsRow) []domain.StatsRow {
	r := func(f float64) float64 { return math.Round(f*1e9) / 1e9 }
	out := make([]domain.StatsRow, len(rows))
	for i, row := range rows {
		row.OnTimeShare, row.MedianDays, row.P90Days = r(row.OnTimeShare), r(row.MedianDays), r(row.P90Days)
		out[i] = row
	}
	return out
}

func TestReadModels_Statistics(t *testing.T) {
	cw, _ := mustOpenStory(t, projections.CaseworkOptions{})
	const (
		info     = domain.KindPublicInformation
		petition = domain.KindPetition
		question = domain.KindCitizenQuestion
	)
	for _, tt := range []struct {
		name string
		q    domain.StatsQuery
		want []domain.StatsRow
	}{
		// Answers: c02 (petition) 41 days in April; c03 27 and c04 25 days (late) in April and c16 18 days
		// in January (public information).
		{"KindMonth", domain.StatsQuery{GroupBy: []string{"month", "kind"}}, []domain.StatsRow{
			{Kind: question, Month: "2026-04", Opened: 1},
			{Kind: question, Month: "2026-05", Opened: 1, Closed: 1},
			{Kind: domain.KindMediaQuery, Month: "2026-05", Opened: 1},
			{Kind: petition, Month: "2026-03", Opened: 2},
			{Kind: petition, Month: "2026-04", Opened: 4, Answered: 1, Closed: 4, OnTime: 1, OnTimeShare: 1, MedianDays: 41, P90Days: 41},
			{Kind: petition, Month: "2026-05", Opened: 2},
			{Kind: domain.KindProposal, Month: "2026-02", Opened: 1},
			{Kind: info, Month: "2025-12", Opened: 1},
			{Kind: info, Month: "2026-01", Answered: 1, Closed: 1, OnTime: 1, OnTimeShare: 1, MedianDays: 18, P90Days: 18},
			{Kind: info, Month: "2026-03", Opened: 1},
			{Kind: info, Month: "2026-04", Opened: 1, Answered: 2, Closed: 1, OnTime: 1, OnTimeShare: 0.5, MedianDays: 26, P90Days: 26.8},
			{Kind: info, Month: "2026-05", Opened: 2, Closed: 1},
			{Kind: domain.KindTwinCityProgramme, Month: "2026-01", Opened: 1},
		}},
		// April: opened c03, c05, c07, c10, c14, c15; answered c02, c03, c04; ended c02, c03, c05, c14, c15.
		{"April", domain.StatsQuery{From: at("2026-04-01 00:00"), To: at("2026-05-01 00:00")}, []domain.StatsRow{
			{Opened: 6, Answered: 3, Closed: 5, OnTime: 2, OnTimeShare: 2.0 / 3, MedianDays: 27, P90Days: 38.2},
		}},
		{"PetitionsBySector", domain.StatsQuery{Kinds: []domain.CaseKind{petition}, GroupBy: []string{"sector"}}, []domain.StatsRow{
			{Sector: "", Opened: 3, Closed: 3},
			{Sector: "communal", Opened: 2, Answered: 1, Closed: 1, OnTime: 1, OnTimeShare: 1, MedianDays: 41, P90Days: 41},
			{Sector: "legal", Opened: 1},
			{Sector: "urbanism", Opened: 2},
		}},
		{"SectorByMonth", domain.StatsQuery{Sectors: []string{"finance"}, GroupBy: []string{"month"}}, []domain.StatsRow{
			{Month: "2025-12", Opened: 1},
			{Month: "2026-01", Answered: 1, Closed: 1, OnTime: 1, OnTimeShare: 1, MedianDays: 18, P90Days: 18},
			{Month: "2026-04", Opened: 1, Answered: 1, Closed: 1, OnTime: 1, OnTimeShare: 1, MedianDays: 27, P90Days: 27},
		}},
		{"None", domain.StatsQuery{Kinds: []domain.CaseKind{domain.KindWebsitePublication}}, []domain.StatsRow{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cw.Statistics(t.Context(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := roundStats(got), roundStats(tt.want); !reflect.DeepEqual(got, want) {
				t.Fatalf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestReadModels_FOIReport(t *testing.T) {
	cw, _ := mustOpenStory(t, projections.CaseworkOptions{})
	for _, tt := range []struct {
		name string
		year int
		want domain.FOIReport
	}{
		// c16, received in December 2025, was unresolved at the end of the year.
		{"2025", 2025, domain.FOIReport{Year: 2025, Received: 1, Unresolved: 1}},
		// Received c03, c04, c17, c18; carried over c16; granted c16, in part c03, refused c04 (late),
		// rejected c17 (never completed); c18 open; c03 extended; c03 and c17 asked to complete.
		{"2026", 2026, domain.FOIReport{Year: 2026, Received: 4, CarriedOver: 1, Granted: 1, GrantedInPart: 1, Refused: 1,
			Rejected: 1, Unresolved: 1, OnTime: 2, Late: 1, Extended: 1, ClarificationRequested: 2, ClarificationExpired: 1,
			MedianDays: 25}},
		{"Empty", 2024, domain.FOIReport{Year: 2024}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cw.FOIReport(t.Context(), tt.year)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestReadModels_ErrInvalid(t *testing.T) {
	cw, _ := mustOpenStory(t, projections.CaseworkOptions{})
	ctx := t.Context()
	from, before := at("2026-05-01 00:00"), at("2026-04-01 00:00")
	for _, tt := range []struct {
		name  string
		field string
		call  func() error
	}{
		{"CasesLimitNegative", "limit", func() error { _, err := cw.Cases(ctx, domain.CaseQuery{Limit: -1}); return err }},
		{"CasesLimitTooBig", "limit", func() error {
			_, err := cw.Cases(ctx, domain.CaseQuery{Limit: domain.MaxPageLimit + 1})
			return err
		}},
		{"CasesOffset", "offset", func() error { _, err := cw.Cases(ctx, domain.CaseQuery{Offset: -1}); return err }},
		{"CasesSort", "sort", func() error {
			_, err := cw.Cases(ctx, domain.CaseQuery{Sort: domain.Sort{Field: "subject"}})
			return err
		}},
		{"CasesBucket", "buckets", func() error {
			_, err := cw.Cases(ctx, domain.CaseQuery{Buckets: []domain.DueBucket{"soon"}})
			return err
		}},
		{"CasesReceived", "receivedTo", func() error {
			_, err := cw.Cases(ctx, domain.CaseQuery{ReceivedFrom: from, ReceivedTo: before})
			return err
		}},
		{"CasesDue", "dueTo", func() error { _, err := cw.Cases(ctx, domain.CaseQuery{DueFrom: from, DueTo: before}); return err }},
		{"BoardSort", "sort", func() error {
			_, err := cw.DueBoard(ctx, domain.DueBoardQuery{Sort: domain.Sort{Field: "sector"}})
			return err
		}},
		{"RequestsLimit", "limit", func() error { _, err := cw.Requests(ctx, domain.RequestQuery{Limit: 5000}); return err }},
		{"RequestsOffset", "offset", func() error { _, err := cw.Requests(ctx, domain.RequestQuery{Offset: -1}); return err }},
		{"RequestsSort", "sort", func() error {
			_, err := cw.Requests(ctx, domain.RequestQuery{Sort: domain.Sort{Field: "title"}})
			return err
		}},
		{"RequestsBucket", "buckets", func() error {
			_, err := cw.Requests(ctx, domain.RequestQuery{Buckets: []domain.DueBucket{"overdue "}})
			return err
		}},
		{"RequestsDue", "dueTo", func() error {
			_, err := cw.Requests(ctx, domain.RequestQuery{DueFrom: from, DueTo: before})
			return err
		}},
		{"NoticesLimit", "limit", func() error { _, err := cw.Notices(ctx, domain.NoticeQuery{Limit: -10}); return err }},
		{"NoticesOffset", "offset", func() error { _, err := cw.Notices(ctx, domain.NoticeQuery{Offset: -5}); return err }},
		{"NoticesSort", "sort", func() error {
			_, err := cw.Notices(ctx, domain.NoticeQuery{Sort: domain.Sort{Field: "id"}})
			return err
		}},
		{"NoticesRange", "to", func() error { _, err := cw.Notices(ctx, domain.NoticeQuery{From: from, To: before}); return err }},
		{"StatsGroup", "groupBy", func() error {
			_, err := cw.Statistics(ctx, domain.StatsQuery{GroupBy: []string{"kind", "year"}})
			return err
		}},
		{"StatsRange", "to", func() error { _, err := cw.Statistics(ctx, domain.StatsQuery{From: from, To: before}); return err }},
		{"FOIYearTooEarly", "year", func() error { _, err := cw.FOIReport(ctx, 1999); return err }},
		{"FOIYearFuture", "year", func() error { _, err := cw.FOIReport(ctx, time.Now().In(storyLoc).Year()+1); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e *domain.Error
			if err := tt.call(); !errors.As(err, &e) || e.Code != domain.EINVALID || e.Field != tt.field {
				t.Fatalf("err = %v, want EINVALID for the field %s", err, tt.field)
			}
		})
	}

	t.Run("ErrUnavailable", func(t *testing.T) {
		unattached := projections.NewCasework(nil, projections.CaseworkOptions{})
		if _, err := unattached.Cases(ctx, domain.CaseQuery{}); domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Fatalf("err = %v, want EUNAVAILABLE", err)
		}
	})
}
