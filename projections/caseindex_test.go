package projections_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/projections"
)

// ExpectedRows returns the rows the index should hold for cases, reading the time of each case's last
// event from the store.
func ExpectedRows(tb testing.TB, store domain.EventStore, cases []testCase) []projections.CaseRow {
	tb.Helper()
	var rows []projections.CaseRow
	for _, c := range cases {
		last, err := store.ReadStream(context.Background(), domain.CaseStream(c.id()),
			domain.ReadStreamOptions{Direction: domain.Backwards, FromEnd: true, Max: 1})
		if err != nil {
			tb.Fatal(err)
		}
		rows = append(rows, c.ExpectedRow(last[0].Created))
	}
	return rows
}

func TestCaseIndex(t *testing.T) {
	store := MustOpenStore(t)
	cases := []testCase{{n: 0, steps: 1}, {n: 1, steps: 2}, {n: 2, steps: 3}, {n: 3, steps: 2}, {n: 4, steps: 3}, {n: 5, steps: 1}}
	appendAll(t, store, cases)
	idx := projections.NewCaseIndex()
	r := MustOpenRunner(t, "", store, idx)
	Start(t, r)
	WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))

	t.Run("OK", func(t *testing.T) {
		RequireSameRows(t, AllCases(t, idx), ExpectedRows(t, store, cases))
	})

	t.Run("NoPersonalData", func(t *testing.T) {
		for _, row := range AllCases(t, idx) {
			s := strings.ToLower(row.ID + string(row.Kind) + row.Sector + row.ArchiveNumber)
			for _, personal := range []string{"ana", "petrovska", "example", "subject", "text"} {
				if strings.Contains(s, personal) {
					t.Errorf("row %s holds personal data %q", row.ID, personal)
				}
			}
		}
	})

	t.Run("Get", func(t *testing.T) {
		got, err := idx.Get(t.Context(), cases[2].id())
		if err != nil {
			t.Fatal(err)
		}
		RequireSameRows(t, []projections.CaseRow{got}, ExpectedRows(t, store, cases[2:3]))
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := idx.Get(t.Context(), "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("err = %v, want ENOTFOUND", err)
		}
	})

	t.Run("List", func(t *testing.T) {
		yes, no := true, false
		ids := func(f projections.CaseFilter) string {
			rows, err := idx.List(t.Context(), f)
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, r := range rows {
				s = append(s, r.ID)
			}
			return strings.Join(s, ",")
		}
		for _, tt := range []struct {
			name   string
			filter projections.CaseFilter
			want   string
		}{
			// Due dates: n=1 May 2, n=2 May 3, n=3 May 4, n=4 May 5; unregistered last, by receipt.
			{"All", projections.CaseFilter{}, "c00001,c00002,c00003,c00004,c00000,c00005"},
			{"Status", projections.CaseFilter{Status: domain.StatusReceived}, "c00000,c00005"},
			{"Kind", projections.CaseFilter{Kind: "complaint"}, "c00003"},
			{"Overdue", projections.CaseFilter{Overdue: &yes}, "c00002,c00004"},
			{"NotOverdue", projections.CaseFilter{Overdue: &no, Status: domain.StatusRegistered}, "c00001,c00003"},
			{"DueBefore", projections.CaseFilter{DueBefore: cases[3].dueAt()}, "c00001,c00002"},
			{"LimitOffset", projections.CaseFilter{Limit: 2, Offset: 1}, "c00002,c00003"},
			{"Empty", projections.CaseFilter{Kind: "nothing"}, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if got := ids(tt.filter); got != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			})
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		for _, f := range []projections.CaseFilter{{Limit: -1}, {Limit: projections.MaxListLimit + 1}, {Offset: -1}} {
			if _, err := idx.List(t.Context(), f); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("List(%+v) err = %v, want EINVALID", f, err)
			}
		}
	})
}

func TestCaseIndex_Apply(t *testing.T) {
	t.Run("SkipsAppliedRevisions", func(t *testing.T) {
		store := MustOpenStore(t)
		c := testCase{n: 7, steps: 3}
		c.Append(t, store, 0)
		events, err := store.ReadStream(t.Context(), domain.CaseStream(c.id()), domain.ReadStreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// A runner without Run only to own the database; Apply is driven by hand.
		idx := projections.NewCaseIndex()
		path := filepath.Join(t.TempDir(), "projections.db")
		MustOpenRunner(t, path, store, idx)
		db := MustOpenWriter(t, path)
		apply := func(events ...domain.RecordedEvent) {
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			ptx := projections.NewTx(tx)
			for _, e := range events {
				if err := idx.Apply(t.Context(), ptx, e); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		apply(events...)
		want := ExpectedRows(t, store, []testCase{c})
		// Every event again, in and out of order: nothing changes.
		apply(events...)
		apply(events[1], events[0], events[2], events[2])
		got, err := idx.Get(t.Context(), c.id())
		if err != nil {
			t.Fatal(err)
		}
		RequireSameRows(t, []projections.CaseRow{got}, want)
	})

	t.Run("UnknownTypesCount", func(t *testing.T) {
		store := MustOpenStore(t)
		c := testCase{n: 8, steps: 1}
		c.Append(t, store, 0)
		stream := domain.CaseStream(c.id())
		res, err := store.Append(t.Context(), stream, domain.Exact(0),
			domain.EventData{ID: domain.EventID(stream, 1), Type: "CaseNoteAdded", Data: []byte(`{"note":"private"}`)})
		if err != nil {
			t.Fatal(err)
		}
		idx := projections.NewCaseIndex()
		r := MustOpenRunner(t, "", store, idx)
		Start(t, r)
		WaitCaughtUp(t, r, projections.CaseIndexName, res.Position)
		got, err := idx.Get(t.Context(), c.id())
		if err != nil {
			t.Fatal(err)
		}
		want := c.ExpectedRow(time.Time{})
		want.Version, want.UpdatedAt = 2, got.UpdatedAt
		RequireSameRows(t, []projections.CaseRow{got}, []projections.CaseRow{want})
	})
}
