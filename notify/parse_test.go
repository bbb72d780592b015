package notify_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
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
	// Attachments are the files of a multipart/mixed message, in order.
	Attachments []ParsedAttachment
}

// ParsedAttachment is a file of a received message, as a mail client reads it.
type ParsedAttachment struct {
	// Filename is the Content-Disposition's file name (RFC 2231 decoded); Name the Content-Type's name
	// parameter (RFC 2047 decoded), which older clients show.
	Filename, Name string
	MediaType      string
	Data           []byte
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
	if ctype == "multipart/mixed" {
		parseMixed(tb, &p, m.Body, params["boundary"])
		return p
	}
	parseBody(tb, &p, textproto.MIMEHeader(m.Header), m.Body)
	return p
}

// parseMixed reads a multipart/mixed body: the message's body, then its attachments in base64.
func parseMixed(tb testing.TB, p *Parsed, body io.Reader, boundary string) {
	tb.Helper()
	mr := multipart.NewReader(body, boundary)
	for i := 0; ; i++ {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		} else if err != nil {
			tb.Fatal(err)
		}
		if i == 0 {
			parseBody(tb, p, part.Header, part)
			continue
		}
		if enc := part.Header.Get("Content-Transfer-Encoding"); enc != "base64" {
			tb.Fatalf("attachment %d: Content-Transfer-Encoding %q, want base64", i, enc)
		}
		disposition, dparams, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if err != nil || disposition != "attachment" {
			tb.Fatalf("attachment %d: Content-Disposition %q: %v", i, part.Header.Get("Content-Disposition"), err)
		}
		mediaType, cparams, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			tb.Fatalf("attachment %d: Content-Type %q: %v", i, part.Header.Get("Content-Type"), err)
		}
		name, err := wordDecoder.DecodeHeader(cparams["name"])
		if err != nil {
			tb.Fatalf("attachment %d: name %q: %v", i, cparams["name"], err)
		}
		data, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
		if err != nil {
			tb.Fatalf("attachment %d: %v", i, err)
		}
		p.Attachments = append(p.Attachments, ParsedAttachment{Filename: dparams["filename"], Name: name, MediaType: mediaType, Data: data})
	}
}

// parseBody reads the body of a message without attachments: text/plain, or multipart/alternative.
func parseBody(tb testing.TB, p *Parsed, header textproto.MIMEHeader, body io.Reader) {
	tb.Helper()
	ctype, params, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil {
		tb.Fatal(err)
	}
	if ctype == "text/plain" {
		p.Parts = append(p.Parts, header.Get("Content-Type")+"; "+header.Get("Content-Transfer-Encoding"))
		p.Text = mustDecode(tb, header.Get("Content-Transfer-Encoding"), body)
		return
	}
	if ctype != "multipart/alternative" {
		tb.Fatalf("Content-Type %s", ctype)
	}
	mr := multipart.NewReader(body, params["boundary"])
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
