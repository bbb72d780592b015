package intake

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// The roles that may open cases and those that may read them.
var (
	openCaseRoles = []domain.Role{domain.RoleIntake, domain.RoleOfficer, domain.RoleAdmin}
	readCaseRoles = []domain.Role{domain.RoleIntake, domain.RoleOfficer, domain.RoleSupervisor, domain.RoleSectorHead, domain.RoleAdmin}
)

// maxIdempotencyKeyLen is the longest Idempotency-Key header accepted.
const maxIdempotencyKeyLen = 200

// registerCaseRoutes registers the routes of cases on r, the authenticated /api/v1 router.
func (s *Server) registerCaseRoutes(r *mux.Router) {
	r.Handle("/api/v1/cases", s.requireRole(s.handleCaseCreate, openCaseRoles...)).Methods(http.MethodPost)
	r.Handle("/api/v1/cases/{id}", s.requireRole(s.handleCaseView, readCaseRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/cases/{id}/events", s.requireRole(s.handleCaseEvents, readCaseRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/cases/{id}/deadline", s.requireRole(s.handleCaseDeadline, readCaseRoles...)).Methods(http.MethodGet)
	// Every staff role may try an action: the domain decides which roles may take which.
	r.Handle("/api/v1/cases/{id}/actions/{action}", s.requireRole(s.handleCaseAction, domain.Roles...)).Methods(http.MethodPost)
}

// handleCaseCreate handles "POST /api/v1/cases": it opens a case for an incoming document and answers
// 201 with the case, registered in the деловодник.
func (s *Server) handleCaseCreate(w http.ResponseWriter, r *http.Request) {
	key, err := idempotencyKey(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	nc, err := s.decodeNewCase(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// The service validates the case before it writes anything: nothing is half-created.
	c, err := s.Cases.OpenCase(r.Context(), domain.OpenCaseRequest{
		NewCase:        nc,
		Actor:          actorOf(UserFromContext(r.Context())),
		IdempotencyKey: key,
		RequestID:      RequestIDFromContext(r.Context()),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	s.writeJSON(w, r, http.StatusCreated, newCaseView(c, responseLanguage(r)))
}

// handleCaseView handles "GET /api/v1/cases/{id}".
func (s *Server) handleCaseView(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.Cases.Case(r.Context(), id, actorOf(UserFromContext(r.Context())))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newCaseView(c, responseLanguage(r)))
}

// handleCaseEvents handles "GET /api/v1/cases/{id}/events": the case's history, oldest first.
func (s *Server) handleCaseEvents(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	events, err := s.Cases.CaseEvents(r.Context(), id, actorOf(UserFromContext(r.Context())))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newEventsView(events, responseLanguage(r)))
}

// caseID returns the {id} of the request's path. Case IDs are UUIDs: anything else names no case.
func caseID(r *http.Request) (string, error) {
	id := mux.Vars(r)["id"]
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		return "", domain.Errorf(domain.ENOTFOUND, msgNoCase, id)
	}
	return u.String(), nil
}

// idempotencyKey returns the request's Idempotency-Key header: empty, or up to 200 printable ASCII
// characters.
func idempotencyKey(r *http.Request) (string, error) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > maxIdempotencyKeyLen {
		return "", malformed("Idempotency-Key", msgIdempotencyKey, maxIdempotencyKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < ' ' || key[i] > '~' {
			return "", malformed("Idempotency-Key", msgIdempotencyKey, maxIdempotencyKeyLen)
		}
	}
	return key, nil
}

// newCaseBody is the body of "POST /api/v1/cases": a domain.NewCase whose receivedAt is read here, so
// that a malformed date is reported with its field. It is an instant in RFC 3339, or a day YYYY-MM-DD
// in Europe/Skopje, the day the register records (see domain.ReceiptTime for the instant it stands for).
type newCaseBody struct {
	domain.NewCase
	ReceivedAt string `json:"receivedAt"`
}

// decodeNewCase reads the body of "POST /api/v1/cases". Errors in the form of the body are 400 (415 for
// another media type, 413 for a body over MaxBodyBytes); whether the case is valid is for Validate.
func (s *Server) decodeNewCase(w http.ResponseWriter, r *http.Request) (domain.NewCase, error) {
	var b newCaseBody
	if err := s.decodeJSON(w, r, &b, false); err != nil {
		return domain.NewCase{}, err
	}
	nc := b.NewCase
	if b.ReceivedAt != "" {
		t, err := time.Parse(time.RFC3339, b.ReceivedAt)
		if err != nil {
			day, dayErr := domain.ParseDate(b.ReceivedAt)
			if dayErr != nil {
				return domain.NewCase{}, malformed("receivedAt", msgBadReceivedAt, "receivedAt")
			}
			t = domain.ReceiptTime(day, s.now(), skopjeLocation)
		}
		nc.ReceivedAt = t
	}
	return nc, nil
}

// decodeJSON reads a request body that holds one JSON object into v, refusing unknown fields. Errors in
// the form of the body are 400, 415 for a media type other than JSON, 413 for a body over MaxBodyBytes.
// With optional set, an empty body (or one of white space only) is allowed, whatever its media type, and
// leaves v as it is.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any, optional bool) error {
	max := s.maxBodyBytes()
	body := bufio.NewReader(http.MaxBytesReader(w, r.Body, max))
	if optional {
		if _, err := peekNonSpace(body); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return decodeError(err, max)
		}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		e := domain.Errorf(domain.EINVALID, msgContentType, r.Header.Get("Content-Type"))
		return &requestError{status: http.StatusUnsupportedMediaType, err: e}
	}
	if err := expectObject(body); err != nil {
		return decodeError(err, max)
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, max)
	}
	if _, err := dec.Token(); err != io.EOF {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decodeError(err, max)
		}
		return malformed("", msgTrailingData)
	}
	return nil
}

// errNotObject reports a body whose JSON value is not an object.
var errNotObject = errors.New("not a JSON object")

// expectObject skips white space and checks that the next byte opens a JSON object.
func expectObject(r *bufio.Reader) error {
	c, err := peekNonSpace(r)
	if err != nil {
		return err
	} else if c != '{' {
		return errNotObject
	}
	return nil
}

// peekNonSpace skips JSON white space and returns the next byte without consuming it.
func peekNonSpace(r *bufio.Reader) (byte, error) {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c, r.UnreadByte()
	}
}

// decodeError turns an error from reading a JSON body into an error for the client.
func decodeError(err error, max int64) error {
	var (
		tooLarge  *http.MaxBytesError
		syntax    *json.SyntaxError
		typeError *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return domain.Errorf(domain.ETOOLARGE, msgTooLarge, max)
	case errors.Is(err, io.EOF):
		return malformed("", msgBodyEmpty)
	case errors.Is(err, errNotObject):
		return malformed("", msgBodyNotObject)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("", msgJSONTruncated)
	case errors.As(err, &syntax):
		return malformed("", msgJSONSyntax, syntax.Offset, syntax.Error())
	case errors.As(err, &typeError):
		if typeError.Field == "" {
			return malformed("", msgBodyNotObject)
		}
		// The field's path starts with the embedded struct's name: "NewCase.submitter.name".
		field := strings.TrimPrefix(typeError.Field, "NewCase.")
		return malformed(field, msgJSONType, field, jsonType(typeError.Type.Kind().String()), typeError.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no type for this error: `json: unknown field "name"`.
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return malformed(name, msgUnknownField, name)
	}
	return malformed("", msgBodyUnreadable)
}

// jsonType names the JSON type that decodes into a Go kind.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	}
	return "number"
}

// caseView is a case as the API shows it.
type caseView struct {
	ID                string           `json:"id"`
	Kind              domain.CaseKind  `json:"kind"`
	Status            domain.Status    `json:"status"`
	ArchiveNumber     *string          `json:"archiveNumber"`
	ArchiveNumberLong *string          `json:"archiveNumberLong"`
	RegisteredAt      *time.Time       `json:"registeredAt"`
	ReceivedAt        time.Time        `json:"receivedAt"`
	DueAt             *time.Time       `json:"dueAt"`
	DueDate           *domain.Date     `json:"dueDate"`
	Overdue           bool             `json:"overdue"`
	Channel           domain.Channel   `json:"channel"`
	Language          domain.Language  `json:"language"`
	Sector            string           `json:"sector"`
	Subject           string           `json:"subject"`
	Text              string           `json:"text"`
	Submitter         domain.Submitter `json:"submitter"`
	// Erased tells how the case's personal data was erased (null while it is held): the subject, text
	// and submitter then read "[erased]" in the reader's language.
	Erased   *domain.CaseErasure `json:"erased"`
	Version  uint64              `json:"version"`
	Deadline *deadlineView       `json:"deadline"`
	// Officer is the owning officer's user ID, empty until the case is assigned.
	Officer   string         `json:"officer"`
	Requests  []requestView  `json:"requests"`
	Documents []documentView `json:"documents"`
	// RespondBy is when the requester's time to complete the request runs out, while a clarification is awaited.
	RespondBy *time.Time `json:"respondBy"`
	// ClarificationExpiredAt is when RespondBy passed without the request being completed.
	ClarificationExpiredAt *time.Time `json:"clarificationExpiredAt"`
	AnsweredAt             *time.Time `json:"answeredAt"`
	ClosedAt               *time.Time `json:"closedAt"`
	OnTime                 *bool      `json:"onTime"`
	// ForwardedTo, MergedInto and Reason say how the case ended; empty while it runs.
	ForwardedTo string `json:"forwardedTo"`
	MergedInto  string `json:"mergedInto"`
	Reason      string `json:"reason"`
	// Reports are the years whose yearly report a programme submitted.
	Reports []int `json:"reports"`
	// Undelivered lists the messages about the case that could not be delivered (GET /api/v1/outbox
	// resends them).
	Undelivered []domain.CaseNotificationFailed `json:"undelivered"`
}

// deadlineView is a deadline with how it was computed, also in words. Its clocks are in the form
// events store them ({"length": 60, "unit": "calendar_days"}); GET /api/v1/cases/{id}/deadline shows
// them in short.
type deadlineView struct {
	domain.Deadline
	// Suspended, Left and Changes replace the deadline's own, so that suspended is always present and
	// the time left reads the same everywhere.
	Suspended   bool             `json:"suspended"`
	Left        *leftView        `json:"left"`
	Changes     []caseChangeView `json:"changes"`
	Explanation string           `json:"explanation"`
}

// caseChangeView is a change of a case's clock in the case view.
type caseChangeView struct {
	domain.ClockChange
	Left *leftView `json:"left"`
}

// leftView is the time a stopped clock has left: days for day clocks, a duration such as "3h0m0s" for
// hour and minute clocks.
type leftView struct {
	Days     *int   `json:"days,omitempty"`
	Duration string `json:"duration,omitempty"`
}

// newLeftView returns the view of the time left on a clock counted in unit, or nil.
func newLeftView(l *domain.ClockLeft, unit domain.ClockUnit) *leftView {
	if l == nil {
		return nil
	}
	if unit == domain.Hours || unit == domain.Minutes || unit == domain.Seconds {
		return &leftView{Duration: l.Duration.String()}
	}
	days := l.Days
	return &leftView{Days: &days}
}

// requestView is a request for input to a sector, or a programme's activity, milestone or yearly report.
type requestView struct {
	ID       string             `json:"id"`
	Kind     domain.RequestKind `json:"kind"`
	Sector   string             `json:"sector"`
	Title    string             `json:"title"`
	Required bool               `json:"required"`
	// Year is the year a yearly report covers; absent for other requests.
	Year        int                  `json:"year,omitempty"`
	Status      domain.RequestStatus `json:"status"`
	RequestedAt time.Time            `json:"requestedAt"`
	DueAt       time.Time            `json:"dueAt"`
	DueDate     domain.Date          `json:"dueDate"`
	Generation  int                  `json:"generation"`
	Reminders   int                  `json:"reminders"`
	// Escalation is the highest step of the escalation ladder reached (0 for none), at Level.
	Escalation int                     `json:"escalation"`
	Level      *domain.EscalationLevel `json:"level"`
	AnsweredAt *time.Time              `json:"answeredAt"`
	AnsweredBy string                  `json:"answeredBy"`
	// ShareContact is set on a request for input that shares the submitter's contact details with the
	// sector asked.
	ShareContact bool `json:"shareContact"`
}

// documentView is an outgoing document of a case: its number in the register and its date.
type documentView struct {
	Number     string      `json:"number"`
	NumberLong string      `json:"numberLong"`
	Date       domain.Date `json:"date"`
}

// newCaseView returns the view of c. Before registration the archive number, registration time and
// deadline are null.
func newCaseView(c *domain.Case, lang domain.Language) caseView {
	v := caseView{
		ID:                     c.ID,
		Kind:                   c.Kind,
		Status:                 c.Status,
		RegisteredAt:           c.RegisteredAt,
		ReceivedAt:             c.ReceivedAt,
		Overdue:                c.Overdue,
		Channel:                c.Channel,
		Language:               c.Language,
		Sector:                 c.Sector,
		Subject:                c.Subject,
		Text:                   c.Text,
		Submitter:              c.Submitter,
		Version:                c.Version,
		Officer:                c.Officer,
		Requests:               make([]requestView, len(c.Requests)),
		Documents:              make([]documentView, len(c.Documents)),
		RespondBy:              c.RespondBy,
		ClarificationExpiredAt: c.ClarificationExpiredAt,
		AnsweredAt:             c.AnsweredAt,
		ClosedAt:               c.ClosedAt,
		OnTime:                 c.OnTime,
		ForwardedTo:            c.ForwardedTo,
		MergedInto:             c.MergedInto,
		Reason:                 c.Reason,
		Reports:                append([]int{}, c.Reports...),
		Undelivered:            append([]domain.CaseNotificationFailed{}, c.Undelivered...),
		Erased:                 c.Erased,
	}
	if c.Erased != nil {
		erased := i18n.Translate(lang, domain.ErasedText)
		v.Subject, v.Text, v.Submitter = erased, erased, domain.Submitter{Name: erased}
	}
	if n := c.ArchiveNumber; n != nil {
		short, long := n.String(), n.Long()
		v.ArchiveNumber, v.ArchiveNumberLong = &short, &long
	}
	if d := c.Deadline; d != nil {
		dueAt, dueDate := d.DueAt, d.DueDate
		v.DueAt, v.DueDate = &dueAt, &dueDate
		dv := &deadlineView{
			Deadline:    *d,
			Suspended:   d.Suspended,
			Left:        newLeftView(d.Left, d.Clock.Unit),
			Changes:     make([]caseChangeView, len(d.Changes)),
			Explanation: i18n.TranslateMessages(lang, d.Explanation()),
		}
		for i, ch := range d.Changes {
			dv.Changes[i] = caseChangeView{ClockChange: ch, Left: newLeftView(ch.Left, d.Clock.Unit)}
		}
		v.Deadline = dv
	}
	for i, r := range c.Requests {
		v.Requests[i] = requestView{
			ID: r.ID, Kind: r.Kind, Sector: r.Sector, Title: r.Title, Required: r.Required, Year: r.Year,
			Status: r.Status, RequestedAt: r.RequestedAt, DueAt: r.DueAt, DueDate: r.DueDate,
			Generation: r.Generation, Reminders: r.Reminders, Escalation: r.Escalation,
			AnsweredAt: r.AnsweredAt, AnsweredBy: r.AnsweredBy, ShareContact: r.ShareContact,
		}
		if r.Level != "" {
			level := r.Level
			v.Requests[i].Level = &level
		}
	}
	for i, n := range c.Documents {
		v.Documents[i] = documentView{Number: n.String(), NumberLong: n.Long(), Date: n.Date}
	}
	return v
}

// eventsView is the history of a case.
type eventsView struct {
	Events []eventView `json:"events"`
}

// eventView is a recorded event as the API shows it.
type eventView struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Revision uint64          `json:"revision"`
	Position positionView    `json:"position"`
	Created  time.Time       `json:"created"`
	Data     json.RawMessage `json:"data"`
	Metadata json.RawMessage `json:"metadata"`
}

// positionView is a position in the global log.
type positionView struct {
	Commit  uint64 `json:"commit"`
	Prepare uint64 `json:"prepare"`
}

// newEventsView returns the view of a case's events. The personal fields of an event whose personal
// data was erased read "[erased]" in lang.
func newEventsView(events []domain.RecordedEvent, lang domain.Language) eventsView {
	v := eventsView{Events: make([]eventView, len(events))}
	for i, e := range events {
		if domain.IsErasedData(e.Data) {
			e.Data = erasedData(e, lang)
		}
		v.Events[i] = eventView{
			ID:       e.ID,
			Type:     e.Type,
			Revision: e.Revision,
			Position: positionView{Commit: e.Position.Commit, Prepare: e.Position.Prepare},
			Created:  e.Created,
			Data:     rawJSON(e.Data),
			Metadata: rawJSON(e.Metadata),
		}
	}
	return v
}

// erasedData returns the data of an erased event with each of its personal fields reading "[erased]".
func erasedData(e domain.RecordedEvent, lang domain.Language) []byte {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(e.Data, &obj); err != nil {
		return e.Data
	}
	erased, _ := json.Marshal(i18n.Translate(lang, domain.ErasedText))
	for _, f := range domain.PersonalFields(e.Type) {
		obj[f.Name] = erased
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return e.Data
	}
	return out
}

// rawJSON returns b as it is if it is JSON, null if it is empty, or else a JSON string of its base64.
func rawJSON(b []byte) json.RawMessage {
	switch {
	case len(b) == 0:
		return json.RawMessage("null")
	case json.Valid(b):
		return json.RawMessage(b)
	}
	s, _ := json.Marshal(b)
	return s
}
