package intake

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// codes maps each domain error code to its HTTP status: the one table of the package. An EINVALID error
// about the form of a request rather than its content (malformed JSON, a bad header) is a *requestError
// and takes its own status, 400 or 415, instead.
var codes = map[string]int{
	domain.EINVALID:      http.StatusUnprocessableEntity,
	domain.ENOTFOUND:     http.StatusNotFound,
	domain.ECONFLICT:     http.StatusConflict,
	domain.EUNAUTHORIZED: http.StatusUnauthorized,
	domain.EFORBIDDEN:    http.StatusForbidden,
	domain.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	domain.EUNAVAILABLE:  http.StatusServiceUnavailable,
	domain.EINTERNAL:     http.StatusInternalServerError,
	domain.EGONE:         http.StatusGone,
}

// generic is the message for each code, shown when an error's own message has no translation in the
// reader's language (or, for internal errors, always: their messages are for the log).
var generic = map[string]string{
	domain.EINVALID:      msgInvalid,
	domain.ENOTFOUND:     msgNotFound,
	domain.ECONFLICT:     msgConflict,
	domain.EUNAUTHORIZED: msgUnauthorized,
	domain.EFORBIDDEN:    msgForbiddenGeneric,
	domain.ETOOLARGE:     msgTooLargeGeneric,
	domain.EUNAVAILABLE:  msgUnavailable,
	domain.EINTERNAL:     msgInternal,
	domain.EGONE:         msgGone,
}

// The English formats of the messages this package writes. Each is a key of the i18n catalog
// (TestMessagesTranslated).
const (
	msgTokenMissing     = "A token is required: send the header Authorization: Bearer <token>."
	msgTokenInvalid     = "The token is not valid."
	msgSignInOrToken    = "Sign in, or send the header Authorization: Bearer <token>."
	msgBadPerson        = "%q is not a person's ID."
	msgForbidden        = "Your roles do not allow this; it needs one of the roles %s."
	msgContentType      = "The request body must be JSON (Content-Type: application/json), not %q."
	msgBodyEmpty        = "The request body is empty."
	msgBodyNotObject    = "The request body must be a JSON object."
	msgJSONSyntax       = "The request body is not valid JSON at byte %d: %s."
	msgJSONTruncated    = "The request body ends before its JSON object is complete."
	msgJSONType         = "The field %s has the wrong type: expected a JSON %s, got a JSON %s."
	msgUnknownField     = "The field %s is unknown."
	msgBadReceivedAt    = "The field %s must be a day such as 2026-05-19 (in Europe/Skopje), or a date and time in RFC 3339 format such as 2026-05-19T09:30:00+02:00."
	msgTrailingData     = "The request body has more data after the JSON object."
	msgTooLarge         = "The request body is too large; at most %d bytes are allowed."
	msgBodyUnreadable   = "The request body could not be read."
	msgIdempotencyKey   = "The header Idempotency-Key may hold only printable ASCII characters, at most %d."
	msgNoCase           = "No case with ID %q."
	msgNoRoute          = "There is nothing at %s."
	msgMethodNotAllowed = "The method %s is not allowed here; allowed: %s."
	msgNotReady         = "The service is not ready yet."
	msgInvalid          = "The request is not valid."
	msgNotFound         = "What you asked for was not found."
	msgConflict         = "The request conflicts with the current state."
	msgUnauthorized     = "Authentication is required."
	msgForbiddenGeneric = "You are not allowed to do this."
	msgTooLargeGeneric  = "The request is too large."
	msgUnavailable      = "The service is temporarily unavailable; try again shortly."
	msgInternal         = "An internal error occurred."
	msgGone             = "What you asked for was erased."
	msgBadDate          = "The field %s must be a date in the form YYYY-MM-DD, such as 2026-05-19."
	msgBadClock         = "The field %s must be a length of time such as 5wd (working days), 3d (calendar days), 4h (hours) or 30m (minutes)."
	msgNoDeadlineYet    = "The case has no deadline: it is not registered yet."
	msgNoDeadlineKind   = "The case has no deadline: cases of kind %s run no clock."
)

// messages lists the formats above, for the test that they are all translated.
var messages = []string{
	msgTokenMissing, msgTokenInvalid, msgSignInOrToken, msgBadPerson, msgForbidden, msgContentType, msgBodyEmpty, msgBodyNotObject,
	msgJSONSyntax, msgJSONTruncated, msgJSONType, msgUnknownField, msgBadReceivedAt, msgTrailingData, msgTooLarge,
	msgBodyUnreadable, msgIdempotencyKey, msgNoCase, msgNoRoute, msgMethodNotAllowed, msgNotReady,
	msgInvalid, msgNotFound, msgConflict, msgUnauthorized, msgForbiddenGeneric, msgTooLargeGeneric,
	msgUnavailable, msgInternal, msgGone, msgBadDate, msgBadClock, msgNoDeadlineYet, msgNoDeadlineKind,
}

// requestError is an error in the form of a request, not in its content: a malformed body, a bad
// header, the wrong media type. Its code is EINVALID; its status is 400 (or 415), not 422.
type requestError struct {
	status int
	err    *domain.Error
}

func (e *requestError) Error() string { return e.err.Error() }
func (e *requestError) Unwrap() error { return e.err }

// malformed returns a 400 error in the form of a request, naming the field at fault if any.
func malformed(field, format string, args ...any) error {
	e := domain.Errorf(domain.EINVALID, format, args...)
	e.Field = field
	return &requestError{status: http.StatusBadRequest, err: e}
}

// errorStatus returns the HTTP status of err.
func errorStatus(err error) int {
	var re *requestError
	if errors.As(err, &re) {
		return re.status
	}
	if status, ok := codes[domain.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// problem is an RFC 9457 problem details object.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	// Code is the domain error code (domain.EINVALID, ...).
	Code string `json:"code,omitempty"`
	// Field names the input at fault, if any.
	Field     string `json:"field,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	// Details carries the readiness details of /readyz.
	Details map[string]any `json:"details,omitempty"`
}

// problemType returns the URI of a problem type for a domain error code.
func problemType(code string) string {
	if code == "" {
		return "about:blank"
	}
	return "https://predmet.mk/problems/" + code
}

// writeError writes err to the client as application/problem+json, with its detail in the reader's
// language. Internal errors are logged as errors and their messages kept from the client; others are
// logged at debug level only, and invalid input without its message (it may quote personal data).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	s.writeProblem(w, r, err, nil)
}

// writeProblem writes err as a problem, with details as an extension member when not nil.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error, details map[string]any) {
	code, status := domain.ErrorCode(err), errorStatus(err)
	log := s.logger().With(
		zap.String("method", r.Method),
		zap.String("route", routeOf(r)),
		zap.String("requestId", RequestIDFromContext(r.Context())),
		zap.String("code", code),
		zap.Int("status", status),
	)
	var e *domain.Error
	switch {
	case code == domain.EINTERNAL:
		log.Error("internal error", zap.Error(err))
	case code == domain.EINVALID && errors.As(err, &e):
		// The message may quote the input, which may be personal data: log only the field.
		log.Debug("request failed", zap.String("field", e.Field))
	default:
		log.Debug("request failed", zap.Error(err))
	}

	lang := responseLanguage(r)
	p := problem{
		Type:      problemType(code),
		Status:    status,
		Detail:    detail(lang, code, err),
		Code:      code,
		RequestID: RequestIDFromContext(r.Context()),
		Details:   details,
	}
	if errors.As(err, &e) {
		p.Field = e.Field
	}

	h := w.Header()
	switch status {
	case http.StatusUnauthorized:
		challenge := `Bearer realm="predmet"`
		if e := (*domain.Error)(nil); errors.As(err, &e) && e.Format == msgTokenInvalid {
			challenge += `, error="invalid_token"`
		}
		h.Set("WWW-Authenticate", challenge)
	case http.StatusServiceUnavailable:
		h.Set("Retry-After", "5")
	}
	s.writeProblemBody(w, lang, p)
}

// writeProblemBody writes a problem as the response, with its title in lang, the language of its detail.
func (s *Server) writeProblemBody(w http.ResponseWriter, lang domain.Language, p problem) {
	p.Title = problemTitle(lang, p.Status)
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Language", string(lang))
	h.Add("Vary", "Accept-Language")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	if err := json.NewEncoder(w).Encode(p); err != nil {
		s.logger().Debug("cannot write problem", zap.Error(err))
	}
}

// problemTitle returns the title of a problem of the HTTP status in lang: the status's reason phrase
// (http.StatusText), translated by the i18n catalog.
func problemTitle(lang domain.Language, status int) string {
	return i18n.Translate(lang, http.StatusText(status))
}

// detail returns the message of err for people who read lang: the error's own message, translated,
// when the catalog has it (or the reader reads English); else the general message for its code.
// Internal errors always get the general message: theirs may reveal the system's insides.
func detail(lang domain.Language, code string, err error) string {
	var e *domain.Error
	if code != domain.EINTERNAL && errors.As(err, &e) {
		switch {
		case e.Format != "" && (lang == domain.English || i18n.Has(e.Format)):
			return i18n.Translate(lang, e.Format, e.Args...)
		case e.Format == "" && lang == domain.English && e.Message != "":
			return e.Message
		}
	}
	format, ok := generic[code]
	if !ok {
		format = msgInternal
	}
	return i18n.Translate(lang, format)
}

// responseLanguage returns the language of messages for people: the authenticated user's, else the one
// the Accept-Language header prefers.
func responseLanguage(r *http.Request) domain.Language {
	if u := userOf(r); u != nil && u.Language != "" {
		return u.Language
	}
	return i18n.Negotiate(r.Header.Get("Accept-Language"))
}

// joinRoles renders roles for a message: "intake, officer, admin".
func joinRoles(roles []domain.Role) string {
	parts := make([]string, len(roles))
	for i, r := range roles {
		parts[i] = string(r)
	}
	return strings.Join(parts, ", ")
}
