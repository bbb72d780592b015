package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap/zapcore"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// validCase returns the JSON fields of a valid new case, changed by edit if not nil.
func validCase(edit func(m map[string]any)) map[string]any {
	m := map[string]any{
		"kind": "petition",
		"submitter": map[string]any{
			"name":    "Петар Николовски",
			"email":   "petar@example.mk",
			"phone":   "+389 70 123 456",
			"address": "улица Македонија 1, Скопје",
		},
		"channel":    "counter",
		"receivedAt": time.Now().Add(-time.Hour).Format(time.RFC3339),
		"subject":    "Барање за поставување клупи во паркот",
		"text":       "Почитувани, ве молиме да поставите клупи во градскиот парк.",
		"language":   "mk",
	}
	if edit != nil {
		edit(m)
	}
	return m
}

// validCaseJSON returns validCase as JSON.
func validCaseJSON(tb testing.TB, edit func(m map[string]any)) string {
	tb.Helper()
	b, err := json.Marshal(validCase(edit))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestOpenCase(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/cases", validCaseJSON(t, func(m map[string]any) {
			m["sector"] = "urbanism"
		}))
		req.Header.Set("X-Request-ID", "req-open-1")
		resp, body := ts.Do(t, req)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		id, _ := v["id"].(string)
		if _, err := uuid.Parse(id); err != nil {
			t.Fatalf("id = %v", v["id"])
		}
		if got, want := resp.Header.Get("Location"), "/api/v1/cases/"+id; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		for _, k := range []string{"id", "kind", "status", "archiveNumber", "archiveNumberLong", "registeredAt", "receivedAt",
			"dueAt", "dueDate", "overdue", "channel", "language", "sector", "subject", "text", "submitter", "version", "deadline"} {
			if _, ok := v[k]; !ok {
				t.Errorf("the view has no %s", k)
			}
		}
		if v["archiveNumber"] != "08-1/1" || !strings.HasPrefix(v["archiveNumberLong"].(string), "08-1/1 од ") {
			t.Errorf("archive number = %v, %v", v["archiveNumber"], v["archiveNumberLong"])
		}
		if v["status"] != "registered" || v["kind"] != "petition" || v["sector"] != "urbanism" || v["version"] != 2.0 {
			t.Errorf("view = %s", body)
		}
		deadline, _ := v["deadline"].(map[string]any)
		if deadline["dueDate"] != v["dueDate"] || deadline["explanation"] == "" || deadline["clock"] == nil {
			t.Errorf("deadline = %v", deadline)
		}

		opened := ts.Cases.Opened()
		if len(opened) != 1 {
			t.Fatalf("OpenCase called %d times", len(opened))
		}
		got := opened[0]
		if got.Actor.UserID != intakeMK || got.RequestID != "req-open-1" || got.IdempotencyKey != "" {
			t.Errorf("request = %+v", got)
		}
		if got.NewCase.Submitter.Name != "Петар Николовски" || got.NewCase.Sector != "urbanism" || got.NewCase.ReceivedAt.IsZero() {
			t.Errorf("new case = %+v", got.NewCase)
		}
	})

	t.Run("OKIdempotencyKey", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil))
		req.Header.Set("Idempotency-Key", "intake-2026-05-19 #17")
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		resp, body := ts.Do(t, req)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		opened := ts.Cases.Opened()
		if len(opened) != 1 || opened[0].IdempotencyKey != "intake-2026-05-19 #17" || opened[0].Actor.UserID != adminEN {
			t.Errorf("opened = %+v", opened)
		}
		if opened[0].RequestID == "" || opened[0].RequestID != resp.Header.Get("X-Request-ID") {
			t.Errorf("request ID = %q, header %q", opened[0].RequestID, resp.Header.Get("X-Request-ID"))
		}
	})

	// Errors in the request itself: the service is never called.
	for _, tt := range []struct {
		name        string
		contentType string // "-" for none
		key         string
		body        string
		status      int
		code        string
		field       string
		detail      string // in Macedonian, the test user's language, when not empty
	}{
		{name: "ErrContentType", contentType: "text/plain", body: validCaseJSON(t, nil), status: 415, code: domain.EINVALID,
			detail: `Телото на барањето мора да биде JSON (Content-Type: application/json), а не "text/plain".`},
		{name: "ErrNoContentType", contentType: "-", body: validCaseJSON(t, nil), status: 415, code: domain.EINVALID},
		{name: "ErrIdempotencyKeyTooLong", key: strings.Repeat("k", maxIdempotencyKeyLen+1), body: validCaseJSON(t, nil), status: 400, code: domain.EINVALID, field: "Idempotency-Key"},
		{name: "ErrIdempotencyKeyNotASCII", key: "ключ", body: validCaseJSON(t, nil), status: 400, code: domain.EINVALID, field: "Idempotency-Key"},
		{name: "ErrEmptyBody", body: "", status: 400, code: domain.EINVALID, detail: "Телото на барањето е празно."},
		{name: "ErrMalformedJSON", body: `{"kind": "petition",, }`, status: 400, code: domain.EINVALID,
			detail: "Телото на барањето не е валиден JSON кај бајтот 21: invalid character ',' looking for beginning of object key string."},
		{name: "ErrTruncatedJSON", body: `{"kind": "petition", "subject": "Кл`, status: 400, code: domain.EINVALID},
		{name: "ErrNotObject", body: `["petition"]`, status: 400, code: domain.EINVALID, detail: "Телото на барањето мора да биде JSON-објект."},
		{name: "ErrNull", body: `null`, status: 400, code: domain.EINVALID, detail: "Телото на барањето мора да биде JSON-објект."},
		{name: "ErrUnknownField", body: validCaseJSON(t, func(m map[string]any) { m["priority"] = "high" }), status: 400, code: domain.EINVALID, field: "priority",
			detail: "Полето priority е непознато."},
		{name: "ErrUnknownNestedField", body: validCaseJSON(t, func(m map[string]any) { m["submitter"].(map[string]any)["age"] = 40 }), status: 400, code: domain.EINVALID, field: "age"},
		{name: "ErrWrongType", body: validCaseJSON(t, func(m map[string]any) { m["submitter"].(map[string]any)["name"] = 7 }), status: 400, code: domain.EINVALID, field: "submitter.name",
			detail: "Полето submitter.name е од погрешен тип: се очекува JSON string, а добиено е JSON number."},
		{name: "ErrWrongTypeReceivedAt", body: validCaseJSON(t, func(m map[string]any) { m["receivedAt"] = 1747640000 }), status: 400, code: domain.EINVALID, field: "receivedAt"},
		{name: "ErrBadReceivedAt", body: validCaseJSON(t, func(m map[string]any) { m["receivedAt"] = "19.05.2026 09:30" }), status: 400, code: domain.EINVALID, field: "receivedAt",
			detail: "Полето receivedAt мора да биде ден, на пример 2026-05-19 (според времето во Скопје), или датум и време во форматот RFC 3339, на пример 2026-05-19T09:30:00+02:00."},
		{name: "ErrTrailingData", body: validCaseJSON(t, nil) + ` {}`, status: 400, code: domain.EINVALID, detail: "Телото на барањето содржи уште податоци по JSON-објектот."},
		{name: "ErrTrailingGarbage", body: validCaseJSON(t, nil) + `x`, status: 400, code: domain.EINVALID},
		{name: "ErrBodyTooLarge", body: validCaseJSON(t, func(m map[string]any) { m["text"] = strings.Repeat("a", DefaultMaxBodyBytes) }), status: 413, code: domain.ETOOLARGE,
			detail: "Телото на барањето е преголемо; дозволената големина во бајти е најмногу 65536."},
		{name: "ErrBodyTooLargeAfterObject", body: validCaseJSON(t, nil) + strings.Repeat(" ", DefaultMaxBodyBytes), status: 413, code: domain.ETOOLARGE},
		{name: "ErrValidation", body: validCaseJSON(t, func(m map[string]any) { m["subject"] = "  " }), status: 422, code: domain.EINVALID, field: "subject",
			detail: "Полето subject е задолжително."},
		{name: "ErrValidationChannel", body: validCaseJSON(t, func(m map[string]any) { m["channel"] = "pigeon" }), status: 422, code: domain.EINVALID, field: "channel",
			detail: `Непознат канал "pigeon"; користете еден од следниве: letter, email, phone, counter, web, portal.`},
		{name: "ErrValidationReceivedAtMissing", body: validCaseJSON(t, func(m map[string]any) { delete(m, "receivedAt") }), status: 422, code: domain.EINVALID, field: "receivedAt"},
		{name: "ErrValidationFuture", body: validCaseJSON(t, func(m map[string]any) { m["receivedAt"] = time.Now().Add(time.Hour).Format(time.RFC3339) }), status: 422, code: domain.EINVALID, field: "receivedAt",
			detail: "Датумот на прием е во иднина."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := MustOpenServer(t)
			req := ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/cases", tt.body)
			switch tt.contentType {
			case "":
				req.Header.Set("Content-Type", "application/json")
			case "-":
				req.Header.Del("Content-Type")
			default:
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.key != "" {
				req.Header.Set("Idempotency-Key", tt.key)
			}
			resp, body := ts.Do(t, req)
			p := assertProblem(t, resp, body, tt.status, tt.code)
			if p.Field != tt.field {
				t.Errorf("field = %q, want %q", p.Field, tt.field)
			}
			if tt.detail != "" && p.Detail != tt.detail {
				t.Errorf("detail = %q, want %q", p.Detail, tt.detail)
			}
			if got := resp.Header.Get("Content-Language"); got != "mk" {
				t.Errorf("Content-Language = %q, want mk", got)
			}
			if calls := ts.Cases.Calls(); len(calls) != 0 {
				t.Errorf("nothing may be half-created, but the service was called: %v", calls)
			}
			if n := ts.Logs.FilterLevelExact(zapcore.ErrorLevel).Len(); n != 0 {
				t.Errorf("%d errors logged for a client error", n)
			}
		})
	}

	t.Run("ErrValidationAlbanian", func(t *testing.T) {
		ts := MustOpenServer(t)
		// The user has no language of their own: Accept-Language decides.
		req := ts.NewRequest(t, intakeNone, http.MethodPost, "/api/v1/cases", validCaseJSON(t, func(m map[string]any) { delete(m, "text") }))
		req.Header.Set("Accept-Language", "sq-AL, en;q=0.5")
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusUnprocessableEntity, domain.EINVALID)
		if want := "Fusha text është e detyrueshme."; p.Detail != want || p.Field != "text" {
			t.Errorf("detail = %q, field = %q; want %q", p.Detail, p.Field, want)
		}
		if got := resp.Header.Get("Content-Language"); got != "sq" {
			t.Errorf("Content-Language = %q, want sq", got)
		}
	})

	t.Run("ErrValidationUserLanguageWins", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/cases", validCaseJSON(t, func(m map[string]any) { m["language"] = "de" }))
		req.Header.Set("Accept-Language", "mk")
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusUnprocessableEntity, domain.EINVALID)
		if want := `Unknown language "de"; use one of mk, sq, en.`; p.Detail != want {
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
	})

	t.Run("ErrValidationNotLogged", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/cases", validCaseJSON(t, func(m map[string]any) {
			m["submitter"].(map[string]any)["email"] = "petar.nikolovski-at-example.mk"
		}))
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusUnprocessableEntity, domain.EINVALID)
		if p.Field != "submitter.email" || !strings.Contains(p.Detail, "petar.nikolovski-at-example.mk") {
			t.Errorf("field = %q, detail = %q", p.Field, p.Detail)
		}
		for _, e := range ts.Logs.All() {
			if strings.Contains(fmt.Sprint(e.Message, e.ContextMap()), "petar.nikolovski") {
				t.Errorf("personal data logged: %s %v", e.Message, e.ContextMap())
			}
		}
	})

	t.Run("ErrTooLargeConfigured", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.API.MaxBodyBytes = 100
		req := ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil))
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusRequestEntityTooLarge, domain.ETOOLARGE)
		if want := "The request body is too large; at most 100 bytes are allowed."; p.Detail != want {
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
	})

	// Errors from the service.
	for _, tt := range []struct {
		name   string
		err    error
		status int
		code   string
		detail string // for the Albanian-reading admin... see user below
		header [2]string
	}{
		{name: "ErrConflict", err: domain.Errorf(domain.ECONFLICT, "The idempotency key was already used for a different request."),
			status: 409, code: domain.ECONFLICT, detail: "Клучот за идемпотентност веќе е искористен за друго барање."},
		{name: "ErrUnavailable", err: fmt.Errorf("%w (rpc error: deadline)", domain.Errorf(domain.EUNAVAILABLE, "The workflow engine did not answer in time; retry the request with the same Idempotency-Key.")),
			status: 503, code: domain.EUNAVAILABLE, header: [2]string{"Retry-After", "5"},
			detail: "Системот за работни текови не одговори навреме; повторете го барањето со истиот Idempotency-Key."},
		{name: "ErrUnavailableUntranslated", err: domain.Errorf(domain.EUNAVAILABLE, "kurrentdb: append: cannot reach the server: %v", "dial tcp"),
			status: 503, code: domain.EUNAVAILABLE, detail: "Услугата е привремено недостапна; обидете се повторно наскоро."},
		{name: "ErrInvalid", err: domain.FieldErrorf("kind", "Unknown case kind %q.", "petition"),
			status: 422, code: domain.EINVALID, detail: `Непознат вид на предмет "petition".`},
		{name: "ErrInternal", err: errors.New("temporal: workflow task failed: secret stack"),
			status: 500, code: domain.EINTERNAL, detail: "Настана внатрешна грешка."},
		{name: "ErrInternalDomain", err: domain.Errorf(domain.EINTERNAL, "Cannot decode %s at %s@%d.", "CaseRegistered", "case-x", 1),
			status: 500, code: domain.EINTERNAL, detail: "Настана внатрешна грешка."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := MustOpenServer(t)
			ts.Cases.OpenCaseFn = func(context.Context, domain.OpenCaseRequest) (*domain.Case, error) { return nil, tt.err }
			resp, body := ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil)))
			p := assertProblem(t, resp, body, tt.status, tt.code)
			if p.Detail != tt.detail {
				t.Errorf("detail = %q, want %q", p.Detail, tt.detail)
			}
			if tt.header[0] != "" && resp.Header.Get(tt.header[0]) != tt.header[1] {
				t.Errorf("%s = %q, want %q", tt.header[0], resp.Header.Get(tt.header[0]), tt.header[1])
			}
			if resp.Header.Get("Location") != "" {
				t.Errorf("Location = %q on an error", resp.Header.Get("Location"))
			}
			errs := ts.Logs.FilterLevelExact(zapcore.ErrorLevel).All()
			if tt.code == domain.EINTERNAL {
				if len(errs) != 1 || errs[0].ContextMap()["requestId"] != p.RequestID {
					t.Errorf("internal error logged as %v", errs)
				}
				if strings.Contains(string(body), "secret") || strings.Contains(string(body), "decode") {
					t.Errorf("the response reveals the internal error: %s", body)
				}
			} else if len(errs) != 0 {
				t.Errorf("%s logged as an error", tt.code)
			}
		})
	}
}

func TestGetCase(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil)))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		location := resp.Header.Get("Location")
		for _, user := range []string{intakeMK, supervisor, adminEN} {
			resp2, body2 := ts.Do(t, ts.NewRequest(t, user, http.MethodGet, location, ""))
			if resp2.StatusCode != http.StatusOK {
				t.Fatalf("%s: status = %d; body: %s", user, resp2.StatusCode, body2)
			}
			// The same case; only the deadline's explanation follows the reader's language.
			got, want := withoutExplanation(t, body2), withoutExplanation(t, body)
			if got != want {
				t.Errorf("%s: GET = %s\nPOST = %s", user, body2, body)
			}
			if user == adminEN && !strings.Contains(string(body2), "calendar days from") {
				t.Errorf("%s reads the explanation in another language: %s", user, body2)
			}
		}
	})
	t.Run("OKBeforeRegistration", func(t *testing.T) {
		ts := MustOpenServer(t)
		id := uuid.NewString()
		ts.Cases.CaseFn = func(_ context.Context, got string) (*domain.Case, error) {
			return &domain.Case{ID: got, Kind: domain.KindPetition, Status: domain.StatusReceived, Version: 1}, nil
		}
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/"+id, ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"archiveNumber", "archiveNumberLong", "registeredAt", "dueAt", "dueDate", "deadline"} {
			if x, ok := v[k]; !ok || x != nil {
				t.Errorf("%s = %v, want null", k, x)
			}
		}
		if v["id"] != id {
			t.Errorf("id = %v", v["id"])
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		ts := MustOpenServer(t)
		id := uuid.NewString()
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodGet, "/api/v1/cases/"+id, ""))
		p := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
		if want := fmt.Sprintf("No case with ID %q.", id); p.Detail != want {
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
	})
	t.Run("ErrNotUUID", func(t *testing.T) {
		ts := MustOpenServer(t)
		for _, id := range []string{"42", "08-1", "../events", strings.ReplaceAll(uuid.NewString(), "-", "")} {
			resp, body := ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodGet, "/api/v1/cases/"+id, ""))
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status = %d", id, resp.StatusCode)
				continue
			}
			p := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
			if id == "42" && p.Detail != `Нема предмет со идентификатор "42".` {
				t.Errorf("detail = %q", p.Detail)
			}
		}
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called for IDs that are not UUIDs: %v", calls)
		}
	})
	t.Run("ErrUnavailable", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Cases.CaseFn = func(context.Context, string) (*domain.Case, error) {
			return nil, domain.Errorf(domain.EUNAVAILABLE, "The workflow engine did not answer in time; retry the request with the same Idempotency-Key.")
		}
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/"+uuid.NewString(), ""))
		assertProblem(t, resp, body, http.StatusServiceUnavailable, domain.EUNAVAILABLE)
		if resp.Header.Get("Retry-After") != "5" {
			t.Errorf("Retry-After = %q", resp.Header.Get("Retry-After"))
		}
	})
}

func TestGetCaseEvents(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil))
		req.Header.Set("X-Request-ID", "req-events")
		resp, body := ts.Do(t, req)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		resp, body = ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, resp.Header.Get("Location")+"/events", ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		var v struct {
			Events []struct {
				ID       string
				Type     string
				Revision uint64
				Position struct{ Commit, Prepare uint64 }
				Created  time.Time
				Data     map[string]any
				Metadata map[string]any
			}
		}
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		if len(v.Events) != 2 {
			t.Fatalf("%d events", len(v.Events))
		}
		e := v.Events[0]
		if e.Type != domain.EventCaseReceived || e.Revision != 0 || e.Position.Commit != 100 || e.ID == "" || e.Created.IsZero() {
			t.Errorf("event = %+v", e)
		}
		if e.Data["subject"] != "Барање за поставување клупи во паркот" {
			t.Errorf("data = %v", e.Data)
		}
		if e.Metadata["userId"] != intakeMK || e.Metadata["$causationId"] != "req-events" {
			t.Errorf("metadata = %v", e.Metadata)
		}
		if v.Events[1].Type != domain.EventCaseRegistered || v.Events[1].Revision != 1 {
			t.Errorf("event = %+v", v.Events[1])
		}
	})
	t.Run("OKNotJSON", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Cases.CaseEventsFn = func(context.Context, string) ([]domain.RecordedEvent, error) {
			return []domain.RecordedEvent{{ID: uuid.NewString(), Type: "Odd", Data: []byte{0xff, 0x00}}}, nil
		}
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/"+uuid.NewString()+"/events", ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		if !strings.Contains(string(body), `"data":"/wA="`) || !strings.Contains(string(body), `"metadata":null`) {
			t.Errorf("body = %s", body)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/"+uuid.NewString()+"/events", ""))
		p := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
		if !strings.HasPrefix(p.Detail, "Nuk ka lëndë me identifikuesin ") {
			t.Errorf("detail = %q", p.Detail)
		}
	})
	t.Run("ErrNotUUID", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/nope/events", ""))
		assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})
}

// TestValidationTranslated drives domain.NewCase.Validate into each of its errors and checks that the
// message of each has a translation.
func TestValidationTranslated(t *testing.T) {
	now := time.Now()
	valid := func() domain.NewCase {
		return domain.NewCase{
			Kind:       domain.KindPetition,
			Submitter:  domain.Submitter{Name: "Петар", Email: "petar@example.mk"},
			Channel:    domain.ChannelEmail,
			ReceivedAt: now.Add(-time.Hour),
			Subject:    "Клупи",
			Text:       "Текст",
			Language:   domain.Macedonian,
		}
	}
	if err := valid().Validate(now); err != nil {
		t.Fatalf("the valid case is not: %v", err)
	}
	long := func(n int) string { return strings.Repeat("а", n+1) }
	bad := string([]byte{0xff})
	formats := map[string]bool{}
	for name, edit := range map[string]func(n *domain.NewCase){
		"KindMissing":       func(n *domain.NewCase) { n.Kind = "" },
		"KindUnknown":       func(n *domain.NewCase) { n.Kind = "complaint" },
		"NameMissing":       func(n *domain.NewCase) { n.Submitter.Name = " " },
		"NameTooLong":       func(n *domain.NewCase) { n.Submitter.Name = long(domain.MaxNameLen) },
		"NameNotUTF8":       func(n *domain.NewCase) { n.Submitter.Name = bad },
		"EmailTooLong":      func(n *domain.NewCase) { n.Submitter.Email = long(domain.MaxEmailLen) },
		"EmailNotAnAddress": func(n *domain.NewCase) { n.Submitter.Email = "petar" },
		"PhoneTooLong":      func(n *domain.NewCase) { n.Submitter.Phone = long(domain.MaxPhoneLen) },
		"AddressTooLong":    func(n *domain.NewCase) { n.Submitter.Address = long(domain.MaxAddressLen) },
		"ChannelUnknown":    func(n *domain.NewCase) { n.Channel = "fax" },
		"ReceivedMissing":   func(n *domain.NewCase) { n.ReceivedAt = time.Time{} },
		"ReceivedFuture":    func(n *domain.NewCase) { n.ReceivedAt = now.Add(time.Hour) },
		"ReceivedLongAgo":   func(n *domain.NewCase) { n.ReceivedAt = now.AddDate(-2, 0, 0) },
		"SubjectMissing":    func(n *domain.NewCase) { n.Subject = "" },
		"SubjectTooLong":    func(n *domain.NewCase) { n.Subject = long(domain.MaxSubjectLen) },
		"TextMissing":       func(n *domain.NewCase) { n.Text = "" },
		"TextTooLong":       func(n *domain.NewCase) { n.Text = long(domain.MaxTextLen) },
		"LanguageUnknown":   func(n *domain.NewCase) { n.Language = "de" },
		"SectorTooLong":     func(n *domain.NewCase) { n.Sector = long(domain.MaxSectorLen) },
		"SectorNotUTF8":     func(n *domain.NewCase) { n.Sector = bad },
	} {
		n := valid()
		edit(&n)
		err := n.Validate(now)
		var e *domain.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: Validate = %v, want a *domain.Error", name, err)
			continue
		}
		if e.Code != domain.EINVALID || e.Field == "" {
			t.Errorf("%s: code %q, field %q", name, e.Code, e.Field)
		}
		if !i18n.Has(e.Format) {
			t.Errorf("%s: %q has no translation", name, e.Format)
		}
		for _, lang := range domain.Languages {
			if got := i18n.Translate(lang, e.Format, e.Args...); strings.Contains(got, "%!") {
				t.Errorf("%s: %s translation %q does not fit its arguments", name, lang, got)
			}
		}
		formats[e.Format] = true
	}
	// The distinct messages of Validate, counted in domain/case.go.
	if len(formats) != 11 {
		t.Errorf("reached %d distinct messages of Validate, want 11: %v", len(formats), formats)
	}
}

// TestMessagesTranslated checks that every message this package writes has a translation.
func TestMessagesTranslated(t *testing.T) {
	for _, format := range messages {
		if !i18n.Has(format) {
			t.Errorf("%q has no translation", format)
		}
	}
	for code, format := range generic {
		if !i18n.Has(format) {
			t.Errorf("%s: %q has no translation", code, format)
		}
		if _, ok := codes[code]; !ok {
			t.Errorf("%s has a message but no status", code)
		}
	}
}

// withoutExplanation returns a case view's JSON without its deadline's explanation.
func withoutExplanation(t *testing.T, body []byte) string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if d, ok := v["deadline"].(map[string]any); ok {
		delete(d, "explanation")
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
