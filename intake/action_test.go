package intake

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// mustOpenCase opens a petition through the API and returns its ID.
func (ts *TestServer) mustOpenCase(tb testing.TB) string {
	tb.Helper()
	resp, body := ts.Do(tb, ts.NewRequest(tb, intakeMK, http.MethodPost, "/api/v1/cases", validCaseJSON(tb, nil)))
	if resp.StatusCode != http.StatusCreated {
		tb.Fatalf("open case: status = %d; body: %s", resp.StatusCode, body)
	}
	var v struct{ ID string }
	if err := json.Unmarshal(body, &v); err != nil {
		tb.Fatal(err)
	}
	return v.ID
}

// act takes an action on a case through the API and returns the response.
func (ts *TestServer) act(tb testing.TB, user, id string, action domain.Action, body string) (*http.Response, []byte) {
	tb.Helper()
	return ts.Do(tb, ts.NewRequest(tb, user, http.MethodPost, "/api/v1/cases/"+id+"/actions/"+string(action), body))
}

// mustAct takes an action that must succeed and returns the case view.
func (ts *TestServer) mustAct(tb testing.TB, user, id string, action domain.Action, body string) caseViewJSON {
	tb.Helper()
	resp, b := ts.act(tb, user, id, action, body)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s: status = %d; body: %s", action, resp.StatusCode, b)
	}
	return decodeCaseView(tb, b)
}

// caseViewJSON is the part of the case view the action tests read.
type caseViewJSON struct {
	ID        string
	Status    string
	Sector    string
	Officer   *string
	Requests  []map[string]any
	Documents []struct {
		Number     string
		NumberLong string
		Date       string
	}
	AnsweredAt             *time.Time
	ClosedAt               *time.Time
	ClarificationExpiredAt *time.Time
	OnTime                 *bool
	ForwardedTo            *string
	MergedInto             *string
	Reason                 *string
	RespondBy              *time.Time
	Reports                []int
	Deadline               struct {
		Suspended *bool
		Left      map[string]any
		Changes   []map[string]any
	}
}

// decodeCaseView decodes a case view and checks that it has every field, null or not.
func decodeCaseView(tb testing.TB, body []byte) caseViewJSON {
	tb.Helper()
	var all map[string]json.RawMessage
	if err := json.Unmarshal(body, &all); err != nil {
		tb.Fatalf("decode: %v; body: %s", err, body)
	}
	for _, k := range []string{"officer", "requests", "documents", "respondBy", "clarificationExpiredAt", "answeredAt", "closedAt",
		"onTime", "forwardedTo", "mergedInto", "reason", "reports"} {
		if _, ok := all[k]; !ok {
			tb.Errorf("the view has no %s", k)
		}
	}
	for _, k := range []string{"requests", "documents", "reports"} {
		if string(all[k]) == "null" {
			tb.Errorf("%s is null, want a list", k)
		}
	}
	var v caseViewJSON
	if err := json.Unmarshal(body, &v); err != nil {
		tb.Fatal(err)
	}
	return v
}

// TestCaseAction drives a petition through its lifecycle with the real domain behind the fake service.
func TestCaseAction(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		id := ts.mustOpenCase(t)

		req := ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/cases/"+id+"/actions/assign", `{"sector": "urbanism", "note": "За одделението"}`)
		req.Header.Set("Idempotency-Key", "assign 2026-05-19 #1")
		resp, body := ts.Do(t, req)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("assign: status = %d; body: %s", resp.StatusCode, body)
		}
		v := decodeCaseView(t, body)
		if v.ID != id || v.Status != "assigned" || v.Sector != "urbanism" || v.Officer == nil || *v.Officer != intakeMK {
			t.Errorf("assigned = %s", body)
		}
		acts := ts.Cases.Acts()
		if len(acts) != 1 {
			t.Fatalf("Act called %d times", len(acts))
		}
		a := acts[0]
		if a.CaseID != id || a.IdempotencyKey != "assign 2026-05-19 #1" || a.Request.Action != domain.ActionAssign ||
			a.Request.Sector != "urbanism" || a.Request.Note != "За одделението" {
			t.Errorf("Act = %+v", a)
		}
		if a.Request.Actor.UserID != intakeMK || !slices.Equal(a.Request.Actor.Roles, []domain.Role{domain.RoleIntake, domain.RoleOfficer}) {
			t.Errorf("actor = %+v", a.Request.Actor)
		}

		v = ts.mustAct(t, intakeMK, id, domain.ActionRequestInput, `{"sector": "finance", "dueIn": "5wd"}`)
		if v.Status != "waiting_for_input" || len(v.Requests) != 1 {
			t.Fatalf("after request_input: %+v", v)
		}
		r := v.Requests[0]
		for _, k := range []string{"id", "kind", "sector", "title", "required", "status", "requestedAt", "dueAt", "dueDate",
			"generation", "reminders", "escalation", "level", "answeredAt", "answeredBy"} {
			if _, ok := r[k]; !ok {
				t.Errorf("the request has no %s", k)
			}
		}
		if r["id"] != "r1" || r["kind"] != "input" || r["sector"] != "finance" || r["required"] != true || r["status"] != "open" ||
			r["level"] != nil || r["answeredAt"] != nil || r["escalation"] != 0.0 || r["dueDate"] == "" {
			t.Errorf("request = %v", r)
		}

		// The head of the finance sector answers for their sector: the actor carries it.
		v = ts.mustAct(t, sectorHead, id, domain.ActionAnswerRequest, `{"requestId": "r1", "note": "Буџетот дозволува"}`)
		if v.Status != "assigned" || v.Requests[0]["status"] != "answered" || v.Requests[0]["answeredBy"] != sectorHead || v.Requests[0]["answeredAt"] == nil {
			t.Errorf("after answer_request: %+v", v)
		}
		acts = ts.Cases.Acts()
		if got := acts[len(acts)-1].Request.Actor; got.UserID != sectorHead || got.Sector != "finance" || !slices.Equal(got.Roles, []domain.Role{domain.RoleSectorHead}) {
			t.Errorf("sector head's actor = %+v", got)
		}

		ts.mustAct(t, intakeMK, id, domain.ActionDraft, "")
		ts.mustAct(t, supervisor, id, domain.ActionApprove, "{}")
		v = ts.mustAct(t, adminEN, id, domain.ActionAnswer, "")
		if v.Status != "answered" || v.AnsweredAt == nil || v.OnTime == nil || !*v.OnTime || len(v.Documents) != 1 {
			t.Fatalf("after answer: %+v", v)
		}
		doc := v.Documents[0]
		if doc.Number != "08-1/2" || !strings.HasPrefix(doc.NumberLong, "08-1/2 од ") || len(doc.Date) != len("2026-05-19") {
			t.Errorf("document = %+v", doc)
		}
		v = ts.mustAct(t, supervisor, id, domain.ActionClose, `{"note": "Done"}`)
		if v.Status != "closed" || v.ClosedAt == nil {
			t.Errorf("after close: %+v", v)
		}
	})

	t.Run("OKFields", func(t *testing.T) {
		ts := MustOpenServer(t)
		id := uuid.NewString()
		ts.Cases.ActFn = func(_ context.Context, got string, _ domain.ActionRequest, _ string) (*domain.Case, error) {
			return &domain.Case{ID: got, Kind: domain.KindPetition, Status: domain.StatusAssigned}, nil
		}
		into := uuid.NewString()
		body := `{"officer": "ana.petrovska", "sector": "finance", "requestId": "r2", "due": "2026-06-01", "dueIn": "3d",
			"optional": true, "kind": "milestone", "title": "Посета", "to": "Министерство", "into": "` + into + `",
			"by": "10d", "year": 2026, "reason": "Причина", "note": "Белешка"}`
		ts.mustAct(t, adminEN, id, domain.ActionExtend, body)
		acts := ts.Cases.Acts()
		if len(acts) != 1 {
			t.Fatalf("Act called %d times", len(acts))
		}
		got := acts[0].Request
		due := domain.Date{Year: 2026, Month: time.June, Day: 1}
		want := domain.ActionRequest{
			Action: domain.ActionExtend, Actor: domain.Actor{UserID: adminEN, Roles: []domain.Role{domain.RoleAdmin}},
			Officer: "ana.petrovska", Sector: "finance", RequestID: "r2", Due: &due,
			DueIn: &domain.Clock{Length: 3, Unit: domain.CalendarDays}, Optional: true, Kind: domain.RequestMilestone,
			Title: "Посета", To: "Министерство", Into: into, By: &domain.Clock{Length: 10, Unit: domain.CalendarDays},
			Year: 2026, Reason: "Причина", Note: "Белешка",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("request = %+v\nwant      %+v", got, want)
		}
		if acts[0].CaseID != id || acts[0].IdempotencyKey != "" {
			t.Errorf("Act = %+v", acts[0])
		}
	})

	t.Run("OKEmptyBody", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Cases.ActFn = func(_ context.Context, got string, _ domain.ActionRequest, _ string) (*domain.Case, error) {
			return &domain.Case{ID: got, Kind: domain.KindPetition, Status: domain.StatusAnswerDrafted}, nil
		}
		for _, ct := range []string{"", "text/plain", "application/json"} {
			req := ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/cases/"+uuid.NewString()+"/actions/draft", "")
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			if resp, body := ts.Do(t, req); resp.StatusCode != http.StatusOK {
				t.Errorf("Content-Type %q: status = %d; body: %s", ct, resp.StatusCode, body)
			}
		}
		for _, a := range ts.Cases.Acts() {
			want := domain.ActionRequest{Action: domain.ActionDraft, Actor: a.Request.Actor}
			if !reflect.DeepEqual(a.Request, want) {
				t.Errorf("request = %+v", a.Request)
			}
		}
	})

	t.Run("ErrUnauthorized", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.act(t, "", uuid.NewString(), domain.ActionDraft, "{}")
		assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
		if resp.Header.Get("WWW-Authenticate") == "" {
			t.Error("no WWW-Authenticate")
		}
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})

	t.Run("ErrForbidden", func(t *testing.T) {
		ts := MustOpenServer(t)
		id := ts.mustOpenCase(t)
		// Intake staff may not draft answers: the domain says so, in the reader's language.
		req := ts.NewRequest(t, intakeNone, http.MethodPost, "/api/v1/cases/"+id+"/actions/draft", "")
		req.Header.Set("Accept-Language", "en")
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
		if want := `Your role does not allow the action "draft"; it needs one of: officer, admin.`; p.Detail != want {
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
		// A sector head answers only their own sector's requests.
		ts.mustAct(t, intakeMK, id, domain.ActionAssign, "")
		ts.mustAct(t, intakeMK, id, domain.ActionRequestInput, `{"sector": "urbanism"}`)
		resp, body = ts.act(t, sectorHead, id, domain.ActionAnswerRequest, `{"requestId": "r1"}`)
		assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)

		// Whatever the service refuses with EFORBIDDEN is a 403.
		ts.Cases.ActFn = func(context.Context, string, domain.ActionRequest, string) (*domain.Case, error) {
			return nil, domain.Errorf(domain.EFORBIDDEN, "Your role does not allow the action %q; it needs one of: %s.", domain.ActionApprove, "supervisor, admin")
		}
		resp, body = ts.act(t, adminEN, id, domain.ActionApprove, "")
		assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
	})

	t.Run("ErrUnknownAction", func(t *testing.T) {
		ts := MustOpenServer(t)
		for _, a := range []string{"fly", "Assign", "assign%20", "close_case"} {
			resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/cases/"+uuid.NewString()+"/actions/"+a, "{}"))
			p := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
			if a == "fly" && p.Detail != `Unknown action "fly".` {
				t.Errorf("detail = %q", p.Detail)
			}
		}
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/cases/"+uuid.NewString()+"/actions/", "{}"))
		assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})

	t.Run("ErrUnknownCase", func(t *testing.T) {
		ts := MustOpenServer(t)
		id := uuid.NewString()
		resp, body := ts.act(t, adminEN, id, domain.ActionAssign, "")
		if p := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND); !strings.Contains(p.Detail, id) {
			t.Errorf("detail = %q", p.Detail)
		}
		resp, body = ts.act(t, adminEN, "08-1", domain.ActionAssign, "")
		assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
		if n := len(ts.Cases.Acts()); n != 1 {
			t.Errorf("Act called %d times, want once (not for an ID that is not a UUID)", n)
		}
	})

	t.Run("ErrMethodNotAllowed", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodGet, "/api/v1/cases/"+uuid.NewString()+"/actions/assign", ""))
		assertProblem(t, resp, body, http.StatusMethodNotAllowed, "")
		if resp.Header.Get("Allow") != http.MethodPost {
			t.Errorf("Allow = %q", resp.Header.Get("Allow"))
		}
	})

	t.Run("ErrBody", func(t *testing.T) {
		ts := MustOpenServer(t)
		for _, tt := range []struct {
			name, user, body, field, detail string
		}{
			{"Syntax", adminEN, `{"note": 'x'}`, "", ""},
			{"Truncated", adminEN, `{"note": "x"`, "", "The request body ends before its JSON object is complete."},
			{"NotObject", adminEN, `["assign"]`, "", "The request body must be a JSON object."},
			{"Trailing", adminEN, `{} {}`, "", "The request body has more data after the JSON object."},
			{"UnknownField", adminEN, `{"colour": "red"}`, "colour", "The field colour is unknown."},
			{"FieldAction", adminEN, `{"action": "close"}`, "action", "The field action is unknown."},
			{"FieldActor", supervisor, `{"actor": {"userId": "emma.jones", "roles": ["admin"]}}`, "actor", "Fusha actor është e panjohur."},
			{"WrongType", adminEN, `{"year": "2026"}`, "year", "The field year has the wrong type: expected a JSON number, got a JSON string."},
			{"ClockType", adminEN, `{"by": 10}`, "by", ""},
			{"BadClock", intakeMK, `{"dueIn": "5 days"}`, "dueIn", "Полето dueIn мора да биде временски рок, на пример 5wd (работни денови), 3d (календарски денови), 4h (часови) или 30m (минути)."},
			{"BadClockSq", supervisor, `{"by": "10y"}`, "by", "Fusha by duhet të jetë një afat kohor, për shembull 5wd (ditë pune), 3d (ditë kalendarike), 4h (orë) ose 30m (minuta)."},
			{"BadClockEn", adminEN, `{"dueIn": "0d"}`, "dueIn", "The field dueIn must be a length of time such as 5wd (working days), 3d (calendar days), 4h (hours) or 30m (minutes)."},
			{"BadDate", intakeMK, `{"due": "19.05.2026"}`, "due", "Полето due мора да биде датум во обликот YYYY-MM-DD (година-месец-ден), на пример 2026-05-19."},
			{"BadDateSq", supervisor, `{"due": "2026-02-30"}`, "due", "Fusha due duhet të jetë datë në formën YYYY-MM-DD (viti-muaji-dita), për shembull 2026-05-19."},
			{"BadDateEn", adminEN, `{"due": ""}`, "due", "The field due must be a date in the form YYYY-MM-DD, such as 2026-05-19."},
		} {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := ts.act(t, tt.user, uuid.NewString(), domain.ActionRequestInput, tt.body)
				p := assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID)
				if p.Field != tt.field {
					t.Errorf("field = %q, want %q", p.Field, tt.field)
				}
				if tt.detail != "" && p.Detail != tt.detail {
					t.Errorf("detail = %q, want %q", p.Detail, tt.detail)
				}
			})
		}
		t.Run("IdempotencyKey", func(t *testing.T) {
			req := ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/cases/"+uuid.NewString()+"/actions/assign", "")
			req.Header.Set("Idempotency-Key", "ключ")
			resp, body := ts.Do(t, req)
			if p := assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID); p.Field != "Idempotency-Key" {
				t.Errorf("field = %q", p.Field)
			}
		})
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})

	t.Run("ErrContentType", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/cases/"+uuid.NewString()+"/actions/assign", `{"sector": "finance"}`)
		req.Header.Set("Content-Type", "text/plain")
		resp, body := ts.Do(t, req)
		assertProblem(t, resp, body, http.StatusUnsupportedMediaType, domain.EINVALID)
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})

	t.Run("ErrTooLarge", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.API.MaxBodyBytes = 100
		for _, body := range []string{
			`{"note": "` + strings.Repeat("x", 200) + `"}`,
			strings.Repeat(" ", 200) + "{}",
		} {
			resp, b := ts.act(t, adminEN, uuid.NewString(), domain.ActionDraft, body)
			assertProblem(t, resp, b, http.StatusRequestEntityTooLarge, domain.ETOOLARGE)
		}
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		ts := MustOpenServer(t)
		id := ts.mustOpenCase(t)
		// A registered petition has no answer to close.
		const format = "Only an answered case can be closed; the case is %s."
		if !i18n.Has(format) {
			t.Fatalf("the domain's message %q has no translation in i18n/catalog.go", format)
		}
		for _, tt := range []struct {
			user string
			lang domain.Language
		}{{intakeMK, domain.Macedonian}, {supervisor, domain.Albanian}, {adminEN, domain.English}} {
			resp, body := ts.act(t, tt.user, id, domain.ActionClose, "")
			p := assertProblem(t, resp, body, http.StatusConflict, domain.ECONFLICT)
			if resp.Header.Get("Content-Language") != string(tt.lang) {
				t.Errorf("%s: Content-Language = %q", tt.user, resp.Header.Get("Content-Language"))
			}
			want := i18n.Translate(tt.lang, format, domain.StatusRegistered)
			if p.Detail != want {
				t.Errorf("%s: detail = %q, want %q", tt.user, p.Detail, want)
			}
			if tt.lang != domain.English && p.Detail == i18n.Translate(domain.English, format, domain.StatusRegistered) {
				t.Errorf("%s: detail %q is not translated", tt.user, p.Detail)
			}
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		ts := MustOpenServer(t)
		id := ts.mustOpenCase(t)
		ts.mustAct(t, intakeMK, id, domain.ActionAssign, "")
		resp, body := ts.act(t, intakeMK, id, domain.ActionRequestInput, `{"dueIn": "5wd"}`)
		p := assertProblem(t, resp, body, http.StatusUnprocessableEntity, domain.EINVALID)
		if p.Field != "sector" || p.Detail != "Полето sector е задолжително." {
			t.Errorf("problem = %+v", p)
		}
	})

	t.Run("ErrUnavailable", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Cases.ActFn = func(context.Context, string, domain.ActionRequest, string) (*domain.Case, error) {
			return nil, domain.Errorf(domain.EUNAVAILABLE, "The workflow engine did not answer in time; retry the request with the same Idempotency-Key.")
		}
		req := ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/cases/"+uuid.NewString()+"/actions/draft", "")
		req.Header.Set("Idempotency-Key", "draft-1")
		resp, body := ts.Do(t, req)
		assertProblem(t, resp, body, http.StatusServiceUnavailable, domain.EUNAVAILABLE)
		if resp.Header.Get("Retry-After") != "5" {
			t.Errorf("Retry-After = %q", resp.Header.Get("Retry-After"))
		}
		if acts := ts.Cases.Acts(); len(acts) != 1 || acts[0].IdempotencyKey != "draft-1" {
			t.Errorf("acts = %+v", acts)
		}
	})

	t.Run("ErrInternal", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Cases.ActFn = func(context.Context, string, domain.ActionRequest, string) (*domain.Case, error) {
			return nil, context.DeadlineExceeded
		}
		resp, body := ts.act(t, adminEN, uuid.NewString(), domain.ActionDraft, "")
		if p := assertProblem(t, resp, body, http.StatusInternalServerError, domain.EINTERNAL); p.Detail != "An internal error occurred." {
			t.Errorf("detail = %q", p.Detail)
		}
	})
}

// TestActionBodyFields keeps the body of an action in step with domain.ActionRequest: it has every JSON
// field of the request but the action and the actor.
func TestActionBodyFields(t *testing.T) {
	names := func(typ reflect.Type) []string {
		var out []string
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
		slices.Sort(out)
		return out
	}
	want := slices.DeleteFunc(names(reflect.TypeFor[domain.ActionRequest]()), func(n string) bool { return n == "action" || n == "actor" })
	if got := names(reflect.TypeFor[actionBody]()); !slices.Equal(got, want) {
		t.Errorf("actionBody fields = %v, want %v", got, want)
	}
}

// TestCaseView checks the view of a case far along its lifecycle.
func TestCaseView(t *testing.T) {
	now := time.Date(2026, 5, 19, 10, 0, 0, 0, skopje)
	answered, closed := now.Add(48*time.Hour), now.Add(72*time.Hour)
	onTime := true
	cal := domain.NewCalendar(nil)
	dl := cal.DeadlineWith(now, domain.Clock{Length: 20, Unit: domain.CalendarDays}, []domain.ClockChange{
		{Kind: domain.ClockSuspended, Source: domain.SourceCase, At: now.Add(24 * time.Hour), Reason: "Чекаме"},
	}, skopje)
	c := &domain.Case{
		ID: uuid.NewString(), Kind: domain.KindPublicInformation, Status: domain.StatusClosed, Officer: intakeMK,
		ArchiveNumber: &domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 12, Sub: 1, Date: domain.DateOf(now, skopje)},
		Deadline:      &dl,
		Requests: []domain.Request{{
			ID: "r1", Kind: domain.RequestInput, Sector: "finance", Required: true, Status: domain.RequestIsAnswered,
			RequestedAt: now, DueAt: now.Add(72 * time.Hour), DueDate: domain.DateOf(now.Add(72*time.Hour), skopje),
			Generation: 1, Reminders: 1, Escalation: 2, Level: domain.LevelHead, AnsweredAt: &answered, AnsweredBy: sectorHead,
		}},
		Documents:  []domain.ArchiveNumber{{Unit: "08", Year: 2026, Number: 12, Sub: 3, Date: domain.Date{Year: 2026, Month: time.May, Day: 21}}},
		AnsweredAt: &answered, ClosedAt: &closed, OnTime: &onTime, Reason: "Делумно", Reports: []int{2025},
	}
	b, err := json.Marshal(newCaseView(c, domain.English))
	if err != nil {
		t.Fatal(err)
	}
	v := decodeCaseView(t, b)
	if v.Officer == nil || *v.Officer != intakeMK || v.AnsweredAt == nil || v.ClosedAt == nil || v.OnTime == nil || !*v.OnTime ||
		v.Reason == nil || *v.Reason != "Делумно" || !slices.Equal(v.Reports, []int{2025}) || v.RespondBy != nil {
		t.Errorf("view = %s", b)
	}
	if len(v.Documents) != 1 || v.Documents[0].Number != "08-12/3" || v.Documents[0].NumberLong != "08-12/3 од 21.05.2026" || v.Documents[0].Date != "2026-05-21" {
		t.Errorf("documents = %+v", v.Documents)
	}
	r := v.Requests[0]
	if r["escalation"] != 2.0 || r["level"] != "head" || r["generation"] != 1.0 || r["reminders"] != 1.0 || r["answeredBy"] != sectorHead {
		t.Errorf("request = %v", r)
	}
	if v.Deadline.Suspended == nil || !*v.Deadline.Suspended || v.Deadline.Left["days"] != 19.0 || len(v.Deadline.Changes) != 1 {
		t.Errorf("deadline = %+v", v.Deadline)
	}
	if ch := v.Deadline.Changes[0]; ch["kind"] != "suspended" || ch["source"] != "case" || ch["left"].(map[string]any)["days"] != 19.0 {
		t.Errorf("change = %v", ch)
	}
}
