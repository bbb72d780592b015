package notify_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
)

// Parsed is a received message read back with the standard library.
type Parsed struct {
	Header mail.Header
	// Subject is the decoded subject; RawSubject as written.
	Subject, RawSubject string
	// Text and HTML are the decoded bodies, with LF line endings.
	Text, HTML string
	// Parts lists each part's content type and transfer encoding.
	Parts []string
}

var wordDecoder = mime.WordDecoder{}

// MustParse reads a message as a mail client would: net/mail for the headers, mime/multipart for the
// parts, quoted-printable for the bodies. It also checks that every line ends in CRLF.
func MustParse(tb testing.TB, data []byte) Parsed {
	tb.Helper()
	for i := range data {
		if data[i] == '\n' && (i == 0 || data[i-1] != '\r') {
			tb.Fatalf("bare LF at byte %d of the message", i)
		}
	}
	for _, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 998 {
			tb.Fatalf("line of %d characters", len(line))
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	p := Parsed{Header: m.Header, RawSubject: m.Header.Get("Subject")}
	if p.Subject, err = wordDecoder.DecodeHeader(p.RawSubject); err != nil {
		tb.Fatalf("subject %q: %v", p.RawSubject, err)
	}
	ctype, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		tb.Fatal(err)
	}
	if ctype == "text/plain" {
		p.Parts = append(p.Parts, m.Header.Get("Content-Type")+"; "+m.Header.Get("Content-Transfer-Encoding"))
		p.Text = mustDecode(tb, m.Header.Get("Content-Transfer-Encoding"), m.Body)
		return p
	}
	if ctype != "multipart/alternative" {
		tb.Fatalf("Content-Type %s", ctype)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		} else if err != nil {
			tb.Fatal(err)
		}
		p.Parts = append(p.Parts, part.Header.Get("Content-Type")+"; "+part.Header.Get("Content-Transfer-Encoding"))
		body := mustDecode(tb, part.Header.Get("Content-Transfer-Encoding"), part)
		switch t, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); t {
		case "text/plain":
			p.Text = body
		case "text/html":
			p.HTML = body
		}
	}
	return p
}

func mustDecode(tb testing.TB, encoding string, r io.Reader) string {
	tb.Helper()
	if !strings.EqualFold(encoding, "quoted-printable") {
		tb.Fatalf("Content-Transfer-Encoding %q, want quoted-printable", encoding)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(r))
	if err != nil {
		tb.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// MustAddress parses one address header.
func MustAddress(tb testing.TB, h mail.Header, name string) *mail.Address {
	tb.Helper()
	list, err := h.AddressList(name)
	if err != nil || len(list) != 1 {
		tb.Fatalf("%s: %v %v", name, list, err)
	}
	return list[0]
}
