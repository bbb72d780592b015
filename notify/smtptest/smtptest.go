// Package smtptest runs a real SMTP server (go-smtp) on loopback for tests: it records what it
// receives and can be told to refuse, fail or drop the connection at the moments that matter to
// exactly-once delivery.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/predmet/predmet/notify"
)

// Received is a message as the test server received it.
type Received struct {
	From string
	To   []string
	Data []byte
	// TLS says whether the session was encrypted; User who authenticated ("" for nobody).
	TLS  bool
	User string
}

// Options sets how the test server behaves.
type Options struct {
	// TLS: "" (plain, no STARTTLS), "starttls" (plain, offering STARTTLS) or "implicit".
	TLS string
	// User and Password, when set, are required before MAIL.
	User, Password string
	// RejectRcpt replies with the error to RCPT of the address.
	RejectRcpt map[string]*smtp.SMTPError
	// DataReply replies with the error after reading the message.
	DataReply *smtp.SMTPError
	// DropAfterAccept closes the connection right after replying 250 to the message.
	DropAfterAccept bool
	// DropBeforeReply reads the whole message, then closes the connection without replying.
	DropBeforeReply bool
}

// Server is a real SMTP server (go-smtp) on 127.0.0.1 that records what it receives.
type Server struct {
	Host string
	Port int
	// Roots trusts the server's certificate; CAPEM is that certificate in PEM, for a CA file.
	Roots *x509.CertPool
	CAPEM []byte

	opts Options
	mu   sync.Mutex
	got  []Received
	// unacknowledged holds the messages read by a server that dropped the connection before replying.
	unacknowledged []Received
}

// MustStart starts a test SMTP server, closed when the test ends.
func MustStart(tb testing.TB, opts Options) *Server {
	tb.Helper()
	cert, roots := MustCertificate(tb)
	s := &Server{opts: opts, Roots: roots, CAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Leaf.Raw})}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{server: s, conn: c}, nil
	}))
	srv.Domain = "mail.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.AllowInsecureAuth = true
	srv.ErrorLog = discardLogger{}
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var ln net.Listener = &dropListener{Listener: l}
	switch opts.TLS {
	case "starttls":
		srv.TLSConfig = tlsConfig
	case "implicit":
		ln = tls.NewListener(ln, tlsConfig)
	}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	addr := l.Addr().(*net.TCPAddr)
	s.Host, s.Port = "127.0.0.1", addr.Port
	return s
}

// SetDataReply changes the reply to the message data (nil: accept), as a server that recovers.
func (s *Server) SetDataReply(err *smtp.SMTPError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.DataReply = err
}

// Received returns the messages the server accepted.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.got...)
}

// Unacknowledged returns the messages the server read and never replied to.
func (s *Server) Unacknowledged() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.unacknowledged...)
}

// Config returns a sender configuration for the server.
func (s *Server) Config() notify.SMTPConfig {
	cfg := notify.SMTPConfig{
		Host: s.Host, Port: s.Port, Security: notify.SecurityNone,
		From: "Општина Пример <noreply@opstina-primer.example>", HelloName: "predmet.test", Timeout: 5 * time.Second,
	}
	switch s.opts.TLS {
	case "starttls":
		cfg.Security, cfg.TLS = notify.SecurityStartTLS, &tls.Config{RootCAs: s.Roots}
	case "implicit":
		cfg.Security, cfg.TLS = notify.SecurityTLS, &tls.Config{RootCAs: s.Roots}
	}
	return cfg
}

type session struct {
	server *Server
	conn   *smtp.Conn
	msg    Received
	authed bool
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, password string) error {
		if user != s.server.opts.User || password != s.server.opts.Password {
			return smtp.ErrAuthFailed
		}
		s.authed, s.msg.User = true, user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.server.opts.User != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.msg.From = from
	_, s.msg.TLS = s.conn.TLSConnectionState()
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.server.opts.RejectRcpt[to]; err != nil {
		return err
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg := s.msg
	msg.Data = data
	s.server.mu.Lock()
	opts := s.server.opts
	s.server.mu.Unlock()
	switch {
	case opts.DropBeforeReply:
		s.server.mu.Lock()
		s.server.unacknowledged = append(s.server.unacknowledged, msg)
		s.server.mu.Unlock()
		s.conn.Conn().Close()
		return errors.New("dropped")
	case opts.DataReply != nil:
		return opts.DataReply
	}
	if opts.DropAfterAccept {
		if dc, ok := s.conn.Conn().(*dropConn); ok {
			dc.dropAfterWrite.Store(true)
		}
	}
	s.server.mu.Lock()
	s.server.got = append(s.server.got, msg)
	s.server.mu.Unlock()
	return nil
}

func (s *session) Reset() {
	user, authed := s.msg.User, s.authed
	s.msg = Received{User: user}
	s.authed = authed
}

func (s *session) Logout() error { return nil }

// dropListener hands out connections that can close themselves after their next write.
type dropListener struct{ net.Listener }

func (l *dropListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &dropConn{Conn: c}, nil
}

type dropConn struct {
	net.Conn
	dropAfterWrite atomic.Bool
}

func (c *dropConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if c.dropAfterWrite.Load() {
		c.Conn.Close()
	}
	return n, err
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

// MustCertificate returns a self-signed certificate for 127.0.0.1 and a pool that trusts it.
func MustCertificate(tb testing.TB) (tls.Certificate, *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "predmet test mail server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
