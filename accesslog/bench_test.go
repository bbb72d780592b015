package accesslog_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/predmet/predmet/accesslog"
	"github.com/predmet/predmet/domain"
)

// BenchmarkRecord measures one read recorded in the access log (a synced append): what logging adds to
// every read of a case.
func BenchmarkRecord(b *testing.B) {
	l, err := accesslog.Open(filepath.Join(b.TempDir(), "access.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	e := domain.AccessEntry{Reader: "ana", CaseID: "6f1c2a4e-0000-4000-8000-000000000001", Route: "GET /api/v1/cases/{id}",
		Parts: []domain.Part{domain.PartSummary, domain.PartText, domain.PartContact}}
	for b.Loop() {
		if err := l.Record(context.Background(), e); err != nil {
			b.Fatal(err)
		}
	}
}
