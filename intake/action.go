package intake

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/predmet/predmet/domain"
)

// actionBody is the body of "POST /api/v1/cases/{id}/actions/{action}": the fields of a
// domain.ActionRequest other than the action (in the path) and the actor (the authenticated user).
// Dates and clocks are read here, so that a malformed one is reported with its field.
type actionBody struct {
	Officer   string  `json:"officer"`
	Sector    string  `json:"sector"`
	RequestID string  `json:"requestId"`
	Due       *string `json:"due"`
	DueIn     *string `json:"dueIn"`
	Optional  bool    `json:"optional"`
	// ShareContact (request_input) lets the sector asked read the submitter's contact details.
	ShareContact bool               `json:"shareContact"`
	Kind         domain.RequestKind `json:"kind"`
	Title        string             `json:"title"`
	To           string             `json:"to"`
	Into         string             `json:"into"`
	By           *string            `json:"by"`
	Year         int                `json:"year"`
	Reason       string             `json:"reason"`
	Note         string             `json:"note"`
}

// handleCaseAction handles "POST /api/v1/cases/{id}/actions/{action}": it takes a staff action on a case
// and answers 200 with the case as it is after it. Every staff role may call it: the domain decides
// which roles may take which action (403), in which state (409).
func (s *Server) handleCaseAction(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	action, err := domain.ParseAction(mux.Vars(r)["action"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	key, err := idempotencyKey(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var b actionBody
	if err := s.decodeJSON(w, r, &b, true); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := b.request(action, actorOf(UserFromContext(r.Context())))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.Cases.Act(r.Context(), id, req, key)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newCaseView(c, responseLanguage(r)))
}

// request returns the action request of the body, or a 400 error naming a malformed date or clock.
func (b actionBody) request(action domain.Action, actor domain.Actor) (domain.ActionRequest, error) {
	req := domain.ActionRequest{
		Action: action, Actor: actor,
		Officer: b.Officer, Sector: b.Sector, RequestID: b.RequestID, Optional: b.Optional, ShareContact: b.ShareContact, Kind: b.Kind,
		Title: b.Title, To: b.To, Into: b.Into, Year: b.Year, Reason: b.Reason, Note: b.Note,
	}
	if b.Due != nil {
		d, err := domain.ParseDate(*b.Due)
		if err != nil {
			return domain.ActionRequest{}, malformed("due", msgBadDate, "due")
		}
		req.Due = &d
	}
	var err error
	if req.DueIn, err = parseClockField("dueIn", b.DueIn); err != nil {
		return domain.ActionRequest{}, err
	}
	if req.By, err = parseClockField("by", b.By); err != nil {
		return domain.ActionRequest{}, err
	}
	return req, nil
}

// parseClockField parses the clock s ("5wd", "3d", "4h", "30m") of a field of a body; nil stays nil.
func parseClockField(field string, s *string) (*domain.Clock, error) {
	if s == nil {
		return nil, nil
	}
	c, err := domain.ParseClock(*s)
	if err != nil {
		return nil, malformed(field, msgBadClock, field)
	}
	return &c, nil
}

// actorOf returns the actor of a staff user: their ID, roles and sector.
func actorOf(u *domain.StaffUser) domain.Actor {
	if u == nil {
		return domain.Actor{}
	}
	return domain.Actor{UserID: u.ID, Roles: append([]domain.Role(nil), u.Roles...), Sector: u.Sector}
}
