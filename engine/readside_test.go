package engine_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/testkit/devstack"
)

// TestReadSideOverHTTP runs the read side on the dev stack: cases opened and worked through the API
// appear in the read models, which list, export, count and summarise them; bad queries get 400s; the
// briefing is generated and read in a real browser; the read models are checked and rebuilt while the
// API serves them.
func TestReadSideOverHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal in-process")
	}
	t.Parallel()
	useStaff, clients := staffClients(t)
	e := devstack.MustStart(t, useStaff)
	as := clients(e)
	year := domain.DateOf(time.Now(), time.UTC).Year

	// Three petitions, a media query and a request for public information; two go to urbanism with a
	// request for input, one to finance.
	var ids []string
	kinds := []domain.CaseKind{domain.KindPetition, domain.KindPetition, domain.KindPetition, domain.KindMediaQuery, domain.KindPublicInformation}
	for i, kind := range kinds {
		body := petition("Предмет "+string(kind), time.Now().Add(time.Duration(i-len(kinds))*time.Minute)) // received a minute apart
		body["kind"] = string(kind)
		res := as["ana"].do("POST", "/api/v1/cases", body, nil)
		if res.Status != http.StatusCreated {
			t.Fatalf("open %s: %d %s", kind, res.Status, res.Body)
		}
		var v caseView
		res.decode(t, &v)
		ids = append(ids, v.ID)
	}
	step(t, as["elena"], ids[0], domain.ActionAssign, map[string]any{"sector": "urbanism"})
	step(t, as["elena"], ids[0], domain.ActionRequestInput, map[string]any{"sector": "urbanism", "dueIn": "5wd", "title": "Мислење"})
	step(t, as["elena"], ids[1], domain.ActionAssign, map[string]any{"sector": "urbanism"})
	step(t, as["elena"], ids[2], domain.ActionAssign, map[string]any{"sector": "finance"})

	var page struct {
		Items []struct {
			ID      string `json:"id"`
			Kind    string `json:"kind"`
			Sector  string `json:"sector"`
			Officer string `json:"officer"`
			Bucket  string `json:"bucket"`
		} `json:"items"`
		HasMore bool `json:"hasMore"`
	}
	testkit.Eventually(t, 30*time.Second, func() error { // the last action is in the read models
		res := as["head"].do("GET", "/api/v1/cases?sector=finance", nil, nil)
		res.decode(t, &page)
		if len(page.Items) != 1 {
			return fmt.Errorf("finance's cases: %s", res.Body)
		}
		return nil
	})
	testkit.Eventually(t, 30*time.Second, func() error {
		res := as["head"].do("GET", "/api/v1/cases?kind=petition&sector=urbanism&sort=receivedAt", nil, nil)
		if res.Status != http.StatusOK {
			return fmt.Errorf("%d %s", res.Status, res.Body)
		}
		res.decode(t, &page)
		if len(page.Items) != 2 {
			return fmt.Errorf("%d urbanism petitions listed: %s", len(page.Items), res.Body)
		}
		return nil
	})

	t.Run("OK_CaseListFiltersAndSorts", func(t *testing.T) {
		if page.Items[0].ID != ids[0] || page.Items[1].ID != ids[1] || page.Items[0].Officer != "elena" {
			t.Errorf("urbanism petitions oldest first = %+v, want %s then %s, owned by elena", page.Items, ids[0], ids[1])
		}
		res := as["head"].do("GET", "/api/v1/cases?sort=-receivedAt&limit=2", nil, nil)
		res.decode(t, &page)
		if len(page.Items) != 2 || !page.HasMore || page.Items[0].ID != ids[4] || res.Header.Get("Link") == "" {
			t.Errorf("newest two = %+v, hasMore %v, Link %q", page.Items, page.HasMore, res.Header.Get("Link"))
		}
		res = as["head"].do("GET", "/api/v1/cases?due=overdue,very_overdue", nil, nil)
		res.decode(t, &page)
		if len(page.Items) != 0 {
			t.Errorf("overdue cases = %+v, want none", page.Items)
		}
	})

	t.Run("OK_CaseListExportsCSV", func(t *testing.T) {
		res := as["head"].do("GET", "/api/v1/cases?kind=petition&format=csv", nil, nil)
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV: %d %s", res.Status, res.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(res.Body), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][0] != "id" {
			t.Errorf("CSV rows = %q, want a header and three petitions", rows)
		}
	})

	t.Run("ErrBadFiltersAre400", func(t *testing.T) {
		for query, field := range map[string]string{
			"/api/v1/cases?kind=petitio":      "kind",
			"/api/v1/cases?sectr=urbanism":    "sectr",
			"/api/v1/cases?limit=5000":        "limit",
			"/api/v1/cases?sort=subject":      "sort",
			"/api/v1/cases?receivedFrom=nope": "receivedFrom",
			"/api/v1/tracker?by=desk":         "by",
			"/api/v1/statistics?groupBy=year": "groupBy",
		} {
			res := as["head"].do("GET", query, nil, map[string]string{"Accept-Language": "sq"})
			var p problemView
			res.decode(t, &p)
			if res.Status != http.StatusBadRequest || p.Field != field || p.Detail == "" {
				t.Errorf("%s: %d %s, want 400 naming %s", query, res.Status, res.Body, field)
			}
		}
	})

	t.Run("OK_TrackerPerSectorAndOfficer", func(t *testing.T) {
		var board struct {
			Totals   struct{ Open, Later int }
			BySector []struct {
				Key  string
				Open int
			}
			ByOfficer []struct {
				Key  string
				Open int
			}
		}
		res := as["head"].do("GET", "/api/v1/tracker", nil, nil)
		res.decode(t, &board)
		if board.Totals.Open != 5 {
			t.Errorf("open = %d, want 5: %s", board.Totals.Open, res.Body)
		}
		sectors := map[string]int{}
		for _, c := range board.BySector {
			sectors[c.Key] = c.Open
		}
		if sectors["urbanism"] != 2 || sectors["finance"] != 1 {
			t.Errorf("by sector = %+v", board.BySector)
		}
		res = as["head"].do("GET", "/api/v1/tracker?format=csv&by=officer", nil, nil)
		if !strings.Contains(string(res.Body), "elena") {
			t.Errorf("tracker by officer CSV: %s", res.Body)
		}
	})

	t.Run("OK_SectorInboxAndEscalations", func(t *testing.T) {
		var inbox struct {
			Items []struct {
				CaseID string `json:"caseId"`
				Sector string `json:"sector"`
				Status string `json:"status"`
			} `json:"items"`
		}
		res := as["goran"].do("GET", "/api/v1/requests", nil, nil)
		res.decode(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].CaseID != ids[0] || inbox.Items[0].Sector != "urbanism" {
			t.Errorf("urbanism's inbox = %s", res.Body)
		}
		if res := as["goran"].do("GET", "/api/v1/requests?sector=finance", nil, nil); res.Status != http.StatusForbidden {
			t.Errorf("a sector head reading another sector's inbox: %d", res.Status)
		}
		if res := as["head"].do("GET", "/api/v1/escalations", nil, nil); res.Status != http.StatusOK {
			t.Errorf("escalations: %d %s", res.Status, res.Body)
		}
	})

	t.Run("OK_StatisticsAndTheAgencysYearlyNumbers", func(t *testing.T) {
		var stats struct {
			Rows []struct {
				Kind   string `json:"kind"`
				Opened int    `json:"opened"`
			} `json:"rows"`
		}
		res := as["head"].do("GET", "/api/v1/statistics?groupBy=kind", nil, nil)
		res.decode(t, &stats)
		opened := map[string]int{}
		for _, r := range stats.Rows {
			opened[r.Kind] = r.Opened
		}
		if opened["petition"] != 3 || opened["media_query"] != 1 || opened["public_information"] != 1 {
			t.Errorf("opened by kind = %v (%s)", opened, res.Body)
		}
		var foi struct {
			Year, Received, Unresolved int
		}
		res = as["head"].do("GET", fmt.Sprintf("/api/v1/statistics/foi/%d", year), nil, nil)
		res.decode(t, &foi)
		if foi.Year != year || foi.Received != 1 || foi.Unresolved != 1 {
			t.Errorf("FOI report = %s", res.Body)
		}
	})

	t.Run("OK_BriefingOnDemandReadInABrowser", func(t *testing.T) {
		res := as["head"].do("POST", "/api/v1/briefings", nil, map[string]string{"Idempotency-Key": "readside-briefing"})
		if res.Status != http.StatusCreated {
			t.Fatalf("generate: %d %s", res.Status, res.Body)
		}
		var b struct {
			New struct{ Count int } `json:"new"`
		}
		res = as["head"].do("GET", "/api/v1/briefings/latest", nil, nil)
		res.decode(t, &b)
		if b.New.Count != 5 {
			t.Errorf("the briefing's new cases = %d, want 5: %s", b.New.Count, res.Body)
		}
		// The HTML page, in Macedonian by default, rendered by a real browser behind a proxy that
		// authenticates it as the head of department.
		target, _ := url.Parse(as["head"].base)
		proxy := httputil.NewSingleHostReverseProxy(target)
		auth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+as["head"].token)
			r.Header.Del("Accept-Language")
			proxy.ServeHTTP(w, r)
		}))
		defer auth.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		dom, err := testkit.DumpDOM(ctx, t, auth.URL+"/api/v1/briefings/latest?format=html&lang=mk")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(dom, "Дневен брифинг за градоначалникот") {
			t.Errorf("the briefing page in the browser lacks its Macedonian title:\n%.2000s", dom)
		}
	})

	t.Run("OK_OutboxWithoutAMailServer", func(t *testing.T) {
		var outbox struct {
			Items []struct {
				ID     string `json:"id"`
				Kind   string `json:"kind"`
				CaseID string `json:"caseId"`
				Status string `json:"status"`
			} `json:"items"`
		}
		var ack string
		testkit.Eventually(t, 60*time.Second, func() error {
			res := as["head"].do("GET", "/api/v1/outbox?kind=acknowledgement&case="+ids[0], nil, nil)
			res.decode(t, &outbox)
			if len(outbox.Items) != 1 || outbox.Items[0].Status != "sent" {
				return fmt.Errorf("acknowledgement of %s: %s", ids[0], res.Body)
			}
			ack = outbox.Items[0].ID
			return nil
		})
		var entry struct {
			Transport string `json:"transport"`
			Message   struct {
				To      []string `json:"to"`
				Subject string   `json:"subject"`
			} `json:"message"`
		}
		res := as["head"].do("GET", "/api/v1/outbox/"+ack, nil, nil)
		res.decode(t, &entry)
		if entry.Transport != "outbox" || len(entry.Message.To) != 1 || !strings.Contains(entry.Message.To[0], "marija@example.mk") || entry.Message.Subject == "" {
			t.Errorf("outbox entry = %s", res.Body)
		}
	})

	t.Run("OK_CheckAndRebuildWhileServing", func(t *testing.T) {
		var check struct {
			Consistent bool `json:"consistent"`
		}
		res := as["head"].do("POST", "/api/v1/projections/check", nil, nil)
		res.decode(t, &check)
		if res.Status != http.StatusOK || !check.Consistent {
			t.Errorf("check: %d %s", res.Status, res.Body)
		}
		if res := as["head"].do("POST", "/api/v1/projections/casework/rebuild", nil, nil); res.Status != http.StatusForbidden {
			t.Errorf("a supervisor rebuilding: %d", res.Status)
		}
		if res := as["admin"].do("POST", "/api/v1/projections/casework/rebuild", nil, nil); res.Status != http.StatusOK {
			t.Fatalf("rebuild: %d %s", res.Status, res.Body)
		}
		res = as["head"].do("GET", "/api/v1/cases?kind=petition&sector=urbanism", nil, nil)
		res.decode(t, &page)
		if len(page.Items) != 2 {
			t.Errorf("after the rebuild, urbanism petitions = %s", res.Body)
		}
		if res := as["admin"].do("POST", "/api/v1/projections/nosuch/rebuild", nil, nil); res.Status != http.StatusNotFound {
			t.Errorf("rebuilding an unknown projection: %d", res.Status)
		}
	})

	t.Run("OK_LagOnReadyzAndMetrics", func(t *testing.T) {
		res, err := http.Get("http://" + e.APIAddress() + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(body), `"eventsBehind"`) || !strings.Contains(string(body), `"casework"`) {
			t.Errorf("/readyz details: %s", body)
		}
		res, err = http.Get("http://" + e.APIAddress() + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		for _, want := range []string{`predmet_projection_events_behind{projection="casework"}`, `predmet_projection_seconds_behind{projection="notifications"}`} {
			if !strings.Contains(string(body), want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}
