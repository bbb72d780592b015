// Package notify sends predmet's e-mail: messages rendered from editable templates, over SMTP or into an outbox.
package notify

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/predmet/predmet/domain"
)

// Mail is one e-mail message, ready to be written out by Bytes. Every header value must be on one
// line: Bytes refuses a carriage return or line feed in any of them, so that no value can add a header.
type Mail struct {
	// MessageID is the Message-ID header with its angle brackets, "<id@domain>": see MessageID.
	MessageID string
	// Date is the Date header: when the message was composed. A retry sends the same date.
	Date time.Time
	From mail.Address
	To   []mail.Address
	// ReplyTo is where replies go; none when its Address is empty.
	ReplyTo mail.Address
	// Subject is the subject in UTF-8; Bytes encodes it (RFC 2047) when it is not ASCII.
	Subject string
	// Text is the plain-text body (required); HTML the HTML alternative (optional).
	Text string
	HTML string
	// Kind and Language say what the message is and in which language it is written: the
	// X-Predmet-Kind and Content-Language headers, and what the outbox lists and logs.
	Kind     domain.NotificationKind
	Language domain.Language
	// Header holds extra headers, e.g. "Auto-Submitted". It cannot replace the headers above.
	Header map[string]string
	// Attachments are files sent with the message, such as the answer as a PDF letter. A message
	// with attachments is multipart/mixed: the body first, then each file in base64.
	Attachments []Attachment
	// CaseID is the case the message is about (none for briefings and digests): not a header, but what
	// the outbox purges a case's messages by when its personal data is erased.
	CaseID string
}

// Attachment is a file sent with a message.
type Attachment struct {
	// Name is the file's name as the recipient sees it, in UTF-8 ("Одговор 08-2112-2.pdf"): one line
	// of at most MaxAttachmentName characters (and twice as many bytes), without a slash or a
	// backslash. Bytes writes it in both
	// forms mail clients read: RFC 2231 (filename*=) and RFC 2047 (name=).
	Name string
	// MediaType is the file's type, such as "application/pdf", without parameters.
	MediaType string
	// Data is the file's content; an attachment is never empty.
	Data []byte
}

// MaxAttachmentName is the most characters an attachment's name may have: its encoded forms then fit
// the line length of a message (RFC 5322).
const MaxAttachmentName = 120

// reservedHeaders are written from Mail's fields and cannot be set through Mail.Header.
var reservedHeaders = []string{
	"Bcc", "Cc", "Content-Language", "Content-Transfer-Encoding", "Content-Type", "Date", "From",
	"Message-Id", "Mime-Version", "Reply-To", "Sender", "Subject", "To", "X-Predmet-Kind",
}

// MessageID returns the Message-ID of the notification with the given ID, sent from the mail domain
// host: "<{id}@{host}>". The same notification always has the same Message-ID, so that a copy sent twice
// is recognisably one message. Characters that a Message-ID cannot hold, and "%", are written as %XX,
// so that different IDs give different Message-IDs.
func MessageID(notificationID, host string) string {
	left := atextOnly(notificationID)
	right := atextOnly(strings.ToLower(host))
	if right == "" {
		right = "predmet.invalid"
	}
	return "<" + left + "@" + right + ">"
}

// atextOnly keeps the characters allowed in a dot-atom (RFC 5322, 3.2.3) and writes every other byte,
// "%" and dots that would start, end or double in the atom as %XX.
func atextOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && i > 0 && i < len(s)-1 && s[i-1] != '.':
		case c < 0x80 && c != '.' && c != '%' && isAtext(c):
		default:
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isAtext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// Validate checks that m can be written: a valid Message-ID, a date, a sender, at least one
// recipient, every address a plain ASCII e-mail address, no line break in any header, a text body.
// It returns an EINVALID error naming the field at fault; for a recipient's address, a
// *PermanentError that wraps it, with the address as its Recipient.
func (m Mail) Validate() error {
	if !validMessageID(m.MessageID) {
		return domain.FieldErrorf("messageId", "The message's Message-ID is not valid.")
	}
	if m.Date.IsZero() {
		return domain.FieldErrorf("date", "The message has no date.")
	}
	if m.From.Address == "" {
		return domain.FieldErrorf("from", "The message has no sender.")
	}
	if err := validAddress("from", m.From); err != nil {
		return err
	}
	if len(m.To) == 0 {
		return domain.FieldErrorf("to", "The message has no recipient.")
	}
	for _, a := range m.To {
		if err := validAddress("to", a); err != nil {
			return &PermanentError{Recipient: a.Address, Message: domain.ErrorMessage(err), Err: err}
		}
	}
	if m.ReplyTo.Address != "" || m.ReplyTo.Name != "" {
		if err := validAddress("replyTo", m.ReplyTo); err != nil {
			return err
		}
	}
	if err := oneLine("subject", m.Subject); err != nil {
		return err
	}
	if strings.TrimSpace(m.Text) == "" {
		return domain.FieldErrorf("text", "The message has no text.")
	}
	for field, s := range map[string]string{"text": m.Text, "html": m.HTML} {
		if !utf8.ValidString(s) {
			return domain.FieldErrorf(field, "The field %s is not valid UTF-8.", field)
		}
	}
	for field, s := range map[string]string{"kind": string(m.Kind), "language": string(m.Language)} {
		if s != "" && !isToken(s) {
			return domain.FieldErrorf(field, "The field %s must be a single word.", field)
		}
	}
	for name, value := range m.Header {
		if !isToken(name) {
			return domain.FieldErrorf("header", "The header name %q is not valid.", name)
		}
		if slices.Contains(reservedHeaders, textproto.CanonicalMIMEHeaderKey(name)) {
			return domain.FieldErrorf("header", "The header %s is set from the message itself.", textproto.CanonicalMIMEHeaderKey(name))
		}
		if err := oneLine("header", value); err != nil {
			return err
		}
	}
	for i, a := range m.Attachments {
		if err := a.validate(i + 1); err != nil {
			return err
		}
	}
	return nil
}

// validate checks the attachment numbered n (from 1).
func (a Attachment) validate(n int) error {
	if strings.TrimSpace(a.Name) == "" {
		return domain.FieldErrorf("attachments", "Attachment %d has no file name.", n)
	}
	if oneLine("attachments", a.Name) != nil || utf8.RuneCountInString(a.Name) > MaxAttachmentName ||
		len(a.Name) > 2*MaxAttachmentName || strings.ContainsAny(a.Name, `/\`) {
		return domain.FieldErrorf("attachments", "The file name of attachment %d must be one line of at most %d characters, without a slash or a backslash.", n, MaxAttachmentName)
	}
	if t, params, err := mime.ParseMediaType(a.MediaType); err != nil || len(params) > 0 || t != a.MediaType || !strings.Contains(t, "/") {
		return domain.FieldErrorf("attachments", "Attachment %d has no valid media type.", n)
	}
	if len(a.Data) == 0 {
		return domain.FieldErrorf("attachments", "Attachment %d is empty.", n)
	}
	return nil
}

func validMessageID(id string) bool {
	if len(id) < 5 || len(id) > 250 || id[0] != '<' || id[len(id)-1] != '>' {
		return false
	}
	left, right, ok := strings.Cut(id[1:len(id)-1], "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") {
		return false
	}
	return isDotAtom(left) && isDotAtom(right)
}

// isDotAtom reports whether s is an RFC 5322 dot-atom: atext characters, with single dots between them.
func isDotAtom(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' && i > 0 && i < len(s)-1 && s[i-1] != '.' || c < 0x80 && c != '.' && isAtext(c) {
			continue
		}
		return false
	}
	return s != ""
}

// validAddress checks that a is a plain ASCII addr-spec, with a display name on one line.
func validAddress(field string, a mail.Address) error {
	if err := oneLine(field, a.Name); err != nil {
		return err
	}
	parsed, err := mail.ParseAddress(a.Address)
	if err != nil || parsed.Address != a.Address || parsed.Name != "" || !isASCII(a.Address) ||
		strings.ContainsAny(a.Address, " \t\r\n<>") {
		return domain.FieldErrorf(field, "An address in %s is not a valid e-mail address.", field)
	}
	return nil
}

// oneLine refuses what would break a header: line breaks and other control characters, invalid UTF-8.
func oneLine(field, s string) error {
	if !utf8.ValidString(s) {
		return domain.FieldErrorf(field, "The field %s is not valid UTF-8.", field)
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return domain.FieldErrorf(field, "The field %s must be one line of text.", field)
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// isToken reports whether s is a non-empty RFC 5322 field name (printable ASCII without a colon).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || s[i] == ':' {
			return false
		}
	}
	return true
}

// Bytes writes m as an RFC 5322 message with CRLF line endings: the headers (non-ASCII ones encoded as
// RFC 2047 UTF-8 words, long ones folded), MIME-Version 1.0 and a body in UTF-8, quoted-printable:
// text/plain alone, or multipart/alternative with text/plain and text/html; with attachments, that body
// and the files in base64 inside multipart/mixed. The same Mail always gives the same bytes. It
// returns Validate's error for a message that cannot be written.
func (m Mail) Bytes() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	header := func(name, value string) { writeHeader(&b, name, value) }
	header("Date", m.Date.Format(time.RFC1123Z))
	header("From", formatAddress(m.From))
	if m.ReplyTo.Address != "" {
		header("Reply-To", formatAddress(m.ReplyTo))
	}
	to := make([]string, len(m.To))
	for i, a := range m.To {
		to[i] = formatAddress(a)
	}
	header("To", strings.Join(to, ", "))
	header("Message-ID", m.MessageID)
	header("Subject", encodeText(strings.TrimSpace(m.Subject)))
	header("MIME-Version", "1.0")
	if m.Language != "" {
		header("Content-Language", string(m.Language))
	}
	if m.Kind != "" {
		header("X-Predmet-Kind", string(m.Kind))
	}
	names := make([]string, 0, len(m.Header))
	for name := range m.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		header(textproto.CanonicalMIMEHeaderKey(name), encodeText(m.Header[name]))
	}

	if len(m.Attachments) == 0 {
		if err := m.writeBody(&b, header); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}

	// multipart/mixed: the body as it would be without attachments, then the files.
	mw := multipart.NewWriter(&b)
	if err := mw.SetBoundary(m.mixedBoundary()); err != nil {
		return nil, err
	}
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	var body bytes.Buffer
	part := textproto.MIMEHeader{}
	if err := m.writeBody(&body, func(name, value string) { part.Set(name, value) }); err != nil {
		return nil, err
	}
	w, err := mw.CreatePart(part)
	if err != nil {
		return nil, err
	}
	// writeBody wrote the part's headers through the function, then the blank line and the body.
	w.Write(bytes.TrimPrefix(body.Bytes(), []byte("\r\n")))
	for _, a := range m.Attachments {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {nameParam(a.MediaType, a.Name)},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, err
		}
		writeBase64(w, a.Data)
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// writeBody writes the body of m as a message without attachments has it: the Content-Type and
// Content-Transfer-Encoding headers through header, a blank line, then text/plain alone or
// multipart/alternative with text/plain and text/html.
func (m Mail) writeBody(b *bytes.Buffer, header func(name, value string)) error {
	if m.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		return writeQP(b, m.Text)
	}

	mw := multipart.NewWriter(b)
	// "=_" never occurs in quoted-printable text, so the boundary cannot occur in the parts. Derived
	// from the message, it keeps Bytes deterministic.
	sum := sha256.Sum256([]byte(m.MessageID + "\x00" + m.Text + "\x00" + m.HTML))
	if err := mw.SetBoundary("=_predmet_" + hex.EncodeToString(sum[:12])); err != nil {
		return err
	}
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	for _, part := range []struct{ ctype, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return err
		}
		if err := writeQP(w, part.body); err != nil {
			return err
		}
	}
	if err := mw.Close(); err != nil {
		return err
	}
	b.WriteString("\r\n")
	return nil
}

// mixedBoundary returns the boundary of a message with attachments: derived from the message and its
// files, so that Bytes stays deterministic. "=_" occurs neither in quoted-printable text nor in
// base64, and the boundary differs from the alternative body's in more than a suffix.
func (m Mail) mixedBoundary() string {
	h := sha256.New()
	h.Write([]byte(m.MessageID + "\x00" + m.Text + "\x00" + m.HTML))
	for _, a := range m.Attachments {
		sum := sha256.Sum256(a.Data)
		h.Write([]byte("\x00" + a.Name + "\x00" + a.MediaType + "\x00"))
		h.Write(sum[:])
	}
	return "=_predmet_mixed_" + hex.EncodeToString(h.Sum(nil)[:12])
}

// nameParam writes an attachment's Content-Type with its name: quoted as needed when it is ASCII, as
// RFC 2047 base64 words otherwise (what mail clients read besides the RFC 2231 filename).
func nameParam(mediaType, name string) string {
	if isASCII(name) {
		return mime.FormatMediaType(mediaType, map[string]string{"name": name})
	}
	return mediaType + `; name="` + mime.BEncoding.Encode("utf-8", name) + `"`
}

// writeBase64 writes data in base64, in lines of 76 characters ending in CRLF (RFC 2045, 6.8).
func writeBase64(w io.Writer, data []byte) {
	const lineBytes = 57 // 76 characters of base64
	line := make([]byte, base64.StdEncoding.EncodedLen(lineBytes)+2)
	for len(data) > 0 {
		n := min(lineBytes, len(data))
		base64.StdEncoding.Encode(line, data[:n])
		k := base64.StdEncoding.EncodedLen(n)
		line[k], line[k+1] = '\r', '\n'
		w.Write(line[:k+2])
		data = data[n:]
	}
}

// formatAddress writes an address for a header: a display name that is not ASCII as RFC 2047 encoded
// words (B or Q, whichever is shorter), an ASCII one quoted as needed.
func formatAddress(a mail.Address) string {
	if a.Name == "" || isASCII(a.Name) {
		return a.String()
	}
	return encodeText(a.Name) + " " + (&mail.Address{Address: a.Address}).String()
}

// displayAddress writes an address for people to read: "Name <address>", unencoded.
func displayAddress(a mail.Address) string {
	if a.Name == "" {
		return a.Address
	}
	return a.Name + " <" + a.Address + ">"
}

// writeQP writes s quoted-printable, with its line breaks (any of CRLF, CR, LF) as CRLF and a final one.
func writeQP(w interface{ Write([]byte) (int, error) }, s string) error {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(s)); err != nil {
		return err
	}
	return qp.Close()
}

// encodeText encodes an unstructured header value as RFC 2047 UTF-8 encoded words when it is not
// printable ASCII: in Q encoding or B (base64), whichever is shorter (Q for mostly Latin text such as
// Albanian, B for Cyrillic).
func encodeText(s string) string {
	q := mime.QEncoding.Encode("utf-8", s)
	if q == s {
		return s
	}
	if b := mime.BEncoding.Encode("utf-8", s); len(b) < len(q) {
		return b
	}
	return q
}

// writeHeader writes one header field, folded at spaces so that lines stay within 78 characters where
// the value allows it (RFC 5322, 2.2.3).
func writeHeader(b *bytes.Buffer, name, value string) {
	const limit = 78
	line, empty := name+":", true
	for _, word := range strings.Split(value, " ") {
		// A folded line must hold more than white space: never fold before an empty word.
		if !empty && word != "" && len(line)+1+len(word) > limit {
			b.WriteString(line)
			b.WriteString("\r\n")
			line = ""
		}
		line += " " + word
		empty = false
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}
