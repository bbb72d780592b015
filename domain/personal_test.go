package domain_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/keystore"
)

// mustOpenCodec returns a codec on a fresh key store file.
func mustOpenCodec(tb testing.TB) (*domain.Codec, *keystore.File) {
	tb.Helper()
	ks, err := keystore.OpenFile(filepath.Join(tb.TempDir(), "keys", "keys.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ks.Close() })
	return &domain.Codec{Keys: ks}, ks
}

// received returns the recorded CaseReceived of case id, encoded with enc (sealed or not).
func recorded(tb testing.TB, id string, rev uint64, e domain.Event) domain.RecordedEvent {
	tb.Helper()
	data, err := domain.EncodeEvents(domain.CaseStream(id), rev, domain.Metadata{}, e)
	if err != nil {
		tb.Fatal(err)
	}
	return domain.RecordedEvent{Stream: domain.CaseStream(id), ID: data[0].ID, Type: data[0].Type, Revision: rev, Data: data[0].Data}
}

func TestCodec(t *testing.T) {
	ctx := context.Background()
	codec, ks := mustOpenCodec(t)
	const id = "6f1c2a4e-0000-4000-8000-000000000001"
	in := &domain.CaseReceived{CaseID: id, Kind: domain.KindPetition, Subject: "Улично осветлување", Text: "Не работи светилката.",
		Submitter: domain.Submitter{Name: "Марија Петровска", Email: "marija@example.mk", Address: "ул. Илинденска 5"}, Person: "p-x"}
	r := recorded(t, id, 0, in)
	sealed, err := codec.SealData(ctx, id, r.Type, r.Data)
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{"Марија", "marija@", "Илинденска", "осветлување", "светилката"} {
		if strings.Contains(string(sealed), clear) {
			t.Errorf("sealed data holds %q: %s", clear, sealed)
		}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(sealed, &fields); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"caseId", "kind", "person", "sealed"} {
		if _, ok := fields[want]; !ok {
			t.Errorf("sealed data lacks %q: %s", want, sealed)
		}
	}
	r.Data = sealed

	t.Run("OK_Opened", func(t *testing.T) {
		opened, state, err := codec.Open(ctx, r)
		if err != nil || state != domain.Opened {
			t.Fatalf("Open = %v, %v", state, err)
		}
		e, err := domain.DecodeEvent(opened)
		if err != nil {
			t.Fatal(err)
		}
		got := e.(*domain.CaseReceived)
		if got.Subject != in.Subject || got.Text != in.Text || got.Submitter != in.Submitter || got.Kind != in.Kind {
			t.Errorf("opened = %+v", got)
		}
	})
	t.Run("OK_Legacy", func(t *testing.T) {
		legacy := recorded(t, id, 0, in)
		_, state, err := codec.Open(ctx, legacy)
		if err != nil || state != domain.Legacy {
			t.Errorf("Open of a plain event = %v, %v; want Legacy", state, err)
		}
	})
	t.Run("OK_NoPersonalData", func(t *testing.T) {
		other := recorded(t, id, 1, &domain.CaseClosed{At: time.Now()})
		if _, state, err := codec.Open(ctx, other); err != nil || state != domain.NoPersonalData {
			t.Errorf("Open = %v, %v; want NoPersonalData", state, err)
		}
		if data, err := codec.SealData(ctx, id, other.Type, other.Data); err != nil || string(data) != string(other.Data) {
			t.Errorf("SealData changed an event without personal data: %s, %v", data, err)
		}
	})
	t.Run("OK_SealEventForAWorkflow", func(t *testing.T) {
		e, err := codec.SealEvent(ctx, id, &domain.SubmitterContactCorrected{Email: "arta@example.org", By: "elena"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.(*domain.SubmitterContactCorrected)
		if c.Email != "" || c.Sealed == nil || c.By != "elena" {
			t.Errorf("sealed event = %+v", c)
		}
		opened, state, err := codec.Open(ctx, recorded(t, id, 2, c))
		if err != nil || state != domain.Opened || !strings.Contains(string(opened.Data), "arta@example.org") {
			t.Errorf("Open = %s, %v, %v", opened.Data, state, err)
		}
	})
	t.Run("OK_Erased", func(t *testing.T) {
		if err := ks.Destroy(ctx, id); err != nil {
			t.Fatal(err)
		}
		opened, state, err := codec.Open(ctx, r)
		if err != nil || state != domain.Erased {
			t.Fatalf("Open after the key's destruction = %v, %v; want Erased", state, err)
		}
		e, _ := domain.DecodeEvent(opened)
		got := e.(*domain.CaseReceived)
		if got.Subject != "" || got.Submitter != (domain.Submitter{}) || got.Kind != domain.KindPetition || got.Person != "p-x" {
			t.Errorf("erased = %+v", got)
		}
		if _, err := codec.SealData(ctx, id, r.Type, recorded(t, id, 0, in).Data); domain.ErrorCode(err) != domain.EGONE {
			t.Errorf("sealing for an erased case = %v, want EGONE", err)
		}
	})
}

func TestPersonOf(t *testing.T) {
	ctx := context.Background()
	_, ks := mustOpenCodec(t)
	a, err := domain.PersonOf(ctx, ks, "c1", domain.Submitter{Email: " Marija@Example.MK "})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := domain.PersonOf(ctx, ks, "c2", domain.Submitter{Email: "marija@example.mk"})
	c, _ := domain.PersonOf(ctx, ks, "c3", domain.Submitter{Name: "By letter"})
	if a != b || !strings.HasPrefix(a, "p-") || c != "c-c3" {
		t.Errorf("persons %q %q %q", a, b, c)
	}
}

// TestReadRules checks the table of who may read what, part by part.
func TestReadRules(t *testing.T) {
	kase := &domain.Case{Requests: []domain.Request{
		{ID: "r1", Sector: "urbanism"},
		{ID: "r2", Sector: "finance", ShareContact: true},
	}}
	head := func(sector string) domain.Actor {
		return domain.Actor{UserID: "h", Roles: []domain.Role{domain.RoleSectorHead}, Sector: sector}
	}
	for _, tt := range []struct {
		name  string
		actor domain.Actor
		shown []domain.Part
	}{
		{"Officer", domain.Actor{Roles: []domain.Role{domain.RoleOfficer}}, domain.CaseParts},
		{"Supervisor", domain.Actor{Roles: []domain.Role{domain.RoleSupervisor}}, domain.CaseParts},
		{"Intake", domain.Actor{Roles: []domain.Role{domain.RoleIntake}}, domain.CaseParts},
		{"Admin", domain.Actor{Roles: []domain.Role{domain.RoleAdmin}}, domain.CaseParts},
		{"HeadAsked", head("urbanism"), []domain.Part{domain.PartSummary, domain.PartEvents}},
		{"HeadAskedSharingContact", head("finance"), []domain.Part{domain.PartSummary, domain.PartContact, domain.PartEvents, domain.PartAttachments}},
		{"HeadNotAsked", head("culture"), nil},
		{"HeadWithoutSector", head(""), nil},
		{"NoRole", domain.Actor{UserID: "x"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			acc := domain.CaseAccess(tt.actor, kase)
			if got := acc.Shown(); !slices.Equal(got, tt.shown) {
				t.Errorf("shown = %v, want %v", got, tt.shown)
			}
		})
	}
	t.Run("OK_Redact", func(t *testing.T) {
		c := &domain.Case{Subject: "s", Text: "t", Submitter: domain.Submitter{Name: "n"}, Requests: kase.Requests}
		got := domain.CaseAccess(head("urbanism"), c).Redact(c)
		if got.Subject != "s" || got.Text != "" || got.Submitter.Name != "" || c.Text != "t" {
			t.Errorf("redacted = %+v (original %+v)", got, c)
		}
	})
	t.Run("OK_RedactEvent", func(t *testing.T) {
		r := recorded(t, "c", 0, &domain.CaseReceived{Subject: "s", Text: "t", Submitter: domain.Submitter{Name: "Марија"}})
		got := domain.CaseAccess(head("urbanism"), kase).RedactEvent(r)
		if !strings.Contains(string(got.Data), `"subject":"s"`) || strings.Contains(string(got.Data), "Марија") || strings.Contains(string(got.Data), `"text"`) {
			t.Errorf("redacted event = %s", got.Data)
		}
	})
	if got := domain.RolesFor(domain.PartPrivacy); !slices.Equal(got, []domain.Role{domain.RoleAdmin}) {
		t.Errorf("privacy roles = %v", got)
	}
	if got := domain.ReadModelRoles; !slices.Equal(got, []domain.Role{domain.RoleIntake, domain.RoleOfficer, domain.RoleSupervisor, domain.RoleAdmin}) {
		t.Errorf("read model roles = %v", got)
	}
}

func TestRetention(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Skopje")
	closed := time.Date(2026, 5, 19, 10, 0, 0, 0, loc)
	for _, tt := range []struct {
		in    string
		until time.Time
		err   bool
	}{
		{"10y", time.Date(2036, 5, 19, 10, 0, 0, 0, loc), false},
		{"90d", time.Date(2026, 8, 17, 10, 0, 0, 0, loc), false},
		{"30m", closed.Add(30 * time.Minute), false},
		{"permanent", time.Time{}, false},
		{"5wd", time.Time{}, true},
		{"ten years", time.Time{}, true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			r, err := domain.ParseRetention(tt.in)
			if (err != nil) != tt.err {
				t.Fatalf("ParseRetention(%q) = %v", tt.in, err)
			}
			if err != nil {
				mustBeTranslated(t, err)
				return
			}
			if got := r.Until(closed, loc); !got.Equal(tt.until) || r.String() != tt.in {
				t.Errorf("Until = %v (%q), want %v", got, r.String(), tt.until)
			}
		})
	}
	ps, err := domain.LoadPolicies(strings.NewReader(`{"kinds": {"petition": {"retention": "30m"}}}`))
	if err != nil || ps[domain.KindPetition].Retention.String() != "30m" || ps[domain.KindMediaQuery].Retention.String() != "2y" {
		t.Errorf("policy file retention: %v, %v", ps[domain.KindPetition].Retention, err)
	}
}

func TestDutyToKeep(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Skopje")
	closed := time.Date(2026, 5, 19, 10, 0, 0, 0, loc)
	number := domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 12, Sub: 1, Date: domain.DateOf(closed, loc)}
	open := &domain.Case{ID: "c1", ArchiveNumber: &number}
	done := &domain.Case{ID: "c2", ArchiveNumber: &number, ClosedAt: &closed}
	ten := domain.Retention{Years: 10}
	for _, tt := range []struct {
		name string
		c    *domain.Case
		r    domain.Retention
		now  time.Time
		ok   bool
	}{
		{"ErrOpen", open, domain.Retention{}, closed, false},
		{"ErrWithinRetention", done, ten, closed.AddDate(9, 11, 0), false},
		{"ErrPermanent", done, domain.Retention{Permanent: true}, closed.AddDate(90, 0, 0), false},
		{"OK_RetentionPassed", done, ten, closed.AddDate(10, 0, 0), true},
		{"OK_NoRetention", done, domain.Retention{}, closed, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domain.DutyToKeep(tt.c, tt.r, tt.now, loc)
			if (err == nil) != tt.ok {
				t.Fatalf("DutyToKeep = %v", err)
			}
			if err != nil {
				if err.Code != domain.ECONFLICT || !strings.Contains(err.Message, "08-12/1") {
					t.Errorf("duty = %v", err)
				}
				mustBeTranslated(t, err)
			}
		})
	}
}

// TestErasureFold folds an erasure into a case: the personal data is gone, the rest stays.
func TestErasureFold(t *testing.T) {
	c := &domain.Case{}
	c.Apply(&domain.CaseReceived{CaseID: "c", Kind: domain.KindPetition, Subject: "s", Submitter: domain.Submitter{Name: "n"}, Person: "p-1"})
	c.Apply(&domain.PersonalDataErased{ErasureID: "e1", Trigger: domain.ErasureByRequest, By: "admin", Reason: "asked", LegalBasis: "art. 18"})
	c.Apply(&domain.SubmitterContactCorrected{Email: "late@example.org"})
	if c.Subject != "" || c.Submitter != (domain.Submitter{}) || c.Erased == nil || c.Erased.ErasureID != "e1" || c.Kind != domain.KindPetition || c.Person != "p-1" || c.Version != 3 {
		t.Errorf("case = %+v", c)
	}
}
