package engine_test

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/testkit/devstack"
	"github.com/predmet/predmet/notify/smtptest"
)

// mailPolicies makes a petition's request for input fall due 20 seconds after it is made, reminded after 10
// and escalated to the deputy head when due.
const mailPolicies = `{"kinds": {"petition": {"requests": {"clock": "20s", "reminders": ["10s"],
  "escalation": [{"after": "0s", "to": "deputy"}]}}}}`

// receivedMail is a message the test server accepted, parsed.
type receivedMail struct {
	To        []string
	MessageID string
	Language  string
	Kind      string
	Subject   string
	Text      string
}

// parseMail reads a message as the server received it: headers, the decoded subject and the plain text.
func parseMail(tb testing.TB, r smtptest.Received) receivedMail {
	tb.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		tb.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		tb.Fatal(err)
	}
	out := receivedMail{To: r.To, MessageID: msg.Header.Get("Message-Id"), Language: msg.Header.Get("Content-Language"),
		Kind: msg.Header.Get("X-Predmet-Kind"), Subject: subject}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		tb.Fatal(err)
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := parts.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			tb.Fatal(err)
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, err := io.ReadAll(quotedprintable.NewReader(p))
			if err != nil {
				tb.Fatal(err)
			}
			out.Text = string(b)
		}
	}
	return out
}

// mailsTo returns the messages the server accepted for an address, in order.
func mailsTo(tb testing.TB, s *smtptest.Server, address string) []receivedMail {
	tb.Helper()
	var out []receivedMail
	for _, r := range s.Received() {
		for _, to := range r.To {
			if to == address {
				out = append(out, parseMail(tb, r))
			}
		}
	}
	return out
}

// waitMail waits until an address has received a message of the kind, and returns it.
func waitMail(tb testing.TB, s *smtptest.Server, address, kind string, within time.Duration) receivedMail {
	tb.Helper()
	var found receivedMail
	testkit.Eventually(tb, within, func() error {
		for _, m := range mailsTo(tb, s, address) {
			if m.Kind == kind {
				found = m
				return nil
			}
		}
		return fmt.Errorf("no %s message to %s", kind, address)
	})
	return found
}

func TestMailOverSMTP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal in-process and waits for a request to fall due")
	}
	server := smtptest.MustStart(t, smtptest.Options{
		TLS: "starttls", User: "predmet", Password: "s3cret",
		RejectRcpt: map[string]*smtp.SMTPError{"bounce@example.org": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}},
	})
	t.Parallel()
	dir := t.TempDir()
	ca := filepath.Join(dir, "mail-ca.pem")
	policies := filepath.Join(dir, "mail-policies.json")
	for path, content := range map[string][]byte{ca: server.CAPEM, policies: []byte(mailPolicies)} {
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	useStaff, clients := staffClients(t)
	e := devstack.MustStart(t, useStaff, func(c *engine.Config) {
		c.PoliciesFile = policies
		c.SMTP = engine.SMTPConfig{Host: server.Host, Port: server.Port, Security: "starttls", Username: "predmet", Password: "s3cret", CAFile: ca}
		c.MailFrom = "Општина Тест <noreply@opstina-test.example>"
	})
	as := clients(e)

	// A petition from a citizen who writes in Albanian.
	body := petition("Ndriçimi i rrugës", time.Now().Add(-time.Minute))
	body["language"] = "sq"
	body["submitter"] = map[string]any{"name": "Arta Berisha", "email": "arta@example.org"}
	res := as["ana"].do("POST", "/api/v1/cases", body, nil)
	if res.Status != http.StatusCreated {
		t.Fatalf("open: %d %s", res.Status, res.Body)
	}
	var v caseView
	res.decode(t, &v)

	t.Run("OK_AcknowledgementInTheSubmittersLanguage", func(t *testing.T) {
		m := waitMail(t, server, "arta@example.org", "acknowledgement", 60*time.Second)
		if m.Language != "sq" || !strings.Contains(m.Text, v.ArchiveNumber) || !strings.Contains(m.Subject, v.ArchiveNumber) {
			t.Errorf("acknowledgement: language %s, subject %q, text %q; want Albanian with %s", m.Language, m.Subject, m.Text, v.ArchiveNumber)
		}
	})

	t.Run("OK_AssignmentToTheOfficer", func(t *testing.T) {
		step(t, as["elena"], v.ID, domain.ActionAssign, map[string]any{"sector": "urbanism"})
		m := waitMail(t, server, "elena@opstina-test.example", "assignment", 60*time.Second)
		if m.Language != "mk" || !strings.Contains(m.Text, v.ArchiveNumber) {
			t.Errorf("assignment: %+v", m)
		}
	})

	t.Run("OK_ReminderBeforeDueAndEscalationAfter", func(t *testing.T) {
		requested := time.Now()
		step(t, as["elena"], v.ID, domain.ActionRequestInput, map[string]any{"sector": "urbanism", "title": "Мислење за осветлувањето"})
		reminder := waitMail(t, server, "goran@opstina-test.example", "reminder", time.Minute)
		escalation := waitMail(t, server, "jovana@opstina-test.example", "escalation", time.Minute)
		if !strings.Contains(reminder.Text, v.ArchiveNumber) || !strings.Contains(escalation.Text, v.ArchiveNumber) {
			t.Errorf("reminder %q / escalation %q without the archive number", reminder.Text, escalation.Text)
		}
		if took := time.Since(requested); took < 20*time.Second {
			t.Errorf("the escalation came %s after the request, before it was due", took)
		}
		step(t, as["goran"], v.ID, domain.ActionAnswerRequest, map[string]any{"requestId": "r1"})
	})

	t.Run("OK_AnswerInTheSubmittersLanguage", func(t *testing.T) {
		step(t, as["elena"], v.ID, domain.ActionDraft, nil)
		step(t, as["head"], v.ID, domain.ActionApprove, nil)
		step(t, as["elena"], v.ID, domain.ActionAnswer, nil)
		m := waitMail(t, server, "arta@example.org", "answer", 60*time.Second)
		if m.Language != "sq" || !strings.Contains(m.Text, v.ArchiveNumber) {
			t.Errorf("answer: %+v", m)
		}
	})

	t.Run("ErrRejectedAddressIsShownAndResentToTheCorrectedOne", func(t *testing.T) {
		body := petition("Дупка на патот", time.Now().Add(-time.Minute))
		body["submitter"] = map[string]any{"name": "Марко Марковски", "email": "bounce@example.org"}
		res := as["ana"].do("POST", "/api/v1/cases", body, nil)
		if res.Status != http.StatusCreated {
			t.Fatalf("open: %d %s", res.Status, res.Body)
		}
		var bounced caseView
		res.decode(t, &bounced)

		var failed struct {
			Items []struct {
				ID     string `json:"id"`
				Kind   string `json:"kind"`
				Status string `json:"status"`
				Code   int    `json:"code"`
			} `json:"items"`
		}
		testkit.Eventually(t, 60*time.Second, func() error {
			res := as["head"].do("GET", "/api/v1/outbox?status=failed&case="+bounced.ID, nil, nil)
			if res.Status != http.StatusOK {
				return fmt.Errorf("outbox: %d %s", res.Status, res.Body)
			}
			res.decode(t, &failed)
			if len(failed.Items) != 1 {
				return fmt.Errorf("failed notifications of the case: %s", res.Body)
			}
			return nil
		})
		if n := failed.Items[0]; n.Kind != "acknowledgement" || n.Code != 550 {
			t.Errorf("failed notification %+v, want the acknowledgement refused with 550", n)
		}
		// The failure is an event on the case, for staff to see there.
		testkit.Eventually(t, 30*time.Second, func() error {
			for _, ev := range as["head"].events(bounced.ID).Events {
				if ev.Type == domain.EventCaseNotificationFailed {
					return nil
				}
			}
			return fmt.Errorf("no %s on the case", domain.EventCaseNotificationFailed)
		})

		var view struct {
			Undelivered []struct {
				NotificationID string `json:"notificationId"`
				Recipient      string `json:"recipient"`
			} `json:"undelivered"`
		}
		as["elena"].do("GET", "/api/v1/cases/"+bounced.ID, nil, nil).decode(t, &view)
		if len(view.Undelivered) != 1 || view.Undelivered[0].NotificationID != failed.Items[0].ID || view.Undelivered[0].Recipient != "submitter" {
			t.Errorf("the case view's undelivered = %+v", view.Undelivered)
		}

		res = as["elena"].do("POST", "/api/v1/outbox/"+failed.Items[0].ID+"/resend", map[string]any{"email": "not an address"}, nil)
		if res.Status != http.StatusBadRequest && res.Status != http.StatusUnprocessableEntity {
			t.Errorf("resend to a malformed address: %d %s", res.Status, res.Body)
		}
		res = as["elena"].do("POST", "/api/v1/outbox/"+failed.Items[0].ID+"/resend", map[string]any{"email": "marko@example.org"}, nil)
		if res.Status != http.StatusAccepted {
			t.Fatalf("resend: %d %s", res.Status, res.Body)
		}
		m := waitMail(t, server, "marko@example.org", "acknowledgement", 60*time.Second)
		if m.Language != "mk" || !strings.Contains(m.Text, bounced.ArchiveNumber) {
			t.Errorf("resent acknowledgement: %+v", m)
		}
		// A second resend of the same failure queues nothing new.
		res = as["elena"].do("POST", "/api/v1/outbox/"+failed.Items[0].ID+"/resend", nil, nil)
		if res.Status != http.StatusAccepted {
			t.Errorf("second resend: %d %s", res.Status, res.Body)
		}
	})

	t.Run("OK_EveryMessageOnce", func(t *testing.T) {
		// A message is sent again only by a delivery still under way. Once no notification is pending or
		// being sent, every one has been handed over (or refused for good) and nothing can arrive again.
		var outbox struct {
			Items []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"items"`
		}
		testkit.Eventually(t, 60*time.Second, func() error {
			res := as["head"].do("GET", "/api/v1/outbox?status=pending,sending&limit=1000", nil, nil)
			if res.Status != http.StatusOK {
				return fmt.Errorf("outbox: %d %s", res.Status, res.Body)
			}
			res.decode(t, &outbox)
			if len(outbox.Items) != 0 {
				return fmt.Errorf("%d notifications not yet delivered: %s", len(outbox.Items), res.Body)
			}
			return nil
		})
		seen := map[string]int{}
		for _, r := range server.Received() {
			seen[parseMail(t, r).MessageID]++
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s arrived %d times", id, n)
			}
		}
		res := as["head"].do("GET", "/api/v1/outbox?status=sent&limit=1000", nil, nil)
		res.decode(t, &outbox)
		if len(outbox.Items) != len(seen) {
			t.Errorf("%d notifications sent, %d distinct messages received", len(outbox.Items), len(seen))
		}
		if len(mailsTo(t, server, "marko@example.org")) != 1 {
			t.Errorf("the resent acknowledgement arrived %d times", len(mailsTo(t, server, "marko@example.org")))
		}
	})
}
