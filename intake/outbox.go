package intake

import (
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/predmet/predmet/domain"
)

// The roles that may read the outbox and send a message again.
var (
	outboxReadRoles   = []domain.Role{domain.RoleIntake, domain.RoleOfficer, domain.RoleSupervisor, domain.RoleAdmin}
	outboxResendRoles = []domain.Role{domain.RoleOfficer, domain.RoleSupervisor, domain.RoleAdmin}
)

// The values and parameters of GET /api/v1/outbox.
var (
	notificationStatuses = []domain.NotificationStatus{domain.NotificationIsPending, domain.NotificationIsSending,
		domain.NotificationIsSent, domain.NotificationIsFailed, domain.NotificationIsUncertain, domain.NotificationIsSkipped}
	notificationKinds = []domain.NotificationKind{domain.NotifyReminder, domain.NotifyEscalation, domain.NotifyOverdue,
		domain.NotifyAssignment, domain.NotifyAcknowledgement, domain.NotifyAnswer, domain.NotifyBriefing, domain.NotifyDigest}
	outboxParams = []string{"status", "kind", "case", "limit", "offset"}
)

// errNoOutbox reports a Server without Outbox: a mistake in wiring.
var errNoOutbox = errors.New("intake: Server.Outbox is not set")

// registerOutboxRoutes registers the routes of the outbox on r, the authenticated /api/v1 router.
func (s *Server) registerOutboxRoutes(r *mux.Router) {
	r.Handle("/api/v1/outbox", s.requireRole(s.handleOutboxList, outboxReadRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/outbox/{id}", s.requireRole(s.handleOutboxGet, outboxReadRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/outbox/{id}/resend", s.requireRole(s.handleOutboxResend, outboxResendRoles...)).Methods(http.MethodPost)
}

// handleOutboxList handles "GET /api/v1/outbox": the notifications, the most recently queued first, with
// where their delivery stands, filtered by status, kind and case.
func (s *Server) handleOutboxList(w http.ResponseWriter, r *http.Request) {
	q := newReadQuery(r, outboxParams...)
	nq := domain.NotificationQuery{
		Statuses: enums(q, "status", notificationStatuses),
		Kinds:    enums(q, "kind", notificationKinds),
		CaseID:   q.caseID("case"),
	}
	nq.Limit, nq.Offset = q.page()
	if err := q.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.Outbox == nil {
		s.writeError(w, r, errNoOutbox)
		return
	}
	page, err := s.Outbox.List(r.Context(), nq)
	if err != nil {
		s.writeError(w, r, readError(err))
		return
	}
	setNextLink(w, r, page.HasMore, nextOffset(page), time.Time{})
	s.writeJSON(w, r, http.StatusOK, page)
}

// handleOutboxGet handles "GET /api/v1/outbox/{id}": one notification and, when it went to the outbox
// (no mail server), its message.
func (s *Server) handleOutboxGet(w http.ResponseWriter, r *http.Request) {
	if s.Outbox == nil {
		s.writeError(w, r, errNoOutbox)
		return
	}
	entry, err := s.Outbox.Get(r.Context(), mux.Vars(r)["id"], actorOf(UserFromContext(r.Context())))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, entry)
}

// resendBody is the optional body of POST /api/v1/outbox/{id}/resend.
type resendBody struct {
	// Email corrects the submitter's address before a message to them goes out again.
	Email string `json:"email"`
}

// handleOutboxResend handles "POST /api/v1/outbox/{id}/resend": a failed or uncertain notification
// queued again under a new ID (202 with the new notification).
func (s *Server) handleOutboxResend(w http.ResponseWriter, r *http.Request) {
	var b resendBody
	if err := s.decodeJSON(w, r, &b, true); err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.Outbox == nil {
		s.writeError(w, r, errNoOutbox)
		return
	}
	n, err := s.Outbox.Resend(r.Context(), domain.ResendRequest{
		ID: mux.Vars(r)["id"], Email: b.Email, Actor: actorOf(UserFromContext(r.Context())),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusAccepted, n)
}
