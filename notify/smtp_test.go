package notify_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/notify"
)

var skopje = mustLocation("Europe/Skopje")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// MustTemplates loads the templates, overridden from dir if it is not empty.
func MustTemplates(tb testing.TB, dir string) *notify.Templates {
	tb.Helper()
	t, err := notify.LoadTemplates(notify.TemplateOptions{
		Dir: dir,
		Municipality: map[domain.Language]string{
			domain.Macedonian: "Општина Пример", domain.Albanian: "Komuna e Shembullit", domain.English: "Municipality of Primer",
		},
		Location: skopje,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// MustComposer returns a composer for the municipality's department.
func MustComposer(tb testing.TB) *notify.Composer {
	tb.Helper()
	return &notify.Composer{
		Templates: MustTemplates(tb, ""),
		From:      mail.Address{Name: "Општина Пример", Address: "noreply@opstina-primer.example"},
		ReplyTo:   mail.Address{Name: "Одделение за односи со јавноста", Address: "odnosi@opstina-primer.example"},
	}
}

// sampleMail composes a message of kind in lang, with the kind's first sample, to one recipient.
func sampleMail(tb testing.TB, c *notify.Composer, kind domain.NotificationKind, lang domain.Language, to ...mail.Address) (notify.Message, notify.Mail) {
	tb.Helper()
	if len(to) == 0 {
		to = []mail.Address{{Name: "Марија Стојановска", Address: "marija.stojanovska@opstina-primer.example"}}
	}
	msg := notify.Message{
		NotificationID: domain.DeterministicID("test", string(kind), string(lang)),
		Kind:           kind, Language: lang, To: to,
		Date: time.Date(2026, time.May, 26, 8, 0, 0, 0, skopje),
		Data: notify.Samples(kind, lang)[0],
	}
	m, err := c.Compose(msg)
	if err != nil {
		tb.Fatal(err)
	}
	return msg, m
}

// facts are what a message rendered from data must say, taken from the data itself: its numbers
// and its dates as dd.mm.yyyy.
func facts(data any) []string {
	day := func(t time.Time) string { return t.In(skopje).Format("02.01.2006") }
	date := func(d domain.Date) string { return fmt.Sprintf("%02d.%02d.%04d", d.Day, int(d.Month), d.Year) }
	switch d := data.(type) {
	case notify.ReminderData:
		return []string{d.ArchiveNumber, d.RequestID, day(d.DueAt), d.Sector, d.Recipient, d.Link}
	case notify.EscalationData:
		return []string{d.ArchiveNumber, d.RequestID, day(d.DueAt), d.Sector, d.Recipient}
	case notify.OverdueData:
		return []string{d.ArchiveNumber, date(d.ReceivedDate), day(d.DueAt), d.Recipient}
	case notify.AssignmentData:
		return []string{d.ArchiveNumber, date(d.ReceivedDate), day(d.DueAt), d.Recipient, d.AssignedBy}
	case notify.AcknowledgementData:
		return []string{d.ArchiveNumber.String(), date(d.ArchiveNumber.Date), date(d.ExpectedAnswerDate), d.SubmitterName, d.LookupCode}
	case notify.AnswerData:
		return []string{d.ArchiveNumber.String(), d.Document.String(), date(d.Document.Date), d.SubmitterName}
	case notify.BriefingData:
		return []string{date(d.Date), d.New.Rows[0].ArchiveNumber, d.Overdue.Rows[0].ArchiveNumber, d.Milestones.Rows[0].Title}
	case notify.DigestData:
		return []string{d.Sector, date(d.Date), d.Requests[0].ArchiveNumber, d.Requests[1].RequestID}
	}
	panic(fmt.Sprintf("no facts for %T", data))
}

var (
	cyrillic      = regexp.MustCompile(`\p{Cyrillic}`)
	cyrillicWords = regexp.MustCompile(`\p{Cyrillic}{3,}`)
)

// TestSendEveryMessage renders each kind of message in each language, sends it to a real SMTP
// server and reads it back as a mail client would.
func TestSendEveryMessage(t *testing.T) {
	srv := MustStartServer(t, ServerOptions{})
	sender := MustSender(t, srv.Config())
	c := MustComposer(t)
	for _, kind := range notify.Kinds {
		for _, lang := range domain.Languages {
			t.Run(string(kind)+"."+string(lang), func(t *testing.T) {
				msg, m := sampleMail(t, c, kind, lang)
				before := len(srv.Received())
				if err := sender.Send(context.Background(), m); err != nil {
					t.Fatal(err)
				}
				got := srv.Received()
				if len(got) != before+1 {
					t.Fatalf("server received %d messages, want %d", len(got), before+1)
				}
				r := got[len(got)-1]
				if r.From != "noreply@opstina-primer.example" || !slices.Equal(r.To, []string{msg.To[0].Address}) {
					t.Errorf("envelope from %q to %q", r.From, r.To)
				}
				p := MustParse(t, r.Data)

				if id := p.Header.Get("Message-ID"); id != notify.MessageID(msg.NotificationID, "opstina-primer.example") {
					t.Errorf("Message-ID %q", id)
				}
				if d, err := p.Header.Date(); err != nil || !d.Equal(msg.Date) {
					t.Errorf("Date %q (%v), want %v", p.Header.Get("Date"), err, msg.Date)
				}
				if a := MustAddress(t, p.Header, "From"); *a != c.From {
					t.Errorf("From %v, want %v", a, c.From)
				}
				if a := MustAddress(t, p.Header, "To"); *a != msg.To[0] {
					t.Errorf("To %v, want %v", a, msg.To[0])
				}
				if a := MustAddress(t, p.Header, "Reply-To"); *a != c.ReplyTo {
					t.Errorf("Reply-To %v, want %v", a, c.ReplyTo)
				}
				if p.Header.Get("Content-Language") != string(lang) || p.Header.Get("Auto-Submitted") != "auto-generated" {
					t.Errorf("Content-Language %q, Auto-Submitted %q", p.Header.Get("Content-Language"), p.Header.Get("Auto-Submitted"))
				}
				if p.Subject != m.Subject || strings.ContainsAny(p.Subject, "\r\n") {
					t.Errorf("subject %q, want %q", p.Subject, m.Subject)
				}
				if lang == domain.Macedonian && !strings.HasPrefix(p.RawSubject, "=?utf-8?") {
					t.Errorf("Macedonian subject not encoded: %q", p.RawSubject)
				}
				if want := []string{"text/plain; charset=utf-8; quoted-printable", "text/html; charset=utf-8; quoted-printable"}; !slices.Equal(p.Parts, want) {
					t.Errorf("parts %q, want %q", p.Parts, want)
				}
				if strings.TrimRight(p.Text, "\n") != m.Text || strings.TrimRight(p.HTML, "\n") != m.HTML {
					t.Errorf("bodies changed in transit:\n%s\n---\n%s", p.Text, m.Text)
				}

				// Written in the recipient's language.
				switch lang {
				case domain.Macedonian:
					if n := len(cyrillicWords.FindAllString(p.Text, -1)); n < 15 {
						t.Errorf("Macedonian text has %d Cyrillic words:\n%s", n, p.Text)
					}
				case domain.Albanian:
					if cyrillic.MatchString(p.Text) || !strings.Contains(p.Text, "ë") {
						t.Errorf("Albanian text not in Albanian:\n%s", p.Text)
					}
				case domain.English:
					if cyrillic.MatchString(p.Text) || strings.Contains(p.Text, "ë") {
						t.Errorf("English text not in English:\n%s", p.Text)
					}
				}
				for _, f := range facts(msg.Data) {
					if f == "" {
						continue
					}
					if !strings.Contains(p.Text, f) {
						t.Errorf("text does not say %q:\n%s", f, p.Text)
					}
					if !strings.Contains(p.HTML, htmlEscape(f)) {
						t.Errorf("HTML does not say %q:\n%s", f, p.HTML)
					}
				}
				if !strings.Contains(p.Text, "Пример") && !strings.Contains(p.Text, "Shembullit") && !strings.Contains(p.Text, "Primer") {
					t.Errorf("text is not signed by the municipality:\n%s", p.Text)
				}
			})
		}
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestSendSeveralRecipients(t *testing.T) {
	srv := MustStartServer(t, ServerOptions{})
	to := []mail.Address{
		{Name: "Arta Xhaferi", Address: "arta.xhaferi@opstina-primer.example"},
		{Name: "Горан Петров", Address: "goran.petrov@opstina-primer.example"},
	}
	_, m := sampleMail(t, MustComposer(t), domain.NotifyEscalation, domain.Albanian, to...)
	if err := MustSender(t, srv.Config()).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 || !slices.Equal(got[0].To, []string{to[0].Address, to[1].Address}) {
		t.Fatalf("received %+v", got)
	}
	list, err := MustParse(t, got[0].Data).Header.AddressList("To")
	if err != nil || len(list) != 2 || *list[0] != to[0] || *list[1] != to[1] {
		t.Errorf("To header %v (%v), want %v", list, err, to)
	}
}

func TestSendTLS(t *testing.T) {
	for _, mode := range []string{"starttls", "implicit"} {
		t.Run(mode, func(t *testing.T) {
			srv := MustStartServer(t, ServerOptions{TLS: mode, User: "predmet", Password: "тајна-лозинка"})
			cfg := srv.Config()
			cfg.Username, cfg.Password = "predmet", "тајна-лозинка"
			_, m := sampleMail(t, MustComposer(t), domain.NotifyAcknowledgement, domain.Macedonian)
			if err := MustSender(t, cfg).Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			got := srv.Received()
			if len(got) != 1 || !got[0].TLS || got[0].User != "predmet" {
				t.Fatalf("received %+v", got)
			}
		})
	}

	t.Run("ErrUntrustedCertificate", func(t *testing.T) {
		srv := MustStartServer(t, ServerOptions{TLS: "starttls"})
		cfg := srv.Config()
		cfg.TLS = nil // the system's roots do not trust the test certificate
		err := send(t, cfg)
		assertClass(t, err, "temporary")
		if !errors.Is(err, notify.ErrMisconfigured) {
			t.Errorf("%v: not a misconfiguration", err)
		}
		if n := len(srv.Received()); n != 0 {
			t.Errorf("server received %d messages", n)
		}
	})
	t.Run("ErrNoSTARTTLS", func(t *testing.T) {
		srv := MustStartServer(t, ServerOptions{})
		cfg := srv.Config()
		cfg.Security, cfg.TLS = notify.SecurityStartTLS, &tls.Config{RootCAs: srv.Roots}
		err := send(t, cfg)
		assertClass(t, err, "temporary")
		if !errors.Is(err, notify.ErrMisconfigured) || len(srv.Received()) != 0 {
			t.Errorf("%v: sent in clear or not a misconfiguration", err)
		}
	})
}

func TestSendAuth(t *testing.T) {
	t.Run("ErrWrongPassword", func(t *testing.T) {
		srv := MustStartServer(t, ServerOptions{TLS: "starttls", User: "predmet", Password: "right"})
		cfg := srv.Config()
		cfg.Username, cfg.Password = "predmet", "wrong"
		err := send(t, cfg)
		assertClass(t, err, "temporary")
		if !errors.Is(err, notify.ErrMisconfigured) || len(srv.Received()) != 0 {
			t.Errorf("%v: not a misconfiguration, or sent", err)
		}
	})
	t.Run("ErrNoCredentials", func(t *testing.T) {
		srv := MustStartServer(t, ServerOptions{TLS: "starttls", User: "predmet", Password: "right"})
		err := send(t, srv.Config())
		assertClass(t, err, "temporary")
		if !errors.Is(err, notify.ErrMisconfigured) || len(srv.Received()) != 0 {
			t.Errorf("%v: not a misconfiguration, or sent", err)
		}
	})
	t.Run("ErrPasswordInClear", func(t *testing.T) {
		srv := MustStartServer(t, ServerOptions{User: "predmet", Password: "right"})
		cfg := srv.Config()
		cfg.Username, cfg.Password = "predmet", "right"
		if _, err := notify.NewSMTP(cfg); err == nil || !strings.Contains(err.Error(), "password in clear") {
			t.Fatalf("NewSMTP = %v, want a refusal to send the password in clear", err)
		}
	})
	t.Run("InsecureAuthAllowed", func(t *testing.T) {
		srv := MustStartServer(t, ServerOptions{User: "predmet", Password: "right"})
		cfg := srv.Config()
		cfg.Username, cfg.Password, cfg.AllowInsecureAuth = "predmet", "right", true
		if err := send(t, cfg); err != nil {
			t.Fatal(err)
		}
		if got := srv.Received(); len(got) != 1 || got[0].User != "predmet" {
			t.Fatalf("received %+v", got)
		}
	})
}

// send sends a sample acknowledgement with cfg.
func send(tb testing.TB, cfg notify.SMTPConfig) error {
	tb.Helper()
	_, m := sampleMail(tb, MustComposer(tb), domain.NotifyAcknowledgement, domain.English)
	return MustSender(tb, cfg).Send(context.Background(), m)
}

// assertClass checks that err is in exactly one class, the one wanted ("" for no error).
func assertClass(tb testing.TB, err error, want string) {
	tb.Helper()
	var classes []string
	if notify.IsTemporary(err) {
		classes = append(classes, "temporary")
	}
	if notify.IsPermanent(err) {
		classes = append(classes, "permanent")
	}
	if notify.IsUncertain(err) {
		classes = append(classes, "uncertain")
	}
	switch {
	case want == "" && err != nil:
		tb.Fatalf("err = %v, want none", err)
	case want != "" && (len(classes) != 1 || classes[0] != want):
		tb.Fatalf("err = %v, classes %v, want %s", err, classes, want)
	}
}

// TestSendFailures checks how each failure is classified: what makes delivering exactly once possible.
func TestSendFailures(t *testing.T) {
	const rejected = "nobody@opstina-primer.example"
	to := []mail.Address{{Address: rejected}}
	tests := []struct {
		name  string
		opts  ServerOptions
		class string
		// accepted and unacknowledged are how many messages the server took, and how many it read
		// without replying.
		accepted, unacknowledged int
		check                    func(*testing.T, error)
	}{
		{name: "ErrRecipientRejected", opts: ServerOptions{RejectRcpt: map[string]*smtp.SMTPError{
			rejected: {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"},
		}}, class: "permanent", check: func(t *testing.T, err error) {
			var p *notify.PermanentError
			errors.As(err, &p)
			if p.Code != 550 || p.EnhancedCode != "5.1.1" || p.Command != "RCPT" || p.Recipient != rejected {
				t.Errorf("%+v", p)
			}
			if strings.Contains(err.Error(), rejected) {
				t.Errorf("the error names the address: %v", err)
			}
		}},
		{name: "ErrRecipientDeferred", opts: ServerOptions{RejectRcpt: map[string]*smtp.SMTPError{
			rejected: {Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "Mailbox busy"},
		}}, class: "temporary"},
		{name: "ErrMessageRejected", opts: ServerOptions{DataReply: &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Content rejected"}},
			class: "permanent", check: func(t *testing.T, err error) {
				var p *notify.PermanentError
				errors.As(err, &p)
				if p.Code != 554 || p.Command != "DATA" || p.Recipient != "" {
					t.Errorf("%+v", p)
				}
			}},
		{name: "ErrMessageDeferred", opts: ServerOptions{DataReply: &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}},
			class: "temporary"},
		{name: "DroppedAfterAccept", opts: ServerOptions{DropAfterAccept: true}, accepted: 1},
		{name: "ErrDroppedBeforeReply", opts: ServerOptions{DropBeforeReply: true}, class: "uncertain", unacknowledged: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustStartServer(t, tt.opts)
			_, m := sampleMail(t, MustComposer(t), domain.NotifyAnswer, domain.Macedonian, to...)
			err := MustSender(t, srv.Config()).Send(context.Background(), m)
			assertClass(t, err, tt.class)
			if tt.check != nil {
				tt.check(t, err)
			}
			if n := len(srv.Received()); n != tt.accepted {
				t.Errorf("server accepted %d messages, want %d", n, tt.accepted)
			}
			un := srv.Unacknowledged()
			if len(un) != tt.unacknowledged {
				t.Fatalf("server read %d messages without replying, want %d", len(un), tt.unacknowledged)
			}
			if len(un) == 1 && MustParse(t, un[0].Data).Header.Get("Message-ID") != m.MessageID {
				t.Errorf("the unacknowledged message is not the one sent")
			}
		})
	}

	t.Run("ErrConnectionRefused", func(t *testing.T) {
		cfg := notify.SMTPConfig{Host: "127.0.0.1", Port: freePort(t), Security: notify.SecurityNone, From: "noreply@opstina-primer.example"}
		assertClass(t, send(t, cfg), "temporary")
	})
	t.Run("ErrTimeoutBeforeData", func(t *testing.T) {
		cfg := notify.SMTPConfig{Host: "127.0.0.1", Port: silentServer(t), Security: notify.SecurityNone,
			From: "noreply@opstina-primer.example", Timeout: 300 * time.Millisecond}
		start := time.Now()
		assertClass(t, send(t, cfg), "temporary")
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("gave up after %s, want about 300ms", d)
		}
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		cfg := notify.SMTPConfig{Host: "127.0.0.1", Port: silentServer(t), Security: notify.SecurityNone, From: "noreply@opstina-primer.example"}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, m := sampleMail(t, MustComposer(t), domain.NotifyReminder, domain.English)
		start := time.Now()
		assertClass(t, MustSender(t, cfg).Send(ctx, m), "temporary")
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("gave up after %s, want about 200ms", d)
		}
	})
	t.Run("ErrInvalidAddress", func(t *testing.T) {
		srv := MustStartServer(t, ServerOptions{})
		_, m := sampleMail(t, MustComposer(t), domain.NotifyReminder, domain.English, mail.Address{Address: "марија@пример.мкд"})
		err := MustSender(t, srv.Config()).Send(context.Background(), m)
		assertClass(t, err, "permanent")
		var p *notify.PermanentError
		if errors.As(err, &p); p.Code != 0 || p.Recipient != "марија@пример.мкд" || domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%+v (code %s)", p, domain.ErrorCode(err))
		}
		if len(srv.Received()) != 0 {
			t.Error("sent")
		}
	})
}

func TestSMTPConfigValidate(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	valid := notify.SMTPConfig{Host: "mail.opstina-primer.example", From: "Општина Пример <noreply@opstina-primer.example>"}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	if s := MustSender(t, valid); s.Address() != "mail.opstina-primer.example:587" {
		t.Errorf("default STARTTLS address %s", s.Address())
	}
	tests := []struct {
		name string
		edit func(*notify.SMTPConfig)
		want string
	}{
		{"ErrNoHost", func(c *notify.SMTPConfig) { c.Host = "" }, "no mail server host"},
		{"ErrHostWithPort", func(c *notify.SMTPConfig) { c.Host = "mail.example:25" }, "give the port separately"},
		{"ErrPort", func(c *notify.SMTPConfig) { c.Port = 70000 }, "out of range"},
		{"ErrSecurity", func(c *notify.SMTPConfig) { c.Security = "ssl" }, "use none, starttls or tls"},
		{"ErrPasswordWithoutUser", func(c *notify.SMTPConfig) { c.Password = "x" }, "without a username"},
		{"ErrUserWithoutPassword", func(c *notify.SMTPConfig) { c.Username = "x" }, "has no password"},
		{"ErrPasswordInClear", func(c *notify.SMTPConfig) { c.Username, c.Password, c.Security = "x", "y", notify.SecurityNone }, "password in clear"},
		{"ErrNoFrom", func(c *notify.SMTPConfig) { c.From = "" }, "no sender address"},
		{"ErrFrom", func(c *notify.SMTPConfig) { c.From = "noreply" }, "is not an address"},
		{"ErrReplyTo", func(c *notify.SMTPConfig) { c.ReplyTo = "odnosi@" }, "reply-to"},
		{"ErrHelloName", func(c *notify.SMTPConfig) { c.HelloName = "two words" }, "hello name"},
		{"ErrTimeout", func(c *notify.SMTPConfig) { c.Timeout = -time.Second }, "negative"},
		{"ErrCAFile", func(c *notify.SMTPConfig) { c.CAFile = ca }, "no PEM certificate"},
		{"ErrTLSWithoutSecurity", func(c *notify.SMTPConfig) { c.Security, c.InsecureSkipVerify = notify.SecurityNone, true }, "security is none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.edit(&cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
			if _, err := notify.NewSMTP(cfg); err == nil {
				t.Fatal("NewSMTP accepted the configuration")
			}
		})
	}
}
