package intake

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/predmet/predmet/domain"
)

// kindJSON is a kind as GET /api/v1/kinds shows it.
type kindJSON struct {
	Kind          string
	Steps         []string
	Endings       []string
	Clock         *string
	ClockStarts   string
	MaxExtension  *string
	Clarification *string
	Requests      struct {
		Clock      string
		Reminders  []string
		Escalation []struct{ After, To string }
	}
	Programme    bool
	YearlyReport *struct{ Month, Day int }
	Actions      []string
}

func getKinds(tb testing.TB, ts *TestServer, user string) map[string]kindJSON {
	tb.Helper()
	resp, body := ts.Do(tb, ts.NewRequest(tb, user, http.MethodGet, "/api/v1/kinds", ""))
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("status = %d; body: %s", resp.StatusCode, body)
	}
	var v struct{ Kinds []kindJSON }
	if err := json.Unmarshal(body, &v); err != nil {
		tb.Fatal(err)
	}
	var order []string
	out := map[string]kindJSON{}
	for _, k := range v.Kinds {
		order = append(order, k.Kind)
		out[k.Kind] = k
	}
	var want []string
	for _, k := range domain.CaseKinds {
		want = append(want, string(k))
	}
	if !slices.Equal(order, want) {
		tb.Errorf("kinds = %v, want %v", order, want)
	}
	for _, k := range []string{`"clock":`, `"maxExtension":`, `"clarification":`, `"yearlyReport":`, `"actions":`} {
		if n := strings.Count(string(body), k); n < len(want) {
			tb.Errorf("%s appears %d times", k, n)
		}
	}
	return out
}

func TestKinds(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		for _, user := range []string{intakeNone, sectorHead, supervisor} {
			getKinds(t, ts, user)
		}
		kinds := getKinds(t, ts, adminEN)

		p := kinds["petition"]
		if p.Clock == nil || *p.Clock != "60d" || p.ClockStarts != "receipt" || p.MaxExtension != nil || p.Clarification != nil ||
			p.Programme || p.YearlyReport != nil {
			t.Errorf("petition = %+v", p)
		}
		if p.Requests.Clock != "5wd" || !slices.Equal(p.Requests.Reminders, []string{"1wd"}) || len(p.Requests.Escalation) != 4 ||
			p.Requests.Escalation[0].After != "0m" || p.Requests.Escalation[0].To != "deputy" || p.Requests.Escalation[3].To != "cabinet" {
			t.Errorf("petition requests = %+v", p.Requests)
		}
		if !slices.Contains(p.Steps, "answer_approved") || !slices.Contains(p.Endings, "forwarded") {
			t.Errorf("petition steps = %v, endings = %v", p.Steps, p.Endings)
		}
		var want []string
		for _, a := range domain.DefaultPolicies()[domain.KindPetition].Actions() {
			want = append(want, string(a))
		}
		if !slices.Equal(p.Actions, want) || !slices.Contains(p.Actions, "answer") || slices.Contains(p.Actions, "publish") {
			t.Errorf("petition actions = %v", p.Actions)
		}

		info := kinds["public_information"]
		if info.Clock == nil || *info.Clock != "20d" || info.MaxExtension == nil || *info.MaxExtension != "10d" ||
			info.Clarification == nil || *info.Clarification != "3d" || !slices.Contains(info.Actions, "request_clarification") ||
			!slices.Contains(info.Actions, "refuse") || !slices.Contains(info.Actions, "extend") {
			t.Errorf("public_information = %+v", info)
		}
		if media := kinds["media_query"]; media.Clock == nil || *media.Clock != "48h" || media.Requests.Clock != "4h" || slices.Contains(media.Actions, "approve") {
			t.Errorf("media_query = %+v", media)
		}
		if web := kinds["website_publication"]; !slices.Contains(web.Actions, "publish") || slices.Contains(web.Actions, "answer") {
			t.Errorf("website_publication actions = %v", web.Actions)
		}
		for _, k := range []string{"twin_city_programme", "cooperation_initiative"} {
			prog := kinds[k]
			if prog.Clock != nil || !prog.Programme || prog.YearlyReport == nil || prog.YearlyReport.Month != 1 || prog.YearlyReport.Day != 31 ||
				!slices.Contains(prog.Actions, "add_milestone") || slices.Contains(prog.Actions, "draft") || slices.Contains(prog.Actions, "suspend_clock") {
				t.Errorf("%s = %+v", k, prog)
			}
		}
	})

	t.Run("OKPolicies", func(t *testing.T) {
		ts := MustOpenServer(t)
		ps, err := domain.LoadPolicies(strings.NewReader(`{"kinds": {"media_query": {"clock": "24h"}}}`))
		if err != nil {
			t.Fatal(err)
		}
		ts.API.Policies = ps
		if media := getKinds(t, ts, intakeMK)["media_query"]; media.Clock == nil || *media.Clock != "24h" {
			t.Errorf("media_query = %+v", media)
		}
	})

	t.Run("ErrUnauthorized", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, "", http.MethodGet, "/api/v1/kinds", ""))
		assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
	})
}
