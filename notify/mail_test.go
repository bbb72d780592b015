package notify_test

import (
	"bytes"
	"errors"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
	"github.com/predmet/predmet/notify"
)

// testMail returns a valid message in Macedonian with both bodies.
func testMail() notify.Mail {
	return notify.Mail{
		MessageID: notify.MessageID("0b7c9d1e-5e2a-5c55-9a61-3f0e8d2c1b4a", "opstina-primer.example"),
		Date:      time.Date(2026, time.May, 26, 8, 0, 0, 0, skopje),
		From:      mail.Address{Name: "Општина Пример", Address: "noreply@opstina-primer.example"},
		To:        []mail.Address{{Name: "Петар Јовановски", Address: "petar@example.mk"}},
		Subject:   "Потврда за прием: деловоден број 08-2112/1 од 19.05.2026",
		Text:      "Почитувани,\n\nВашиот допис е заведен.\n",
		HTML:      "<p>Почитувани,</p><p>Вашиот допис е заведен.</p>",
		Kind:      domain.NotifyAcknowledgement,
		Language:  domain.Macedonian,
	}
}

func TestMessageID(t *testing.T) {
	id := notify.MessageID("0b7c9d1e-5e2a-5c55-9a61-3f0e8d2c1b4a", "Opstina-Primer.example")
	if id != "<0b7c9d1e-5e2a-5c55-9a61-3f0e8d2c1b4a@opstina-primer.example>" {
		t.Errorf("MessageID = %q", id)
	}
	if again := notify.MessageID("0b7c9d1e-5e2a-5c55-9a61-3f0e8d2c1b4a", "Opstina-Primer.example"); again != id {
		t.Errorf("not deterministic: %q, %q", id, again)
	}
	// An ID with characters a Message-ID cannot hold still gives a valid one, different from others.
	odd := notify.MessageID("case 7/r1>\r\nBcc: x", "opstina-primer.example")
	if strings.ContainsAny(odd[1:len(odd)-1], " <>\r\n") {
		t.Errorf("MessageID = %q", odd)
	}
	m := testMail()
	m.MessageID = odd
	if _, err := m.Bytes(); err != nil {
		t.Errorf("Bytes with %q: %v", odd, err)
	}
	seen := map[string]string{}
	for _, id := range []string{"a b", "a%20b", "a_b", "a.b", "a%2Eb", ".ab", "%2Eab", "ab."} {
		mid := notify.MessageID(id, "x")
		if other, dup := seen[mid]; dup {
			t.Errorf("IDs %q and %q give the same Message-ID %q", id, other, mid)
		}
		seen[mid] = id
	}
}

func TestMailBytes(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		m := testMail()
		m.ReplyTo = mail.Address{Address: "odnosi@opstina-primer.example"}
		m.Header = map[string]string{"Auto-Submitted": "auto-generated"}
		b, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		again, _ := m.Bytes()
		if !bytes.Equal(b, again) {
			t.Error("Bytes is not deterministic")
		}
		p := MustParse(t, b)
		if p.Subject != m.Subject || p.Header.Get("MIME-Version") != "1.0" || p.Header.Get("Message-ID") != m.MessageID {
			t.Errorf("headers %v", p.Header)
		}
		if d, err := p.Header.Date(); err != nil || !d.Equal(m.Date) {
			t.Errorf("Date %q", p.Header.Get("Date"))
		}
		if p.Text != m.Text || p.HTML != m.HTML+"\n" {
			t.Errorf("bodies %q %q", p.Text, p.HTML)
		}
	})
	t.Run("TextOnly", func(t *testing.T) {
		m := testMail()
		m.HTML = ""
		b, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		p := MustParse(t, b)
		if len(p.Parts) != 1 || p.Parts[0] != "text/plain; charset=utf-8; quoted-printable" || p.Text != m.Text {
			t.Errorf("parts %q, text %q", p.Parts, p.Text)
		}
	})
	t.Run("LongSubjectFolded", func(t *testing.T) {
		for _, subject := range []string{
			strings.Repeat("Потсетник за барањето за доставување податоци ", 6),
			strings.Repeat("Kujtesë për kërkesën për dorëzimin e të dhënave ", 6),
			strings.Repeat("Reminder about the request for input ", 6),
		} {
			m := testMail()
			m.Subject = strings.TrimSpace(subject)
			b, err := m.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			// Encoded words are at most 75 characters (RFC 2047): with "Subject: " before the first,
			// a line holds at most 84.
			head, _, _ := strings.Cut(string(b), "\r\n\r\n")
			lines := 0
			for _, line := range strings.Split(head, "\r\n") {
				if len(line) > 84 {
					t.Errorf("header line of %d characters: %q", len(line), line)
				}
				if strings.HasPrefix(line, "Subject:") || lines > 0 && strings.HasPrefix(line, " ") {
					lines++
				} else if lines > 0 {
					break
				}
			}
			if lines < 3 {
				t.Errorf("a subject of %d bytes on %d lines", len(m.Subject), lines)
			}
			if p := MustParse(t, b); p.Subject != m.Subject {
				t.Errorf("subject %q, want %q", p.Subject, m.Subject)
			}
		}
	})
	t.Run("Encodings", func(t *testing.T) {
		for _, tt := range []struct{ subject, prefix string }{
			{"Reminder: request r1", "Reminder: request r1"},
			{"Kujtesë: request r1 on case 08-2112/1", "=?utf-8?q?"}, // mostly ASCII: Q is shorter
			{"Потсетник: рок за барањето r1", "=?utf-8?b?"},         // Cyrillic: base64 is shorter
		} {
			m := testMail()
			m.Subject = tt.subject
			b, err := m.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if p := MustParse(t, b); !strings.HasPrefix(p.RawSubject, tt.prefix) || p.Subject != tt.subject {
				t.Errorf("subject %q written %q", tt.subject, p.RawSubject)
			}
		}
	})
}

// TestMailHeaderInjection checks that no value can add a header to a message.
func TestMailHeaderInjection(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*notify.Mail)
		field string
	}{
		{"ErrSubjectCRLF", func(m *notify.Mail) { m.Subject = "Hello\r\nBcc: victim@example.mk" }, "subject"},
		{"ErrSubjectLF", func(m *notify.Mail) { m.Subject = "Hello\nBcc: victim@example.mk" }, "subject"},
		{"ErrNameCRLF", func(m *notify.Mail) { m.To[0].Name = "Петар\r\nBcc: victim@example.mk" }, "to"},
		{"ErrAddressCRLF", func(m *notify.Mail) { m.To[0].Address = "petar@example.mk\r\nBcc: victim@example.mk" }, "to"},
		{"ErrFromName", func(m *notify.Mail) { m.From.Name = "Општина\nX: y" }, "from"},
		{"ErrHeaderValue", func(m *notify.Mail) { m.Header = map[string]string{"X-Case": "1\r\nBcc: victim@example.mk"} }, "header"},
		{"ErrHeaderName", func(m *notify.Mail) { m.Header = map[string]string{"Bcc: victim@example.mk\r\nX": "1"} }, "header"},
		{"ErrReservedHeader", func(m *notify.Mail) { m.Header = map[string]string{"bcc": "victim@example.mk"} }, "header"},
		{"ErrMessageID", func(m *notify.Mail) { m.MessageID = "<a@b>\r\nBcc: victim@example.mk" }, "messageId"},
		{"ErrLanguage", func(m *notify.Mail) { m.Language = "mk\r\nBcc: victim@example.mk" }, "language"},
		{"ErrNoRecipient", func(m *notify.Mail) { m.To = nil }, "to"},
		{"ErrNoDate", func(m *notify.Mail) { m.Date = time.Time{} }, "date"},
		{"ErrNoText", func(m *notify.Mail) { m.Text = " \n" }, "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testMail()
			tt.edit(&m)
			b, err := m.Bytes()
			if err == nil {
				t.Fatalf("written:\n%s", b)
			}
			var de *domain.Error
			if domain.ErrorCode(err) != domain.EINVALID || !errors.As(err, &de) || de.Field != tt.field {
				t.Fatalf("err = %v, want EINVALID on %s", err, tt.field)
			}
			if !i18n.Has(de.Format) {
				t.Errorf("%q is not translated", de.Format)
			}
		})
	}

	t.Run("ErrAddressNotASCII", func(t *testing.T) {
		m := testMail()
		m.To = append(m.To, mail.Address{Address: "петар@пример.мкд"})
		_, err := m.Bytes()
		var p *notify.PermanentError
		if !errors.As(err, &p) || p.Recipient != "петар@пример.мкд" || p.Code != 0 {
			t.Fatalf("err = %v, want a permanent error naming the recipient", err)
		}
	})
}
