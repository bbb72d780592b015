package intake

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/predmet/predmet/domain"
)

// The read side: lists, the due-date tracker, the sectors' inboxes, the escalations and the statistics,
// in JSON or, for every table, in CSV. Every route is GET and reads Server.ReadModels; every error in the
// query string is a 400 problem that names the parameter.

// The roles that may read the read models are domain.ReadModelRoles; sector heads may also read their
// own sector's inbox (domain.InboxRoles, domain.InboxSectors).
var (
	readModelRoles = domain.ReadModelRoles
	inboxRoles     = domain.InboxRoles
)

// errNoReadModels reports a Server without ReadModels: a mistake in wiring, logged as an internal error.
var errNoReadModels = errors.New("intake: Server.ReadModels is not set")

// The values the read side's parameters take, beyond those the domain lists.
var (
	requestKinds    = []domain.RequestKind{domain.RequestInput, domain.RequestActivity, domain.RequestMilestone, domain.RequestReport}
	requestStatuses = []domain.RequestStatus{domain.RequestIsOpen, domain.RequestIsAnswered, domain.RequestIsCancelled}
	noticeKinds     = []domain.NoticeKind{domain.NoticeReminder, domain.NoticeEscalation, domain.NoticeOverdue}
	statsGroups     = []string{"kind", "sector", "month"}
	trackerBy       = []string{"sector", "officer"}
)

// The sort fields of each list (domain.CaseQuery and the others say what each means).
var (
	caseSorts    = []string{"receivedAt", "dueAt", "updatedAt", "archiveNumber"}
	trackerSorts = []string{"key", "veryOverdue", "overdue", "today", "thisWeek", "later", "suspended", "open"}
	requestSorts = []string{"dueAt", "requestedAt", "escalation"}
	noticeSorts  = []string{"at"}
)

// The parameters of each route, besides format.
var (
	caseListParams = []string{
		"kind", "status", "sector", "officer", "channel", "language", "open", "due", "receivedFrom",
		"receivedTo", "dueFrom", "dueTo", "sort", "limit", "offset", "now",
	}
	trackerParams    = []string{"kind", "sector", "officer", "now", "sort", "by"}
	requestParams    = []string{"sector", "kind", "status", "case", "due", "escalated", "dueFrom", "dueTo", "sort", "limit", "offset", "now"}
	escalationParams = []string{"case", "kind", "sector", "level", "from", "to", "sort", "limit", "offset"}
	statsParams      = []string{"from", "to", "kind", "sector", "groupBy"}
)

// yearPattern is the form of the year of GET /api/v1/statistics/foi/{year}.
var yearPattern = regexp.MustCompile(`^[0-9]{4}$`)

// registerReadRoutes registers the routes of the read models on r, the authenticated /api/v1 router.
func (s *Server) registerReadRoutes(r *mux.Router) {
	r.Handle("/api/v1/cases", s.requireRole(s.handleCaseList, readModelRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/tracker", s.requireRole(s.handleTracker, readModelRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/requests", s.requireRole(s.handleRequestList, inboxRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/escalations", s.requireRole(s.handleEscalations, readModelRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/statistics", s.requireRole(s.handleStatistics, readModelRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/statistics/foi/{year}", s.requireRole(s.handleFOIReport, readModelRoles...)).Methods(http.MethodGet)
}

// readModels returns the server's read models, or writes a 500 when there are none.
func (s *Server) readModels(w http.ResponseWriter, r *http.Request) (domain.ReadModels, bool) {
	if s.ReadModels == nil {
		s.writeError(w, r, errNoReadModels)
		return nil, false
	}
	return s.ReadModels, true
}

// readError returns an error of the read models for the client: a bad query (EINVALID) is a 400, like
// the errors found in the query string; other errors keep their code.
func readError(err error) error {
	var e *domain.Error
	if errors.As(err, &e) && e.Code == domain.EINVALID {
		return &requestError{status: http.StatusBadRequest, err: e}
	}
	return err
}

// setNextLink sets the Link header to the next page (RFC 8288) when there is one: the request's URL with
// offset moved on and, for lists whose buckets depend on the time, now fixed to the time of this page,
// so that the pages fit together.
func setNextLink(w http.ResponseWriter, r *http.Request, hasMore bool, next int, now time.Time) {
	if !hasMore {
		return
	}
	values := r.URL.Query()
	values.Set("offset", strconv.Itoa(next))
	if !now.IsZero() {
		values.Set("now", now.Format(time.RFC3339Nano))
	}
	u := url.URL{Path: r.URL.Path, RawQuery: values.Encode()}
	w.Header().Set("Link", "<"+u.String()+`>; rel="next"`)
}

// nextOffset returns where the page after p starts.
func nextOffset[T any](p domain.Page[T]) int {
	if p.Limit > 0 {
		return p.Offset + p.Limit
	}
	return p.Offset + len(p.Items)
}

// writePage writes a page of a list, as CSV when asked (named file, with the columns and a row per
// item) or else as JSON (an empty list as []), with the Link to the next page, fixing now there if set.
func writePage[T any](s *Server, w http.ResponseWriter, r *http.Request, page domain.Page[T], now time.Time, asCSV bool,
	file string, columns []string, row func(T) []string) {
	varyAccept(w)
	setNextLink(w, r, page.HasMore, nextOffset(page), now)
	if asCSV {
		s.writeCSV(w, r, file, columns, csvRows(page.Items, row))
		return
	}
	if page.Items == nil {
		page.Items = []T{}
	}
	s.writeJSON(w, r, http.StatusOK, page)
}

// varyAccept notes that the response depends on the Accept header (JSON or CSV).
func varyAccept(w http.ResponseWriter) { w.Header().Add("Vary", "Accept") }

// handleCaseList handles "GET /api/v1/cases": the cases that the query selects, a page at a time, in
// JSON (a domain.Page of domain.CaseSummary) or CSV. A CSV file holds the page the query asks for (up to
// domain.MaxPageLimit rows with limit); export more by following the Link header, which names the next
// page and fixes now.
func (s *Server) handleCaseList(w http.ResponseWriter, r *http.Request) {
	q := newReadQuery(r, caseListParams...)
	cq := domain.CaseQuery{
		Kinds:        enums(q, "kind", domain.CaseKinds),
		Statuses:     enums(q, "status", domain.Statuses),
		Sectors:      q.texts("sector"),
		Officers:     q.texts("officer"),
		Channels:     enums(q, "channel", domain.Channels),
		Languages:    enums(q, "language", domain.Languages),
		Open:         q.boolean("open"),
		Buckets:      enums(q, "due", domain.DueBuckets),
		ReceivedFrom: q.instant("receivedFrom"),
		ReceivedTo:   q.instant("receivedTo"),
		DueFrom:      q.instant("dueFrom"),
		DueTo:        q.instant("dueTo"),
		Sort:         q.sort(caseSorts...),
	}
	cq.Limit, cq.Offset = q.page()
	cq.Now = q.now()
	q.ordered("receivedFrom", cq.ReceivedFrom, "receivedTo", cq.ReceivedTo)
	q.ordered("dueFrom", cq.DueFrom, "dueTo", cq.DueTo)
	asCSV := q.csv(r)
	if err := q.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	rm, ok := s.readModels(w, r)
	if !ok {
		return
	}
	page, err := rm.Cases(r.Context(), cq)
	if err != nil {
		s.writeError(w, r, readError(err))
		return
	}
	writePage(s, w, r, page, cq.Now, asCSV, csvFilename("cases", cq.Now), caseColumns, caseRow)
}

// handleTracker handles "GET /api/v1/tracker": the due-date tracker, the open cases counted by due bucket
// per sector and per officer, in JSON (a domain.DueBoard) or CSV: one row per sector, or per officer with
// by=officer.
func (s *Server) handleTracker(w http.ResponseWriter, r *http.Request) {
	q := newReadQuery(r, trackerParams...)
	bq := domain.DueBoardQuery{
		Kinds:    enums(q, "kind", domain.CaseKinds),
		Sectors:  q.texts("sector"),
		Officers: q.texts("officer"),
		Sort:     q.sort(trackerSorts...),
	}
	bq.Now = q.now()
	by := enum(q, "by", trackerBy, "sector")
	asCSV := q.csv(r)
	if err := q.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	rm, ok := s.readModels(w, r)
	if !ok {
		return
	}
	board, err := rm.DueBoard(r.Context(), bq)
	if err != nil {
		s.writeError(w, r, readError(err))
		return
	}
	varyAccept(w)
	if asCSV {
		rows := board.BySector
		if by == "officer" {
			rows = board.ByOfficer
		}
		at := board.Now
		if at.IsZero() {
			at = bq.Now
		}
		header := append([]string{by}, dueCountColumns...)
		s.writeCSV(w, r, csvFilename("tracker-by-"+by, at), header, csvRows(rows, dueCountRow))
		return
	}
	if board.BySector == nil {
		board.BySector = []domain.DueCount{}
	}
	if board.ByOfficer == nil {
		board.ByOfficer = []domain.DueCount{}
	}
	s.writeJSON(w, r, http.StatusOK, board)
}

// handleRequestList handles "GET /api/v1/requests": the sectors' inboxes, the requests for input that the
// query selects (the open ones unless status says otherwise), in JSON (a domain.Page of
// domain.RequestSummary) or CSV. A caller who is only a sector head sees their own sector's inbox: asking
// for another sector is 403.
func (s *Server) handleRequestList(w http.ResponseWriter, r *http.Request) {
	q := newReadQuery(r, requestParams...)
	rq := domain.RequestQuery{
		Sectors:   q.texts("sector"),
		Kinds:     enums(q, "kind", requestKinds),
		Statuses:  enums(q, "status", requestStatuses),
		CaseID:    q.caseID("case"),
		Buckets:   enums(q, "due", domain.DueBuckets),
		Escalated: q.boolean("escalated"),
		DueFrom:   q.instant("dueFrom"),
		DueTo:     q.instant("dueTo"),
		Sort:      q.sort(requestSorts...),
	}
	rq.Limit, rq.Offset = q.page()
	rq.Now = q.now()
	q.ordered("dueFrom", rq.DueFrom, "dueTo", rq.DueTo)
	asCSV := q.csv(r)
	if err := q.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	sectors, err := domain.InboxSectors(actorOf(UserFromContext(r.Context())), rq.Sectors)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rq.Sectors = sectors
	rm, ok := s.readModels(w, r)
	if !ok {
		return
	}
	page, err := rm.Requests(r.Context(), rq)
	if err != nil {
		s.writeError(w, r, readError(err))
		return
	}
	writePage(s, w, r, page, rq.Now, asCSV, csvFilename("requests", rq.Now), requestColumns, requestRow)
}

// handleEscalations handles "GET /api/v1/escalations": every reminder and escalation (and every notice
// of a case's passed deadline) that the query selects: when, to whom, for which case; in JSON (a
// domain.Page of domain.NoticeSummary) or CSV.
func (s *Server) handleEscalations(w http.ResponseWriter, r *http.Request) {
	q := newReadQuery(r, escalationParams...)
	nq := domain.NoticeQuery{
		CaseID:  q.caseID("case"),
		Kinds:   enums(q, "kind", noticeKinds),
		Sectors: q.texts("sector"),
		Levels:  enums(q, "level", domain.EscalationLevels),
		From:    q.instant("from"),
		To:      q.instant("to"),
		Sort:    q.sort(noticeSorts...),
	}
	nq.Limit, nq.Offset = q.page()
	q.ordered("from", nq.From, "to", nq.To)
	asCSV := q.csv(r)
	if err := q.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	rm, ok := s.readModels(w, r)
	if !ok {
		return
	}
	page, err := rm.Notices(r.Context(), nq)
	if err != nil {
		s.writeError(w, r, readError(err))
		return
	}
	writePage(s, w, r, page, time.Time{}, asCSV, csvFilename("escalations", time.Now()), noticeColumns, noticeRow)
}

// statsView is the body of "GET /api/v1/statistics".
type statsView struct {
	Rows []domain.StatsRow `json:"rows"`
}

// handleStatistics handles "GET /api/v1/statistics": cases opened, answered and closed, the share answered
// on time and the median and 90th percentile of the days to answer, one row per group (groupBy: kind,
// sector, month), in JSON or CSV.
func (s *Server) handleStatistics(w http.ResponseWriter, r *http.Request) {
	q := newReadQuery(r, statsParams...)
	sq := domain.StatsQuery{
		From:    q.month("from"),
		To:      q.month("to"),
		Kinds:   enums(q, "kind", domain.CaseKinds),
		Sectors: q.texts("sector"),
		GroupBy: enums(q, "groupBy", statsGroups),
	}
	q.ordered("from", sq.From, "to", sq.To)
	asCSV := q.csv(r)
	if err := q.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	rm, ok := s.readModels(w, r)
	if !ok {
		return
	}
	rows, err := rm.Statistics(r.Context(), sq)
	if err != nil {
		s.writeError(w, r, readError(err))
		return
	}
	varyAccept(w)
	if asCSV {
		s.writeCSV(w, r, csvFilename("statistics", time.Now()), statsColumns, csvRows(rows, statsRow))
		return
	}
	s.writeJSON(w, r, http.StatusOK, statsView{Rows: append([]domain.StatsRow{}, rows...)})
}

// handleFOIReport handles "GET /api/v1/statistics/foi/{year}": the yearly numbers the Agency for the
// Protection of the Right to Free Access to Public Information asks, in JSON (a domain.FOIReport) or CSV
// (field, value, and a label in the reader's language).
func (s *Server) handleFOIReport(w http.ResponseWriter, r *http.Request) {
	q := newReadQuery(r)
	asCSV := q.csv(r)
	if err := q.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	yearText := mux.Vars(r)["year"]
	if !yearPattern.MatchString(yearText) {
		s.writeError(w, r, malformed("year", msgBadYear, yearText))
		return
	}
	year, _ := strconv.Atoi(yearText)
	rm, ok := s.readModels(w, r)
	if !ok {
		return
	}
	report, err := rm.FOIReport(r.Context(), year)
	if err != nil {
		s.writeError(w, r, readError(err))
		return
	}
	varyAccept(w)
	if asCSV {
		lang := responseLanguage(r)
		w.Header().Set("Content-Language", string(lang))
		w.Header().Add("Vary", "Accept-Language")
		s.writeCSV(w, r, "foi-"+yearText+".csv", foiColumns, foiRows(report, lang))
		return
	}
	s.writeJSON(w, r, http.StatusOK, report)
}
