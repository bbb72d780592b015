package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/predmet/predmet/domain"
)

// Security is how a connection to the mail server is protected.
type Security string

// Connection security.
const (
	SecurityNone     Security = "none"     // plain text (a relay on the same host or network)
	SecurityStartTLS Security = "starttls" // plain text upgraded with STARTTLS, required (submission, port 587)
	SecurityTLS      Security = "tls"      // TLS from the first byte (implicit TLS, port 465)
)

// Defaults of SMTPConfig.
const (
	DefaultSMTPTimeout = time.Minute
	DefaultHelloName   = "localhost"
)

// SMTPConfig configures the SMTP sender.
type SMTPConfig struct {
	// Host and Port are the mail server's. Port 0 means the usual port for Security: 587 for
	// starttls, 465 for tls, 25 for none.
	Host string
	Port int
	// Security is none, starttls or tls; empty means starttls. With starttls, a server that does not
	// offer STARTTLS is an error: predmet never falls back to plain text.
	Security Security
	// Username and Password authenticate with AUTH PLAIN, only over TLS (implicit or STARTTLS) unless
	// AllowInsecureAuth is set (for a relay on localhost). No username: no authentication.
	Username          string
	Password          string
	AllowInsecureAuth bool
	// From is the envelope sender (where bounces go), "Name <address>" or an address, and the From
	// header of messages that have none. ReplyTo is the Reply-To of messages that have none.
	From    string
	ReplyTo string
	// HelloName is the name predmet gives in EHLO: the host's name as the server should know it. The
	// EHLO before STARTTLS always says "localhost" (go-smtp's default; the server forgets it anyway).
	HelloName string
	// Timeout bounds one message, from connecting to the server's reply (default one minute). The
	// context given to Send may bound it further.
	Timeout time.Duration
	// TLS is the TLS configuration (e.g. trusted roots); nil means the system's roots. CAFile adds
	// the PEM certificates in a file to the trusted roots; InsecureSkipVerify trusts any certificate
	// (only for testing: it lets anyone in the middle read the mail and the password).
	TLS                *tls.Config
	CAFile             string
	InsecureSkipVerify bool
}

// port returns the configured port or the default for the security.
func (c SMTPConfig) port() int {
	if c.Port != 0 {
		return c.Port
	}
	switch c.security() {
	case SecurityTLS:
		return 465
	case SecurityNone:
		return 25
	}
	return 587
}

func (c SMTPConfig) security() Security {
	if c.Security == "" {
		return SecurityStartTLS
	}
	return c.Security
}

// Validate checks the configuration and returns every problem found, each saying what to change.
func (c SMTPConfig) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("smtp: "+format, args...)) }
	switch host := strings.TrimSpace(c.Host); {
	case host == "":
		bad("no mail server host: set the SMTP host")
	case host != c.Host || strings.ContainsAny(host, " /:@") && net.ParseIP(host) == nil:
		bad("host %q is not a host name or IP address (give the port separately)", c.Host)
	}
	if c.Port < 0 || c.Port > 65535 {
		bad("port %d is out of range: use 1 to 65535, or 0 for the usual port", c.Port)
	}
	switch c.security() {
	case SecurityNone, SecurityStartTLS, SecurityTLS:
	default:
		bad("security %q: use none, starttls or tls", c.Security)
	}
	if c.Username == "" && c.Password != "" {
		bad("a password without a username: set both or neither")
	}
	if c.Username != "" && c.Password == "" {
		bad("username %q has no password", c.Username)
	}
	if c.Username != "" && c.security() == SecurityNone && !c.AllowInsecureAuth {
		bad("authentication without TLS would send the password in clear: use security starttls or tls, or allow insecure authentication for a relay on this host")
	}
	if strings.ContainsAny(c.Username+c.Password, "\x00") {
		bad("the username or password holds a NUL character")
	}
	if c.From == "" {
		bad("no sender address: set From, e.g. \"Општина <noreply@example.mk>\"")
	} else if a, err := mail.ParseAddress(c.From); err != nil {
		bad("sender %q is not an address: %v", c.From, err)
	} else if err := validAddress("from", *a); err != nil {
		bad("sender %q must be a plain ASCII e-mail address", c.From)
	}
	if c.ReplyTo != "" {
		if a, err := mail.ParseAddress(c.ReplyTo); err != nil {
			bad("reply-to %q is not an address: %v", c.ReplyTo, err)
		} else if err := validAddress("replyTo", *a); err != nil {
			bad("reply-to %q must be a plain ASCII e-mail address", c.ReplyTo)
		}
	}
	if c.HelloName != "" && (strings.ContainsAny(c.HelloName, " \t\r\n") || !isASCII(c.HelloName)) {
		bad("hello name %q must be one ASCII word, the host's name", c.HelloName)
	}
	if c.Timeout < 0 {
		bad("timeout %s is negative", c.Timeout)
	}
	if c.CAFile != "" {
		if _, err := loadCAs(c.CAFile); err != nil {
			bad("CA file: %v", err)
		}
	}
	if c.security() == SecurityNone && (c.CAFile != "" || c.InsecureSkipVerify || c.TLS != nil) {
		bad("TLS settings are given but security is none: use starttls or tls")
	}
	return errors.Join(errs...)
}

func loadCAs(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return pool, nil
}

// SMTP sends mail to a mail server. It opens one connection per message (notifications are few, and
// a fresh connection keeps every message's outcome independent) and is safe for concurrent use.
type SMTP struct {
	cfg     SMTPConfig
	addr    string
	from    mail.Address
	replyTo mail.Address
	tls     *tls.Config
	hello   string
	timeout time.Duration
}

var _ Sender = (*SMTP)(nil)

// NewSMTP returns a sender for the configuration, or the configuration's problems.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &SMTP{cfg: cfg, addr: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.port())), hello: cfg.HelloName, timeout: cfg.Timeout}
	from, _ := mail.ParseAddress(cfg.From)
	s.from = *from
	if cfg.ReplyTo != "" {
		r, _ := mail.ParseAddress(cfg.ReplyTo)
		s.replyTo = *r
	}
	if s.hello == "" {
		s.hello = DefaultHelloName
	}
	if s.timeout == 0 {
		s.timeout = DefaultSMTPTimeout
	}
	if cfg.security() != SecurityNone {
		s.tls = &tls.Config{MinVersion: tls.VersionTLS12}
		if cfg.TLS != nil {
			s.tls = cfg.TLS.Clone()
		}
		if s.tls.ServerName == "" {
			s.tls.ServerName = cfg.Host
		}
		if cfg.CAFile != "" {
			pool, err := loadCAs(cfg.CAFile)
			if err != nil {
				return nil, err
			}
			s.tls.RootCAs = pool
		}
		if cfg.InsecureSkipVerify {
			s.tls.InsecureSkipVerify = true
		}
	}
	return s, nil
}

// Address returns the server's address, host:port.
func (s *SMTP) Address() string { return s.addr }

// Send delivers m: From and Reply-To default to the configuration's; the envelope sender is the
// configuration's From. It returns nil when the server accepted the message, and otherwise an error
// classified as Sender describes. If several recipients are given and the server refuses one, nothing
// is sent.
func (s *SMTP) Send(ctx context.Context, m Mail) error {
	if m.From.Address == "" {
		m.From = s.from
	}
	if m.ReplyTo.Address == "" {
		m.ReplyTo = s.replyTo
	}
	data, err := m.Bytes()
	if err != nil {
		if IsPermanent(err) {
			return err
		}
		return &PermanentError{Message: domain.ErrorMessage(err), Err: err}
	}

	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()

	d := net.Dialer{Deadline: deadline}
	raw, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return temporary("connect", err)
	}
	conn := &watchedConn{Conn: raw, deadline: deadline}
	if err := conn.SetDeadline(deadline); err != nil {
		raw.Close()
		return temporary("connect", err)
	}
	// Cancelling ctx closes the connection, which ends whatever read or write is under way.
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	defer raw.Close()

	var c *smtp.Client
	switch s.cfg.security() {
	case SecurityTLS:
		tc := tls.Client(conn, s.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return misconfiguredOrTemporary("TLS", ctx, err)
		}
		c = smtp.NewClient(tc)
	case SecurityStartTLS:
		c, err = smtp.NewClientStartTLS(conn, s.tls)
		if err != nil {
			return misconfiguredOrTemporary("STARTTLS", ctx, err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	c.CommandTimeout, c.SubmissionTimeout = s.timeout, s.timeout
	if err := c.Hello(s.hello); err != nil {
		return misconfiguredOrTemporary("EHLO", ctx, err)
	}

	if s.cfg.Username != "" {
		if _, isTLS := c.TLSConnectionState(); !isTLS && !s.cfg.AllowInsecureAuth {
			return misconfigured("AUTH", errors.New("refusing to send the password without TLS"))
		}
		if !c.SupportsAuth(sasl.Plain) {
			return misconfigured("AUTH", errors.New("the server does not offer AUTH PLAIN"))
		}
		if err := c.Auth(sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password)); err != nil {
			return misconfiguredOrTemporary("AUTH", ctx, err)
		}
	}

	if err := c.Mail(s.from.Address, nil); err != nil {
		return misconfiguredOrTemporary("MAIL", ctx, err)
	}
	for _, to := range m.To {
		if err := c.Rcpt(to.Address, nil); err != nil {
			if p := permanent("RCPT", err); p != nil {
				p.Recipient = to.Address
				return p
			}
			return temporary("RCPT", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		if p := permanent("DATA", err); p != nil {
			return p
		}
		return temporary("DATA", err)
	}
	if _, err := w.Write(data); err != nil {
		return temporary("DATA", err)
	}
	// Close writes the rest of the message and the final dot, then reads the server's reply. If a
	// write failed, the final dot did not go out and the server discards what it got; once the
	// writes succeeded, only the reply can tell whether the message was accepted.
	if err := w.Close(); err != nil {
		if p := permanent("DATA", err); p != nil {
			return p
		}
		var se *smtp.SMTPError
		if errors.As(err, &se) || conn.writeFailed() {
			return temporary("DATA", err)
		}
		return uncertain("DATA", err)
	}
	// Accepted. QUIT is a courtesy: a connection dropped now changes nothing.
	_ = c.Quit()
	return nil
}

// permanent returns the *PermanentError for a 5xx reply, or nil.
func permanent(command string, err error) *PermanentError {
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code/100 != 5 {
		return nil
	}
	p := &PermanentError{Code: se.Code, Command: command, Message: se.Message, Err: err}
	if se.EnhancedCode != smtp.NoEnhancedCode && se.EnhancedCode != smtp.EnhancedCodeNotSet {
		p.EnhancedCode = fmt.Sprintf("%d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
	}
	return p
}

// misconfiguredOrTemporary classifies a failure of a step that depends on predmet's configuration
// (connecting with TLS, EHLO, STARTTLS, AUTH, MAIL): a refusal by the server (a 5xx reply), a TLS
// error or a missing extension is a misconfiguration; a 4xx reply, a timeout, cancellation or a lost
// connection merely temporary. Both are temporary for the message.
func misconfiguredOrTemporary(step string, ctx context.Context, err error) error {
	var (
		se        *smtp.SMTPError
		certErr   *tls.CertificateVerificationError
		alert     tls.AlertError
		recordErr tls.RecordHeaderError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		netErr    net.Error
	)
	switch {
	case ctx.Err() != nil:
		return temporary(step, err)
	case errors.As(err, &se):
		if se.Code/100 == 5 {
			return misconfigured(step, err)
		}
		return temporary(step, err)
	case errors.As(err, &certErr), errors.As(err, &alert), errors.As(err, &recordErr),
		errors.As(err, &authority), errors.As(err, &hostname), errors.As(err, &invalid):
		return misconfigured(step, err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &netErr):
		return temporary(step, err)
	}
	return misconfigured(step, err)
}

// watchedConn is the connection under TLS and SMTP. It bounds every deadline by the message's
// deadline (go-smtp sets and clears deadlines per command) and remembers whether the last write failed.
type watchedConn struct {
	net.Conn
	deadline time.Time
	mu       sync.Mutex
	failed   bool
}

func (c *watchedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.failed = err != nil
	c.mu.Unlock()
	return n, err
}

// writeFailed reports whether the last write failed.
func (c *watchedConn) writeFailed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failed
}

func (c *watchedConn) bound(t time.Time) time.Time {
	if t.IsZero() || t.After(c.deadline) {
		return c.deadline
	}
	return t
}

func (c *watchedConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.bound(t)) }
func (c *watchedConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.bound(t)) }
func (c *watchedConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.bound(t)) }

// Transport names the sender in a notification's record: "smtp".
func (s *SMTP) Transport() string { return "smtp" }
