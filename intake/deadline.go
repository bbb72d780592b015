package intake

import (
	"net/http"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// handleCaseDeadline handles "GET /api/v1/cases/{id}/deadline": the case's deadline and how it was
// computed, explained in the reader's language (chosen as for errors). A case not yet registered, or of
// a kind that runs no clock, has none (404).
func (s *Server) handleCaseDeadline(w http.ResponseWriter, r *http.Request) {
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
	if c.Deadline == nil {
		if c.Status == domain.StatusReceived || c.ArchiveNumber == nil {
			s.writeError(w, r, domain.Errorf(domain.ENOTFOUND, msgNoDeadlineYet))
		} else {
			s.writeError(w, r, domain.Errorf(domain.ENOTFOUND, msgNoDeadlineKind, c.Kind))
		}
		return
	}
	lang := responseLanguage(r)
	h := w.Header()
	h.Set("Content-Language", string(lang))
	h.Add("Vary", "Accept-Language")
	s.writeJSON(w, r, http.StatusOK, newDeadlineDetailView(c, lang))
}

// deadlineDetailView is a case's deadline with every step of its computation. Clocks are in short form.
type deadlineDetailView struct {
	CaseID string    `json:"caseId"`
	Start  time.Time `json:"start"`
	// Clock is the case's clock, e.g. "60d" or "15wd".
	Clock       string              `json:"clock"`
	DueAt       time.Time           `json:"dueAt"`
	DueDate     domain.Date         `json:"dueDate"`
	DaysCounted int                 `json:"daysCounted"`
	Skipped     []domain.SkippedDay `json:"skipped"`
	MovedFrom   *domain.Date        `json:"movedFrom"`
	Changes     []clockChangeView   `json:"changes"`
	Suspended   bool                `json:"suspended"`
	Left        *leftView           `json:"left"`
	Overdue     bool                `json:"overdue"`
	// Explanation is how the deadline was computed (domain.Deadline.Explanation), in Language: the
	// reader's.
	Explanation string          `json:"explanation"`
	Language    domain.Language `json:"language"`
}

// clockChangeView is an extension, suspension or resumption of a clock and what it did.
type clockChangeView struct {
	Kind   domain.ClockChangeKind `json:"kind"`
	Source domain.ClockSource     `json:"source"`
	At     time.Time              `json:"at"`
	// By is an extension's length, e.g. "10d"; null for suspensions and resumptions.
	By     *string `json:"by"`
	Reason string  `json:"reason"`
	// DueAt and DueDate are the due instant and date after the change; Left the time left while stopped.
	DueAt   time.Time   `json:"dueAt"`
	DueDate domain.Date `json:"dueDate"`
	Left    *leftView   `json:"left"`
}

// newDeadlineDetailView returns the deadline view of c, which must have a deadline, explained in lang.
func newDeadlineDetailView(c *domain.Case, lang domain.Language) deadlineDetailView {
	d := c.Deadline
	v := deadlineDetailView{
		CaseID:      c.ID,
		Start:       d.Start,
		Clock:       d.Clock.String(),
		DueAt:       d.DueAt,
		DueDate:     d.DueDate,
		DaysCounted: d.DaysCounted,
		Skipped:     append([]domain.SkippedDay{}, d.Skipped...),
		MovedFrom:   d.MovedFrom,
		Changes:     make([]clockChangeView, len(d.Changes)),
		Suspended:   d.Suspended,
		Left:        newLeftView(d.Left, d.Clock.Unit),
		Overdue:     c.Overdue,
		Explanation: i18n.TranslateMessages(lang, d.Explanation()),
		Language:    lang,
	}
	for i, ch := range d.Changes {
		cv := clockChangeView{
			Kind: ch.Kind, Source: ch.Source, At: ch.At, Reason: ch.Reason,
			DueAt: ch.DueAt, DueDate: ch.DueDate, Left: newLeftView(ch.Left, d.Clock.Unit),
		}
		if ch.By != (domain.Clock{}) {
			by := ch.By.String()
			cv.By = &by
		}
		v.Changes[i] = cv
	}
	return v
}
