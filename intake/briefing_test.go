package intake

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// briefingService is a domain.BriefingService over briefings held in memory, by day. It records the
// briefings it is asked to generate; a generated briefing is the day's last one.
type briefingService struct {
	mu        sync.Mutex
	byDate    map[domain.Date][]domain.Briefing
	generated []briefingCall
	// now is the time of generated briefings.
	now time.Time
}

// briefingCall is a call of Generate.
type briefingCall struct {
	Actor     domain.Actor
	RequestID string
}

var _ domain.BriefingService = (*briefingService)(nil)

func (s *briefingService) Latest(context.Context) (domain.Briefing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var latest *domain.Briefing
	for _, bs := range s.byDate {
		if b := bs[len(bs)-1]; latest == nil || b.ComposedAt.After(latest.ComposedAt) {
			latest = &b
		}
	}
	if latest == nil {
		return domain.Briefing{}, domain.Errorf(domain.ENOTFOUND, "No briefing yet.")
	}
	return *latest, nil
}

func (s *briefingService) ForDate(_ context.Context, d domain.Date) (domain.Briefing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bs := s.byDate[d]
	if len(bs) == 0 {
		return domain.Briefing{}, domain.Errorf(domain.ENOTFOUND, "No briefing for %s.", d)
	}
	return bs[len(bs)-1], nil
}

func (s *briefingService) Generate(_ context.Context, actor domain.Actor, requestID string) (domain.Briefing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.generated = append(s.generated, briefingCall{actor, requestID})
	d := domain.DateOf(s.now, briefingLoc)
	b := domain.Briefing{Date: d, TimeZone: "Europe/Skopje", ComposedAt: s.now.UTC(), Trigger: domain.BriefingByStaff, By: actor.UserID, NewFrom: s.now.Add(-time.Hour)}
	s.byDate[d] = append(s.byDate[d], b)
	return b, nil
}

func (s *briefingService) calls() []briefingCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.generated)
}

var briefingLoc = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		panic(err)
	}
	return loc
}()

// skopjeTime returns an instant of 2026 in Europe/Skopje.
func skopjeTime(month time.Month, day, hour, minute, second int) time.Time {
	return time.Date(2026, month, day, hour, minute, second, 0, briefingLoc)
}

// mondayBriefing is the scheduled briefing of Monday 26 October 2026, after a long weekend (Friday 23
// October is a state holiday), as the workflow composes it. Clocks went back an hour on Sunday.
func mondayBriefing() domain.Briefing {
	endOf := func(month time.Month, day int) time.Time { return skopjeTime(month, day, 23, 59, 59).UTC() }
	return domain.Briefing{
		Date: domain.Date{Year: 2026, Month: time.October, Day: 26}, TimeZone: "Europe/Skopje",
		ComposedAt: skopjeTime(time.October, 26, 7, 30, 0).UTC(), Since: skopjeTime(time.October, 22, 7, 30, 0).UTC(),
		NewFrom: skopjeTime(time.October, 22, 7, 30, 0).UTC(), Trigger: domain.BriefingBySchedule, By: "system",
		New: domain.BriefingSection[domain.CaseSummary]{Count: 1, Items: []domain.CaseSummary{{
			ID: "0f6b1c9e-5d1a-5b7e-9a51-2c4f0e8d7a13", Kind: domain.KindPetition, Status: domain.StatusAssigned, Sector: "communal",
			ArchiveNumber: "08-12/1", ReceivedAt: skopjeTime(time.October, 24, 18, 0, 0).UTC(), DueAt: endOf(time.December, 22), Open: true,
		}}},
		DueToday: domain.BriefingSection[domain.CaseSummary]{Items: []domain.CaseSummary{}},
		DueThisWeek: domain.BriefingSection[domain.CaseSummary]{Count: 1, Items: []domain.CaseSummary{{
			ID: "1a2b", Kind: domain.KindPublicInformation, Status: domain.StatusWaitingForInput, Sector: "urbanism", Officer: "ana.petrovska",
			ArchiveNumber: "08-9/1", DueAt: endOf(time.October, 28), Open: true, Bucket: domain.DueThisWeek,
		}}},
		Overdue: domain.BriefingSection[domain.CaseSummary]{Count: 60, Items: []domain.CaseSummary{{
			ID: "3c4d", Kind: domain.KindCitizenQuestion, Status: domain.StatusAssigned, Sector: "finance", Officer: "marko.nikolov",
			ArchiveNumber: "08-3/1", DueAt: endOf(time.September, 16), Open: true, Bucket: domain.DueVeryOverdue, DaysOverdue: 40,
		}}},
		Escalations: domain.BriefingSection[domain.NoticeSummary]{Count: 1, Items: []domain.NoticeSummary{{
			ID: "n1", At: skopjeTime(time.October, 26, 0, 0, 1).UTC(), Kind: domain.NoticeEscalation, CaseID: "5e6f", CaseKind: domain.KindPetition,
			ArchiveNumber: "08-7/1", RequestID: "r1", Sector: "urbanism", Step: 4, Level: domain.LevelCabinet,
		}}},
		OpenMediaQueries: domain.BriefingSection[domain.CaseSummary]{Count: 1, Items: []domain.CaseSummary{{
			ID: "7a8b", Kind: domain.KindMediaQuery, Status: domain.StatusRegistered, ArchiveNumber: "08-11/1",
			ReceivedAt: skopjeTime(time.October, 25, 21, 0, 0).UTC(), DueAt: skopjeTime(time.October, 27, 21, 0, 0).UTC(), Open: true, Bucket: domain.DueThisWeek,
		}}},
		Milestones: domain.BriefingSection[domain.RequestSummary]{Count: 1, Items: []domain.RequestSummary{{
			CaseID: "9c0d", CaseKind: domain.KindTwinCityProgramme, ArchiveNumber: "08-2/1", ID: "r3", Kind: domain.RequestMilestone,
			Sector: "international", Title: "Посета на делегацијата <Охрид>", Status: domain.RequestIsOpen, DueAt: endOf(time.November, 9),
		}}},
		MilestonesUntil: domain.Date{Year: 2026, Month: time.November, Day: 9},
		Totals:          domain.DueCount{VeryOverdue: 12, Overdue: 48, Today: 0, ThisWeek: 5, Later: 30, Suspended: 2, Open: 97},
	}
}

// readerNone reads briefings as an officer and has no language of their own: Accept-Language decides.
const readerNone = "dragan.officer"

// mustOpenBriefingServer starts a Server under test with a briefing service holding mondayBriefing, and
// a further officer without a language of their own.
func mustOpenBriefingServer(tb testing.TB) (*TestServer, *briefingService) {
	tb.Helper()
	ts := MustOpenServer(tb)
	svc := &briefingService{
		byDate: map[domain.Date][]domain.Briefing{{Year: 2026, Month: time.October, Day: 26}: {mondayBriefing()}},
		now:    skopjeTime(time.October, 26, 11, 15, 0),
	}
	ts.API.Briefings = svc
	var members []StaffMember
	for _, u := range append(slices.Clone(testUsers), domain.StaffUser{ID: readerNone, Name: "Драган Илиевски", Roles: []domain.Role{domain.RoleOfficer}}) {
		token, hash := NewToken()
		ts.Tokens[u.ID] = token
		members = append(members, StaffMember{StaffUser: u, TokenSHA256: hash})
	}
	staff, err := NewStaff(members...)
	if err != nil {
		tb.Fatal(err)
	}
	ts.API.Staff = staff
	return ts, svc
}

var (
	headPattern  = regexp.MustCompile(`(?s)<head>.*</head>`)
	blockPattern = regexp.MustCompile(`</(h1|h2|p|tr|footer)>`)
	tagPattern   = regexp.MustCompile(`<[^>]*>`)
)

// pageText returns the text of a briefing's page, line by line: a heading or paragraph per line, a
// table row per line with its cells separated by " | ", and a section's count in brackets.
func pageText(body string) []string {
	body = headPattern.ReplaceAllString(body, "")
	body = strings.NewReplacer("</td>", " | ", "</th>", " | ", `<span class="count">`, " (", "</span>", ")").Replace(body)
	body = blockPattern.ReplaceAllString(body, "\n")
	body = tagPattern.ReplaceAllString(body, "")
	var lines []string
	for l := range strings.SplitSeq(html.UnescapeString(body), "\n") {
		if l = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l), "|")); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// The text of mondayBriefing's page in each language.
var mondayPages = map[domain.Language][]string{
	domain.Macedonian: {
		"Дневен брифинг за градоначалникот",
		"Понеделник, 26.10.2026",
		"Составен според распоредот во 26.10.2026 07:30.",
		"Новото се смета од 22.10.2026 07:30, кога е составен претходниот брифинг.",
		"Отворени предмети според рокот",
		"Многу задоцнети | Задоцнети | Денес | Оваа недела | Подоцна | Запрен рок | Отворени",
		"12 | 48 | 0 | 5 | 30 | 2 | 97",
		"Нови предмети (1)",
		"Архивски број | Вид | Статус | Сектор | Примен | Рок",
		"08-12/1 | Претставка | Доделен | communal | 24.10.2026 18:00 | 22.12.2026",
		"Рокот истекува денес (0)",
		"Нема.",
		"Рокот истекува оваа недела (1)",
		"Архивски број | Вид | Статус | Сектор | Службеник | Рок",
		"08-9/1 | Барање за информации од јавен карактер | Чека одговор од сектор | urbanism | ana.petrovska | 28.10.2026",
		"Со поминат рок (60)",
		"Архивски број | Вид | Статус | Сектор | Службеник | Рок | Денови доцнење",
		"08-3/1 | Прашање од граѓанин | Доделен | finance | marko.nikolov | 16.09.2026 | 40",
		"Прикажани се првите 1 од 60.",
		"Ескалации и пропуштени рокови (1)",
		"Кога | Известување | Архивски број | Вид | Сектор | Ниво",
		"26.10.2026 00:00 | Ескалација | 08-7/1 | Претставка | urbanism | Кабинет на градоначалникот",
		"Отворени новинарски прашања (1)",
		"Архивски број | Статус | Службеник | Примен | Рок",
		"08-11/1 | Заведен |  | 25.10.2026 21:00 | 27.10.2026 21:00",
		"Клучни точки и активности од програмите со рок до 09.11.2026 (1)",
		"Рок | Ставка | Наслов | Предмет | Сектор | Денови доцнење",
		"09.11.2026 | Клучна точка | Посета на делегацијата <Охрид> | 08-2/1 | international |",
		"Составен од регистарот на предмети; не содржи лични податоци на подносителите.",
	},
	domain.Albanian: {
		"Informimi ditor për kryetarin e komunës",
		"E hënë, 26.10.2026",
		"Përpiluar sipas orarit në 26.10.2026 07:30.",
		"Të rejat numërohen nga 22.10.2026 07:30, kur u përpilua informimi i mëparshëm.",
		"Lëndët e hapura sipas afatit",
		"Shumë të vonuara | Të vonuara | Sot | Këtë javë | Më vonë | Afat i ndalur | Të hapura",
		"12 | 48 | 0 | 5 | 30 | 2 | 97",
		"Lëndë të reja (1)",
		"Numri i arkivit | Lloji | Statusi | Sektori | Pranuar | Afati",
		"08-12/1 | Parashtresë | Caktuar | communal | 24.10.2026 18:00 | 22.12.2026",
		"Afati skadon sot (0)",
		"Asnjë.",
		"Afati skadon këtë javë (1)",
		"Numri i arkivit | Lloji | Statusi | Sektori | Nëpunësi | Afati",
		"08-9/1 | Kërkesë për informata me karakter publik | Në pritje të sektorit | urbanism | ana.petrovska | 28.10.2026",
		"Me afat të kaluar (60)",
		"Numri i arkivit | Lloji | Statusi | Sektori | Nëpunësi | Afati | Ditë vonesë",
		"08-3/1 | Pyetje e qytetarit | Caktuar | finance | marko.nikolov | 16.09.2026 | 40",
		"Shfaqen të parat 1 nga 60.",
		"Përshkallëzime dhe afate të humbura (1)",
		"Kur | Njoftimi | Numri i arkivit | Lloji | Sektori | Niveli",
		"26.10.2026 00:00 | Përshkallëzim | 08-7/1 | Parashtresë | urbanism | Kabineti i kryetarit",
		"Pyetje të hapura të gazetarëve (1)",
		"Numri i arkivit | Statusi | Nëpunësi | Pranuar | Afati",
		"08-11/1 | Regjistruar |  | 25.10.2026 21:00 | 27.10.2026 21:00",
		"Pika kyçe dhe aktivitete të programeve me afat deri më 09.11.2026 (1)",
		"Afati | Zëri | Titulli | Lënda | Sektori | Ditë vonesë",
		"09.11.2026 | Pikë kyçe | Посета на делегацијата <Охрид> | 08-2/1 | international |",
		"Përpiluar nga regjistri i lëndëve; nuk përmban të dhëna personale të parashtruesve.",
	},
	domain.English: {
		"The mayor's daily briefing",
		"Monday, 26.10.2026",
		"Composed on schedule at 26.10.2026 07:30.",
		"What is new is counted from 22.10.2026 07:30, when the previous briefing was composed.",
		"Open cases by deadline",
		"Very overdue | Overdue | Today | This week | Later | Clock stopped | Open",
		"12 | 48 | 0 | 5 | 30 | 2 | 97",
		"New cases (1)",
		"Archive number | Kind | Status | Sector | Received | Due",
		"08-12/1 | Petition | Assigned | communal | 24.10.2026 18:00 | 22.12.2026",
		"Due today (0)",
		"None.",
		"Due this week (1)",
		"Archive number | Kind | Status | Sector | Officer | Due",
		"08-9/1 | Request for public information | Waiting for a sector | urbanism | ana.petrovska | 28.10.2026",
		"Overdue (60)",
		"Archive number | Kind | Status | Sector | Officer | Due | Days overdue",
		"08-3/1 | Citizen's question | Assigned | finance | marko.nikolov | 16.09.2026 | 40",
		"The first 1 of 60 are shown.",
		"Escalations and missed deadlines (1)",
		"When | Notice | Archive number | Kind | Sector | Level",
		"26.10.2026 00:00 | Escalation | 08-7/1 | Petition | urbanism | Mayor's cabinet",
		"Open media queries (1)",
		"Archive number | Status | Officer | Received | Due",
		"08-11/1 | Registered |  | 25.10.2026 21:00 | 27.10.2026 21:00",
		"Programme milestones and activities due by 09.11.2026 (1)",
		"Due | Item | Title | Case | Sector | Days overdue",
		"09.11.2026 | Milestone | Посета на делегацијата <Охрид> | 08-2/1 | international |",
		"Composed from the case register; it holds no personal data of submitters.",
	},
}

func TestBriefingJSON(t *testing.T) {
	ts, _ := mustOpenBriefingServer(t)
	for _, path := range []string{"/api/v1/briefings/latest", "/api/v1/briefings/2026-10-26", "/api/v1/briefings/2026-10-26?format=json"} {
		t.Run(path, func(t *testing.T) {
			req := ts.NewRequest(t, supervisor, http.MethodGet, path, "")
			req.Header.Set("Accept", "application/json, text/html;q=0.9")
			resp, body := ts.Do(t, req)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d, Content-Type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			var got domain.Briefing
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			want := mondayBriefing()
			wantJSON, _ := json.Marshal(want)
			gotJSON, _ := json.Marshal(got)
			if string(gotJSON) != string(wantJSON) {
				t.Errorf("briefing = %s\nwant %s", gotJSON, wantJSON)
			}
			// The JSON names its parts as the OpenAPI document does.
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(body, &fields); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"date", "timeZone", "composedAt", "since", "newFrom", "trigger", "by", "new", "dueToday", "dueThisWeek", "overdue", "escalations", "openMediaQueries", "milestones", "milestonesUntil", "totals"} {
				if _, ok := fields[f]; !ok {
					t.Errorf("no field %s in %s", f, body)
				}
			}
			if string(fields["dueToday"]) != `{"count":0,"items":[]}` {
				t.Errorf("an empty section is %s", fields["dueToday"])
			}
		})
	}
}

func TestBriefingHTML(t *testing.T) {
	ts, _ := mustOpenBriefingServer(t)
	for _, tc := range []struct {
		name, user, path string
		header           map[string]string
		lang             domain.Language
	}{
		{"mk_UsersLanguage", intakeMK, "/api/v1/briefings/2026-10-26?format=html", nil, domain.Macedonian},
		{"sq_UsersLanguage", supervisor, "/api/v1/briefings/2026-10-26?format=html", nil, domain.Albanian},
		{"en_UsersLanguage", adminEN, "/api/v1/briefings/latest?format=html", nil, domain.English},
		{"mk_Default", readerNone, "/api/v1/briefings/latest", map[string]string{"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, domain.Macedonian},
		{"sq_AcceptLanguage", readerNone, "/api/v1/briefings/latest?format=html", map[string]string{"Accept-Language": "sq-AL,en;q=0.5"}, domain.Albanian},
		{"en_LangParameter", supervisor, "/api/v1/briefings/2026-10-26?format=html&lang=en", nil, domain.English},
		{"mk_LangParameter", adminEN, "/api/v1/briefings/2026-10-26?lang=mk", map[string]string{"Accept": "text/html"}, domain.Macedonian},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := ts.NewRequest(t, tc.user, http.MethodGet, tc.path, "")
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, body := ts.Do(t, req)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			h := resp.Header
			if h.Get("Content-Type") != "text/html; charset=utf-8" || h.Get("Content-Language") != string(tc.lang) {
				t.Errorf("Content-Type %q, Content-Language %q", h.Get("Content-Type"), h.Get("Content-Language"))
			}
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			page := string(body)
			if got, want := pageText(page), mondayPages[tc.lang]; !slices.Equal(got, want) {
				t.Errorf("page text:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if !strings.Contains(page, `<html lang="`+string(tc.lang)+`">`) {
				t.Error("the page does not say its language")
			}
			// Self-contained and safe: no scripts or external resources; staff-written titles escaped.
			for _, bad := range []string{"<script", "<link", "src=", "http://", "https://", "<Охрид>", "%!"} {
				if strings.Contains(page, bad) {
					t.Errorf("the page contains %q", bad)
				}
			}
			if !strings.Contains(page, "&lt;Охрид&gt;") || !strings.Contains(page, "@media print") {
				t.Error("the title is not escaped, or the page has no print style")
			}
		})
	}
}

func TestBriefingHTMLFirstAndStaff(t *testing.T) {
	b := domain.Briefing{
		Date: domain.Date{Year: 2026, Month: time.October, Day: 23}, TimeZone: "Europe/Skopje",
		ComposedAt: skopjeTime(time.October, 23, 11, 15, 0).UTC(), NewFrom: skopjeTime(time.October, 22, 0, 0, 0).UTC(),
		Trigger: domain.BriefingByStaff, By: "besa.hoxha", MilestonesUntil: domain.Date{Year: 2026, Month: time.November, Day: 6},
	}
	for lang, want := range map[domain.Language][]string{
		domain.Macedonian: {"Петок, 23.10.2026", "Составен во 23.10.2026 11:15 на барање на besa.hoxha.", "Ова е првиот брифинг: новото се смета од 22.10.2026 00:00."},
		domain.Albanian:   {"E premte, 23.10.2026", "Përpiluar në 23.10.2026 11:15 me kërkesë të besa.hoxha.", "Ky është informimi i parë: të rejat numërohen nga 22.10.2026 00:00."},
		domain.English:    {"Friday, 23.10.2026", "Composed at 23.10.2026 11:15 at the request of besa.hoxha.", "This is the first briefing: what is new is counted from 22.10.2026 00:00."},
	} {
		p := newBriefingPage(b, lang)
		if got := []string{p.Day, p.Composed, p.Since}; !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
		for _, s := range p.Sections {
			if s.None == "" || len(s.Rows) != 0 {
				t.Errorf("%s: section %s of an empty briefing: %+v", lang, s.ID, s)
			}
		}
	}
}

func TestBriefingErrors(t *testing.T) {
	ts, svc := mustOpenBriefingServer(t)
	for _, tc := range []struct {
		name, user, method, path string
		status                   int
		code, field, detail      string
	}{
		{"ErrBadDate_mk", intakeMK, http.MethodGet, "/api/v1/briefings/2026-13-01", http.StatusBadRequest, domain.EINVALID, "date",
			`Датумот "2026-13-01" во адресата не е датум во обликот ГГГГ-ММ-ДД, на пр. 2026-10-22.`},
		{"ErrBadDate_sq", supervisor, http.MethodGet, "/api/v1/briefings/yesterday", http.StatusBadRequest, domain.EINVALID, "date",
			`Data "yesterday" në adresë nuk është datë në formën VVVV-MM-DD, p.sh. 2026-10-22.`},
		{"ErrNoBriefing_mk", intakeMK, http.MethodGet, "/api/v1/briefings/2026-10-25", http.StatusNotFound, domain.ENOTFOUND, "",
			"Нема брифинг за 2026-10-25."},
		{"ErrNoBriefing_en", adminEN, http.MethodGet, "/api/v1/briefings/2026-10-24?format=html", http.StatusNotFound, domain.ENOTFOUND, "",
			"No briefing for 2026-10-24."},
		{"ErrBadFormat", adminEN, http.MethodGet, "/api/v1/briefings/latest?format=pdf", http.StatusBadRequest, domain.EINVALID, "format",
			`The parameter format takes json or html, not "pdf".`},
		{"ErrBadLang", supervisor, http.MethodGet, "/api/v1/briefings/latest?lang=de", http.StatusBadRequest, domain.EINVALID, "lang",
			`Parametri lang pranon mk, sq ose en, jo "de".`},
		{"ErrForbidden_SectorHead", sectorHead, http.MethodGet, "/api/v1/briefings/latest", http.StatusForbidden, domain.EFORBIDDEN, "",
			"Вашите улоги не го дозволуваат ова; потребна е една од улогите officer, supervisor, admin."},
		{"ErrForbidden_OfficerGenerates", intakeMK, http.MethodPost, "/api/v1/briefings", http.StatusForbidden, domain.EFORBIDDEN, "", ""},
		{"ErrUnauthorized", "", http.MethodGet, "/api/v1/briefings/latest", http.StatusUnauthorized, domain.EUNAUTHORIZED, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := ts.Do(t, ts.NewRequest(t, tc.user, tc.method, tc.path, ""))
			p := assertProblem(t, resp, body, tc.status, tc.code)
			if p.Field != tc.field {
				t.Errorf("field = %q, want %q", p.Field, tc.field)
			}
			if tc.detail != "" && p.Detail != tc.detail {
				t.Errorf("detail = %q, want %q", p.Detail, tc.detail)
			}
		})
	}
	if calls := svc.calls(); len(calls) != 0 {
		t.Errorf("refused requests generated briefings: %+v", calls)
	}

	t.Run("ErrNotWired", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodGet, "/api/v1/briefings/latest", ""))
		assertProblem(t, resp, body, http.StatusInternalServerError, domain.EINTERNAL)
	})
	t.Run("ErrNoneYet", func(t *testing.T) {
		ts, svc := mustOpenBriefingServer(t)
		svc.byDate = map[domain.Date][]domain.Briefing{}
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/briefings/latest", ""))
		if p := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND); p.Detail != "Ende nuk ka informim." {
			t.Errorf("detail = %q", p.Detail)
		}
	})
}

func TestBriefingGenerate(t *testing.T) {
	ts, svc := mustOpenBriefingServer(t)
	generate := func(user, key, body string) (*http.Response, []byte) {
		t.Helper()
		req := ts.NewRequest(t, user, http.MethodPost, "/api/v1/briefings", body)
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		return ts.Do(t, req)
	}

	t.Run("OK_Supervisor", func(t *testing.T) {
		resp, body := generate(supervisor, "morning-extra", "")
		if resp.StatusCode != http.StatusCreated || resp.Header.Get("Location") != "/api/v1/briefings/2026-10-26" {
			t.Fatalf("status %d, Location %q: %s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		var b domain.Briefing
		if err := json.Unmarshal(body, &b); err != nil {
			t.Fatal(err)
		}
		if b.Trigger != domain.BriefingByStaff || b.By != supervisor {
			t.Errorf("briefing by %s (%s)", b.By, b.Trigger)
		}
		calls := svc.calls()
		if len(calls) != 1 || calls[0].RequestID != "morning-extra" || calls[0].Actor.UserID != supervisor || !calls[0].Actor.HasAnyRole(domain.RoleSupervisor) {
			t.Fatalf("calls = %+v", calls)
		}
		// It is now the day's current briefing.
		resp, body = ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodGet, "/api/v1/briefings/2026-10-26", ""))
		var current domain.Briefing
		if err := json.Unmarshal(body, &current); err != nil || resp.StatusCode != http.StatusOK || current.Trigger != domain.BriefingByStaff {
			t.Errorf("the day's briefing after generating: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("OK_AdminAsPageWithEmptyObject", func(t *testing.T) {
		resp, body := generate(adminEN, "", "{}")
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		resp, body = ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/briefings?format=html", ""))
		if resp.StatusCode != http.StatusCreated || !strings.Contains(string(body), "Composed at 26.10.2026 11:15 at the request of emma.jones.") {
			t.Errorf("status %d: %s", resp.StatusCode, pageText(string(body)))
		}
		if calls := svc.calls(); calls[len(calls)-1].RequestID != "" {
			t.Errorf("without a key the request ID is %q", calls[len(calls)-1].RequestID)
		}
	})
	t.Run("ErrBody", func(t *testing.T) {
		n := len(svc.calls())
		resp, body := generate(supervisor, "k", `{"date":"2026-10-26"}`)
		assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID)
		resp, body = generate(supervisor, strings.Repeat("k", 201), "")
		assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID)
		if len(svc.calls()) != n {
			t.Error("a refused request generated a briefing")
		}
	})
}

func TestBriefingPrefersHTML(t *testing.T) {
	for accept, want := range map[string]bool{
		"":                                  false,
		"*/*":                               false,
		"application/json":                  false,
		"text/html":                         true,
		"text/html;q=0.5, application/json": false,
		"application/json;q=0.4, text/html": true,
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": true,
		"text/html;q=0": false,
	} {
		if got := prefersHTML([]string{accept}); got != want {
			t.Errorf("prefersHTML(%q) = %v, want %v", accept, got, want)
		}
	}
}

// TestBriefingTranslated checks that the briefing's messages are in the catalog and that the page has a
// label in every language for every value its items may carry.
func TestBriefingTranslated(t *testing.T) {
	for _, format := range briefingMessages {
		if !i18n.Has(format) {
			t.Errorf("%q has no translation", format)
		}
	}
	for _, format := range []string{"No briefing for %s.", "No briefing yet.", "The briefing time %q is not a time of day such as 07:30.",
		"Unknown briefing trigger %q.", "A briefing needs the time it is composed at.", "A briefing needs the municipality's time zone and calendar."} {
		if !i18n.Has(format) {
			t.Errorf("domain message %q has no translation", format)
		}
	}
	check := func(group string, values ...string) {
		for _, v := range values {
			if !i18n.HasBriefingText(group, v) {
				t.Errorf("no label for %s %q", group, v)
			}
		}
	}
	for k := range domain.DefaultPolicies() {
		check("kind", string(k))
	}
	for _, s := range domain.Statuses {
		check("status", string(s))
	}
	for _, b := range domain.DueBuckets {
		check("bucket", string(b))
	}
	for _, l := range domain.EscalationLevels {
		check("level", string(l))
	}
	check("request", string(domain.RequestInput), string(domain.RequestActivity), string(domain.RequestMilestone), string(domain.RequestReport))
	check("notice", string(domain.NoticeReminder), string(domain.NoticeEscalation), string(domain.NoticeOverdue))
	// Every label is in Macedonian in Cyrillic, and differs from the English.
	cyrillic := regexp.MustCompile(`\p{Cyrillic}`)
	for _, key := range []string{"title", "scheduled", "staff", "since", "first", "totals", "new", "dueToday", "dueThisWeek", "overdue", "escalations", "media", "milestones", "none", "shown", "footer"} {
		mk, en := i18n.BriefingText(domain.Macedonian, "page", key), i18n.BriefingText(domain.English, "page", key)
		if !cyrillic.MatchString(mk) || mk == en || i18n.BriefingText(domain.Albanian, "page", key) == en {
			t.Errorf("page label %s: mk %q, en %q", key, mk, en)
		}
	}
}
