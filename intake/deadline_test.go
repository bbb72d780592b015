package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// deadlineJSON is the body of GET /api/v1/cases/{id}/deadline.
type deadlineJSON struct {
	CaseID      string
	Start       time.Time
	Clock       string
	DueAt       time.Time
	DueDate     string
	DaysCounted int
	Skipped     []struct{ Date, Reason string }
	MovedFrom   *string
	Changes     []struct {
		Kind, Source string
		At           time.Time
		By           *string
		Reason       string
		DueAt        time.Time
		DueDate      string
		Left         *struct {
			Days     *int
			Duration string
		}
	}
	Suspended bool
	Left      *struct {
		Days     *int
		Duration string
	}
	Overdue     bool
	Explanation string
	Language    string
}

func decodeDeadline(tb testing.TB, body []byte) deadlineJSON {
	tb.Helper()
	var all map[string]json.RawMessage
	if err := json.Unmarshal(body, &all); err != nil {
		tb.Fatalf("decode: %v; body: %s", err, body)
	}
	for _, k := range []string{"caseId", "start", "clock", "dueAt", "dueDate", "daysCounted", "skipped", "movedFrom", "changes",
		"suspended", "left", "overdue", "explanation", "language"} {
		if _, ok := all[k]; !ok {
			tb.Errorf("the deadline has no %s", k)
		}
	}
	var v deadlineJSON
	if err := json.Unmarshal(body, &v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func TestCaseDeadline(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		id := ts.mustOpenCase(t)
		resp, body := ts.Do(t, ts.NewRequest(t, sectorHead, http.MethodGet, "/api/v1/cases/"+id+"/deadline", ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		v := decodeDeadline(t, body)
		c, err := ts.Cases.Case(context.Background(), id, domain.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		if v.CaseID != id || v.Clock != "60d" || v.DaysCounted != 60 || v.DueDate != c.Deadline.DueDate.String() ||
			!v.DueAt.Equal(c.Deadline.DueAt) || !v.Start.Equal(c.Deadline.Start) || v.Suspended || v.Left != nil || v.Overdue {
			t.Errorf("deadline = %s", body)
		}
		// The sector's head reads Macedonian.
		if v.Language != "mk" || v.Explanation != i18n.TranslateMessages(domain.Macedonian, c.Deadline.Explanation()) ||
			!strings.HasPrefix(v.Explanation, "Рокот од 60 календарски дена, сметано од ") {
			t.Errorf("explanation = %q in %q", v.Explanation, v.Language)
		}
		if resp.Header.Get("Content-Language") != "mk" || !slices.Contains(resp.Header.Values("Vary"), "Accept-Language") {
			t.Errorf("Content-Language = %q, Vary = %q", resp.Header.Get("Content-Language"), resp.Header.Values("Vary"))
		}
		if !strings.Contains(string(body), `"changes":[]`) || !strings.Contains(string(body), `"skipped":[`) {
			t.Errorf("lists not rendered as lists: %s", body)
		}
	})

	t.Run("OKChanges", func(t *testing.T) {
		ts := MustOpenServer(t)
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, skopje) // a Monday
		cal := domain.NewCalendar(nil)
		dl := cal.DeadlineWith(start, domain.Clock{Length: 20, Unit: domain.CalendarDays}, []domain.ClockChange{
			{Kind: domain.ClockExtended, Source: domain.SourceCase, At: start.Add(24 * time.Hour), By: domain.Clock{Length: 10, Unit: domain.CalendarDays}, Reason: "Large request"},
			{Kind: domain.ClockSuspended, Source: domain.SourceGlobal, At: start.Add(48 * time.Hour), Reason: "Decree", Revision: 1},
		}, skopje)
		id := uuid.NewString()
		ts.Cases.CaseFn = func(context.Context, string) (*domain.Case, error) {
			return &domain.Case{ID: id, Kind: domain.KindPublicInformation, Status: domain.StatusAssigned, Deadline: &dl, Overdue: true,
				ArchiveNumber: &domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 3, Sub: 1}}, nil
		}
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/"+id+"/deadline", ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		v := decodeDeadline(t, body)
		if v.Clock != "20d" || v.DaysCounted != 30 || !v.Suspended || v.Left == nil || v.Left.Days == nil || !v.Overdue || v.Explanation == "" {
			t.Fatalf("deadline = %s", body)
		}
		// The supervisor reads Albanian.
		if want := i18n.TranslateMessages(domain.Albanian, dl.Explanation()); v.Explanation != want || v.Language != "sq" {
			t.Errorf("explanation = %q in %q, want %q", v.Explanation, v.Language, want)
		}
		if len(v.Changes) != 2 {
			t.Fatalf("%d changes", len(v.Changes))
		}
		ext, sus := v.Changes[0], v.Changes[1]
		if ext.Kind != "extended" || ext.Source != "case" || ext.By == nil || *ext.By != "10d" || ext.Reason != "Large request" ||
			ext.DueDate != "2026-04-01" || ext.Left != nil || !ext.At.Equal(start.Add(24*time.Hour)) {
			t.Errorf("extension = %+v", ext)
		}
		if sus.Kind != "suspended" || sus.Source != "global" || sus.By != nil || sus.Left == nil || sus.Left.Days == nil ||
			*sus.Left.Days != *v.Left.Days || *v.Left.Days != 28 {
			t.Errorf("suspension = %+v, left %+v", sus, v.Left)
		}
	})

	t.Run("OKExplanationInEachLanguage", func(t *testing.T) {
		ts := MustOpenServer(t)
		cal := domain.NewCalendar([]domain.Holiday{{Date: domain.Date{Year: 2026, Month: time.October, Day: 26}, Name: "Ден на општината"}})
		// 60 calendar days from 24 August 2026 end on Friday 23 October, a holiday; the weekend and a
		// one-off day follow. 5 working days across Easter Monday. The first 60 days again, stopped by
		// staff and by every clock, extended while stopped; they end on a Sunday.
		changed := cal.DeadlineWith(time.Date(2026, 8, 24, 9, 0, 0, 0, skopje), domain.Clock{Length: 60, Unit: domain.CalendarDays}, []domain.ClockChange{
			{Kind: domain.ClockSuspended, Source: domain.SourceCase, At: time.Date(2026, 9, 1, 9, 0, 0, 0, skopje), Reason: "12/2026"},
			{Kind: domain.ClockSuspended, Source: domain.SourceGlobal, At: time.Date(2026, 9, 2, 9, 0, 0, 0, skopje)},
			{Kind: domain.ClockResumed, Source: domain.SourceCase, At: time.Date(2026, 9, 3, 9, 0, 0, 0, skopje)},
			{Kind: domain.ClockExtended, Source: domain.SourceCase, At: time.Date(2026, 9, 4, 9, 0, 0, 0, skopje), By: domain.Clock{Length: 3, Unit: domain.CalendarDays}},
			{Kind: domain.ClockResumed, Source: domain.SourceGlobal, At: time.Date(2026, 9, 7, 9, 0, 0, 0, skopje)},
		}, skopje)
		plain := cal.Deadline(time.Date(2026, 4, 8, 15, 0, 0, 0, skopje), domain.Clock{Length: 5, Unit: domain.WorkingDays}, skopje)
		onHoliday := cal.Deadline(time.Date(2026, 8, 24, 9, 0, 0, 0, skopje), domain.Clock{Length: 60, Unit: domain.CalendarDays}, skopje)
		for _, dl := range []domain.Deadline{onHoliday, plain, changed} {
			if len(englishWords(dl.Explanation(), dl.Explain())) == 0 {
				t.Fatalf("englishWords finds no English in %q", dl.Explain())
			}
			ts.Cases.CaseFn = func(_ context.Context, id string) (*domain.Case, error) {
				return &domain.Case{ID: id, Kind: domain.KindPetition, Status: domain.StatusAssigned, Deadline: &dl,
					ArchiveNumber: &domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 6, Sub: 1}}, nil
			}
			for _, tt := range []struct {
				user, acceptLanguage string
				lang                 domain.Language
				words                []string // distinctive words of the language
			}{
				{intakeMK, "en", domain.Macedonian, []string{"Рокот", "недела"}},
				{supervisor, "", domain.Albanian, []string{"afati", "e diel"}},
				{adminEN, "sq", domain.English, []string{"Due by", "Sunday"}},
				{intakeNone, "sq-AL, en;q=0.5", domain.Albanian, []string{"afati", "e diel"}},
				{intakeNone, "", domain.Macedonian, []string{"Рокот", "недела"}},
			} {
				req := ts.NewRequest(t, tt.user, http.MethodGet, "/api/v1/cases/"+uuid.NewString()+"/deadline", "")
				if tt.acceptLanguage != "" {
					req.Header.Set("Accept-Language", tt.acceptLanguage)
				}
				resp, body := ts.Do(t, req)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: status = %d; body: %s", tt.user, resp.StatusCode, body)
				}
				v := decodeDeadline(t, body)
				if v.Language != string(tt.lang) || resp.Header.Get("Content-Language") != string(tt.lang) {
					t.Errorf("%s (%q): language %q, Content-Language %q, want %s", tt.user, tt.acceptLanguage, v.Language, resp.Header.Get("Content-Language"), tt.lang)
				}
				if want := i18n.TranslateMessages(tt.lang, dl.Explanation()); v.Explanation != want {
					t.Errorf("%s: explanation = %q, want %q", tt.user, v.Explanation, want)
				}
				for _, w := range tt.words {
					if !strings.Contains(v.Explanation, w) {
						t.Errorf("%s: explanation %q does not say %q", tt.user, v.Explanation, w)
					}
				}
				if tt.lang == domain.English {
					if v.Explanation != dl.Explain() {
						t.Errorf("explanation = %q, want %q", v.Explanation, dl.Explain())
					}
					continue
				}
				if leaked := englishWords(dl.Explanation(), v.Explanation); len(leaked) > 0 {
					t.Errorf("%s: explanation %q has English words %q", tt.user, v.Explanation, leaked)
				}
			}
		}
	})

	t.Run("OKHours", func(t *testing.T) {
		ts := MustOpenServer(t)
		start := time.Date(2026, 5, 19, 9, 0, 0, 0, skopje)
		dl := domain.NewCalendar(nil).DeadlineWith(start, domain.Clock{Length: 48, Unit: domain.Hours}, []domain.ClockChange{
			{Kind: domain.ClockSuspended, Source: domain.SourceCase, At: start.Add(3 * time.Hour), Reason: "Waiting"},
		}, skopje)
		ts.Cases.CaseFn = func(_ context.Context, id string) (*domain.Case, error) {
			return &domain.Case{ID: id, Kind: domain.KindMediaQuery, Status: domain.StatusAssigned, Deadline: &dl,
				ArchiveNumber: &domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 4, Sub: 1}}, nil
		}
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodGet, "/api/v1/cases/"+uuid.NewString()+"/deadline", ""))
		v := decodeDeadline(t, body)
		if resp.StatusCode != http.StatusOK || v.Clock != "48h" || v.DaysCounted != 0 || v.Left == nil || v.Left.Duration != "45h0m0s" || v.Left.Days != nil {
			t.Errorf("deadline = %s", body)
		}
	})

	t.Run("ErrUnauthorized", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, "", http.MethodGet, "/api/v1/cases/"+uuid.NewString()+"/deadline", ""))
		assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodGet, "/api/v1/cases/"+uuid.NewString()+"/deadline", ""))
		if p := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND); !strings.HasPrefix(p.Detail, "No case with ID ") {
			t.Errorf("detail = %q", p.Detail)
		}
		resp, body = ts.Do(t, ts.NewRequest(t, adminEN, http.MethodGet, "/api/v1/cases/12/deadline", ""))
		assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
	})

	t.Run("ErrNotRegistered", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Cases.CaseFn = func(_ context.Context, id string) (*domain.Case, error) {
			return &domain.Case{ID: id, Kind: domain.KindPetition, Status: domain.StatusReceived, Version: 1}, nil
		}
		for user, want := range map[string]string{
			adminEN:  "The case has no deadline: it is not registered yet.",
			intakeMK: "Предметот нема рок: сè уште не е заведен.",
		} {
			resp, body := ts.Do(t, ts.NewRequest(t, user, http.MethodGet, "/api/v1/cases/"+uuid.NewString()+"/deadline", ""))
			if p := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND); p.Detail != want {
				t.Errorf("%s: detail = %q, want %q", user, p.Detail, want)
			}
		}
	})

	t.Run("ErrNoClock", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Cases.CaseFn = func(_ context.Context, id string) (*domain.Case, error) {
			return &domain.Case{ID: id, Kind: domain.KindTwinCityProgramme, Status: domain.StatusAssigned,
				ArchiveNumber: &domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 5, Sub: 1}}, nil
		}
		for user, want := range map[string]string{
			adminEN:    "The case has no deadline: cases of kind twin_city_programme run no clock.",
			supervisor: "Lënda nuk ka afat: për lëndët e llojit twin_city_programme nuk rrjedh asnjë afat.",
		} {
			resp, body := ts.Do(t, ts.NewRequest(t, user, http.MethodGet, "/api/v1/cases/"+uuid.NewString()+"/deadline", ""))
			if p := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND); p.Detail != want {
				t.Errorf("%s: detail = %q, want %q", user, p.Detail, want)
			}
		}
	})

	t.Run("ErrUnavailable", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Cases.CaseFn = func(context.Context, string) (*domain.Case, error) {
			return nil, domain.Errorf(domain.EUNAVAILABLE, "The workflow engine did not answer in time; retry the request with the same Idempotency-Key.")
		}
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodGet, "/api/v1/cases/"+uuid.NewString()+"/deadline", ""))
		assertProblem(t, resp, body, http.StatusServiceUnavailable, domain.EUNAVAILABLE)
		if resp.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})
}

// TestCaseDeadlineAfterActions suspends and resumes a case's clock through the API and reads how the
// deadline changed.
func TestCaseDeadlineAfterActions(t *testing.T) {
	ts := MustOpenServer(t)
	id := ts.mustOpenCase(t)
	resp, body := ts.act(t, supervisor, id, domain.ActionSuspendClock, "")
	if p := assertProblem(t, resp, body, http.StatusUnprocessableEntity, domain.EINVALID); p.Field != "reason" {
		t.Errorf("field = %q", p.Field)
	}
	v := ts.mustAct(t, supervisor, id, domain.ActionSuspendClock, `{"reason": "Waiting for the court"}`)
	if v.Deadline.Suspended == nil || !*v.Deadline.Suspended || len(v.Deadline.Changes) != 1 || v.Deadline.Left == nil {
		t.Fatalf("after suspend_clock: %+v", v.Deadline)
	}
	resp, body = ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/"+id+"/deadline", ""))
	d := decodeDeadline(t, body)
	if resp.StatusCode != http.StatusOK || !d.Suspended || len(d.Changes) != 1 || d.Changes[0].Kind != "suspended" ||
		d.Changes[0].Reason != "Waiting for the court" || d.Left == nil || d.Left.Days == nil || *d.Left.Days < 59 {
		t.Errorf("deadline = %s", body)
	}
	ts.mustAct(t, adminEN, id, domain.ActionResumeClock, "")
	resp, body = ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/"+id+"/deadline", ""))
	d = decodeDeadline(t, body)
	if resp.StatusCode != http.StatusOK || d.Suspended || len(d.Changes) != 2 || d.Changes[1].Kind != "resumed" || d.Left != nil {
		t.Errorf("deadline = %s", body)
	}
}

// englishWord is a word of three letters or more in the English of an explanation.
var englishWord = regexp.MustCompile(`[A-Za-z]{3,}`)

// englishWords returns the English words of msgs (their formats' and their arguments' that are words)
// that text has: none, when text translates them all.
func englishWords(msgs []domain.Message, text string) []string {
	var leaked []string
	for _, m := range msgs {
		sources := []string{m.Format}
		for _, a := range m.Args {
			switch a := a.(type) {
			case time.Weekday, domain.HolidayName, domain.Amount, domain.Span, domain.SkippedDays, domain.ClockSources:
				sources = append(sources, fmt.Sprint(a))
			case domain.Note:
				sources = append(sources, a.Source.Label())
			}
		}
		for _, src := range sources {
			for _, w := range englishWord.FindAllString(src, -1) {
				if regexp.MustCompile(`\b`+w+`\b`).MatchString(text) && !slices.Contains(leaked, w) {
					leaked = append(leaked, w)
				}
			}
		}
	}
	return leaked
}
