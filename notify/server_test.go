package notify_test

import (
	"net"
	"sync"
	"testing"

	"github.com/predmet/predmet/notify"
	"github.com/predmet/predmet/notify/smtptest"
)

// The test server lives in notify/smtptest, which the engine's tests use too.
type (
	Received      = smtptest.Received
	ServerOptions = smtptest.Options
	TestServer    = smtptest.Server
)

// MustStartServer starts a test SMTP server, closed when the test ends.
func MustStartServer(tb testing.TB, opts ServerOptions) *TestServer {
	return smtptest.MustStart(tb, opts)
}

// MustCertificate returns a self-signed certificate for 127.0.0.1 and a pool that trusts it.
var MustCertificate = smtptest.MustCertificate

// MustSender returns an SMTP sender configured by cfg.
func MustSender(tb testing.TB, cfg notify.SMTPConfig) *notify.SMTP {
	tb.Helper()
	s, err := notify.NewSMTP(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// freePort returns a port on 127.0.0.1 where nothing listens.
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// silentServer accepts connections and never says anything.
func silentServer(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	tb.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return l.Addr().(*net.TCPAddr).Port
}
