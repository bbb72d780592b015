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
		Actor:          domain.Actor{UserID: UserFromContext(r.Context()).ID},
		IdempotencyKey: key,
		RequestID:      RequestIDFromContext(r.Context()),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	s.writeJSON(w, r, http.StatusCreated, newCaseView(c))
}

// handleCaseView handles "GET /api/v1/cases/{id}".
func (s *Server) handleCaseView(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.Cases.Case(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newCaseView(c))
}

// handleCaseEvents handles "GET /api/v1/cases/{id}/events": the case's history, oldest first.
func (s *Server) handleCaseEvents(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	events, err := s.Cases.CaseEvents(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newEventsView(events))
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
// that a malformed date is reported with its field.
type newCaseBody struct {
	domain.NewCase
	ReceivedAt string `json:"receivedAt"`
}

// decodeNewCase reads the body of "POST /api/v1/cases". Errors in the form of the body are 400 (415 for
// another media type, 413 for a body over MaxBodyBytes); whether the case is valid is for Validate.
func (s *Server) decodeNewCase(w http.ResponseWriter, r *http.Request) (domain.NewCase, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		e := domain.Errorf(domain.EINVALID, msgContentType, r.Header.Get("Content-Type"))
		return domain.NewCase{}, &requestError{status: http.StatusUnsupportedMediaType, err: e}
	}
	max := s.maxBodyBytes()
	body := bufio.NewReader(http.MaxBytesReader(w, r.Body, max))
	if err := expectObject(body); err != nil {
		return domain.NewCase{}, decodeError(err, max)
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	var b newCaseBody
	if err := dec.Decode(&b); err != nil {
		return domain.NewCase{}, decodeError(err, max)
	}
	if _, err := dec.Token(); err != io.EOF {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return domain.NewCase{}, decodeError(err, max)
		}
		return domain.NewCase{}, malformed("", msgTrailingData)
	}

	nc := b.NewCase
	if b.ReceivedAt != "" {
		t, err := time.Parse(time.RFC3339, b.ReceivedAt)
		if err != nil {
			return domain.NewCase{}, malformed("receivedAt", msgBadTime, "receivedAt")
		}
		nc.ReceivedAt = t
	}
	return nc, nil
}

// errNotObject reports a body whose JSON value is not an object.
var errNotObject = errors.New("not a JSON object")

// expectObject skips white space and checks that the next byte opens a JSON object.
func expectObject(r *bufio.Reader) error {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return r.UnreadByte()
		}
		return errNotObject
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
	Version           uint64           `json:"version"`
	Deadline          *deadlineView    `json:"deadline"`
}

// deadlineView is a deadline with how it was computed, also in words.
type deadlineView struct {
	domain.Deadline
	Explanation string `json:"explanation"`
}

// newCaseView returns the view of c. Before registration the archive number, registration time and
// deadline are null.
func newCaseView(c *domain.Case) caseView {
	v := caseView{
		ID:           c.ID,
		Kind:         c.Kind,
		Status:       c.Status,
		RegisteredAt: c.RegisteredAt,
		ReceivedAt:   c.ReceivedAt,
		Overdue:      c.Overdue,
		Channel:      c.Channel,
		Language:     c.Language,
		Sector:       c.Sector,
		Subject:      c.Subject,
		Text:         c.Text,
		Submitter:    c.Submitter,
		Version:      c.Version,
	}
	if n := c.ArchiveNumber; n != nil {
		short, long := n.String(), n.Long()
		v.ArchiveNumber, v.ArchiveNumberLong = &short, &long
	}
	if d := c.Deadline; d != nil {
		dueAt, dueDate := d.DueAt, d.DueDate
		v.DueAt, v.DueDate = &dueAt, &dueDate
		v.Deadline = &deadlineView{Deadline: *d, Explanation: d.Explain()}
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

func newEventsView(events []domain.RecordedEvent) eventsView {
	v := eventsView{Events: make([]eventView, len(events))}
	for i, e := range events {
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
