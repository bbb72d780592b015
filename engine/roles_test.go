package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/embedtemporal"
	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/eventstore/kurrentdb/kurrentdbtest"
	"github.com/predmet/predmet/intake"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/keystore/vaulttest"
	"github.com/predmet/predmet/workflows"
)

// TestServeRolesSeparately runs the production roles as three engines, each alone, against an external
// Temporal (a server started on its own) and KurrentDB (the gRPC double of its API, reached through the
// real client): the API opens a case, the worker registers it, the projections index it.
func TestServeRolesSeparately(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal in-process")
	}
	t.Parallel()
	logger := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	temporal, err := embedtemporal.Start(context.Background(), embedtemporal.Options{
		DataDir: t.TempDir(), UIPort: -1, Namespace: "predmet-prod", SearchAttributes: searchAttributes(), Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer temporal.Stop()
	kurrent := kurrentdbtest.MustStart(t)
	// The roles share the keys of personal data through Vault's transit engine (its HTTP double).
	vault := vaulttest.Start(t)

	token, hash := intake.NewToken()
	staffFile := filepath.Join(t.TempDir(), "staff.json")
	staff := fmt.Sprintf(`{"users":[{"id":"ana.petrovska","name":"Ана Петровска","roles":["intake"],"language":"mk","tokenSha256":%q}]}`, hash)
	if err := os.WriteFile(staffFile, []byte(staff), 0o600); err != nil {
		t.Fatal(err)
	}
	start := func(role string) *engine.Engine {
		cfg := engine.DefaultConfig()
		cfg.Embedded = false
		cfg.Roles = []string{role}
		cfg.DataDir = t.TempDir()
		cfg.APIAddr = "127.0.0.1:0"
		cfg.TemporalAddress = temporal.FrontendAddress()
		cfg.TemporalNamespace = "predmet-prod"
		cfg.KurrentDBURL = kurrent.URL()
		cfg.StaffFile = staffFile
		cfg.Vault.Addr, cfg.Vault.Token = vault.URL, vaulttest.Token
		e, err := engine.Start(context.Background(), cfg, logger)
		if err != nil {
			t.Fatalf("start %s: %v", role, err)
		}
		t.Cleanup(func() { e.Stop(context.Background()) })
		return e
	}
	api, worker, projector := start(engine.RoleAPI), start(engine.RoleWorker), start(engine.RoleProjections)
	if worker.APIAddress() != "" || projector.Client() != nil {
		t.Error("a role started more than it was asked to")
	}

	c := &apiClient{tb: t, base: "http://" + api.APIAddress(), token: token}
	v, res := c.open(petition("Одвоени улоги", time.Now().Add(-time.Hour)), "roles-1")
	if res.Status != http.StatusCreated || v.ArchiveNumber != "08-1/1" {
		t.Fatalf("POST = %d %s", res.Status, res.Body)
	}
	if v.Submitter.Name != "Марија Петровска" || !vault.HasKey("predmet-case-"+v.ID) {
		t.Errorf("the case's submitter, sealed in Vault, reads %q", v.Submitter.Name)
	}
	events := c.events(v.ID)
	if len(events.Events) != 2 {
		t.Fatalf("events in KurrentDB = %d, want 2", len(events.Events))
	}
	var md domain.Metadata
	if err := json.Unmarshal(events.Events[0].Metadata, &md); err != nil || md.UserID != "ana.petrovska" {
		t.Errorf("acting user = %q (%v)", md.UserID, err)
	}
	testkit.Eventually(t, 20*time.Second, func() error {
		row, err := projector.Casework().Get(context.Background(), v.ID)
		if err != nil {
			return err
		}
		if row.ArchiveNumber != "08-1/1" || row.Status != domain.StatusRegistered || row.Version != 2 {
			return fmt.Errorf("index row = %+v", row)
		}
		return nil
	})
}

func searchAttributes() map[string]enumspb.IndexedValueType {
	out := map[string]enumspb.IndexedValueType{}
	for _, k := range workflows.SearchAttributeKeys {
		out[k.GetName()] = k.GetValueType()
	}
	return out
}
