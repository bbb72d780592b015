package notify_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
	"github.com/predmet/predmet/notify"
)

// testAttachments returns files with names in Cyrillic, in Albanian and in ASCII with characters that
// need quoting; the first is larger than one line of base64 many times over.
func testAttachments() []notify.Attachment {
	pdf := make([]byte, 100<<10)
	copy(pdf, "%PDF-1.7\n")
	for i := 9; i < len(pdf); i++ {
		pdf[i] = byte(i * 7)
	}
	return []notify.Attachment{
		{Name: "Одговор на претставка 08-2112-2 (ѓ ќ ѕ љ њ џ).pdf", MediaType: "application/pdf", Data: pdf},
		{Name: "Përgjigjja për çështjen ë.txt", MediaType: "text/plain", Data: []byte("Të nderuar,\nPërgjigjja ë ç.\n")},
		{Name: `report "final"; v2.pdf`, MediaType: "application/pdf", Data: []byte("%PDF-1.4\n%%EOF\n")},
	}
}

// assertAttachments checks that a received message holds the attachments, names and bytes.
func assertAttachments(tb testing.TB, p Parsed, want []notify.Attachment) {
	tb.Helper()
	if len(p.Attachments) != len(want) {
		tb.Fatalf("%d attachments, want %d", len(p.Attachments), len(want))
	}
	for i, a := range want {
		got := p.Attachments[i]
		if got.Filename != a.Name || got.Name != a.Name || got.MediaType != a.MediaType {
			tb.Errorf("attachment %d: filename %q, name %q, type %q; want %q, %s", i+1, got.Filename, got.Name, got.MediaType, a.Name, a.MediaType)
		}
		if !bytes.Equal(got.Data, a.Data) {
			tb.Errorf("attachment %d: %d bytes that differ from the %d sent", i+1, len(got.Data), len(a.Data))
		}
	}
}

func TestMailAttachments(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		m := testMail()
		m.Attachments = testAttachments()
		b, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := m.Bytes(); !bytes.Equal(b, again) {
			t.Error("Bytes is not deterministic")
		}
		p := MustParse(t, b)
		if p.Text != m.Text || p.HTML != m.HTML+"\n" || p.Subject != m.Subject {
			t.Errorf("body %q %q, subject %q", p.Text, p.HTML, p.Subject)
		}
		assertAttachments(t, p, m.Attachments)
		// Cyrillic names go out in both encodings mail clients read.
		if !strings.Contains(string(b), `filename*=utf-8''%D0%9E%D0%B4`) || !strings.Contains(string(b), `name="=?utf-8?b?`) {
			t.Errorf("the Cyrillic name is not written as RFC 2231 and RFC 2047:\n%s", b[:min(len(b), 3000)])
		}
	})
	t.Run("TextOnly", func(t *testing.T) {
		m := testMail()
		m.HTML = ""
		m.Attachments = testAttachments()[1:2]
		b, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		p := MustParse(t, b)
		if len(p.Parts) != 1 || p.Parts[0] != "text/plain; charset=utf-8; quoted-printable" || p.Text != m.Text {
			t.Errorf("parts %q, text %q", p.Parts, p.Text)
		}
		assertAttachments(t, p, m.Attachments)
	})
	t.Run("LongestName", func(t *testing.T) {
		// MustParse checks that no line is longer than RFC 5322 allows.
		m := testMail()
		m.Attachments = []notify.Attachment{{Name: strings.Repeat("ж", notify.MaxAttachmentName-4) + ".pdf", MediaType: "application/pdf", Data: []byte("%PDF-1.4")}}
		b, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		assertAttachments(t, MustParse(t, b), m.Attachments)
	})
	t.Run("DifferentFilesDifferentBoundaries", func(t *testing.T) {
		m := testMail()
		m.Attachments = testAttachments()[:1]
		a, _ := m.Bytes()
		m.Attachments = []notify.Attachment{{Name: m.Attachments[0].Name, MediaType: "application/pdf", Data: []byte("%PDF-1.4 other")}}
		b, _ := m.Bytes()
		boundary := func(b []byte) string { _, rest, _ := strings.Cut(string(b), "boundary="); return rest[:40] }
		if boundary(a) == boundary(b) {
			t.Errorf("two messages with different files share the boundary %s", boundary(a))
		}
	})
}

func TestMailAttachmentErrors(t *testing.T) {
	ok := notify.Attachment{Name: "answer.pdf", MediaType: "application/pdf", Data: []byte("%PDF-1.4")}
	for name, edit := range map[string]func(*notify.Attachment){
		"ErrNoName":           func(a *notify.Attachment) { a.Name = " " },
		"ErrNameSlash":        func(a *notify.Attachment) { a.Name = "../../etc/passwd" },
		"ErrNameBackslash":    func(a *notify.Attachment) { a.Name = `C:\answer.pdf` },
		"ErrNameLineBreak":    func(a *notify.Attachment) { a.Name = "answer.pdf\r\nBcc: victim@example.mk" },
		"ErrNameTooLong":      func(a *notify.Attachment) { a.Name = strings.Repeat("a", notify.MaxAttachmentName+1) },
		"ErrNameTooManyBytes": func(a *notify.Attachment) { a.Name = strings.Repeat("😀", notify.MaxAttachmentName/2+1) },
		"ErrMediaType":        func(a *notify.Attachment) { a.MediaType = "pdf" },
		"ErrMediaTypeParam":   func(a *notify.Attachment) { a.MediaType = "application/pdf; name=x" },
		"ErrEmpty":            func(a *notify.Attachment) { a.Data = nil },
	} {
		t.Run(name, func(t *testing.T) {
			a := ok
			edit(&a)
			m := testMail()
			m.Attachments = []notify.Attachment{ok, a}
			b, err := m.Bytes()
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Field != "attachments" {
				t.Fatalf("Bytes = %v, want EINVALID on attachments; wrote %d bytes", err, len(b))
			}
			if !strings.Contains(de.Message, "2") {
				t.Errorf("message %q does not name attachment 2", de.Message)
			}
			if !i18n.Has(de.Format) {
				t.Errorf("%q is not translated", de.Format)
			}
		})
	}
}

// TestSendAttachments sends a message with attachments over SMTP and reads the files back from what the
// server received.
func TestSendAttachments(t *testing.T) {
	srv := MustStartServer(t, ServerOptions{})
	_, m := sampleMail(t, MustComposer(t), domain.NotifyAnswer, domain.Macedonian)
	m.Attachments = testAttachments()
	if err := MustSender(t, srv.Config()).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 {
		t.Fatalf("received %d messages", len(got))
	}
	p := MustParse(t, got[0].Data)
	if p.Text != m.Text+"\n" {
		t.Errorf("text %q, want %q", p.Text, m.Text)
	}
	assertAttachments(t, p, m.Attachments)
}

func TestOutboxAttachments(t *testing.T) {
	o, _ := MustOpenOutbox(t, "")
	ctx := context.Background()
	_, m := sampleMail(t, MustComposer(t), domain.NotifyAnswer, domain.Albanian)
	m.Attachments = testAttachments()
	for range 2 { // the second is a retry: stored once
		if err := o.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := o.Get(ctx, m.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Attachments) != len(m.Attachments) {
		t.Fatalf("Get lists %d attachments, want %d: %+v", len(got.Attachments), len(m.Attachments), got.Attachments)
	}
	for i, a := range m.Attachments {
		sum := sha256.Sum256(a.Data)
		want := notify.OutboxAttachment{Position: i + 1, Name: a.Name, MediaType: a.MediaType, Size: int64(len(a.Data)), SHA256: hex.EncodeToString(sum[:])}
		if got.Attachments[i] != want {
			t.Errorf("attachment %d = %+v, want %+v", i+1, got.Attachments[i], want)
		}
		file, err := o.Attachment(ctx, m.MessageID, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if file.Name != a.Name || file.MediaType != a.MediaType || !bytes.Equal(file.Data, a.Data) {
			t.Errorf("Attachment(%d) = %q %s, %d bytes; want %q %s, %d bytes", i+1, file.Name, file.MediaType, len(file.Data), a.Name, a.MediaType, len(a.Data))
		}
	}
	assertAttachments(t, MustParse(t, got.Raw), m.Attachments)

	for _, position := range []int{0, len(m.Attachments) + 1} {
		if _, err := o.Attachment(ctx, m.MessageID, position); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("Attachment(%d) = %v, want ENOTFOUND", position, err)
		} else if de := new(domain.Error); errors.As(err, &de) && !i18n.Has(de.Format) {
			t.Errorf("%q is not translated", de.Format)
		}
	}
	if _, err := o.Attachment(ctx, "<nobody@nowhere>", 1); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("Attachment of an unknown message = %v, want ENOTFOUND", err)
	}

	// A message without attachments lists none.
	_, plain := sampleMail(t, MustComposer(t), domain.NotifyAcknowledgement, domain.Albanian)
	if err := o.Send(ctx, plain); err != nil {
		t.Fatal(err)
	}
	if got, err := o.Get(ctx, plain.MessageID); err != nil || len(got.Attachments) != 0 {
		t.Errorf("Get = %d attachments, %v; want none", len(got.Attachments), err)
	}

	// Purge removes the files with their message; the same message can then be stored again.
	if n, err := o.Purge(ctx, time.Now().Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("Purge = %d, %v; want 2", n, err)
	}
	if _, err := o.Attachment(ctx, m.MessageID, 1); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("Attachment after Purge = %v, want ENOTFOUND", err)
	}
	if err := o.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got, err := o.Get(ctx, m.MessageID); err != nil || len(got.Attachments) != len(m.Attachments) {
		t.Errorf("after storing again: %d attachments, %v", len(got.Attachments), err)
	}
}
