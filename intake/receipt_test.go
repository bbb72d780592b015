package intake

import (
	"net/http"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

// TestCaseCreateReceivedOnADay checks that a receipt dated by its day is taken as that day in
// Europe/Skopje: now when it is today, the start of the day otherwise; and that a day in the future, a
// day more than a year ago and a malformed day are refused, naming the field, in the reader's language.
func TestCaseCreateReceivedOnADay(t *testing.T) {
	ts := MustOpenServer(t)
	now := time.Now()
	ts.API.Now = func() time.Time { return now }
	today := domain.DateOf(now, skopjeLocation)

	open := func(t *testing.T, user, receivedAt string) (*http.Response, []byte) {
		t.Helper()
		body := validCaseJSON(t, func(m map[string]any) { m["receivedAt"] = receivedAt })
		return ts.Do(t, ts.NewRequest(t, user, http.MethodPost, "/api/v1/cases", body))
	}
	received := func(t *testing.T) time.Time {
		t.Helper()
		opened := ts.Cases.Opened()
		if len(opened) == 0 {
			t.Fatal("no case was opened")
		}
		return opened[len(opened)-1].NewCase.ReceivedAt
	}

	t.Run("OK_TodayIsNow", func(t *testing.T) {
		resp, body := open(t, intakeMK, today.String())
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		if got, want := received(t), now.Truncate(time.Second); !got.Equal(want) {
			t.Errorf("receivedAt = %s, want now, %s", got, want)
		}
	})
	for _, back := range []int{1, 100, 200, 300} {
		day := today.AddDays(-back)
		t.Run("OK_"+day.String()+"FromItsStart", func(t *testing.T) {
			resp, body := open(t, intakeMK, day.String())
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			want := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, skopjeLocation)
			if got := received(t); !got.Equal(want) {
				t.Errorf("receivedAt = %s, want the start of %s in Skopje, %s", got, day, want)
			}
		})
	}
	t.Run("OK_AnInstantAsBefore", func(t *testing.T) {
		at := now.Add(-time.Hour).UTC().Truncate(time.Second)
		resp, body := open(t, intakeMK, at.Format(time.RFC3339))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		if got := received(t); !got.Equal(at) {
			t.Errorf("receivedAt = %s, want %s", got, at)
		}
	})

	refusals := []struct {
		name, day  string
		status     int
		mk, sq, en string
	}{
		{"ErrTomorrow", today.AddDays(1).String(), http.StatusUnprocessableEntity,
			"Датумот на прием е во иднина.", "Data e pranimit është në të ardhmen.", "The date received is in the future."},
		{"ErrTwoYearsAgo", today.AddDays(-730).String(), http.StatusUnprocessableEntity,
			"Датумот на прием е пред повеќе од една година.", "Data e pranimit është më shumë se një vit më parë.", "The date received is more than a year ago."},
		{"ErrNoSuchDay", "2026-02-30", http.StatusBadRequest,
			"Полето receivedAt мора да биде ден, на пример 2026-05-19 (според времето во Скопје), или датум и време во форматот RFC 3339, на пример 2026-05-19T09:30:00+02:00.",
			"Fusha receivedAt duhet të jetë një ditë, për shembull 2026-05-19 (sipas orës së Shkupit), ose datë dhe orë në formatin RFC 3339, për shembull 2026-05-19T09:30:00+02:00.",
			"The field receivedAt must be a day such as 2026-05-19 (in Europe/Skopje), or a date and time in RFC 3339 format such as 2026-05-19T09:30:00+02:00."},
		{"ErrShortDay", "2026-12-4", http.StatusBadRequest, "", "", ""},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			before := len(ts.Cases.Opened())
			for lang, want := range map[domain.Language]string{domain.Macedonian: tc.mk, domain.Albanian: tc.sq, domain.English: tc.en} {
				body := validCaseJSON(t, func(m map[string]any) { m["receivedAt"] = tc.day })
				req := ts.NewRequest(t, intakeNone, http.MethodPost, "/api/v1/cases", body)
				req.Header.Set("Accept-Language", string(lang))
				resp, b := ts.Do(t, req)
				p := assertProblem(t, resp, b, tc.status, domain.EINVALID)
				if p.Field != "receivedAt" {
					t.Errorf("%s: field = %q, want receivedAt", lang, p.Field)
				}
				if want != "" && p.Detail != want {
					t.Errorf("%s: detail = %q, want %q", lang, p.Detail, want)
				}
			}
			if n := len(ts.Cases.Opened()); n != before {
				t.Errorf("%d cases opened for a refused receipt date", n-before)
			}
		})
	}
}
