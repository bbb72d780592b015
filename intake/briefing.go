package intake

import (
	"bytes"
	_ "embed"
	"errors"
	"html/template"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Skopje wherever the server runs
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/mux"
	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// The roles that may read the mayor's daily briefing, and those that may have one composed on demand.
var (
	readBriefingRoles     = []domain.Role{domain.RoleOfficer, domain.RoleSupervisor, domain.RoleAdmin}
	generateBriefingRoles = domain.BriefingRoles
)

// The English formats of the messages about briefings' addresses. Each is a key of the i18n catalog
// (i18n/catalog_briefing.go).
const (
	msgBadBriefingDate   = "The date %q in the address is not a date of the form YYYY-MM-DD, such as 2026-10-22."
	msgBadBriefingFormat = "The parameter format takes json or html, not %q."
	msgBadBriefingLang   = "The parameter lang takes mk, sq or en, not %q."
)

// briefingMessages lists the formats above, for the test that they are all translated.
var briefingMessages = []string{msgBadBriefingDate, msgBadBriefingFormat, msgBadBriefingLang}

// errNoBriefings reports a Server without a BriefingService: a mistake in wiring, logged as an internal error.
var errNoBriefings = errors.New("intake: Server.Briefings is not set")

//go:embed briefing.html
var briefingHTML string

// briefingTemplate renders a briefing as a page that needs nothing else: no scripts, no external
// styles, fonts or images, printable as it is.
var briefingTemplate = template.Must(template.New("briefing").Parse(briefingHTML))

// registerBriefingRoutes registers the routes of the mayor's daily briefing on r, the authenticated
// /api/v1 router.
func (s *Server) registerBriefingRoutes(r *mux.Router) {
	r.Handle("/api/v1/briefings", s.requireRole(s.handleBriefingGenerate, generateBriefingRoles...)).Methods(http.MethodPost)
	r.Handle("/api/v1/briefings/latest", s.requireRole(s.handleBriefingLatest, readBriefingRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/briefings/{date}", s.requireRole(s.handleBriefingForDate, readBriefingRoles...)).Methods(http.MethodGet)
}

// handleBriefingLatest handles "GET /api/v1/briefings/latest": the last briefing composed.
func (s *Server) handleBriefingLatest(w http.ResponseWriter, r *http.Request) {
	out, err := briefingOutput(r)
	if err == nil && s.Briefings == nil {
		err = errNoBriefings
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.Briefings.Latest(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeBriefing(w, r, http.StatusOK, out, b)
}

// handleBriefingForDate handles "GET /api/v1/briefings/{date}": the day's current briefing (the last
// composed that day); 404 for a day without one.
func (s *Server) handleBriefingForDate(w http.ResponseWriter, r *http.Request) {
	raw := mux.Vars(r)["date"]
	d, err := domain.ParseDate(raw)
	if err != nil {
		s.writeError(w, r, malformed("date", msgBadBriefingDate, raw))
		return
	}
	out, err := briefingOutput(r)
	if err == nil && s.Briefings == nil {
		err = errNoBriefings
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.Briefings.ForDate(r.Context(), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeBriefing(w, r, http.StatusOK, out, b)
}

// handleBriefingGenerate handles "POST /api/v1/briefings": it composes a briefing now and answers 201
// with it. An Idempotency-Key makes a retry return the same briefing instead of composing another. The
// body is empty or an empty JSON object.
func (s *Server) handleBriefingGenerate(w http.ResponseWriter, r *http.Request) {
	key, err := idempotencyKey(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var body struct{}
	if err := s.decodeJSON(w, r, &body, true); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := briefingOutput(r)
	if err == nil && s.Briefings == nil {
		err = errNoBriefings
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.Briefings.Generate(r.Context(), actorOf(UserFromContext(r.Context())), key)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/briefings/"+b.Date.String())
	s.writeBriefing(w, r, http.StatusCreated, out, b)
}

// briefingFormat is how a briefing is served: as JSON, or as a page in a language.
type briefingFormat struct {
	html bool
	lang domain.Language
}

// briefingOutput reads how the request wants the briefing: ?format=json or html, else the Accept header
// (HTML when it prefers text/html to JSON, as a browser's does); the page in ?lang=, else the reader's
// language (responseLanguage), Macedonian by default.
func briefingOutput(r *http.Request) (briefingFormat, error) {
	q := r.URL.Query()
	var out briefingFormat
	switch f := q.Get("format"); f {
	case "json":
	case "html":
		out.html = true
	case "":
		out.html = prefersHTML(r.Header.Values("Accept"))
	default:
		return out, malformed("format", msgBadBriefingFormat, f)
	}
	out.lang = responseLanguage(r)
	if l := q.Get("lang"); l != "" {
		lang := domain.Language(l)
		if !slices.Contains(domain.Languages, lang) {
			return out, malformed("lang", msgBadBriefingLang, l)
		}
		out.lang = lang
	}
	return out, nil
}

// prefersHTML reports whether Accept headers give text/html a higher quality than JSON (application/json
// or application/*). Without an Accept header, or with */* alone, JSON is served.
func prefersHTML(accept []string) bool {
	var html, json float64
	for _, header := range accept {
		for part := range strings.SplitSeq(header, ",") {
			mediaType, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
			switch mediaType {
			case "text/html", "application/xhtml+xml":
				html = max(html, q)
			case "application/json", "application/*":
				json = max(json, q)
			}
		}
	}
	return html > 0 && html > json
}

// writeBriefing writes the briefing as JSON or as its page.
func (s *Server) writeBriefing(w http.ResponseWriter, r *http.Request, status int, out briefingFormat, b domain.Briefing) {
	h := w.Header()
	h.Add("Vary", "Accept")
	h.Set("Cache-Control", "no-cache")
	if !out.html {
		s.writeJSON(w, r, status, b)
		return
	}
	var buf bytes.Buffer
	if err := briefingTemplate.Execute(&buf, newBriefingPage(b, out.lang)); err != nil {
		s.writeError(w, r, err)
		return
	}
	h.Add("Vary", "Accept-Language")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(out.lang))
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		s.logger().Debug("cannot write response", zap.Error(err))
	}
}

// briefingPage is what the briefing's page shows, every label in the reader's language.
type briefingPage struct {
	Lang     domain.Language
	Title    string
	Day      string
	Composed string
	Since    string
	// TotalsTitle heads Totals, the open cases counted by due bucket.
	TotalsTitle string
	Totals      briefingTable
	Sections    []briefingSection
	Footer      string
}

// briefingSection is a section of the page: a table of its items, or None when it has none.
type briefingSection struct {
	ID    string
	Title string
	Count int
	briefingTable
	// None says the section is empty; Shown says how many of its items are listed, when not all.
	None  string
	Shown string
}

// briefingTable is a table of text.
type briefingTable struct {
	Columns []string
	Rows    [][]string
}

// briefingLocations caches the time zones briefings name.
var briefingLocations sync.Map

// briefingLocation returns the time zone a briefing names (Europe/Skopje when it names none, or one
// unknown here).
func briefingLocation(name string) *time.Location {
	if name == "" {
		name = "Europe/Skopje"
	}
	if loc, ok := briefingLocations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil && name != "Europe/Skopje" {
		return briefingLocation("")
	} else if err != nil {
		return time.UTC // time/tzdata is embedded: this cannot happen
	}
	briefingLocations.Store(name, loc)
	return loc
}

// newBriefingPage returns the page of b in lang. Dates read dd.mm.yyyy and times HH:MM, in the
// briefing's time zone.
func newBriefingPage(b domain.Briefing, lang domain.Language) briefingPage {
	loc := briefingLocation(b.TimeZone)
	text := func(group, key string, args ...any) string { return i18n.BriefingText(lang, group, key, args...) }
	date := func(d domain.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.In(loc).Format("02.01.2006")
	}
	instant := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("02.01.2006 15:04")
	}
	due := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		if l := t.In(loc); l.Hour() == 23 && l.Minute() == 59 {
			return l.Format("02.01.2006") // due by the end of the day
		}
		return instant(t)
	}
	number := func(archive, id string) string {
		if archive != "" {
			return archive
		}
		return id[:min(len(id), 8)]
	}
	days := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	column := func(keys ...string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = text("column", k)
		}
		return out
	}

	p := briefingPage{
		Lang:   lang,
		Title:  text("page", "title"),
		Day:    upperFirst(i18n.BriefingWeekday(lang, b.Date)) + ", " + date(b.Date),
		Footer: text("page", "footer"),

		TotalsTitle: text("page", "totals"),
	}
	if b.Trigger == domain.BriefingByStaff {
		p.Composed = text("page", "staff", instant(b.ComposedAt), b.By)
	} else {
		p.Composed = text("page", "scheduled", instant(b.ComposedAt))
	}
	if b.Since.IsZero() {
		p.Since = text("page", "first", instant(b.NewFrom))
	} else {
		p.Since = text("page", "since", instant(b.Since))
	}
	t := b.Totals
	p.Totals = briefingTable{
		Columns: []string{
			text("bucket", string(domain.DueVeryOverdue)), text("bucket", string(domain.DueOverdue)),
			text("bucket", string(domain.DueToday)), text("bucket", string(domain.DueThisWeek)),
			text("bucket", string(domain.DueLater)), text("bucket", string(domain.DueSuspended)), text("column", "open"),
		},
		Rows: [][]string{{
			strconv.Itoa(t.VeryOverdue), strconv.Itoa(t.Overdue), strconv.Itoa(t.Today), strconv.Itoa(t.ThisWeek),
			strconv.Itoa(t.Later), strconv.Itoa(t.Suspended), strconv.Itoa(t.Open),
		}},
	}

	cases := func(id, title string, s domain.BriefingSection[domain.CaseSummary], cols []string, row func(c domain.CaseSummary) []string) briefingSection {
		sec := briefingSection{ID: id, Title: title, Count: s.Count, briefingTable: briefingTable{Columns: column(cols...)}}
		for _, c := range s.Items {
			sec.Rows = append(sec.Rows, row(c))
		}
		return sec
	}
	caseRow := func(c domain.CaseSummary) []string {
		return []string{number(c.ArchiveNumber, c.ID), text("kind", string(c.Kind)), text("status", string(c.Status)), c.Sector, c.Officer, due(c.DueAt)}
	}
	dueCols := []string{"archiveNumber", "kind", "status", "sector", "officer", "due"}
	p.Sections = []briefingSection{
		cases("new", text("page", "new"), b.New, []string{"archiveNumber", "kind", "status", "sector", "received", "due"}, func(c domain.CaseSummary) []string {
			return []string{number(c.ArchiveNumber, c.ID), text("kind", string(c.Kind)), text("status", string(c.Status)), c.Sector, instant(c.ReceivedAt), due(c.DueAt)}
		}),
		cases("due-today", text("page", "dueToday"), b.DueToday, dueCols, caseRow),
		cases("due-this-week", text("page", "dueThisWeek"), b.DueThisWeek, dueCols, caseRow),
		cases("overdue", text("page", "overdue"), b.Overdue, append(dueCols, "daysOverdue"), func(c domain.CaseSummary) []string {
			return append(caseRow(c), days(c.DaysOverdue))
		}),
	}
	esc := briefingSection{
		ID: "escalations", Title: text("page", "escalations"), Count: b.Escalations.Count,
		briefingTable: briefingTable{Columns: column("when", "notice", "archiveNumber", "kind", "sector", "level")},
	}
	for _, n := range b.Escalations.Items {
		level := ""
		if n.Level != "" {
			level = text("level", string(n.Level))
		}
		esc.Rows = append(esc.Rows, []string{instant(n.At), text("notice", string(n.Kind)), number(n.ArchiveNumber, n.CaseID), text("kind", string(n.CaseKind)), n.Sector, level})
	}
	p.Sections = append(p.Sections, esc,
		cases("media", text("page", "media"), b.OpenMediaQueries, []string{"archiveNumber", "status", "officer", "received", "due"}, func(c domain.CaseSummary) []string {
			return []string{number(c.ArchiveNumber, c.ID), text("status", string(c.Status)), c.Officer, instant(c.ReceivedAt), due(c.DueAt)}
		}))
	ms := briefingSection{
		ID: "milestones", Title: text("page", "milestones", date(b.MilestonesUntil)), Count: b.Milestones.Count,
		briefingTable: briefingTable{Columns: column("due", "item", "title", "case", "sector", "daysOverdue")},
	}
	for _, m := range b.Milestones.Items {
		ms.Rows = append(ms.Rows, []string{due(m.DueAt), text("request", string(m.Kind)), m.Title, number(m.ArchiveNumber, m.CaseID), m.Sector, days(m.DaysOverdue)})
	}
	p.Sections = append(p.Sections, ms)

	for i := range p.Sections {
		sec := &p.Sections[i]
		switch {
		case len(sec.Rows) == 0:
			sec.None = text("page", "none")
		case len(sec.Rows) < sec.Count:
			sec.Shown = text("page", "shown", len(sec.Rows), sec.Count)
		}
	}
	return p
}

// upperFirst returns s with its first letter in upper case: a weekday heading a line ("понеделник").
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
