package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// RecordingReadModels is a domain.ReadModels that records the queries it receives and answers every call with
// the rows set in its fields, or with Err.
type RecordingReadModels struct {
	Err         error
	CasePage    domain.Page[domain.CaseSummary]
	Board       domain.DueBoard
	RequestPage domain.Page[domain.RequestSummary]
	NoticePage  domain.Page[domain.NoticeSummary]
	Stats       []domain.StatsRow
	FOI         domain.FOIReport

	mu      sync.Mutex
	queries []any
}

var _ domain.ReadModels = (*RecordingReadModels)(nil)

func (m *RecordingReadModels) record(q any) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queries = append(m.queries, q)
	return m.Err
}

// Queries returns the queries received so far: a domain.CaseQuery, DueBoardQuery, RequestQuery,
// NoticeQuery or StatsQuery, or the year of a FOIReport.
func (m *RecordingReadModels) Queries() []any {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.queries)
}

// Cases implements domain.ReadModels.
func (m *RecordingReadModels) Cases(_ context.Context, q domain.CaseQuery) (domain.Page[domain.CaseSummary], error) {
	return m.CasePage, m.record(q)
}

// DueBoard implements domain.ReadModels.
func (m *RecordingReadModels) DueBoard(_ context.Context, q domain.DueBoardQuery) (domain.DueBoard, error) {
	return m.Board, m.record(q)
}

// Requests implements domain.ReadModels.
func (m *RecordingReadModels) Requests(_ context.Context, q domain.RequestQuery) (domain.Page[domain.RequestSummary], error) {
	return m.RequestPage, m.record(q)
}

// Notices implements domain.ReadModels.
func (m *RecordingReadModels) Notices(_ context.Context, q domain.NoticeQuery) (domain.Page[domain.NoticeSummary], error) {
	return m.NoticePage, m.record(q)
}

// Statistics implements domain.ReadModels.
func (m *RecordingReadModels) Statistics(_ context.Context, q domain.StatsQuery) ([]domain.StatsRow, error) {
	return m.Stats, m.record(q)
}

// FOIReport implements domain.ReadModels.
func (m *RecordingReadModels) FOIReport(_ context.Context, year int) (domain.FOIReport, error) {
	return m.FOI, m.record(year)
}

// More test users for the sectors' inboxes; each has a token in TestServer.Tokens.
const (
	headNoSector = "vesna.nikolova" // sector head without a sector in the directory, reads English
	officerHead  = "goran.stojanov" // officer and head of urbanism, reads Macedonian
)

// mustOpenReadServer starts a Server under test whose ReadModels answer with the fixture rows, with two
// more users than MustOpenServer's.
func mustOpenReadServer(tb testing.TB) (*TestServer, *RecordingReadModels) {
	tb.Helper()
	ts := MustOpenServer(tb)
	var members []StaffMember
	for _, u := range testUsers {
		sum := sha256.Sum256([]byte(ts.Tokens[u.ID]))
		members = append(members, StaffMember{StaffUser: u, TokenSHA256: hex.EncodeToString(sum[:])})
	}
	for _, u := range []domain.StaffUser{
		{ID: headNoSector, Name: "Весна Николова", Roles: []domain.Role{domain.RoleSectorHead}, Language: domain.English},
		{ID: officerHead, Name: "Горан Стојанов", Roles: []domain.Role{domain.RoleOfficer, domain.RoleSectorHead}, Language: domain.Macedonian, Sector: "urbanism"},
	} {
		token, hash := NewToken()
		ts.Tokens[u.ID] = token
		members = append(members, StaffMember{StaffUser: u, TokenSHA256: hash})
	}
	staff, err := NewStaff(members...)
	if err != nil {
		tb.Fatal(err)
	}
	rm := &RecordingReadModels{
		CasePage:    domain.Page[domain.CaseSummary]{Items: fixtureCases(), Offset: 0, Limit: 2, HasMore: false},
		Board:       fixtureBoard(),
		RequestPage: domain.Page[domain.RequestSummary]{Items: fixtureRequests(), Offset: 0, Limit: 100},
		NoticePage:  domain.Page[domain.NoticeSummary]{Items: fixtureNotices(), Offset: 0, Limit: 100},
		Stats:       fixtureStats(),
		FOI:         fixtureFOI(),
	}
	ts.API.Staff, ts.API.ReadModels = staff, rm
	return ts, rm
}

// mustAt parses an instant in RFC 3339.
func mustAt(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The fixtures: a very overdue petition in a sector named in Cyrillic, and a closed request for public
// information whose sector a spreadsheet would run as a formula.
const (
	caseA = "6f1c2b1e-8d1a-4c3e-9b7a-2a5d4e3f1c0b"
	caseB = "0b3c5d7e-1a2b-4c3d-8e9f-a0b1c2d3e4f5"
)

func fixtureCases() []domain.CaseSummary {
	return []domain.CaseSummary{
		{
			ID: caseA, Kind: domain.KindPetition, Status: domain.StatusAssigned, Sector: "финансии", Officer: "ana.petrovska",
			Channel: domain.ChannelEmail, Language: domain.Macedonian, ArchiveNumber: "08-12/1",
			ReceivedAt: mustAt("2026-09-01T08:30:00Z"), RegisteredAt: mustAt("2026-09-01T08:35:00Z"),
			DueAt: mustAt("2026-11-02T22:59:59Z"), DueDate: domain.Date{Year: 2026, Month: 11, Day: 2},
			Open: true, Bucket: domain.DueVeryOverdue, DaysOverdue: 24, OpenRequests: 1, Version: 5,
			UpdatedAt: mustAt("2026-11-20T10:00:00Z"),
		},
		{
			ID: caseB, Kind: domain.KindPublicInformation, Status: domain.StatusClosed, Sector: `=HYPERLINK("http://x")`,
			Channel: domain.ChannelPortal, Language: domain.Albanian, ArchiveNumber: "08-13/2",
			ReceivedAt: mustAt("2026-10-01T07:00:00Z"), RegisteredAt: mustAt("2026-10-01T07:01:00Z"),
			DueAt: mustAt("2026-10-21T21:59:59Z"), DueDate: domain.Date{Year: 2026, Month: 10, Day: 21},
			Outcome: domain.StatusAnsweredInPart, AnsweredAt: mustAt("2026-10-25T09:00:00Z"),
			ClosedAt: mustAt("2026-10-26T09:00:00Z"), OnTime: new(false), Version: 9,
			UpdatedAt: mustAt("2026-10-26T09:00:00Z"),
		},
	}
}

func fixtureBoard() domain.DueBoard {
	return domain.DueBoard{
		Now: mustAt("2026-11-25T23:30:00Z"), Today: domain.Date{Year: 2026, Month: 11, Day: 26},
		WeekEnd: domain.Date{Year: 2026, Month: 11, Day: 29}, VeryOverdueDays: 10,
		Totals: domain.DueCount{VeryOverdue: 1, Overdue: 2, Today: 1, ThisWeek: 3, Later: 7, Suspended: 1, Open: 15},
		BySector: []domain.DueCount{
			{Key: "финансии", VeryOverdue: 1, Overdue: 2, Today: 1, ThisWeek: 0, Later: 4, Open: 8},
			{Key: "urbanism", ThisWeek: 3, Later: 3, Suspended: 1, Open: 7},
		},
		ByOfficer: []domain.DueCount{
			{Key: "", Later: 2, Open: 2},
			{Key: "ana.petrovska", VeryOverdue: 1, Overdue: 2, Today: 1, ThisWeek: 3, Later: 5, Suspended: 1, Open: 13},
		},
	}
}

func fixtureRequests() []domain.RequestSummary {
	return []domain.RequestSummary{{
		CaseID: caseA, CaseKind: domain.KindPetition, ArchiveNumber: "08-12/1", ID: "r1", Kind: domain.RequestInput,
		Sector: "finance", Required: true, Status: domain.RequestIsOpen, RequestedAt: mustAt("2026-11-02T09:00:00Z"),
		DueAt: mustAt("2026-11-05T22:59:59Z"), DueDate: domain.Date{Year: 2026, Month: 11, Day: 5},
		Bucket: domain.DueVeryOverdue, DaysOverdue: 21, Generation: 1, Reminders: 2, Escalation: 2, Level: domain.LevelHead,
	}}
}

func fixtureNotices() []domain.NoticeSummary {
	return []domain.NoticeSummary{
		{
			ID: "n-2", At: mustAt("2026-11-08T08:00:00Z"), Kind: domain.NoticeEscalation, CaseID: caseA,
			CaseKind: domain.KindPetition, ArchiveNumber: "08-12/1", RequestID: "r1", Sector: "finance", Step: 2,
			Level: domain.LevelHead,
		},
		{
			ID: "n-3", At: mustAt("2026-11-03T08:00:00Z"), Kind: domain.NoticeOverdue, CaseID: caseA,
			CaseKind: domain.KindPetition, ArchiveNumber: "08-12/1", Officer: "ana.petrovska", Level: domain.LevelOfficer,
		},
	}
}

func fixtureStats() []domain.StatsRow {
	return []domain.StatsRow{
		{Kind: domain.KindPetition, Month: "2026-10", Opened: 12, Answered: 8, Closed: 7, OnTime: 6, OnTimeShare: 0.75, MedianDays: 21.5, P90Days: 55},
		{Kind: domain.KindPublicInformation, Month: "2026-10", Opened: 4},
	}
}

func fixtureFOI() domain.FOIReport {
	return domain.FOIReport{
		Year: 2025, Received: 41, CarriedOver: 3, Granted: 30, GrantedInPart: 4, Refused: 2, Forwarded: 3,
		Withdrawn: 1, Rejected: 1, Merged: 1, Unresolved: 2, OnTime: 33, Late: 3, Extended: 5,
		ClarificationRequested: 6, ClarificationExpired: 1, MedianDays: 12.5,
	}
}

// get sends a GET as user and returns the response with its body.
func (ts *TestServer) get(tb testing.TB, user, path string, header ...string) (*http.Response, []byte) {
	tb.Helper()
	req := ts.NewRequest(tb, user, http.MethodGet, path, "")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return ts.Do(tb, req)
}

// mustGet sends a GET as user and fails unless the answer is 200.
func (ts *TestServer) mustGet(tb testing.TB, user, path string, header ...string) (*http.Response, []byte) {
	tb.Helper()
	resp, body := ts.get(tb, user, path, header...)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: status = %d; body: %s", path, resp.StatusCode, body)
	}
	return resp, body
}

// lastQuery returns the only query the read models received.
func lastQuery[Q any](tb testing.TB, rm *RecordingReadModels) Q {
	tb.Helper()
	qs := rm.Queries()
	if len(qs) != 1 {
		tb.Fatalf("the read models received %d queries, want 1: %#v", len(qs), qs)
	}
	q, ok := qs[0].(Q)
	if !ok {
		tb.Fatalf("the read models received %T, want %T", qs[0], q)
	}
	return q
}

// takeNow checks that *now is the time of the request (between before and after) and zeroes it.
func takeNow(tb testing.TB, now *time.Time, before, after time.Time) {
	tb.Helper()
	if now.Before(before.Add(-time.Second)) || now.After(after.Add(time.Second)) || now.Location() != time.UTC {
		tb.Errorf("now = %v, want the time of the request in UTC (%v to %v)", *now, before, after)
	}
	*now = time.Time{}
}

func assertEqual(tb testing.TB, got, want any) {
	tb.Helper()
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("got  %#v\nwant %#v", got, want)
	}
}

// assertCSV checks a CSV response: its headers and its whole body after the byte order mark.
func assertCSV(tb testing.TB, resp *http.Response, body []byte, filename, want string) {
	tb.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		tb.Errorf("Content-Type = %q", ct)
	}
	if cd, want := resp.Header.Get("Content-Disposition"), `attachment; filename="`+filename+`"`; cd != want {
		tb.Errorf("Content-Disposition = %q, want %q", cd, want)
	}
	text, ok := strings.CutPrefix(string(body), "\xEF\xBB\xBF")
	if !ok {
		tb.Errorf("the CSV does not start with the UTF-8 byte order mark: %q", body[:min(len(body), 8)])
	}
	if text != want {
		tb.Errorf("CSV body:\n%s\nwant:\n%s", strings.ReplaceAll(text, "\r\n", "⏎\n"), strings.ReplaceAll(want, "\r\n", "⏎\n"))
	}
}

// crlf joins CSV lines as RFC 4180 does.
func crlf(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }

func TestCaseList(t *testing.T) {
	t.Run("Query", func(t *testing.T) {
		for _, tt := range []struct {
			name, query string
			want        domain.CaseQuery
			now         bool // now is the time of the request
		}{
			{name: "None", query: "", now: true},
			{name: "Blank", query: "?kind=&sector=,&limit=&open=", now: true},
			{
				name: "Every",
				query: "?kind=petition,media_query&kind=petition&status=registered&status=assigned,waiting_for_input" +
					"&sector=finance&sector=urbanism,+finance&officer=ana.petrovska&channel=email,portal&language=sq" +
					"&open=true&due=overdue,very_overdue&receivedFrom=2026-11-01&receivedTo=2026-11-26T10:00:00%2B01:00" +
					"&dueFrom=2026-07-01&dueTo=2026-12-31T23:00:00Z&sort=-dueAt&limit=50&offset=100&now=2026-11-26T09:00:00Z&format=json",
				want: domain.CaseQuery{
					Kinds:        []domain.CaseKind{domain.KindPetition, domain.KindMediaQuery},
					Statuses:     []domain.Status{domain.StatusRegistered, domain.StatusAssigned, domain.StatusWaitingForInput},
					Sectors:      []string{"finance", "urbanism"},
					Officers:     []string{"ana.petrovska"},
					Channels:     []domain.Channel{domain.ChannelEmail, domain.ChannelPortal},
					Languages:    []domain.Language{domain.Albanian},
					Open:         new(true),
					Buckets:      []domain.DueBucket{domain.DueOverdue, domain.DueVeryOverdue},
					Now:          mustAt("2026-11-26T09:00:00Z"),
					ReceivedFrom: mustAt("2026-10-31T23:00:00Z"), // midnight in Skopje, in winter time
					ReceivedTo:   mustAt("2026-11-26T09:00:00Z"),
					DueFrom:      mustAt("2026-06-30T22:00:00Z"), // midnight in Skopje, in summer time
					DueTo:        mustAt("2026-12-31T23:00:00Z"),
					Sort:         domain.Sort{Field: "dueAt", Desc: true},
					Limit:        50, Offset: 100,
				},
			},
			{
				name:  "NowUnescaped", // a + sent as is arrives as a space
				query: "?now=2026-11-26T10:00:00+01:00&open=false&sort=archiveNumber&limit=1000",
				want: domain.CaseQuery{
					Now: mustAt("2026-11-26T09:00:00Z"), Open: new(false),
					Sort: domain.Sort{Field: "archiveNumber"}, Limit: 1000,
				},
			},
			{name: "NowDate", query: "?now=2026-11-26", want: domain.CaseQuery{Now: mustAt("2026-11-25T23:00:00Z")}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				ts, rm := mustOpenReadServer(t)
				before := time.Now()
				ts.mustGet(t, supervisor, "/api/v1/cases"+tt.query)
				after := time.Now()
				got := lastQuery[domain.CaseQuery](t, rm)
				if tt.now {
					takeNow(t, &got.Now, before, after)
				}
				assertEqual(t, got, tt.want)
			})
		}
	})

	t.Run("JSON", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		resp, body := ts.mustGet(t, intakeMK, "/api/v1/cases?now=2026-11-26T09:00:00Z")
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		if link := resp.Header.Get("Link"); link != "" {
			t.Errorf("Link = %q on the last page", link)
		}
		want := `{"items":[` +
			`{"id":"6f1c2b1e-8d1a-4c3e-9b7a-2a5d4e3f1c0b","kind":"petition","status":"assigned","sector":"финансии",` +
			`"officer":"ana.petrovska","channel":"email","language":"mk","archiveNumber":"08-12/1",` +
			`"receivedAt":"2026-09-01T08:30:00Z","registeredAt":"2026-09-01T08:35:00Z","dueAt":"2026-11-02T22:59:59Z",` +
			`"dueDate":"2026-11-02","open":true,"bucket":"very_overdue","daysOverdue":24,"openRequests":1,"version":5,` +
			`"updatedAt":"2026-11-20T10:00:00Z"},` +
			`{"id":"0b3c5d7e-1a2b-4c3d-8e9f-a0b1c2d3e4f5","kind":"public_information","status":"closed",` +
			`"sector":"=HYPERLINK(\"http://x\")","channel":"portal","language":"sq","archiveNumber":"08-13/2",` +
			`"receivedAt":"2026-10-01T07:00:00Z","registeredAt":"2026-10-01T07:01:00Z","dueAt":"2026-10-21T21:59:59Z",` +
			`"dueDate":"2026-10-21","open":false,"outcome":"answered_in_part","answeredAt":"2026-10-25T09:00:00Z",` +
			`"closedAt":"2026-10-26T09:00:00Z","onTime":false,"openRequests":0,"version":9,"updatedAt":"2026-10-26T09:00:00Z"}` +
			`],"offset":0,"limit":2,"hasMore":false}` + "\n"
		if string(body) != want {
			t.Errorf("body:\n%s\nwant:\n%s", body, want)
		}
	})

	t.Run("Empty", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		rm.CasePage = domain.Page[domain.CaseSummary]{Limit: 100}
		_, body := ts.mustGet(t, intakeMK, "/api/v1/cases")
		if want := `{"items":[],"offset":0,"limit":100,"hasMore":false}` + "\n"; string(body) != want {
			t.Errorf("body = %s, want %s", body, want)
		}
	})

	t.Run("CSV", func(t *testing.T) {
		want := crlf(
			"id,kind,status,sector,officer,channel,language,archiveNumber,receivedAt,registeredAt,dueAt,dueDate,open,suspended,bucket,daysOverdue,outcome,answeredAt,closedAt,onTime,openRequests,version,updatedAt",
			"6f1c2b1e-8d1a-4c3e-9b7a-2a5d4e3f1c0b,petition,assigned,финансии,ana.petrovska,email,mk,08-12/1,2026-09-01T08:30:00Z,2026-09-01T08:35:00Z,2026-11-02T22:59:59Z,2026-11-02,true,false,very_overdue,24,,,,,1,5,2026-11-20T10:00:00Z",
			`0b3c5d7e-1a2b-4c3d-8e9f-a0b1c2d3e4f5,public_information,closed,"'=HYPERLINK(""http://x"")",,portal,sq,08-13/2,2026-10-01T07:00:00Z,2026-10-01T07:01:00Z,2026-10-21T21:59:59Z,2026-10-21,false,false,,0,answered_in_part,2026-10-25T09:00:00Z,2026-10-26T09:00:00Z,false,0,9,2026-10-26T09:00:00Z`,
		)
		ts, rm := mustOpenReadServer(t)
		// 23:30 UTC on the 25th is already the 26th in Skopje: the file is named for the day there.
		resp, body := ts.mustGet(t, adminEN, "/api/v1/cases?format=csv&now=2026-11-25T23:30:00Z")
		assertCSV(t, resp, body, "cases-2026-11-26.csv", want)
		if vary := resp.Header.Values("Vary"); !slices.Contains(vary, "Accept") {
			t.Errorf("Vary = %q, want Accept in it", vary)
		}
		// The same query reaches the read models as for JSON: format only chooses the form.
		assertEqual(t, lastQuery[domain.CaseQuery](t, rm), domain.CaseQuery{Now: mustAt("2026-11-25T23:30:00Z")})

		for accept, csv := range map[string]bool{
			"text/csv":                              true,
			"text/csv, */*;q=0.1":                   true,
			"application/json;q=0.5, text/csv":      true,
			"text/csv;q=0.5, application/json":      false,
			"text/csv, application/json":            false, // a tie goes to JSON, the default
			"text/html, application/xhtml+xml, */*": false,
		} {
			resp, _ := ts.mustGet(t, adminEN, "/api/v1/cases?now=2026-11-25T23:30:00Z", "Accept", accept)
			if got := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv"); got != csv {
				t.Errorf("Accept: %s: Content-Type = %q", accept, resp.Header.Get("Content-Type"))
			}
		}
		resp, _ = ts.mustGet(t, adminEN, "/api/v1/cases?format=json", "Accept", "text/csv")
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("format=json with Accept: text/csv: Content-Type = %q", ct)
		}
	})

	t.Run("NextLink", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		rm.CasePage = domain.Page[domain.CaseSummary]{Items: fixtureCases(), Offset: 4, Limit: 2, HasMore: true}
		for _, path := range []string{"/api/v1/cases?due=overdue&limit=2&offset=4&now=2026-11-26T09:00:00Z", "/api/v1/cases?due=overdue&limit=2&offset=4&format=csv&now=2026-11-26T09:00:00Z"} {
			resp, _ := ts.mustGet(t, supervisor, path)
			want := "</api/v1/cases?due=overdue&limit=2&now=2026-11-26T09%3A00%3A00Z&offset=6>; rel=\"next\""
			if strings.Contains(path, "csv") {
				want = "</api/v1/cases?due=overdue&format=csv&limit=2&now=2026-11-26T09%3A00%3A00Z&offset=6>; rel=\"next\""
			}
			if got := resp.Header.Get("Link"); got != want {
				t.Errorf("Link = %q, want %q", got, want)
			}
		}

		// Without now, the next page is fixed to the time of this one, so that the buckets stay put.
		ts, rm = mustOpenReadServer(t)
		rm.CasePage = domain.Page[domain.CaseSummary]{Items: fixtureCases(), Offset: 0, Limit: 2, HasMore: true}
		resp, _ := ts.mustGet(t, supervisor, "/api/v1/cases?due=overdue&limit=2")
		link := resp.Header.Get("Link")
		target, ok := strings.CutSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
		u, err := url.Parse(target)
		if !ok || err != nil || u.Path != "/api/v1/cases" {
			t.Fatalf("Link = %q", link)
		}
		now := lastQuery[domain.CaseQuery](t, rm).Now
		if want := (url.Values{"due": {"overdue"}, "limit": {"2"}, "offset": {"2"}, "now": {now.Format(time.RFC3339Nano)}}); !reflect.DeepEqual(u.Query(), want) {
			t.Errorf("Link query = %v, want %v", u.Query(), want)
		}

		// Following it asks for the same time.
		rm.CasePage.HasMore = false
		ts.mustGet(t, supervisor, target)
		if got := rm.Queries()[1].(domain.CaseQuery); !got.Now.Equal(now) || got.Offset != 2 {
			t.Errorf("next page: now = %v, offset = %d; want %v, 2", got.Now, got.Offset, now)
		}
	})

	t.Run("Roles", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		for _, user := range []string{intakeMK, supervisor, adminEN, intakeNone} {
			ts.mustGet(t, user, "/api/v1/cases")
		}
		resp, body := ts.get(t, sectorHead, "/api/v1/cases")
		p := assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
		if want := "Вашите улоги не го дозволуваат ова; потребна е една од улогите intake, officer, supervisor, admin."; p.Detail != want {
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
		resp, body = ts.get(t, "", "/api/v1/cases")
		assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
		if n := len(rm.Queries()); n != 4 {
			t.Errorf("the read models were asked %d times, want 4", n)
		}
	})

	t.Run("OpenCaseStillPosts", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil)))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /api/v1/cases: status = %d; body: %s", resp.StatusCode, body)
		}
		resp, body = ts.Do(t, ts.NewRequest(t, adminEN, http.MethodDelete, "/api/v1/cases", ""))
		assertProblem(t, resp, body, http.StatusMethodNotAllowed, "")
		if got := resp.Header.Get("Allow"); got != "GET, POST" {
			t.Errorf("Allow = %q, want GET, POST", got)
		}
		if n := len(rm.Queries()); n != 0 {
			t.Errorf("the read models were asked %d times", n)
		}
	})

	t.Run("ErrReadModels", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		// A query the read models refuse is a 400, like the errors the server finds itself.
		rm.Err = domain.FieldErrorf("offset", msgNumberRange, "offset", 0, 5000)
		resp, body := ts.get(t, supervisor, "/api/v1/cases?offset=9000")
		p := assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID)
		if want := "Parametri offset duhet të jetë ndërmjet 0 dhe 5000."; p.Field != "offset" || p.Detail != want {
			t.Errorf("field = %q, detail = %q; want offset, %q", p.Field, p.Detail, want)
		}

		rm.Err = domain.Errorf(domain.EUNAVAILABLE, "the projections database is locked")
		resp, body = ts.get(t, adminEN, "/api/v1/cases")
		assertProblem(t, resp, body, http.StatusServiceUnavailable, domain.EUNAVAILABLE)
		if resp.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})

	t.Run("ErrNoReadModels", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		ts.API.ReadModels = nil
		for _, path := range []string{"/api/v1/cases", "/api/v1/tracker", "/api/v1/requests", "/api/v1/escalations", "/api/v1/statistics", "/api/v1/statistics/foi/2025"} {
			resp, body := ts.get(t, adminEN, path)
			p := assertProblem(t, resp, body, http.StatusInternalServerError, domain.EINTERNAL)
			if p.Detail != "An internal error occurred." {
				t.Errorf("%s: detail = %q", path, p.Detail)
			}
		}
		if n := ts.Logs.FilterMessage("internal error").Len(); n != 6 {
			t.Errorf("%d internal errors logged, want 6", n)
		}
	})
}

func TestTracker(t *testing.T) {
	t.Run("Query", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		ts.mustGet(t, supervisor, "/api/v1/tracker?kind=petition,public_information&sector=finance&officer=ana.petrovska,besa.hoxha&sort=-overdue&now=2026-11-26T09:00:00Z&by=officer")
		assertEqual(t, lastQuery[domain.DueBoardQuery](t, rm), domain.DueBoardQuery{
			Now:      mustAt("2026-11-26T09:00:00Z"),
			Kinds:    []domain.CaseKind{domain.KindPetition, domain.KindPublicInformation},
			Sectors:  []string{"finance"},
			Officers: []string{"ana.petrovska", "besa.hoxha"},
			Sort:     domain.Sort{Field: "overdue", Desc: true},
		})

		ts, rm = mustOpenReadServer(t)
		before := time.Now()
		ts.mustGet(t, supervisor, "/api/v1/tracker")
		after := time.Now()
		got := lastQuery[domain.DueBoardQuery](t, rm)
		takeNow(t, &got.Now, before, after)
		assertEqual(t, got, domain.DueBoardQuery{})
	})

	t.Run("JSON", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		_, body := ts.mustGet(t, supervisor, "/api/v1/tracker")
		want := `{"now":"2026-11-25T23:30:00Z","today":"2026-11-26","weekEnd":"2026-11-29","veryOverdueDays":10,` +
			`"totals":{"key":"","veryOverdue":1,"overdue":2,"today":1,"thisWeek":3,"later":7,"suspended":1,"open":15},` +
			`"bySector":[{"key":"финансии","veryOverdue":1,"overdue":2,"today":1,"thisWeek":0,"later":4,"suspended":0,"open":8},` +
			`{"key":"urbanism","veryOverdue":0,"overdue":0,"today":0,"thisWeek":3,"later":3,"suspended":1,"open":7}],` +
			`"byOfficer":[{"key":"","veryOverdue":0,"overdue":0,"today":0,"thisWeek":0,"later":2,"suspended":0,"open":2},` +
			`{"key":"ana.petrovska","veryOverdue":1,"overdue":2,"today":1,"thisWeek":3,"later":5,"suspended":1,"open":13}]}` + "\n"
		if string(body) != want {
			t.Errorf("body:\n%s\nwant:\n%s", body, want)
		}
	})

	t.Run("EmptyJSON", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		rm.Board = domain.DueBoard{Now: mustAt("2026-11-26T09:00:00Z"), Today: domain.Date{Year: 2026, Month: 11, Day: 26}, WeekEnd: domain.Date{Year: 2026, Month: 11, Day: 29}, VeryOverdueDays: 10}
		_, body := ts.mustGet(t, supervisor, "/api/v1/tracker")
		want := `{"now":"2026-11-26T09:00:00Z","today":"2026-11-26","weekEnd":"2026-11-29","veryOverdueDays":10,` +
			`"totals":{"key":"","veryOverdue":0,"overdue":0,"today":0,"thisWeek":0,"later":0,"suspended":0,"open":0},"bySector":[],"byOfficer":[]}` + "\n"
		if string(body) != want {
			t.Errorf("body:\n%s\nwant:\n%s", body, want)
		}
	})

	t.Run("CSV", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		// The file is named for the board's day in Skopje (its now is 23:30 UTC on the 25th).
		resp, body := ts.mustGet(t, supervisor, "/api/v1/tracker?format=csv")
		assertCSV(t, resp, body, "tracker-by-sector-2026-11-26.csv", crlf(
			"sector,veryOverdue,overdue,today,thisWeek,later,suspended,open",
			"финансии,1,2,1,0,4,0,8",
			"urbanism,0,0,0,3,3,1,7",
		))
		resp, body = ts.mustGet(t, intakeMK, "/api/v1/tracker?by=officer", "Accept", "text/csv")
		assertCSV(t, resp, body, "tracker-by-officer-2026-11-26.csv", crlf(
			"officer,veryOverdue,overdue,today,thisWeek,later,suspended,open",
			",0,0,0,0,2,0,2",
			"ana.petrovska,1,2,1,3,5,1,13",
		))
	})

	t.Run("Roles", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		for _, user := range []string{intakeMK, supervisor, adminEN} {
			ts.mustGet(t, user, "/api/v1/tracker")
		}
		resp, body := ts.get(t, sectorHead, "/api/v1/tracker")
		assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
	})
}

func TestRequestList(t *testing.T) {
	t.Run("Query", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		ts.mustGet(t, supervisor, "/api/v1/requests?sector=finance,urbanism&kind=input&kind=milestone&status=open,answered"+
			"&case=6F1C2B1E-8D1A-4C3E-9B7A-2A5D4E3F1C0B&due=today,this_week&escalated=true&dueFrom=2026-11-01&dueTo=2026-12-01"+
			"&sort=-escalation&limit=20&offset=40&now=2026-11-26T09:00:00Z")
		assertEqual(t, lastQuery[domain.RequestQuery](t, rm), domain.RequestQuery{
			Sectors:   []string{"finance", "urbanism"},
			Kinds:     []domain.RequestKind{domain.RequestInput, domain.RequestMilestone},
			Statuses:  []domain.RequestStatus{domain.RequestIsOpen, domain.RequestIsAnswered},
			CaseID:    caseA,
			Buckets:   []domain.DueBucket{domain.DueToday, domain.DueThisWeek},
			Now:       mustAt("2026-11-26T09:00:00Z"),
			Escalated: new(true),
			DueFrom:   mustAt("2026-10-31T23:00:00Z"),
			DueTo:     mustAt("2026-11-30T23:00:00Z"),
			Sort:      domain.Sort{Field: "escalation", Desc: true},
			Limit:     20, Offset: 40,
		})
	})

	t.Run("JSON", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		_, body := ts.mustGet(t, supervisor, "/api/v1/requests")
		want := `{"items":[{"caseId":"6f1c2b1e-8d1a-4c3e-9b7a-2a5d4e3f1c0b","caseKind":"petition","archiveNumber":"08-12/1",` +
			`"id":"r1","kind":"input","sector":"finance","required":true,"status":"open","requestedAt":"2026-11-02T09:00:00Z",` +
			`"dueAt":"2026-11-05T22:59:59Z","dueDate":"2026-11-05","bucket":"very_overdue","daysOverdue":21,"generation":1,` +
			`"reminders":2,"escalation":2,"level":"head"}],"offset":0,"limit":100,"hasMore":false}` + "\n"
		if string(body) != want {
			t.Errorf("body:\n%s\nwant:\n%s", body, want)
		}
	})

	t.Run("CSV", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		resp, body := ts.mustGet(t, supervisor, "/api/v1/requests?format=csv&now=2026-11-26T09:00:00Z")
		assertCSV(t, resp, body, "requests-2026-11-26.csv", crlf(
			"caseId,caseKind,archiveNumber,id,kind,sector,title,required,status,requestedAt,dueAt,dueDate,bucket,daysOverdue,generation,reminders,escalation,level,answeredAt",
			"6f1c2b1e-8d1a-4c3e-9b7a-2a5d4e3f1c0b,petition,08-12/1,r1,input,finance,,true,open,2026-11-02T09:00:00Z,2026-11-05T22:59:59Z,2026-11-05,very_overdue,21,1,2,2,head,",
		))
	})

	t.Run("SectorHead", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		// A sector head sees their own sector's inbox, asked for or not.
		for _, path := range []string{"/api/v1/requests", "/api/v1/requests?sector=finance", "/api/v1/requests?sector=finance,finance"} {
			ts.mustGet(t, sectorHead, path)
		}
		for i, q := range rm.Queries() {
			if got := q.(domain.RequestQuery).Sectors; !slices.Equal(got, []string{"finance"}) {
				t.Errorf("query %d: sectors = %q, want [finance]", i, got)
			}
		}

		// Another sector is forbidden, alone or beside their own.
		for _, path := range []string{"/api/v1/requests?sector=urbanism", "/api/v1/requests?sector=finance,urbanism"} {
			resp, body := ts.get(t, sectorHead, path)
			p := assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
			if want := `Како раководител на секторот "finance" ги гледате само неговите барања, не и тие на "urbanism".`; p.Detail != want {
				t.Errorf("%s: detail = %q, want %q", path, p.Detail, want)
			}
		}

		// Without a sector in the directory, there is no inbox to see.
		resp, body := ts.get(t, headNoSector, "/api/v1/requests")
		p := assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
		if want := "Your staff entry names no sector, so there is no inbox for you to see; ask an administrator to set your sector."; p.Detail != want {
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
		if n := len(rm.Queries()); n != 3 {
			t.Errorf("the read models were asked %d times, want 3 (not for a forbidden sector)", n)
		}

		// Another role beside sector_head sees every sector; so do supervisors and admins.
		for _, user := range []string{officerHead, supervisor, adminEN, intakeMK} {
			ts, rm := mustOpenReadServer(t)
			ts.mustGet(t, user, "/api/v1/requests?sector=finance")
			if got := lastQuery[domain.RequestQuery](t, rm).Sectors; !slices.Equal(got, []string{"finance"}) {
				t.Errorf("%s: sectors = %q", user, got)
			}
			ts.mustGet(t, user, "/api/v1/requests?now=2026-11-26T09:00:00Z")
			if got := rm.Queries()[1].(domain.RequestQuery).Sectors; got != nil {
				t.Errorf("%s: sectors = %q, want every sector", user, got)
			}
		}
	})
}

func TestEscalations(t *testing.T) {
	t.Run("Query", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		ts.mustGet(t, supervisor, "/api/v1/escalations?case="+caseB+"&kind=reminder,escalation&sector=finance&level=head&level=cabinet"+
			"&from=2026-11-01&to=2026-11-08T12:00:00Z&sort=at&limit=10&offset=0")
		assertEqual(t, lastQuery[domain.NoticeQuery](t, rm), domain.NoticeQuery{
			CaseID:  caseB,
			Kinds:   []domain.NoticeKind{domain.NoticeReminder, domain.NoticeEscalation},
			Sectors: []string{"finance"},
			Levels:  []domain.EscalationLevel{domain.LevelHead, domain.LevelCabinet},
			From:    mustAt("2026-10-31T23:00:00Z"),
			To:      mustAt("2026-11-08T12:00:00Z"),
			Sort:    domain.Sort{Field: "at"},
			Limit:   10,
		})
	})

	t.Run("JSON", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		rm.NoticePage.HasMore = true
		resp, body := ts.mustGet(t, supervisor, "/api/v1/escalations?kind=escalation")
		want := `{"items":[{"id":"n-2","at":"2026-11-08T08:00:00Z","kind":"escalation","caseId":"6f1c2b1e-8d1a-4c3e-9b7a-2a5d4e3f1c0b",` +
			`"caseKind":"petition","archiveNumber":"08-12/1","requestId":"r1","sector":"finance","step":2,"level":"head"},` +
			`{"id":"n-3","at":"2026-11-03T08:00:00Z","kind":"overdue","caseId":"6f1c2b1e-8d1a-4c3e-9b7a-2a5d4e3f1c0b",` +
			`"caseKind":"petition","archiveNumber":"08-12/1","officer":"ana.petrovska","level":"officer"}],"offset":0,"limit":100,"hasMore":true}` + "\n"
		if string(body) != want {
			t.Errorf("body:\n%s\nwant:\n%s", body, want)
		}
		// Notices do not depend on the time: the next page has no now.
		if got, want := resp.Header.Get("Link"), `</api/v1/escalations?kind=escalation&offset=100>; rel="next"`; got != want {
			t.Errorf("Link = %q, want %q", got, want)
		}
	})

	t.Run("CSV", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		before := domain.DateOf(time.Now(), skopjeLocation)
		resp, body := ts.mustGet(t, supervisor, "/api/v1/escalations?format=csv")
		after := domain.DateOf(time.Now(), skopjeLocation)
		filename := "escalations-" + before.String() + ".csv"
		if !strings.Contains(resp.Header.Get("Content-Disposition"), filename) {
			filename = "escalations-" + after.String() + ".csv"
		}
		assertCSV(t, resp, body, filename, crlf(
			"id,at,kind,caseId,caseKind,archiveNumber,requestId,sector,officer,step,level",
			"n-2,2026-11-08T08:00:00Z,escalation,6f1c2b1e-8d1a-4c3e-9b7a-2a5d4e3f1c0b,petition,08-12/1,r1,finance,,2,head",
			"n-3,2026-11-03T08:00:00Z,overdue,6f1c2b1e-8d1a-4c3e-9b7a-2a5d4e3f1c0b,petition,08-12/1,,,ana.petrovska,0,officer",
		))
	})

	t.Run("Roles", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		resp, body := ts.get(t, sectorHead, "/api/v1/escalations")
		assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
	})
}

func TestStatistics(t *testing.T) {
	t.Run("Query", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		ts.mustGet(t, supervisor, "/api/v1/statistics?from=2026-01&to=2026-07-15&kind=petition&sector=finance,urbanism&groupBy=month,kind&groupBy=month")
		assertEqual(t, lastQuery[domain.StatsQuery](t, rm), domain.StatsQuery{
			From:    mustAt("2025-12-31T23:00:00Z"),
			To:      mustAt("2026-07-14T22:00:00Z"),
			Kinds:   []domain.CaseKind{domain.KindPetition},
			Sectors: []string{"finance", "urbanism"},
			GroupBy: []string{"month", "kind"},
		})
		ts, rm = mustOpenReadServer(t)
		ts.mustGet(t, supervisor, "/api/v1/statistics")
		assertEqual(t, lastQuery[domain.StatsQuery](t, rm), domain.StatsQuery{})
	})

	t.Run("JSON", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		_, body := ts.mustGet(t, supervisor, "/api/v1/statistics?groupBy=kind,month")
		want := `{"rows":[{"kind":"petition","month":"2026-10","opened":12,"answered":8,"closed":7,"onTime":6,"onTimeShare":0.75,"medianDays":21.5,"p90Days":55},` +
			`{"kind":"public_information","month":"2026-10","opened":4,"answered":0,"closed":0,"onTime":0,"onTimeShare":0,"medianDays":0,"p90Days":0}]}` + "\n"
		if string(body) != want {
			t.Errorf("body:\n%s\nwant:\n%s", body, want)
		}
		rm.Stats = nil
		if _, body := ts.mustGet(t, supervisor, "/api/v1/statistics"); string(body) != `{"rows":[]}`+"\n" {
			t.Errorf("no rows: body = %s", body)
		}
	})

	t.Run("CSV", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		resp, body := ts.mustGet(t, supervisor, "/api/v1/statistics?groupBy=kind,month&format=csv")
		filename := "statistics-" + domain.DateOf(time.Now(), skopjeLocation).String() + ".csv"
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, filename) {
			filename = strings.TrimSuffix(strings.TrimPrefix(cd, `attachment; filename="`), `"`) // past midnight
		}
		assertCSV(t, resp, body, filename, crlf(
			"kind,sector,month,opened,answered,closed,onTime,onTimeShare,medianDays,p90Days",
			"petition,,2026-10,12,8,7,6,0.75,21.5,55",
			"public_information,,2026-10,4,0,0,0,0,0,0",
		))
	})
}

func TestFOIReport(t *testing.T) {
	t.Run("JSON", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		_, body := ts.mustGet(t, supervisor, "/api/v1/statistics/foi/2025")
		assertEqual(t, lastQuery[int](t, rm), 2025)
		want := `{"year":2025,"received":41,"carriedOver":3,"granted":30,"grantedInPart":4,"refused":2,"forwarded":3,` +
			`"withdrawn":1,"rejected":1,"merged":1,"unresolved":2,"onTime":33,"late":3,"extended":5,` +
			`"clarificationRequested":6,"clarificationExpired":1,"medianDays":12.5}` + "\n"
		if string(body) != want {
			t.Errorf("body:\n%s\nwant:\n%s", body, want)
		}
	})

	t.Run("CSV", func(t *testing.T) {
		ts, _ := mustOpenReadServer(t)
		resp, body := ts.mustGet(t, intakeMK, "/api/v1/statistics/foi/2025?format=csv")
		if cl := resp.Header.Get("Content-Language"); cl != "mk" {
			t.Errorf("Content-Language = %q", cl)
		}
		assertCSV(t, resp, body, "foi-2025.csv", crlf(
			"field,value,label",
			"year,2025,Година на извештајот",
			"received,41,Барања примени во годината",
			"carriedOver,3,Нерешени барања пренесени од претходните години",
			"granted,30,Усвоени барања",
			"grantedInPart,4,Делумно усвоени барања",
			"refused,2,Одбиени барања",
			"forwarded,3,Барања препратени до надлежниот орган",
			"withdrawn,1,Повлечени барања",
			"rejected,1,Отфрлени барања",
			"merged,1,Барања споени со друго барање",
			"unresolved,2,Нерешени барања на крајот на годината",
			"onTime,33,Одговори дадени во рокот",
			"late,3,Одговори дадени по истекот на рокот",
			"extended,5,Барања чиј рок е продолжен",
			"clarificationRequested,6,Барања за кои од барателот е побарано да ги дополни",
			"clarificationExpired,1,Барања што барателот не ги дополнил",
			"medianDays,12.5,Медијана на деновите од прием до одговор",
		))
		resp, body = ts.mustGet(t, adminEN, "/api/v1/statistics/foi/2025", "Accept", "text/csv")
		if cl := resp.Header.Get("Content-Language"); cl != "en" {
			t.Errorf("Content-Language = %q", cl)
		}
		lines := strings.Split(strings.TrimPrefix(string(body), "\xEF\xBB\xBF"), "\r\n")
		if len(lines) != 19 || lines[1] != "year,2025,Year of the report" || lines[17] != "medianDays,12.5,Median days from receipt to answer" {
			t.Errorf("English CSV: %q", lines)
		}
	})

	t.Run("ErrYearRefused", func(t *testing.T) {
		ts, rm := mustOpenReadServer(t)
		rm.Err = domain.FieldErrorf("year", msgNumberRange, "year", 2000, 2026)
		resp, body := ts.get(t, intakeMK, "/api/v1/statistics/foi/1999")
		p := assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID)
		if want := "Параметарот year мора да биде помеѓу 2000 и 2026."; p.Field != "year" || p.Detail != want {
			t.Errorf("field = %q, detail = %q", p.Field, p.Detail)
		}
	})
}

// TestReadQueryErrors checks that every bad query string is a 400 naming the parameter, in the reader's
// language, and that the read models are never asked.
func TestReadQueryErrors(t *testing.T) {
	const caseParams = "kind, status, sector, officer, channel, language, open, due, receivedFrom, receivedTo, dueFrom, dueTo, sort, limit, offset, now, format"
	const kinds = "petition, proposal, public_information, citizen_question, media_query, twin_city_programme, cooperation_initiative, website_publication"
	const buckets = "very_overdue, overdue, today, this_week, later, suspended"
	long := strings.Repeat("с", 65)
	for _, tt := range []struct {
		name, path, field string
		en, mk            string
		sq                string // checked when set
	}{
		{
			name: "UnknownParam", path: "/api/v1/cases?sectr=finance", field: "sectr",
			en: `Unknown query parameter "sectr"; this address takes ` + caseParams + ".",
			mk: `Непознат параметар "sectr"; оваа адреса ги прима: ` + caseParams + ".",
			sq: `Parametër i panjohur "sectr"; kjo adresë pranon: ` + caseParams + ".",
		},
		{
			name: "UnknownParamFOI", path: "/api/v1/statistics/foi/2025?lang=mk", field: "lang",
			en: `Unknown query parameter "lang"; this address takes format.`,
			mk: `Непознат параметар "lang"; оваа адреса ги прима: format.`,
		},
		{
			name: "BadEncoding", path: "/api/v1/cases?kind=%zz", field: "",
			en: "The query string is not properly encoded.",
			mk: "Низата на барањето (query string) не е правилно кодирана.",
		},
		{
			name: "UnknownKind", path: "/api/v1/cases?kind=petition,petitoin", field: "kind",
			en: `The parameter kind does not take the value "petitoin"; use one of ` + kinds + ".",
			mk: `Параметарот kind не ја прима вредноста "petitoin"; користете една од следниве: ` + kinds + ".",
			sq: `Parametri kind nuk pranon vlerën "petitoin"; përdorni një nga këto: ` + kinds + ".",
		},
		{
			name: "UnknownStatus", path: "/api/v1/cases?status=opened", field: "status",
			en: `The parameter status does not take the value "opened"; use one of received, registered, clarification_requested, assigned, waiting_for_input, answer_drafted, answer_approved, answered, answered_in_part, refused, published, closed, forwarded, withdrawn, rejected, merged.`,
			mk: `Параметарот status не ја прима вредноста "opened"; користете една од следниве: received, registered, clarification_requested, assigned, waiting_for_input, answer_drafted, answer_approved, answered, answered_in_part, refused, published, closed, forwarded, withdrawn, rejected, merged.`,
		},
		{
			name: "UnknownChannel", path: "/api/v1/cases?channel=fax", field: "channel",
			en: `The parameter channel does not take the value "fax"; use one of letter, email, phone, counter, web, portal.`,
			mk: `Параметарот channel не ја прима вредноста "fax"; користете една од следниве: letter, email, phone, counter, web, portal.`,
		},
		{
			name: "UnknownLanguage", path: "/api/v1/cases?language=de", field: "language",
			en: `The parameter language does not take the value "de"; use one of mk, sq, en.`,
			mk: `Параметарот language не ја прима вредноста "de"; користете една од следниве: mk, sq, en.`,
		},
		{
			name: "UnknownBucket", path: "/api/v1/cases?due=soon", field: "due",
			en: `The parameter due does not take the value "soon"; use one of ` + buckets + ".",
			mk: `Параметарот due не ја прима вредноста "soon"; користете една од следниве: ` + buckets + ".",
		},
		{
			name: "UnknownRequestKind", path: "/api/v1/requests?kind=question", field: "kind",
			en: `The parameter kind does not take the value "question"; use one of input, activity, milestone, report.`,
			mk: `Параметарот kind не ја прима вредноста "question"; користете една од следниве: input, activity, milestone, report.`,
		},
		{
			name: "UnknownRequestStatus", path: "/api/v1/requests?status=done", field: "status",
			en: `The parameter status does not take the value "done"; use one of open, answered, cancelled.`,
			mk: `Параметарот status не ја прима вредноста "done"; користете една од следниве: open, answered, cancelled.`,
		},
		{
			name: "UnknownLevel", path: "/api/v1/escalations?level=mayor", field: "level",
			en: `The parameter level does not take the value "mayor"; use one of deputy, head, secretary, cabinet, officer.`,
			mk: `Параметарот level не ја прима вредноста "mayor"; користете една од следниве: deputy, head, secretary, cabinet, officer.`,
		},
		{
			name: "UnknownNoticeKind", path: "/api/v1/escalations?kind=sms", field: "kind",
			en: `The parameter kind does not take the value "sms"; use one of reminder, escalation, overdue.`,
			mk: `Параметарот kind не ја прима вредноста "sms"; користете една од следниве: reminder, escalation, overdue.`,
		},
		{
			name: "UnknownGroupBy", path: "/api/v1/statistics?groupBy=kind,year", field: "groupBy",
			en: `The parameter groupBy does not take the value "year"; use one of kind, sector, month.`,
			mk: `Параметарот groupBy не ја прима вредноста "year"; користете една од следниве: kind, sector, month.`,
			sq: `Parametri groupBy nuk pranon vlerën "year"; përdorni një nga këto: kind, sector, month.`,
		},
		{
			name: "UnknownBy", path: "/api/v1/tracker?format=csv&by=team", field: "by",
			en: `The parameter by does not take the value "team"; use one of sector, officer.`,
			mk: `Параметарот by не ја прима вредноста "team"; користете една од следниве: sector, officer.`,
		},
		{
			name: "UnknownFormat", path: "/api/v1/escalations?format=xlsx", field: "format",
			en: `The parameter format does not take the value "xlsx"; use one of json, csv.`,
			mk: `Параметарот format не ја прима вредноста "xlsx"; користете една од следниве: json, csv.`,
		},
		{
			name: "BadDate", path: "/api/v1/cases?receivedFrom=26.11.2026", field: "receivedFrom",
			en: "The parameter receivedFrom must be a date such as 2026-05-19 or a date and time in RFC 3339 format such as 2026-05-19T09:30:00+02:00.",
			mk: "Параметарот receivedFrom мора да биде датум, на пр. 2026-05-19, или датум и време во форматот RFC 3339, на пр. 2026-05-19T09:30:00+02:00.",
			sq: "Parametri receivedFrom duhet të jetë datë, p.sh. 2026-05-19, ose datë dhe orë në formatin RFC 3339, p.sh. 2026-05-19T09:30:00+02:00.",
		},
		{
			name: "BadNow", path: "/api/v1/tracker?now=tomorrow", field: "now",
			en: "The parameter now must be a date such as 2026-05-19 or a date and time in RFC 3339 format such as 2026-05-19T09:30:00+02:00.",
			mk: "Параметарот now мора да биде датум, на пр. 2026-05-19, или датум и време во форматот RFC 3339, на пр. 2026-05-19T09:30:00+02:00.",
		},
		{
			name: "BadDay", path: "/api/v1/requests?dueTo=2026-02-30", field: "dueTo",
			en: "The parameter dueTo must be a date such as 2026-05-19 or a date and time in RFC 3339 format such as 2026-05-19T09:30:00+02:00.",
			mk: "Параметарот dueTo мора да биде датум, на пр. 2026-05-19, или датум и време во форматот RFC 3339, на пр. 2026-05-19T09:30:00+02:00.",
		},
		{
			name: "BadMonth", path: "/api/v1/statistics?from=2026-13", field: "from",
			en: "The parameter from must be a month such as 2026-05 or a date such as 2026-05-19.",
			mk: "Параметарот from мора да биде месец, на пр. 2026-05, или датум, на пр. 2026-05-19.",
		},
		{
			name: "BadBool", path: "/api/v1/cases?open=yes", field: "open",
			en: "The parameter open must be true or false.",
			mk: "Параметарот open мора да биде true или false.",
			sq: "Parametri open duhet të jetë true ose false.",
		},
		{
			name: "BadEscalated", path: "/api/v1/requests?escalated=1", field: "escalated",
			en: "The parameter escalated must be true or false.",
			mk: "Параметарот escalated мора да биде true или false.",
		},
		{
			name: "BadLimit", path: "/api/v1/cases?limit=ten", field: "limit",
			en: "The parameter limit must be a whole number.",
			mk: "Параметарот limit мора да биде цел број.",
		},
		{
			name: "LimitZero", path: "/api/v1/requests?limit=0", field: "limit",
			en: "The parameter limit must be between 1 and 1000.",
			mk: "Параметарот limit мора да биде помеѓу 1 и 1000.",
			sq: "Parametri limit duhet të jetë ndërmjet 1 dhe 1000.",
		},
		{
			name: "LimitOver", path: "/api/v1/escalations?limit=1001", field: "limit",
			en: "The parameter limit must be between 1 and 1000.",
			mk: "Параметарот limit мора да биде помеѓу 1 и 1000.",
		},
		{
			name: "NegativeOffset", path: "/api/v1/cases?offset=-1", field: "offset",
			en: "The parameter offset must not be negative.",
			mk: "Параметарот offset не смее да биде негативен.",
			sq: "Parametri offset nuk duhet të jetë negativ.",
		},
		{
			name: "OffsetOverflow", path: "/api/v1/cases?offset=99999999999999999999", field: "offset",
			en: "The parameter offset must be a whole number.",
			mk: "Параметарот offset мора да биде цел број.",
		},
		{
			name: "UnknownSort", path: "/api/v1/cases?sort=-priority", field: "sort",
			en: `The parameter sort does not take the field "priority"; use one of receivedAt, dueAt, updatedAt, archiveNumber, with a leading - for descending order.`,
			mk: `Параметарот sort не го прима полето "priority"; користете едно од следниве: receivedAt, dueAt, updatedAt, archiveNumber, со - напред за опаѓачки редослед.`,
			sq: `Parametri sort nuk pranon fushën "priority"; përdorni një nga këto: receivedAt, dueAt, updatedAt, archiveNumber, me - përpara për renditje zbritëse.`,
		},
		{
			name: "UnknownRequestSort", path: "/api/v1/requests?sort=receivedAt", field: "sort",
			en: `The parameter sort does not take the field "receivedAt"; use one of dueAt, requestedAt, escalation, with a leading - for descending order.`,
			mk: `Параметарот sort не го прима полето "receivedAt"; користете едно од следниве: dueAt, requestedAt, escalation, со - напред за опаѓачки редослед.`,
		},
		{
			name: "UnknownTrackerSort", path: "/api/v1/tracker?sort=due", field: "sort",
			en: `The parameter sort does not take the field "due"; use one of key, veryOverdue, overdue, today, thisWeek, later, suspended, open, with a leading - for descending order.`,
			mk: `Параметарот sort не го прима полето "due"; користете едно од следниве: key, veryOverdue, overdue, today, thisWeek, later, suspended, open, со - напред за опаѓачки редослед.`,
		},
		{
			name: "FromAfterTo", path: "/api/v1/cases?receivedFrom=2026-11-26&receivedTo=2026-11-01", field: "receivedFrom",
			en: "The parameter receivedFrom must not be after receivedTo.",
			mk: "Параметарот receivedFrom не смее да биде по receivedTo.",
			sq: "Parametri receivedFrom nuk duhet të jetë pas receivedTo.",
		},
		{
			name: "DueFromAfterDueTo", path: "/api/v1/requests?dueFrom=2026-11-26T10:00:00Z&dueTo=2026-11-26T09:00:00Z", field: "dueFrom",
			en: "The parameter dueFrom must not be after dueTo.",
			mk: "Параметарот dueFrom не смее да биде по dueTo.",
		},
		{
			name: "MonthFromAfterTo", path: "/api/v1/statistics?from=2026-12&to=2026-01", field: "from",
			en: "The parameter from must not be after to.",
			mk: "Параметарот from не смее да биде по to.",
		},
		{
			name: "NoticeFromAfterTo", path: "/api/v1/escalations?from=2026-12-01&to=2026-01-01", field: "from",
			en: "The parameter from must not be after to.",
			mk: "Параметарот from не смее да биде по to.",
		},
		{
			name: "Repeated", path: "/api/v1/cases?limit=10&limit=20", field: "limit",
			en: "The parameter limit may be given only once.",
			mk: "Параметарот limit може да се наведе само еднаш.",
			sq: "Parametri limit mund të jepet vetëm një herë.",
		},
		{
			name: "BadCaseID", path: "/api/v1/requests?case=08-12", field: "case",
			en: "The parameter case must be a case ID (a UUID).",
			mk: "Параметарот case мора да биде ID на предмет (UUID).",
		},
		{
			name: "BadNoticeCaseID", path: "/api/v1/escalations?case=" + caseA + "x", field: "case",
			en: "The parameter case must be a case ID (a UUID).",
			mk: "Параметарот case мора да биде ID на предмет (UUID).",
		},
		{
			name: "SectorTooLong", path: "/api/v1/cases?sector=finance," + long, field: "sector",
			en: "A value of the parameter sector is longer than 64 characters.",
			mk: "Една вредност на параметарот sector е подолга од 64 знаци.",
		},
		{
			name: "OfficerNotUTF8", path: "/api/v1/tracker?officer=%ff", field: "officer",
			en: "A value of the parameter officer is not valid UTF-8.",
			mk: "Една вредност на параметарот officer не е валиден текст во UTF-8.",
		},
		{
			name: "BadYear", path: "/api/v1/statistics/foi/25", field: "year",
			en: `The year must have four digits, such as 2025; not "25".`,
			mk: `Годината мора да има четири цифри, на пр. 2025, а не "25".`,
			sq: `Viti duhet të ketë katër shifra, p.sh. 2025, jo "25".`,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts, rm := mustOpenReadServer(t)
			langs := map[string]string{adminEN: tt.en, intakeMK: tt.mk}
			if tt.sq != "" {
				langs[supervisor] = tt.sq
			}
			for user, want := range langs {
				resp, body := ts.get(t, user, tt.path)
				p := assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID)
				if p.Field != tt.field {
					t.Errorf("%s: field = %q, want %q", user, p.Field, tt.field)
				}
				if p.Detail != want {
					t.Errorf("%s: detail =\n%q\nwant\n%q", user, p.Detail, want)
				}
			}
			if qs := rm.Queries(); len(qs) != 0 {
				t.Errorf("the read models were asked %#v", qs)
			}
		})
	}

	t.Run("InvalidBeforeForbidden", func(t *testing.T) {
		// A sector head's bad query is a 400 before the question of their sector.
		ts, _ := mustOpenReadServer(t)
		resp, body := ts.get(t, sectorHead, "/api/v1/requests?sector=urbanism&limit=0")
		assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID)
	})
}

// TestReadCSVColumns checks that the CSV columns of every table are the JSON names of its rows, so that
// a spreadsheet and the JSON say the same.
func TestReadCSVColumns(t *testing.T) {
	jsonNames := func(v any) []string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var names []string
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		return names
	}
	sorted := func(s []string) []string { s = slices.Clone(s); sort.Strings(s); return s }
	// Rows with every field set, so that none is left out of the JSON.
	c := fixtureCases()[1]
	c.Officer, c.Suspended, c.Bucket, c.DaysOverdue, c.OpenRequests = "x", true, domain.DueOverdue, 1, 1
	q := fixtureRequests()[0]
	q.Title, q.AnsweredAt = "x", time.Now()
	n := fixtureNotices()[0]
	n.Officer = "x"
	s := fixtureStats()[0]
	s.Sector = "x"
	for name, tt := range map[string]struct {
		columns []string
		row     any
	}{
		"cases":      {caseColumns, c},
		"requests":   {requestColumns, q},
		"notices":    {noticeColumns, n},
		"statistics": {statsColumns, s},
		"tracker":    {append([]string{"key"}, dueCountColumns...), domain.DueCount{}},
	} {
		if got, want := sorted(tt.columns), jsonNames(tt.row); !slices.Equal(got, want) {
			t.Errorf("%s: columns %v, JSON names %v", name, got, want)
		}
	}
	var foi []string
	for _, f := range foiFields {
		foi = append(foi, f.name)
	}
	if got, want := sorted(foi), jsonNames(fixtureFOI()); !slices.Equal(got, want) {
		t.Errorf("FOI report: fields %v, JSON names %v", got, want)
	}
	// Each row has as many cells as its table has columns.
	for name, n := range map[string]int{
		"cases": len(caseRow(c)) - len(caseColumns), "requests": len(requestRow(q)) - len(requestColumns),
		"notices": len(noticeRow(n)) - len(noticeColumns), "statistics": len(statsRow(s)) - len(statsColumns),
		"tracker": len(dueCountRow(domain.DueCount{})) - 1 - len(dueCountColumns),
	} {
		if n != 0 {
			t.Errorf("%s: a row has %d cells more than the columns", name, n)
		}
	}
}

// TestReadMessagesTranslated checks that every message and label of the read side has a translation.
func TestReadMessagesTranslated(t *testing.T) {
	for _, format := range readMessages {
		if !i18n.Has(format) {
			t.Errorf("%q has no translation", format)
		}
	}
	for _, f := range foiFields {
		if !i18n.Has(f.label) {
			t.Errorf("the label %q of %s has no translation", f.label, f.name)
		}
	}
}

// TestReadOpenAPI checks the read side's part of the OpenAPI document: the enums of the values its
// parameters take, and the responses of its routes.
func TestReadOpenAPI(t *testing.T) {
	doc := mustParseOpenAPI(t)
	enum := func(name string) []string {
		var schema struct{ Enum []string }
		if err := json.Unmarshal(doc.Components.Schemas[name], &schema); err != nil {
			t.Fatal(err)
		}
		return schema.Enum
	}
	strs := func(values any) []string {
		var out []string
		rv := reflect.ValueOf(values)
		for i := range rv.Len() {
			out = append(out, rv.Index(i).String())
		}
		return out
	}
	for name, want := range map[string][]string{
		"DueBucket": strs(domain.DueBuckets), "RequestKind": strs(requestKinds), "RequestStatus": strs(requestStatuses),
		"NoticeKind": strs(noticeKinds), "EscalationLevel": strs(domain.EscalationLevels),
	} {
		if got := enum(name); !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", name, got, want)
		}
	}
	for _, path := range []string{"/api/v1/cases", "/api/v1/tracker", "/api/v1/requests", "/api/v1/escalations", "/api/v1/statistics", "/api/v1/statistics/foi/{year}"} {
		responses := doc.Paths[path]["get"].Responses
		for _, status := range []string{"200", "400", "401", "403", "500", "503"} {
			if _, ok := responses[status]; !ok {
				t.Errorf("GET %s does not document %s", path, status)
			}
		}
	}
}

// BenchmarkCaseList measures a full page (domain.MaxPageLimit cases) through HTTP, in JSON and in CSV.
func BenchmarkCaseList(b *testing.B) {
	ts, rm := mustOpenReadServer(b)
	items := make([]domain.CaseSummary, domain.MaxPageLimit)
	for i := range items {
		items[i] = fixtureCases()[i%2]
	}
	rm.CasePage = domain.Page[domain.CaseSummary]{Items: items, Limit: domain.MaxPageLimit, HasMore: true}
	for _, format := range []string{formatJSON, formatCSV} {
		b.Run(format, func(b *testing.B) {
			var size int
			for b.Loop() {
				_, body := ts.mustGet(b, adminEN, "/api/v1/cases?limit=1000&format="+format)
				size = len(body)
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}
