package workflows_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/zapadapter"
	"github.com/predmet/predmet/projections"
	"github.com/predmet/predmet/workflows"
)

// TestDigestWorkflow runs the weekly digest's workflow each morning of Easter week 2026 over the real
// read models: Monday 13 April is Easter Monday, so the digests go out on Tuesday, once, to the sectors
// holding open requests.
func TestDigestWorkflow(t *testing.T) {
	store := testkit.MustOpenStore(t)
	ctx := context.Background()
	opened := time.Date(2026, 4, 6, 9, 0, 0, 0, skopje)
	// Urbanism and finance hold open requests; communal answered its own.
	for i, r := range []struct {
		sector   string
		answered bool
	}{{"urbanism", false}, {"finance", false}, {"communal", true}} {
		id := []string{"c1", "c2", "c3"}[i]
		events := []domain.Event{
			&domain.CaseReceived{CaseID: id, Kind: domain.KindPetition, Channel: domain.ChannelLetter, Language: domain.Macedonian, ReceivedAt: opened},
			&domain.CaseRegistered{ArchiveNumber: domain.ArchiveNumber{Unit: "08", Year: 2026, Number: i + 1, Sub: 1}, RegisteredAt: opened,
				Deadline: domain.NewCalendar(nil).Deadline(opened, domain.DefaultPolicies()[domain.KindPetition].Clock, skopje)},
			&domain.RequestOpened{Request: domain.Request{ID: "r1", Kind: domain.RequestInput, Sector: r.sector, Required: true,
				RequestedAt: opened, DueAt: opened.Add(7 * 24 * time.Hour), Status: domain.RequestIsOpen}},
		}
		if r.answered {
			events = append(events, &domain.RequestAnswered{RequestID: "r1", By: "petar", At: opened.Add(time.Hour)})
		}
		data, err := domain.EncodeEvents(domain.CaseStream(id), 0, domain.Metadata{}, events...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Append(ctx, domain.CaseStream(id), domain.NoStream(), data...); err != nil {
			t.Fatal(err)
		}
	}
	cw := projections.NewCasework(store, projections.CaseworkOptions{Location: skopje})
	runner, err := projections.OpenRunner(t.TempDir()+"/projections.db", store, zap.NewNop(), cw)
	if err != nil {
		t.Fatal(err)
	}
	defer runner.Close()
	go runner.Run(ctx) //nolint:errcheck
	deadline := time.Now().Add(20 * time.Second)
	for {
		page, err := cw.Requests(ctx, domain.RequestQuery{})
		if err == nil && len(page.Items) == 2 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the read model never held the two open requests: %+v, %v", page, err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	acts := &activities.Activities{Store: store, Calendar: domain.NewCalendar(nil), Location: skopje, ReadModels: cw}
	morning := func(day int) workflows.DigestResult {
		t.Helper()
		var suite testsuite.WorkflowTestSuite
		suite.SetLogger(zapadapter.New(zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel+1))))
		env := suite.NewTestWorkflowEnvironment()
		env.SetStartTime(time.Date(2026, 4, day, 8, 0, 0, 0, skopje))
		env.RegisterWorkflow(workflows.DigestWorkflow)
		env.RegisterActivity(acts)
		env.ExecuteWorkflow(workflows.DigestWorkflow)
		if err := env.GetWorkflowError(); err != nil {
			t.Fatalf("13+%d April: %v", day-13, err)
		}
		var res workflows.DigestResult
		if err := env.GetWorkflowResult(&res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	digests := func() []string {
		t.Helper()
		events, err := store.ReadAll(ctx, domain.ReadAllOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range events {
			if e.Type == domain.EventNotificationQueued {
				ev, err := domain.DecodeEvent(e)
				if err != nil {
					t.Fatal(err)
				}
				if n := ev.(*domain.NotificationQueued); n.Kind == domain.NotifyDigest {
					out = append(out, n.Sector+"@"+n.Date.String())
				}
			}
		}
		slices.Sort(out)
		return out
	}

	if res := morning(13); !res.Skipped || len(digests()) != 0 {
		t.Errorf("Easter Monday: %+v, digests %v; want skipped, none", res, digests())
	}
	res := morning(14)
	slices.Sort(res.Sectors)
	if res.Skipped || !slices.Equal(res.Sectors, []string{"finance", "urbanism"}) {
		t.Errorf("Tuesday after Easter: %+v, want digests to finance and urbanism", res)
	}
	morning(14) // a second run the same morning queues nothing new
	if got, want := digests(), []string{"finance@2026-04-14", "urbanism@2026-04-14"}; !slices.Equal(got, want) {
		t.Errorf("digests queued = %v, want %v", got, want)
	}
	if res := morning(15); !res.Skipped {
		t.Errorf("Wednesday: %+v, want skipped", res)
	}
}
