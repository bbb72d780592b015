package accesslog_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/accesslog"
	"github.com/predmet/predmet/domain"
)

func TestLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "access.db")
	l, err := accesslog.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	t0 := time.Date(2026, 5, 19, 9, 0, 0, 0, time.UTC)
	reads := []domain.AccessEntry{
		{At: t0, Reader: "ana", CaseID: "c1", Route: "GET /api/v1/cases/{id}", Parts: []domain.Part{domain.PartSummary, domain.PartContact}},
		{At: t0.Add(time.Hour), Reader: "goran", CaseID: "c1", Route: "GET /api/v1/cases/{id}/events", Parts: []domain.Part{domain.PartSummary}},
		{At: t0.Add(24 * time.Hour), Reader: "ana", CaseID: "c2", Route: "GET /api/v1/cases/{id}"},
	}
	for _, e := range reads {
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name string
		q    domain.AccessQuery
		want []int64
	}{
		{"All", domain.AccessQuery{}, []int64{1, 2, 3}},
		{"DateRange", domain.AccessQuery{From: t0, To: t0.Add(2 * time.Hour)}, []int64{1, 2}},
		{"Case", domain.AccessQuery{CaseIDs: []string{"c2"}}, []int64{3}},
		{"NoCases", domain.AccessQuery{CaseIDs: []string{}}, nil},
		{"Reader", domain.AccessQuery{Reader: "ana"}, []int64{1, 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := l.Query(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			for _, e := range got {
				seqs = append(seqs, e.Seq)
			}
			if len(seqs) != len(tt.want) {
				t.Fatalf("seqs = %v, want %v", seqs, tt.want)
			}
			for i := range seqs {
				if seqs[i] != tt.want[i] {
					t.Fatalf("seqs = %v, want %v", seqs, tt.want)
				}
			}
		})
	}
	got, _ := l.Query(ctx, domain.AccessQuery{CaseIDs: []string{"c1"}})
	if e := got[0]; !e.At.Equal(t0) || e.Reader != "ana" || e.Route != "GET /api/v1/cases/{id}" || len(e.Parts) != 2 || e.Parts[1] != domain.PartContact {
		t.Errorf("entry = %+v", e)
	}
	t.Run("ErrAppendOnly", func(t *testing.T) {
		// Another program that opens the file cannot change or remove what is recorded.
		l2, err := accesslog.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer l2.Close()
		for _, stmt := range []string{`UPDATE access SET reader = 'x'`, `DELETE FROM access`} {
			if err := accesslog.ExecForTest(l2, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v; want a refusal", stmt, err)
			}
		}
		if all, _ := l.Query(ctx, domain.AccessQuery{}); len(all) != 3 {
			t.Errorf("%d entries after the attempts, want 3", len(all))
		}
	})
	t.Run("OK_CSV", func(t *testing.T) {
		var b bytes.Buffer
		if err := accesslog.WriteCSV(&b, got); err != nil {
			t.Fatal(err)
		}
		want := "seq,at,reader,case,route,parts\n1,2026-05-19T09:00:00Z,ana,c1,GET /api/v1/cases/{id},summary contact\n2,2026-05-19T10:00:00Z,goran,c1,GET /api/v1/cases/{id}/events,summary\n"
		if b.String() != want {
			t.Errorf("CSV =\n%s\nwant\n%s", b.String(), want)
		}
	})
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode of the file: %v, %v", fi.Mode(), err)
	}
}
