package engine_test

import (
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

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/intake"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/testkit/devstack"
	"github.com/predmet/predmet/workflows"
)

// The staff of the lifecycle tests: one user per role, and two sector heads.
var lifecycleStaff = []domain.StaffUser{
	{ID: "ana", Name: "Ана", Roles: []domain.Role{domain.RoleIntake}, Language: domain.Macedonian},
	{ID: "elena", Name: "Елена", Roles: []domain.Role{domain.RoleOfficer}, Language: domain.Macedonian},
	{ID: "goran", Name: "Горан", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "urbanism", Language: domain.Macedonian},
	{ID: "besa", Name: "Besa", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "finance", Language: domain.Albanian},
	{ID: "head", Name: "Раководител", Roles: []domain.Role{domain.RoleSupervisor}, Language: domain.English},
	{ID: "admin", Name: "Admin", Roles: []domain.Role{domain.RoleAdmin}, Language: domain.English},
}

// testPolicies makes a petition's requests for input fall due in seconds, so that a reminder and an
// escalation happen while the test runs.
const testPolicies = `{"kinds": {"petition": {"requests": {"clock": "20s", "reminders": ["10s"],
  "escalation": [{"after": "0s", "to": "deputy"}, {"after": "10s", "to": "head"}]}}}}`

// staffClients writes a staff file, testPolicies and testDirectory, and returns, with the config change
// that uses them, an API client maker per user ID.
func staffClients(t *testing.T) (func(*engine.Config), func(e *devstack.Stack) map[string]*apiClient) {
	t.Helper()
	dir := t.TempDir()
	tokens := map[string]string{}
	var members []intake.StaffMember
	for _, u := range lifecycleStaff {
		token, hash := intake.NewToken()
		tokens[u.ID] = token
		members = append(members, intake.StaffMember{StaffUser: u, TokenSHA256: hash})
	}
	b, err := json.Marshal(map[string]any{"users": members})
	if err != nil {
		t.Fatal(err)
	}
	staff := filepath.Join(dir, "test-staff.json")
	policies := filepath.Join(dir, "test-policies.json")
	if err := os.WriteFile(staff, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(policies, []byte(testPolicies), 0o600); err != nil {
		t.Fatal(err)
	}
	directory := writeTestDirectory(t, dir)
	change := func(c *engine.Config) { c.StaffFile, c.PoliciesFile, c.DirectoryFile = staff, policies, directory }
	return change, func(e *devstack.Stack) map[string]*apiClient {
		out := map[string]*apiClient{}
		for id, token := range tokens {
			out[id] = &apiClient{tb: t, base: "http://" + e.APIAddress(), token: token}
		}
		return out
	}
}

// lifecycleCase is what the lifecycle tests read of a case.
type lifecycleCase struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	ArchiveNumber string `json:"archiveNumber"`
	Officer       string `json:"officer"`
	Requests      []struct {
		ID         string `json:"id"`
		Sector     string `json:"sector"`
		Status     string `json:"status"`
		Kind       string `json:"kind"`
		Year       int    `json:"year"`
		Reminders  int    `json:"reminders"`
		Escalation int    `json:"escalation"`
	} `json:"requests"`
	Documents []json.RawMessage `json:"documents"`
}

type problemView struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Field  string `json:"field"`
}

// openKind opens a case of the given kind as the intake user.
func openKind(t *testing.T, c *apiClient, kind domain.CaseKind) lifecycleCase {
	t.Helper()
	body := petition("Предмет "+string(kind), time.Now().Add(-time.Minute))
	body["kind"] = string(kind)
	res := c.do("POST", "/api/v1/cases", body, nil)
	if res.Status != http.StatusCreated {
		t.Fatalf("open %s: %d %s", kind, res.Status, res.Body)
	}
	var v lifecycleCase
	res.decode(t, &v)
	return v
}

// step takes an action and expects success.
func step(t *testing.T, c *apiClient, id string, action domain.Action, body map[string]any) lifecycleCase {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	res := c.do("POST", "/api/v1/cases/"+id+"/actions/"+string(action), body, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("%s: %d %s", action, res.Status, res.Body)
	}
	var v lifecycleCase
	res.decode(t, &v)
	return v
}

// refused takes an action and expects it refused with status; it returns the problem.
func refused(t *testing.T, c *apiClient, id string, action domain.Action, body map[string]any, status int) problemView {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	res := c.do("POST", "/api/v1/cases/"+id+"/actions/"+string(action), body, nil)
	if res.Status != status {
		t.Fatalf("%s: %d %s, want %d", action, res.Status, res.Body, status)
	}
	var p problemView
	res.decode(t, &p)
	if p.Detail == "" {
		t.Errorf("%s refused without a reason: %s", action, res.Body)
	}
	return p
}

// checkStream checks that a case's history is in order, without duplicates, each event with its
// deterministic ID.
func checkStream(t *testing.T, c *apiClient, id string) []string {
	t.Helper()
	ev := c.events(id)
	seen := map[string]bool{}
	var types []string
	for i, e := range ev.Events {
		if e.Revision != uint64(i) || e.ID != domain.EventID(domain.CaseStream(id), uint64(i)) || seen[e.ID] {
			t.Errorf("event %d: revision %d, ID %s", i, e.Revision, e.ID)
		}
		seen[e.ID] = true
		types = append(types, e.Type)
	}
	return types
}

func TestLifecycleOverHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal in-process")
	}
	t.Parallel()
	useStaff, clients := staffClients(t)
	e := devstack.MustStart(t, useStaff)
	as := clients(e)
	year := domain.DateOf(time.Now(), time.Local).Year

	// A request for input that falls due in 20 seconds: it is reminded and escalated while the rest runs.
	chased := openKind(t, as["ana"], domain.KindPetition)
	step(t, as["elena"], chased.ID, domain.ActionAssign, map[string]any{"sector": "communal"})
	chasedReq := step(t, as["elena"], chased.ID, domain.ActionRequestInput, map[string]any{"sector": "urbanism"})
	if chasedReq.Status != "waiting_for_input" || len(chasedReq.Requests) != 1 {
		t.Fatalf("after request_input: %+v", chasedReq)
	}

	t.Run("OK_MainPathOfEveryKind", func(t *testing.T) {
		type pathStep struct {
			who    string
			action domain.Action
			body   map[string]any
			status string
		}
		path := func(final domain.Action, approve bool) []pathStep {
			p := []pathStep{
				{"elena", domain.ActionAssign, map[string]any{"sector": "urbanism"}, "assigned"},
				{"elena", domain.ActionRequestInput, map[string]any{"sector": "urbanism", "dueIn": "3wd"}, "waiting_for_input"},
				{"goran", domain.ActionAnswerRequest, map[string]any{"requestId": "r1", "note": "Податоците се во прилог."}, "assigned"},
				{"elena", domain.ActionDraft, nil, "answer_drafted"},
			}
			if approve {
				p = append(p, pathStep{"head", domain.ActionApprove, nil, "answer_approved"})
			}
			outcome := map[domain.Action]string{domain.ActionAnswer: "answered", domain.ActionPublish: "published", domain.ActionAnswerInPart: "answered_in_part"}[final]
			return append(p, pathStep{"elena", final, nil, outcome}, pathStep{"elena", domain.ActionClose, nil, "closed"})
		}
		paths := map[domain.CaseKind][]pathStep{
			domain.KindPetition:           path(domain.ActionAnswer, true),
			domain.KindProposal:           path(domain.ActionAnswer, true),
			domain.KindCitizenQuestion:    path(domain.ActionAnswer, true),
			domain.KindPublicInformation:  path(domain.ActionAnswerInPart, true),
			domain.KindMediaQuery:         path(domain.ActionAnswer, false),
			domain.KindWebsitePublication: path(domain.ActionPublish, true),
		}

		for _, kind := range []domain.CaseKind{domain.KindPetition, domain.KindProposal, domain.KindCitizenQuestion,
			domain.KindPublicInformation, domain.KindMediaQuery, domain.KindWebsitePublication} {
			t.Run(string(kind), func(t *testing.T) {
				v := openKind(t, as["ana"], kind)
				if v.Status != "registered" {
					t.Fatalf("opened %s: %s", kind, v.Status)
				}
				for _, s := range paths[kind] {
					got := step(t, as[s.who], v.ID, s.action, s.body)
					if got.Status != s.status {
						t.Fatalf("%s left the case %s, want %s", s.action, got.Status, s.status)
					}
				}
				types := checkStream(t, as["head"], v.ID)
				if types[len(types)-1] != domain.EventCaseClosed {
					t.Errorf("%s history ends with %s", kind, types[len(types)-1])
				}
				// Supervisors find the case in Temporal by its current status and sector.
				testkit.Eventually(t, 30*time.Second, func() error {
					query := fmt.Sprintf(`WorkflowId = '%s' AND CaseStatus = 'closed' AND CaseSector = 'urbanism' AND CaseKind = '%s'`, workflows.CaseWorkflowID(v.ID), kind)
					list, err := e.Client().ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: query})
					if err != nil {
						return err
					} else if len(list.Executions) != 1 {
						return fmt.Errorf("%s: %d workflows", query, len(list.Executions))
					}
					return nil
				})
				// The closed case takes no further action.
				p := refused(t, as["elena"], v.ID, domain.ActionDraft, nil, http.StatusConflict)
				if p.Code != domain.ECONFLICT {
					t.Errorf("action on a closed case: %+v", p)
				}
			})
		}

		for _, kind := range []domain.CaseKind{domain.KindTwinCityProgramme, domain.KindCooperationInitiative} {
			t.Run(string(kind), func(t *testing.T) {
				v := openKind(t, as["ana"], kind)
				if len(v.Requests) != 1 || v.Requests[0].Kind != "report" || v.Requests[0].Year != year {
					t.Fatalf("a programme opens its yearly report for %d: %+v", year, v.Requests)
				}
				step(t, as["elena"], v.ID, domain.ActionAssign, map[string]any{"sector": "international"})
				due := time.Now().AddDate(0, 2, 0).Format(time.DateOnly)
				got := step(t, as["elena"], v.ID, domain.ActionAddMilestone, map[string]any{"kind": "milestone", "title": "Младински камп во Охрид", "sector": "urbanism", "due": due})
				if len(got.Requests) != 2 || got.Requests[1].Status != "open" {
					t.Fatalf("milestone not open: %+v", got.Requests)
				}
				refused(t, as["besa"], v.ID, domain.ActionCompleteMilestone, map[string]any{"requestId": "r2"}, http.StatusForbidden)
				step(t, as["goran"], v.ID, domain.ActionCompleteMilestone, map[string]any{"requestId": "r2"})
				got = step(t, as["elena"], v.ID, domain.ActionSubmitReport, map[string]any{"year": year})
				if len(got.Requests) != 3 || got.Requests[2].Year != year+1 || got.Requests[2].Status != "open" {
					t.Errorf("the report did not open next year's: %+v", got.Requests)
				}
				if got := step(t, as["elena"], v.ID, domain.ActionClose, nil); got.Status != "closed" {
					t.Errorf("programme not closed: %s", got.Status)
				}
				// Closing cancels what was still open.
				final := getCase(t, as["head"], v.ID)
				for _, r := range final.Requests {
					if r.Status == "open" {
						t.Errorf("request %s still open after the programme closed", r.ID)
					}
				}
			})
		}
	})

	t.Run("OK_EveryLawfulEnding", func(t *testing.T) {
		for _, kind := range domain.CaseKinds {
			policy := domain.DefaultPolicies()[kind]
			for _, ending := range []struct {
				action domain.Action
				status domain.Status
				body   map[string]any
			}{
				{domain.ActionForward, domain.StatusForwarded, map[string]any{"to": "Министерство за информатичко општество"}},
				{domain.ActionWithdraw, domain.StatusWithdrawn, map[string]any{"reason": "The submitter withdrew in writing."}},
				{domain.ActionReject, domain.StatusRejected, map[string]any{"reason": "anonymous"}},
				{domain.ActionMerge, domain.StatusMerged, nil},
			} {
				t.Run(string(kind)+"/"+string(ending.action), func(t *testing.T) {
					v := openKind(t, as["ana"], kind)
					body := ending.body
					if ending.action == domain.ActionMerge {
						body = map[string]any{"into": chased.ID}
					}
					if !policy.HasStep(ending.status) {
						p := refused(t, as["elena"], v.ID, ending.action, body, http.StatusConflict)
						if !strings.Contains(p.Detail, string(kind)) {
							t.Errorf("refusal does not name the kind: %q", p.Detail)
						}
						return
					}
					got := step(t, as["elena"], v.ID, ending.action, body)
					if got.Status != string(ending.status) {
						t.Errorf("%s left the case %s", ending.action, got.Status)
					}
				})
			}
		}
		t.Run("public_information/refuse", func(t *testing.T) {
			v := openKind(t, as["ana"], domain.KindPublicInformation)
			step(t, as["elena"], v.ID, domain.ActionAssign, nil)
			step(t, as["elena"], v.ID, domain.ActionDraft, nil)
			step(t, as["head"], v.ID, domain.ActionApprove, nil)
			refused(t, as["elena"], v.ID, domain.ActionRefuse, nil, http.StatusUnprocessableEntity)
			got := step(t, as["elena"], v.ID, domain.ActionRefuse, map[string]any{"reason": "classified information (art. 6)"})
			if got.Status != "refused" || len(got.Documents) != 1 {
				t.Errorf("refusal: status %s, documents %d", got.Status, len(got.Documents))
			}
			step(t, as["elena"], v.ID, domain.ActionClose, nil)
		})
		t.Run("public_information/clarification_and_extension", func(t *testing.T) {
			v := openKind(t, as["ana"], domain.KindPublicInformation)
			got := step(t, as["elena"], v.ID, domain.ActionRequestClarification, map[string]any{"reason": "which year?"})
			if got.Status != "clarification_requested" {
				t.Fatalf("status %s", got.Status)
			}
			dl := deadlineOf(t, as["head"], v.ID)
			if !dl.Suspended || !strings.Contains(dl.Explanation, "uspended") {
				t.Errorf("clarification did not stop the clock: %+v", dl)
			}
			step(t, as["ana"], v.ID, domain.ActionClarificationReceived, nil)
			step(t, as["elena"], v.ID, domain.ActionExtend, map[string]any{"by": "10d", "reason": "large request"})
			p := refused(t, as["elena"], v.ID, domain.ActionExtend, map[string]any{"by": "1d", "reason": "more"}, http.StatusUnprocessableEntity)
			if p.Field != "by" {
				t.Errorf("an extension past 30 days: %+v", p)
			}
			dl = deadlineOf(t, as["head"], v.ID)
			if dl.Suspended || len(dl.Changes) != 3 || !strings.Contains(dl.Explanation, "xtended") {
				t.Errorf("deadline after clarification and extension: %+v", dl)
			}
		})
	})

	t.Run("ErrRejectedActions", func(t *testing.T) {
		v := openKind(t, as["ana"], domain.KindPetition)
		before := len(checkStream(t, as["head"], v.ID))
		// Each refusal comes with its reason, in the user's language, and writes nothing.
		if p := refused(t, as["elena"], v.ID, domain.ActionAnswer, nil, http.StatusConflict); p.Code != domain.ECONFLICT {
			t.Errorf("answer before drafting: %+v", p)
		}
		if p := refused(t, as["ana"], v.ID, domain.ActionAssign, nil, http.StatusForbidden); !strings.Contains(p.Detail, "officer") {
			t.Errorf("intake assigning: %+v", p)
		}
		step(t, as["elena"], v.ID, domain.ActionAssign, nil)
		if p := refused(t, as["elena"], v.ID, domain.ActionRequestInput, nil, http.StatusUnprocessableEntity); p.Field != "sector" {
			t.Errorf("request without a sector: %+v", p)
		}
		step(t, as["elena"], v.ID, domain.ActionRequestInput, map[string]any{"sector": "urbanism", "dueIn": "5wd"})
		if p := refused(t, as["besa"], v.ID, domain.ActionAnswerRequest, map[string]any{"requestId": "r1"}, http.StatusForbidden); !strings.Contains(p.Detail, "urbanism") {
			t.Errorf("another sector's head answering (in Albanian): %+v", p)
		}
		refused(t, as["elena"], v.ID, domain.ActionDraft, nil, http.StatusConflict)
		refused(t, as["elena"], v.ID, domain.ActionAnswerRequest, map[string]any{"requestId": "r9"}, http.StatusNotFound)
		refused(t, as["elena"], v.ID, domain.ActionRefuse, map[string]any{"reason": "x"}, http.StatusConflict)
		refused(t, as["elena"], v.ID, domain.ActionExtend, map[string]any{"by": "5d", "reason": "x"}, http.StatusConflict)
		refused(t, as["elena"], v.ID, domain.ActionMerge, map[string]any{"into": v.ID}, http.StatusUnprocessableEntity)
		refused(t, as["elena"], v.ID, domain.ActionMerge, map[string]any{"into": "7d7c2a4e-0000-4000-8000-000000000000"}, http.StatusUnprocessableEntity)
		if res := as["elena"].do("POST", "/api/v1/cases/"+v.ID+"/actions/fly", map[string]any{}, nil); res.Status != http.StatusNotFound {
			t.Errorf("unknown action: %d", res.Status)
		}
		if res := as["elena"].do("POST", "/api/v1/cases/7d7c2a4e-0000-4000-8000-000000000000/actions/assign", map[string]any{}, nil); res.Status != http.StatusNotFound {
			t.Errorf("unknown case: %d", res.Status)
		}
		// Only the request for input (and nothing of the refusals) was written.
		if after := len(checkStream(t, as["head"], v.ID)); after != before+2 {
			t.Errorf("%d events written, want 2 (assign, request_input)", after-before)
		}
	})

	t.Run("OK_RetriedActionsActOnce", func(t *testing.T) {
		v := openKind(t, as["ana"], domain.KindPetition)
		keyed := func(action domain.Action, body map[string]any, key string) lifecycleCase {
			t.Helper()
			res := as["elena"].do("POST", "/api/v1/cases/"+v.ID+"/actions/"+string(action), body, map[string]string{"Idempotency-Key": key})
			if res.Status != http.StatusOK {
				t.Fatalf("%s (key %s): %d %s", action, key, res.Status, res.Body)
			}
			var got lifecycleCase
			res.decode(t, &got)
			return got
		}
		keyed(domain.ActionAssign, map[string]any{"sector": "urbanism"}, "assign-1")
		// Due in five working days: nothing of the request's chase is recorded while the test counts events.
		keyed(domain.ActionRequestInput, map[string]any{"sector": "finance", "dueIn": "5wd"}, "ask-1")
		if again := keyed(domain.ActionRequestInput, map[string]any{"sector": "finance", "dueIn": "5wd"}, "ask-1"); len(again.Requests) != 1 {
			t.Errorf("a retried request_input opened %d requests", len(again.Requests))
		}
		keyed(domain.ActionWithdraw, map[string]any{"reason": "withdrawn by letter"}, "withdraw-1")
		before := len(checkStream(t, as["head"], v.ID))
		// The case's workflow has ended: the retry is recognised by what the first attempt recorded.
		if again := keyed(domain.ActionWithdraw, map[string]any{"reason": "withdrawn by letter"}, "withdraw-1"); again.Status != "withdrawn" {
			t.Errorf("retried withdrawal: %s", again.Status)
		}
		if after := len(checkStream(t, as["head"], v.ID)); after != before {
			t.Errorf("retries wrote %d events", after-before)
		}
		// Another key is another action: refused on the ended case.
		refused(t, as["elena"], v.ID, domain.ActionWithdraw, map[string]any{"reason": "again"}, http.StatusConflict)
	})

	t.Run("OK_GlobalSuspensionAndResumption", func(t *testing.T) {
		v := openKind(t, as["ana"], domain.KindCitizenQuestion)
		if res := as["head"].do("POST", "/api/v1/clocks/suspend", map[string]any{"reason": "decree"}, nil); res.Status != http.StatusForbidden {
			t.Errorf("a supervisor suspended every clock: %d", res.Status)
		}
		res := as["admin"].do("POST", "/api/v1/clocks/suspend", map[string]any{"reason": "Уредба со законска сила"}, nil)
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"suspended":true`) {
			t.Fatalf("suspend: %d %s", res.Status, res.Body)
		}
		if res := as["admin"].do("POST", "/api/v1/clocks/suspend", map[string]any{"reason": "again"}, nil); res.Status != http.StatusConflict {
			t.Errorf("suspending stopped clocks: %d %s", res.Status, res.Body)
		}
		testkit.Eventually(t, time.Minute, func() error {
			if dl := deadlineOf(t, as["head"], v.ID); !dl.Suspended {
				return fmt.Errorf("case clock still runs: %+v", dl)
			}
			return nil
		})
		// A case received while every clock is stopped starts stopped.
		w := openKind(t, as["ana"], domain.KindPetition)
		if dl := deadlineOf(t, as["head"], w.ID); !dl.Suspended {
			t.Errorf("a case opened during the suspension runs its clock: %+v", dl)
		}
		if res := as["admin"].do("POST", "/api/v1/clocks/resume", map[string]any{}, nil); res.Status != http.StatusOK {
			t.Fatalf("resume: %d %s", res.Status, res.Body)
		}
		for _, id := range []string{v.ID, w.ID} {
			testkit.Eventually(t, time.Minute, func() error {
				if dl := deadlineOf(t, as["head"], id); dl.Suspended || len(dl.Changes) != 2 {
					return fmt.Errorf("case clock after resumption: %+v", dl)
				}
				return nil
			})
		}
		if *updateGolden {
			testkit.WriteHistory(t, e.Client(), workflows.ClocksWorkflowID, "", "../workflows/testdata/clocks_v1.json")
		}
	})

	t.Run("OK_RequestRemindedAndEscalated", func(t *testing.T) {
		testkit.Eventually(t, time.Minute, func() error {
			got := getCase(t, as["head"], chased.ID)
			if r := got.Requests[0]; r.Reminders < 1 || r.Escalation < 1 {
				return fmt.Errorf("request %+v", r)
			}
			return nil
		})
		types := checkStream(t, as["head"], chased.ID)
		if !contains(types, domain.EventRequestReminded) || !contains(types, domain.EventRequestEscalated) {
			t.Fatalf("history %v", types)
		}
		// The reassigned request starts its chase again with the new sector; the answer ends it.
		step(t, as["elena"], chased.ID, domain.ActionReassignRequest, map[string]any{"requestId": "r1", "sector": "finance"})
		refused(t, as["goran"], chased.ID, domain.ActionAnswerRequest, map[string]any{"requestId": "r1"}, http.StatusForbidden)
		step(t, as["besa"], chased.ID, domain.ActionAnswerRequest, map[string]any{"requestId": "r1"})
		step(t, as["elena"], chased.ID, domain.ActionDraft, nil)
		step(t, as["head"], chased.ID, domain.ActionApprove, nil)
		step(t, as["elena"], chased.ID, domain.ActionAnswer, nil)
		step(t, as["elena"], chased.ID, domain.ActionClose, nil)
		checkStream(t, as["head"], chased.ID)
		if *updateGolden {
			testkit.WriteHistory(t, e.Client(), workflows.CaseWorkflowID(chased.ID), "", "../workflows/testdata/case_v2.json")
		}
	})
}

// getCase reads a case through the API.
func getCase(t *testing.T, c *apiClient, id string) lifecycleCase {
	t.Helper()
	res := c.do("GET", "/api/v1/cases/"+id, nil, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET case: %d %s", res.Status, res.Body)
	}
	var v lifecycleCase
	res.decode(t, &v)
	return v
}

type deadlineView struct {
	DueDate     string            `json:"dueDate"`
	Suspended   bool              `json:"suspended"`
	Changes     []json.RawMessage `json:"changes"`
	Explanation string            `json:"explanation"`
}

func deadlineOf(t *testing.T, c *apiClient, id string) deadlineView {
	t.Helper()
	res := c.do("GET", "/api/v1/cases/"+id+"/deadline", nil, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET deadline: %d %s", res.Status, res.Body)
	}
	var v deadlineView
	res.decode(t, &v)
	return v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
