package intake

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/predmet/predmet/domain"
)

// recordingOutbox is a domain.OutboxService that records what it is asked and answers with fixed values.
type recordingOutbox struct {
	listed  []domain.NotificationQuery
	resends []domain.ResendRequest
	err     error
}

func (o *recordingOutbox) List(_ context.Context, q domain.NotificationQuery) (domain.Page[domain.NotificationSummary], error) {
	o.listed = append(o.listed, q)
	return domain.Page[domain.NotificationSummary]{Items: []domain.NotificationSummary{{ID: "n1", Kind: domain.NotifyReminder, Status: domain.NotificationIsFailed}}, Limit: 100}, o.err
}

func (o *recordingOutbox) Get(_ context.Context, id string, _ domain.Actor) (domain.OutboxEntry, error) {
	if id != "n1" {
		return domain.OutboxEntry{}, domain.Errorf(domain.ENOTFOUND, "No notification with ID %q.", id)
	}
	return domain.OutboxEntry{NotificationSummary: domain.NotificationSummary{ID: "n1"}}, nil
}

func (o *recordingOutbox) Resend(_ context.Context, r domain.ResendRequest) (domain.NotificationSummary, error) {
	o.resends = append(o.resends, r)
	return domain.NotificationSummary{ID: "n2", ResendOf: r.ID}, o.err
}

func TestOutboxRoutes(t *testing.T) {
	ts := MustOpenServer(t)
	ob := &recordingOutbox{}
	ts.API.Outbox = ob

	t.Run("OK_ListFilters", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/outbox?status=failed,uncertain&kind=answer&limit=5", ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		want := domain.NotificationQuery{Statuses: []domain.NotificationStatus{domain.NotificationIsFailed, domain.NotificationIsUncertain},
			Kinds: []domain.NotificationKind{domain.NotifyAnswer}, Limit: 5}
		if got := ob.listed[len(ob.listed)-1]; !reflect.DeepEqual(got, want) {
			t.Errorf("query = %+v, want %+v", got, want)
		}
	})
	t.Run("ErrBadFilters", func(t *testing.T) {
		for _, path := range []string{"/api/v1/outbox?status=lost", "/api/v1/outbox?kinds=answer", "/api/v1/outbox?limit=0x"} {
			resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, path, ""))
			assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID)
		}
	})
	t.Run("ErrUnknownNotification", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/outbox/nosuch", ""))
		assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
	})
	t.Run("OK_Resend", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/outbox/n1/resend", `{"email": "arta@example.org"}`))
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		var n domain.NotificationSummary
		if err := json.Unmarshal(body, &n); err != nil || n.ResendOf != "n1" {
			t.Errorf("resend answered %s", body)
		}
		if r := ob.resends[len(ob.resends)-1]; r.ID != "n1" || r.Email != "arta@example.org" || r.Actor.UserID != intakeMK {
			t.Errorf("resend request = %+v", r)
		}
	})
	t.Run("ErrResendByIntakeOnly", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, intakeNone, http.MethodPost, "/api/v1/outbox/n1/resend", ""))
		assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
	})
	t.Run("ErrResendUnknownField", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/outbox/n1/resend", `{"mail": "x@example.org"}`))
		assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID)
	})
	t.Run("ErrResendRefused", func(t *testing.T) {
		ob.err = domain.Errorf(domain.ECONFLICT, "The notification was delivered; there is nothing to send again.")
		defer func() { ob.err = nil }()
		resp, body := ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/outbox/n1/resend", ""))
		p := assertProblem(t, resp, body, http.StatusConflict, domain.ECONFLICT)
		if p.Detail != "Известувањето е доставено; нема што повторно да се испрати." {
			t.Errorf("detail = %q, want it in Macedonian", p.Detail)
		}
	})
}
