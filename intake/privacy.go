package intake

import (
	_ "embed"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/predmet/predmet/accesslog"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// privacyRoles are the roles of the privacy routes: erasure, the submitter's copy, the access log.
var privacyRoles = domain.PrivacyRoles

// registerPrivacyRoutes registers the routes of personal data on r, the authenticated /api/v1 router. A
// person is named by e-mail address in the body of a POST, never in a URL, which proxies log.
func (s *Server) registerPrivacyRoutes(r *mux.Router) {
	r.Handle("/api/v1/erasures", s.requireRole(s.handleErasureCreate, privacyRoles...)).Methods(http.MethodPost)
	r.Handle("/api/v1/erasures/{id}", s.requireRole(s.handleErasureGet, privacyRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/people/export", s.requireRole(s.handlePersonExport, privacyRoles...)).Methods(http.MethodPost)
	r.Handle("/api/v1/access-log", s.requireRole(s.handleAccessLog, privacyRoles...)).Methods(http.MethodPost)
}

// erasureView is an erasure as the API shows it: its report, with each refusal's reason in the
// reader's language.
type erasureView struct {
	domain.ErasureReport
	Refused []refusalView `json:"refused"`
}

// refusalView is a case an erasure left alone, with why in the reader's language.
type refusalView struct {
	domain.ErasureRefusal
	Reason string `json:"reason"`
}

func newErasureView(r domain.ErasureReport, lang domain.Language) erasureView {
	v := erasureView{ErasureReport: r, Refused: []refusalView{}}
	if v.Cases == nil {
		v.Cases = []string{}
	}
	if v.ErasureReport.Erased == nil {
		v.ErasureReport.Erased = []string{}
	}
	for _, ref := range r.Refused {
		reason := ref.Reason
		if ref.Format != "" {
			args := make([]any, len(ref.Args))
			for i, a := range ref.Args {
				args[i] = a
			}
			reason = i18n.Translate(lang, ref.Format, args...)
		}
		v.Refused = append(v.Refused, refusalView{ErasureRefusal: ref, Reason: reason})
	}
	return v
}

// handleErasureCreate handles "POST /api/v1/erasures": it erases the personal data of a person (by
// e-mail address) or of a case, and answers 201 with the erasure's report; a retry with the same
// Idempotency-Key answers with the same erasure. Cases under a duty to keep are refused (listed with
// the reason) unless the body overrides the duty; when every case is, the answer is 409 with the reason.
func (s *Server) handleErasureCreate(w http.ResponseWriter, r *http.Request) {
	key, err := idempotencyKey(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req domain.ErasureRequest
	if err := s.decodeJSON(w, r, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	req.Actor, req.IdempotencyKey = actorOf(UserFromContext(r.Context())), key
	report, err := s.Privacy.Erase(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/erasures/"+report.ID)
	s.writeJSON(w, r, http.StatusCreated, newErasureView(report, responseLanguage(r)))
}

// handleErasureGet handles "GET /api/v1/erasures/{id}": an erasure's report.
func (s *Server) handleErasureGet(w http.ResponseWriter, r *http.Request) {
	report, err := s.Privacy.Erasure(r.Context(), mux.Vars(r)["id"], actorOf(UserFromContext(r.Context())))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newErasureView(report, responseLanguage(r)))
}

// exportBody is the body of "POST /api/v1/people/export".
type exportBody struct {
	Email  string `json:"email"`
	CaseID string `json:"caseId"`
}

//go:embed export.html
var exportHTML string

// exportTemplate is the readable page of the submitter's copy.
var exportTemplate = template.Must(template.New("export").Funcs(template.FuncMap{
	"t":     i18n.Translate,
	"label": func(c domain.Case) string { return c.Label() },
	"date":  func(t time.Time) string { return t.In(skopjeLocation).Format("02.01.2006 15:04") },
}).Parse(exportHTML))

// handlePersonExport handles "POST /api/v1/people/export": everything predmet holds about one person
// (by e-mail address) or the submitter of one case, as JSON, or as a readable page with ?format=html
// (or Accept: text/html). Each case exported is recorded in the access log.
func (s *Server) handlePersonExport(w http.ResponseWriter, r *http.Request) {
	var b exportBody
	if err := s.decodeJSON(w, r, &b, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.Privacy.Export(r.Context(), domain.ExportRequest{Email: b.Email, CaseID: b.CaseID, Actor: actorOf(UserFromContext(r.Context()))})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	lang := responseLanguage(r)
	if wantsHTML(r) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Language", string(lang))
		w.Header().Set("Cache-Control", "no-store")
		if err := exportTemplate.Execute(w, struct {
			Lang domain.Language
			domain.SubjectExport
		}{lang, out}); err != nil {
			s.logger().Warn("export page")
		}
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusOK, out)
}

// wantsHTML reports whether the request asks for HTML: ?format=html, or an Accept header that names
// text/html before JSON.
func wantsHTML(r *http.Request) bool {
	if f := r.URL.Query().Get("format"); f != "" {
		return f == "html"
	}
	accept := r.Header.Get("Accept")
	h, j := strings.Index(accept, "text/html"), strings.Index(accept, "application/json")
	return h >= 0 && (j < 0 || h < j)
}

// accessLogBody is the body of "POST /api/v1/access-log": the reads to export. From and To are
// instants or days (Europe/Skopje); Email selects the reads of the person's cases.
type accessLogBody struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Email  string `json:"email"`
	CaseID string `json:"caseId"`
	Reader string `json:"reader"`
}

// handleAccessLog handles "POST /api/v1/access-log": the reads of personal data the body selects, oldest
// first, as JSON, or as CSV with ?format=csv (or Accept: text/csv).
func (s *Server) handleAccessLog(w http.ResponseWriter, r *http.Request) {
	var b accessLogBody
	if err := s.decodeJSON(w, r, &b, true); err != nil {
		s.writeError(w, r, err)
		return
	}
	q := domain.AccessQuery{Reader: b.Reader, Email: b.Email}
	for _, f := range []struct {
		name, value string
		dst         *time.Time
	}{{"from", b.From, &q.From}, {"to", b.To, &q.To}} {
		if f.value == "" {
			continue
		}
		t, ok := parseInstant(f.value)
		if !ok {
			s.writeError(w, r, malformed(f.name, msgBadInstant, f.name))
			return
		}
		*f.dst = t
	}
	if b.CaseID != "" {
		q.CaseIDs = []string{b.CaseID}
	}
	entries, err := s.Privacy.AccessLog(r.Context(), q, actorOf(UserFromContext(r.Context())))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Query().Get("format") == "csv" || strings.Contains(r.Header.Get("Accept"), "text/csv") {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="access-log.csv"`)
		if err := accesslog.WriteCSV(w, entries); err != nil {
			s.logger().Warn("access log CSV")
		}
		return
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Items []domain.AccessEntry `json:"items"`
	}{entries})
}
