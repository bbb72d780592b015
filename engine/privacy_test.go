package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/testkit/devstack"
)

// The two submitters of the privacy tests, and what of them must never show where it should not.
var (
	marija = map[string]any{"name": "Марија Петровска", "email": "Marija.Petrovska@example.mk", "phone": "070 123 456",
		"address": "ул. Илинденска 5, Тетово"}
	arta = map[string]any{"name": "Arta Berisha", "email": "arta.berisha@example.org", "address": "Rruga e Tetovës 12"}
	// marijaTraces and artaTraces are the strings that betray each of them.
	marijaTraces = []string{"Марија", "Marija.Petrovska", "marija.petrovska", "Илинденска", "070 123 456", "светилката во мојата улица"}
	artaTraces   = []string{"Arta Berisha", "arta.berisha", "Rruga e Tetovës"}
)

// privacyCase is what the privacy tests read of a case.
type privacyCase struct {
	ID            string           `json:"id"`
	Status        string           `json:"status"`
	ArchiveNumber string           `json:"archiveNumber"`
	DueDate       string           `json:"dueDate"`
	Subject       string           `json:"subject"`
	Text          string           `json:"text"`
	Submitter     domain.Submitter `json:"submitter"`
	Erased        *struct {
		ErasureID string `json:"erasureId"`
		Trigger   string `json:"trigger"`
		Override  string `json:"override"`
	} `json:"erased"`
	Requests []struct {
		ID     string `json:"id"`
		Sector string `json:"sector"`
	} `json:"requests"`
}

// openFor registers a petition of submitter as c, received a minute ago.
func openFor(t *testing.T, c *apiClient, submitter map[string]any, subject, text string) privacyCase {
	t.Helper()
	body := map[string]any{"kind": "petition", "submitter": submitter, "channel": "email", "language": "mk",
		"receivedAt": time.Now().Add(-time.Minute).Format(time.RFC3339), "subject": subject, "text": text}
	res := c.do("POST", "/api/v1/cases", body, nil)
	if res.Status != http.StatusCreated {
		t.Fatalf("open: %d %s", res.Status, res.Body)
	}
	var v privacyCase
	res.decode(t, &v)
	return v
}

// readCase reads a case as c, expecting status.
func readCase(t *testing.T, c *apiClient, id string, status int) privacyCase {
	t.Helper()
	res := c.do("GET", "/api/v1/cases/"+id, nil, nil)
	if res.Status != status {
		t.Fatalf("GET case %s: %d %s, want %d", id, res.Status, res.Body, status)
	}
	var v privacyCase
	if status == http.StatusOK {
		res.decode(t, &v)
	}
	return v
}

// mustNotShow fails t if body betrays any of traces.
func mustNotShow(t *testing.T, what string, body []byte, traces []string) {
	t.Helper()
	for _, s := range traces {
		if bytes.Contains(body, []byte(s)) {
			t.Errorf("%s shows %q: %.400s", what, s, body)
		}
	}
}

// mustShow fails t unless body shows each of want.
func mustShow(t *testing.T, what string, body []byte, want ...string) {
	t.Helper()
	for _, s := range want {
		if !bytes.Contains(body, []byte(s)) {
			t.Errorf("%s does not show %q: %.400s", what, s, body)
		}
	}
}

// accessEntries returns the access log's entries for a case, as the admin exports them.
func accessEntries(t *testing.T, admin *apiClient, caseID string) []domain.AccessEntry {
	t.Helper()
	res := admin.do("POST", "/api/v1/access-log", map[string]any{"caseId": caseID}, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("access log: %d %s", res.Status, res.Body)
	}
	var v struct{ Items []domain.AccessEntry }
	res.decode(t, &v)
	return v.Items
}

// historiesHold returns which of needles occur in the payloads of any workflow history of the
// namespace: search attributes, memos, inputs, results, signals and updates, as the server stores them.
func historiesHold(t *testing.T, c client.Client, needles []string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	found := map[string]bool{}
	var token []byte
	for {
		list, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{NextPageToken: token, PageSize: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range list.Executions {
			it := c.GetWorkflowHistory(ctx, w.Execution.WorkflowId, w.Execution.RunId, false, 0)
			for it.HasNext() {
				ev, err := it.Next()
				if err != nil {
					t.Fatal(err)
				}
				raw, err := proto.Marshal(ev)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range needles {
					if bytes.Contains(raw, []byte(n)) {
						found[n] = true
					}
				}
			}
		}
		if token = list.NextPageToken; len(token) == 0 {
			return found
		}
	}
}

// TestPrivacyOverHTTP registers cases for two people, reads them as each role, erases one person, and
// checks that their personal data is gone from every reader while the other's and every case's history,
// deadline and statistics remain; that the access log records exactly the reads made; that the
// submitter's copy holds all of a person's data; and that a sector head never reads a submitter's
// contact details unless a request shares them.
func TestPrivacyOverHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal in-process")
	}
	t.Parallel()
	change, clientsOf := staffClients(t)
	e := devstack.MustStart(t, change)
	c := clientsOf(e)
	intakeStaff, officer, urbanism, finance, supervisor, admin := c["ana"], c["elena"], c["goran"], c["besa"], c["head"], c["admin"]

	// Two people, three cases: Marija twice (the second under her address in other letters), Arta once.
	a := openFor(t, intakeStaff, marija, "Улично осветлување", "Не работи светилката во мојата улица.")
	marija2 := map[string]any{"name": "Марија Петровска", "email": "marija.petrovska@example.mk"}
	a2 := openFor(t, intakeStaff, marija2, "Паркинг", "Барам место за паркирање.")
	b := openFor(t, intakeStaff, arta, "Ndriçimi", "Drita në rrugën time nuk punon.")
	step(t, officer, a.ID, domain.ActionAssign, map[string]any{"officer": "elena", "sector": "communal"})
	step(t, officer, a.ID, domain.ActionRequestInput, map[string]any{"sector": "urbanism", "dueIn": "5wd"})
	step(t, officer, b.ID, domain.ActionAssign, map[string]any{"officer": "elena", "sector": "communal"})
	step(t, officer, b.ID, domain.ActionRequestInput, map[string]any{"sector": "finance", "dueIn": "5wd", "shareContact": true})

	// The event log never holds a submitter's data in clear: it is sealed from intake on.
	for _, id := range []string{a.ID, a2.ID, b.ID} {
		events, err := e.Store().ReadStream(context.Background(), domain.CaseStream(id), domain.ReadStreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			mustNotShow(t, "the event log", ev.Data, append(marijaTraces, artaTraces...))
		}
	}

	t.Run("ReadAsEachRole", func(t *testing.T) {
		for _, reader := range []*apiClient{intakeStaff, officer, supervisor, admin} {
			v := readCase(t, reader, a.ID, http.StatusOK)
			if v.Submitter.Name != "Марија Петровска" || v.Submitter.Address != marija["address"] || v.Text == "" {
				t.Errorf("staff of the department read %+v", v)
			}
		}
		// The head of urbanism reads what the request needs: subject, number, due date, the question.
		v := readCase(t, urbanism, a.ID, http.StatusOK)
		if v.Subject != "Улично осветлување" || v.ArchiveNumber == "" || v.DueDate == "" || len(v.Requests) != 1 ||
			v.Text != "" || v.Submitter != (domain.Submitter{}) {
			t.Errorf("the head of urbanism read %+v", v)
		}
		readCase(t, urbanism, b.ID, http.StatusForbidden) // not asked
		readCase(t, finance, a.ID, http.StatusForbidden)  // not asked
		// The head of finance was asked with the contact details shared on purpose.
		if v := readCase(t, finance, b.ID, http.StatusOK); v.Submitter.Name != "Arta Berisha" || v.Text != "" {
			t.Errorf("the head of finance, asked with the contact shared, read %+v", v)
		}
	})

	t.Run("SectorHeadRefusedContactEverywhere", func(t *testing.T) {
		// Every route a sector head may call, and those they may not: none shows Marija's contact.
		ack := outboxOf(t, admin, a.ID, "acknowledgement")
		routes := []struct{ method, path string }{
			{"GET", "/api/v1/cases/" + a.ID}, {"GET", "/api/v1/cases/" + a.ID + "/events"}, {"GET", "/api/v1/cases/" + a.ID + "/deadline"},
			{"POST", "/api/v1/cases/" + a.ID + "/actions/answer_request"},
			{"GET", "/api/v1/cases"}, {"GET", "/api/v1/cases?format=csv"}, {"GET", "/api/v1/requests"}, {"GET", "/api/v1/requests?format=csv"},
			{"GET", "/api/v1/tracker"}, {"GET", "/api/v1/escalations"}, {"GET", "/api/v1/statistics"},
			{"GET", "/api/v1/outbox"}, {"GET", "/api/v1/outbox/" + ack}, {"GET", "/api/v1/briefings/latest"},
			{"POST", "/api/v1/people/export"}, {"POST", "/api/v1/access-log"}, {"GET", "/api/v1/erasures/" + a.ID},
		}
		for _, r := range routes {
			var body any
			if r.method == "POST" {
				body = map[string]any{"email": marija["email"], "requestId": "r9"}
				if strings.HasSuffix(r.path, "/answer_request") {
					body = map[string]any{"requestId": "r9"}
				}
			}
			res := urbanism.do(r.method, r.path, body, nil)
			mustNotShow(t, "urbanism's "+r.method+" "+r.path, res.Body, marijaTraces)
		}
	})

	t.Run("AccessLogRecordsExactlyTheReads", func(t *testing.T) {
		before := len(accessEntries(t, admin, a.ID))
		readCase(t, urbanism, a.ID, http.StatusOK)
		urbanism.events(a.ID)
		readCase(t, finance, a.ID, http.StatusForbidden) // refused: nothing read
		readCase(t, supervisor, a.ID, http.StatusOK)
		readCase(t, supervisor, b.ID, http.StatusOK) // another case
		entries := accessEntries(t, admin, a.ID)[before:]
		want := []struct {
			reader, route string
			contact       bool
		}{
			{"goran", "GET /api/v1/cases/{id}", false},
			{"goran", "GET /api/v1/cases/{id}/events", false},
			{"head", "GET /api/v1/cases/{id}", true},
		}
		if len(entries) != len(want) {
			t.Fatalf("%d reads recorded, want %d: %+v", len(entries), len(want), entries)
		}
		for i, w := range want {
			en := entries[i]
			hasContact := false
			for _, p := range en.Parts {
				hasContact = hasContact || p == domain.PartContact
			}
			if en.Reader != w.reader || en.Route != w.route || en.CaseID != a.ID || hasContact != w.contact {
				t.Errorf("read %d = %+v, want %+v", i, en, w)
			}
		}
		// By person: the reads of all of Marija's cases, and none of Arta's; as CSV too.
		res := admin.do("POST", "/api/v1/access-log?format=csv", map[string]any{"email": marija["email"]}, nil)
		if res.Status != http.StatusOK || !strings.HasPrefix(string(res.Body), "seq,at,reader,case,route,parts\n") ||
			!bytes.Contains(res.Body, []byte(a.ID)) || bytes.Contains(res.Body, []byte(b.ID)) {
			t.Errorf("access log of Marija as CSV: %d %s", res.Status, res.Body)
		}
		mustNotShow(t, "the access log", res.Body, append(marijaTraces, artaTraces...))
	})

	t.Run("SubmittersCopy", func(t *testing.T) {
		res := admin.do("POST", "/api/v1/people/export", map[string]any{"email": "marija.petrovska@example.mk"}, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("export: %d %s", res.Status, res.Body)
		}
		var copy domain.SubjectExport
		res.decode(t, &copy)
		if len(copy.Cases) != 2 || copy.Cases[0].Case.ID == copy.Cases[1].Case.ID ||
			(copy.Cases[0].Case.ID != a.ID && copy.Cases[0].Case.ID != a2.ID) || (copy.Cases[1].Case.ID != a.ID && copy.Cases[1].Case.ID != a2.ID) {
			t.Fatalf("the copy holds %d cases: %.600s", len(copy.Cases), res.Body)
		}
		if copy.Cases[0].Case.ID != a.ID {
			copy.Cases[0], copy.Cases[1] = copy.Cases[1], copy.Cases[0]
		}
		mustShow(t, "the copy", res.Body, "Марија Петровска", "Илинденска", "070 123 456", "светилката во мојата улица", "Паркинг")
		mustNotShow(t, "Marija's copy", res.Body, artaTraces)
		if len(copy.Cases[0].Events) < 4 || len(copy.Cases[0].Reads) == 0 {
			t.Errorf("the copy of case A has %d events and %d reads", len(copy.Cases[0].Events), len(copy.Cases[0].Reads))
		}
		testkit.Eventually(t, 30*time.Second, func() error {
			res := admin.do("POST", "/api/v1/people/export", map[string]any{"caseId": a.ID}, nil)
			if !bytes.Contains(res.Body, []byte(`"messages":[{`)) {
				return fmt.Errorf("no message in the copy yet: %.300s", res.Body)
			}
			return nil
		})
		page := admin.do("POST", "/api/v1/people/export?format=html", map[string]any{"caseId": a.ID}, nil)
		if page.Status != http.StatusOK || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("the copy as a page: %d %s", page.Status, page.Header.Get("Content-Type"))
		}
		mustShow(t, "the copy as a page", page.Body, "Марија Петровска", "What predmet holds about you") // the admin reads English
	})

	// The figures that must still add up after the erasure.
	statsBefore := admin.do("GET", "/api/v1/statistics", nil, nil).Body
	aBefore := readCase(t, supervisor, a.ID, http.StatusOK)
	ackA, ackB := outboxOf(t, admin, a.ID, "acknowledgement"), outboxOf(t, admin, b.ID, "acknowledgement")

	t.Run("Erase", func(t *testing.T) {
		req := map[string]any{"email": "marija.petrovska@example.mk", "reason": "She asked in writing on arrival, 08-99/1.",
			"legalBasis": "Law on Personal Data Protection (2020), art. 18"}
		// Both her cases are open: kept while they are handled.
		res := admin.do("POST", "/api/v1/erasures", req, map[string]string{"Accept-Language": "en"})
		if res.Status != http.StatusConflict || !bytes.Contains(res.Body, []byte("still open")) {
			t.Fatalf("erasure of open cases: %d %s", res.Status, res.Body)
		}
		if res := urbanism.do("POST", "/api/v1/erasures", req, nil); res.Status != http.StatusForbidden {
			t.Errorf("a sector head erased: %d %s", res.Status, res.Body)
		}
		req["override"] = "The person withdrew; the cases are closed by decision of the secretary."
		res = admin.do("POST", "/api/v1/erasures", req, map[string]string{"Idempotency-Key": "erase-marija"})
		if res.Status != http.StatusCreated {
			t.Fatalf("erasure with an override: %d %s", res.Status, res.Body)
		}
		var report struct {
			ID     string
			Done   bool
			Erased []string
			Person string
		}
		res.decode(t, &report)
		if !report.Done || len(report.Erased) != 2 || !strings.HasPrefix(report.Person, "p-") {
			t.Fatalf("report %s", res.Body)
		}
		mustNotShow(t, "the report", res.Body, marijaTraces)
		if again := admin.do("POST", "/api/v1/erasures", req, map[string]string{"Idempotency-Key": "erase-marija"}); !bytes.Contains(again.Body, []byte(report.ID)) {
			t.Errorf("a retry did not reach the same erasure: %s", again.Body)
		}
	})

	t.Run("ErasedEverywhere", func(t *testing.T) {
		for _, id := range []string{a.ID, a2.ID} {
			v := readCase(t, supervisor, id, http.StatusOK) // the supervisor reads English
			if v.Erased == nil || v.Subject != "[erased]" || v.Text != "[erased]" || v.Submitter.Name != "[erased]" || v.Submitter.Email != "" {
				t.Errorf("case %s after the erasure: %+v", id, v)
			}
		}
		after := readCase(t, supervisor, a.ID, http.StatusOK)
		if after.Status != aBefore.Status || after.ArchiveNumber != aBefore.ArchiveNumber || after.DueDate != aBefore.DueDate {
			t.Errorf("case A was %+v, is %+v", aBefore, after)
		}
		mk := readCase(t, officer, a.ID, http.StatusOK) // the officer reads Macedonian
		if mk.Subject != "[избришано]" {
			t.Errorf("subject in Macedonian: %q", mk.Subject)
		}
		res := supervisor.do("GET", "/api/v1/cases/"+a.ID+"/events", nil, nil)
		mustNotShow(t, "the erased case's events", res.Body, marijaTraces)
		mustShow(t, "the erased case's events", res.Body, `"PersonalDataErased"`, `"[erased]"`)

		// The key is gone: the sealed envelope no longer opens, while Arta's does.
		events, _ := e.Store().ReadStream(context.Background(), domain.CaseStream(a.ID), domain.ReadStreamOptions{Max: 1})
		if _, state, err := e.Codec().Open(context.Background(), events[0]); err != nil || state != domain.Erased {
			t.Errorf("opening Marija's receipt: %v, %v; want it erased", state, err)
		}
		events, _ = e.Store().ReadStream(context.Background(), domain.CaseStream(b.ID), domain.ReadStreamOptions{Max: 1})
		if opened, state, err := e.Codec().Open(context.Background(), events[0]); err != nil || state != domain.Opened || !bytes.Contains(opened.Data, []byte("Arta Berisha")) {
			t.Errorf("opening Arta's receipt: %v, %v", state, err)
		}
		if v := readCase(t, supervisor, b.ID, http.StatusOK); v.Submitter.Name != "Arta Berisha" || v.Erased != nil {
			t.Errorf("Arta's case after Marija's erasure: %+v", v)
		}

		// The outbox: Marija's acknowledgement is gone, Arta's is there.
		res = admin.do("GET", "/api/v1/outbox/"+ackA, nil, nil)
		mustNotShow(t, "Marija's acknowledgement", res.Body, marijaTraces)
		if bytes.Contains(res.Body, []byte(`"message":{`)) {
			t.Errorf("Marija's message is still in the outbox: %s", res.Body)
		}
		res = admin.do("GET", "/api/v1/outbox/"+ackB, nil, nil)
		mustShow(t, "Arta's acknowledgement", res.Body, "arta.berisha@example.org")
		if n, err := e.Outbox().CaseMessages(context.Background(), a.ID); err != nil || len(n) != 0 {
			t.Errorf("the outbox keeps %d messages of case A (%v)", len(n), err)
		}

		// Her copy now says the data is erased and holds none of it.
		res = admin.do("POST", "/api/v1/people/export", map[string]any{"caseId": a.ID}, nil)
		mustNotShow(t, "the copy after the erasure", res.Body, marijaTraces)

		// Statistics and the read models are as before, and a rebuild equals the live models.
		testkit.Eventually(t, 30*time.Second, func() error {
			if s := admin.do("GET", "/api/v1/statistics", nil, nil).Body; !bytes.Equal(s, statsBefore) {
				return fmt.Errorf("statistics changed:\n%s\n%s", statsBefore, s)
			}
			return nil
		})
		testkit.Eventually(t, 30*time.Second, func() error {
			res := admin.do("POST", "/api/v1/projections/check", nil, nil)
			if !bytes.Contains(res.Body, []byte(`"consistent":true`)) {
				return fmt.Errorf("projections check: %d %.500s", res.Status, res.Body)
			}
			return nil
		})
		// The case carries on: a sector still answers.
		step(t, urbanism, a.ID, domain.ActionAnswerRequest, map[string]any{"requestId": "r1", "note": "Планирано за декември."})
	})

	t.Run("TemporalHistoriesHoldNone", func(t *testing.T) {
		needles := append(append([]string{a.ID, "urbanism"}, marijaTraces...), artaTraces...)
		found := historiesHold(t, e.Client(), needles)
		if !found[a.ID] || !found["urbanism"] {
			t.Fatalf("the scan does not see what histories hold: %v", found)
		}
		for _, n := range append(marijaTraces, artaTraces...) {
			if found[n] {
				t.Errorf("a workflow history holds %q", n)
			}
		}
	})

	t.Run("FilesPrivate", func(t *testing.T) {
		for _, name := range []string{"", "keys.db", "access.db", "events.db", "outbox.db", "projections.db"} {
			fi, err := os.Stat(filepath.Join(e.Dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s has mode %04o", filepath.Join(e.Dir, name), fi.Mode().Perm())
			}
		}
	})
}

// outboxOf waits for the notification of kind about a case and returns its ID.
func outboxOf(t *testing.T, admin *apiClient, caseID, kind string) string {
	t.Helper()
	var id string
	testkit.Eventually(t, 30*time.Second, func() error {
		res := admin.do("GET", "/api/v1/outbox?case="+caseID+"&kind="+kind+"&status=sent", nil, nil)
		var v struct {
			Items []struct{ ID string }
		}
		if err := json.Unmarshal(res.Body, &v); err != nil || len(v.Items) == 0 {
			return fmt.Errorf("no %s of %s sent yet: %s", kind, caseID, res.Body)
		}
		id = v.Items[0].ID
		return nil
	})
	return id
}

// TestRetentionSchedule runs the retention schedule every few seconds with a petition's retention of
// seconds: a closed case's personal data is erased by it, an open case's is not.
func TestRetentionSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal in-process")
	}
	t.Parallel()
	change, clientsOf := staffClients(t)
	policies := filepath.Join(t.TempDir(), "retention-policies.json")
	if err := os.WriteFile(policies, []byte(`{"kinds": {"petition": {"retention": "2s"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e := devstack.MustStart(t, change, func(c *engine.Config) {
		c.PoliciesFile = policies
		c.RetentionEvery = 2 * time.Second
	})
	c := clientsOf(e)
	closed := openFor(t, c["ana"], marija, "Затворен", "Не работи светилката во мојата улица.")
	open := openFor(t, c["ana"], arta, "Отворен", "Drita në rrugën time nuk punon.")
	officer := c["elena"]
	step(t, officer, closed.ID, domain.ActionWithdraw, map[string]any{"reason": "Подносителот го повлече."})
	step(t, officer, open.ID, domain.ActionAssign, nil)

	testkit.Eventually(t, 60*time.Second, func() error {
		v := readCase(t, c["head"], closed.ID, http.StatusOK)
		if v.Erased == nil {
			return fmt.Errorf("the closed case is not erased yet: %+v", v)
		}
		if v.Erased.Trigger != string(domain.ErasureByRetention) {
			return fmt.Errorf("erased by %q", v.Erased.Trigger)
		}
		return nil
	})
	if v := readCase(t, c["head"], open.ID, http.StatusOK); v.Erased != nil || v.Submitter.Name != "Arta Berisha" {
		t.Errorf("the open case after retention runs: %+v", v)
	}
	res := c["head"].do("GET", "/api/v1/cases/"+closed.ID+"/events", nil, nil)
	mustNotShow(t, "the closed case's events", res.Body, marijaTraces)
}
