package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
)

// countingPurger counts the cases it is asked to purge.
type countingPurger struct{ cases []string }

func (p *countingPurger) PurgeCase(_ context.Context, id string) (int64, error) {
	p.cases = append(p.cases, id)
	return 1, nil
}

// TestEraseCase erases a sealed case and a legacy one whose workflows have ended, once each, and leaves
// a case that a retention run listed but that is still open.
func TestEraseCase(t *testing.T) {
	ctx := context.Background()
	codec := testkit.MustOpenCodec(t)
	purger := &countingPurger{}
	env, store := testkit.MustOpenActivityEnv(t, func(a *activities.Activities) {
		a.Signaler, a.Keys, a.Purgers = &recordingSignaler{}, codec.Keys, []activities.Purger{purger}
	})
	var a *activities.Activities
	closedAt := time.Date(2020, 1, 10, 9, 0, 0, 0, time.UTC)
	write := func(id string, sealed, closed bool) {
		t.Helper()
		events := []domain.Event{&domain.CaseReceived{CaseID: id, Kind: domain.KindPetition, Subject: "Барање",
			Submitter: domain.Submitter{Name: "Марија"}, Person: "c-" + id}}
		if closed {
			events = append(events, &domain.CaseWithdrawn{Reason: "withdrawn", At: closedAt})
		}
		data, err := domain.EncodeEvents(domain.CaseStream(id), 0, domain.Metadata{}, events...)
		if err != nil {
			t.Fatal(err)
		}
		if sealed {
			if err := codec.Seal(ctx, id, data); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.Append(ctx, domain.CaseStream(id), domain.NoStream(), data...); err != nil {
			t.Fatal(err)
		}
	}
	write("sealed", true, true)
	write("legacy", false, true)
	write("open", true, false)
	erase := func(id string, trigger domain.ErasureTrigger) activities.EraseCaseResult {
		t.Helper()
		in := activities.EraseCaseInput{CaseID: id, Erasure: domain.ErasureRequested{ID: "e1", Trigger: trigger, By: "admin", Reason: "asked", At: closedAt}}
		v, err := env.ExecuteActivity(a.EraseCase, in)
		if err != nil {
			t.Fatal(err)
		}
		var res activities.EraseCaseResult
		if err := v.Get(&res); err != nil {
			t.Fatal(err)
		}
		return res
	}

	t.Run("OK_Sealed", func(t *testing.T) {
		for range 2 {
			if res := erase("sealed", domain.ErasureByRequest); !res.Erased || res.Legacy || res.Purged != 1 {
				t.Errorf("result %+v", res)
			}
		}
		c, _, err := codec.ReadCase(ctx, store, "sealed")
		if err != nil {
			t.Fatal(err)
		}
		if c.Erased == nil || c.Erased.ErasureID != "e1" || c.Subject != "" || c.Submitter.Name != "" || c.Version != 3 {
			t.Errorf("after two erasures the case is %+v", c)
		}
	})
	t.Run("OK_Legacy", func(t *testing.T) {
		if res := erase("legacy", domain.ErasureByRequest); !res.Erased || !res.Legacy {
			t.Errorf("result %+v", res)
		}
		c, _, _ := codec.ReadCase(ctx, store, "legacy")
		if c.Erased == nil || c.Submitter.Name != "" {
			t.Errorf("the legacy case reads %+v", c)
		}
	})
	t.Run("OK_RetentionLeavesOpenCase", func(t *testing.T) {
		res := erase("open", domain.ErasureByRetention)
		if res.Erased || res.Refused == nil {
			t.Fatalf("result %+v", res)
		}
		c, _, _ := codec.ReadCase(ctx, store, "open")
		if c.Erased != nil || c.Submitter.Name != "Марија" {
			t.Errorf("the open case reads %+v", c)
		}
	})
	if len(purger.cases) != 3 {
		t.Errorf("purged %v", purger.cases)
	}
}
