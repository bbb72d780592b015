// Package embedtemporal runs a Temporal server and its Web UI in-process on SQLite, for predmet's embedded default and its end-to-end tests.
package embedtemporal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/temporal"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/predmet/predmet/internal/zapadapter"
)

// Defaults applied by Start to the zero fields of Options.
const (
	// DefaultIP is the default of Options.IP: the server is reachable from this machine only.
	DefaultIP = "127.0.0.1"
	// DefaultNamespace is the default of Options.Namespace.
	DefaultNamespace = "predmet"
	// DefaultRetention is the default of Options.Retention.
	DefaultRetention = 30 * 24 * time.Hour
)

// MinRetention is the shortest workflow retention Start accepts. It is the Temporal server's
// minimum for a local (not replicated) namespace, "system.namespaceMinRetentionLocal".
const MinRetention = time.Hour

// DatabaseFile is the name of the SQLite file that Start keeps in Options.DataDir.
const DatabaseFile = "temporal.db"

// startTimeout bounds Start when its context has no deadline.
const startTimeout = time.Minute

// Options configures Start. The zero value runs an in-memory server on 127.0.0.1 with free ports,
// the namespace "predmet" and the Web UI.
type Options struct {
	// DataDir holds the SQLite database, DataDir/temporal.db, which Start creates with its schema when
	// it is missing; the directory is created too. One server at a time may use it. "" keeps
	// everything in memory (for tests only: the memory is not given back when the server stops).
	//
	// The server neither checks nor migrates the schema of an existing SQLite database: after an
	// upgrade of go.temporal.io/server that changes it, remove the file.
	DataDir string
	// IP is the address the frontend and the UI listen on; default 127.0.0.1. The internal services
	// (history, matching, worker) always listen on 127.0.0.1.
	IP string
	// FrontendPort is the gRPC port of the frontend, the one clients dial; 0 picks a free port.
	FrontendPort int
	// UIPort is the port of the Web UI; 0 picks a free port and -1 runs no UI. The UI is read-only.
	UIPort int
	// UIAuth, if not nil, puts the Web UI behind an OpenID Connect provider's sign-in.
	UIAuth *UIAuth
	// Namespace is created when missing; default "predmet".
	Namespace string
	// Retention is how long closed workflows are kept in Namespace; default 30 days, at least
	// MinRetention. Start applies it to an existing namespace too.
	Retention time.Duration
	// SearchAttributes are the custom search attributes of Namespace. Start registers the missing ones,
	// also on an existing database; one registered earlier with another type is an error. SQLite has
	// a fixed number of slots per type (e.g. 10 Keyword, 3 Bool, 3 Datetime).
	SearchAttributes map[string]enumspb.IndexedValueType
	// Logger receives the server's logs; nil discards them.
	Logger *zap.Logger
	// LogLevel is the lowest level of server log passed on to Logger; nil means zapcore.WarnLevel.
	LogLevel zapcore.LevelEnabler
}

// Server is a running Temporal server. Stop it with Stop.
type Server struct {
	temporal  temporal.Server
	ui        *uiserver.Server
	uiDone    chan struct{}
	frontend  string
	uiAddress string
	namespace string
	logs      *logGate
	unlock    func() error

	stopOnce sync.Once
	stopErr  error
}

// Start runs a Temporal server as opts describe and returns once its frontend serves the namespace
// (and the UI answers, when there is one). ctx bounds only the start-up, by default to one minute;
// the server runs until Stop.
//
// A port given in opts that is already taken is an error naming the port.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, startTimeout)
		defer cancel()
	}

	unlock := func() error { return nil }
	if opts.DataDir != "" {
		if err := os.MkdirAll(opts.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("embedtemporal: creating data directory: %w", err)
		}
		var err error
		if unlock, err = lockDataDir(opts.DataDir); err != nil {
			return nil, err
		}
	}
	s, err := start(ctx, opts)
	if err != nil {
		_ = unlock()
		return nil, err
	}
	s.unlock = unlock
	return s, nil
}

func start(ctx context.Context, opts Options) (*Server, error) {
	// Hold every port until just before its server binds it, so that the ports picked are
	// distinct and a taken port is reported before anything starts.
	var ports, uiPorts portSet
	defer ports.release()
	defer uiPorts.release()
	frontendPort, err := ports.take(opts.IP, opts.FrontendPort, "frontend")
	if err != nil {
		return nil, err
	}
	uiPort := -1
	if opts.UIPort >= 0 {
		if uiPort, err = uiPorts.take(opts.IP, opts.UIPort, "UI"); err != nil {
			return nil, err
		}
	}
	var internal serviceAddrs
	for _, p := range []*int{&internal.history, &internal.matching, &internal.worker} {
		if *p, err = ports.take(internalIP, 0, "internal"); err != nil {
			return nil, err
		}
	}

	sqlCfg, err := prepareDatabase(opts)
	if err != nil {
		return nil, err
	}

	logs := &logGate{min: opts.LogLevel}
	zl := logs.gated(opts.Logger.Named("temporal"))
	frontendAddr := net.JoinHostPort(dialHost(opts.IP), strconv.Itoa(frontendPort))
	serverOpts, err := serverOptions(serverSpec{
		ip:           opts.IP,
		frontendPort: frontendPort,
		frontendAddr: frontendAddr,
		internal:     internal,
		sql:          sqlCfg,
		logger:       newServerLogger(zl),
	})
	if err != nil {
		return nil, err
	}

	ports.release()
	srv, err := newTemporalServer(serverOpts)
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		// A failed Start has already stopped the services it started.
		return nil, fmt.Errorf("embedtemporal: starting Temporal server: %w", err)
	}
	s := &Server{
		temporal:  srv,
		frontend:  frontendAddr,
		namespace: opts.Namespace,
		logs:      logs,
	}
	fail := func(err error) (*Server, error) {
		_ = s.stop()
		return nil, err
	}

	if uiPort >= 0 {
		if err := s.startUI(ctx, uiSpec{ip: opts.IP, port: uiPort, frontendAddr: frontendAddr, namespace: opts.Namespace, auth: opts.UIAuth}, uiPorts.release); err != nil {
			return fail(err)
		}
	}
	c, err := dialFrontend(ctx, frontendAddr, opts.Namespace, zapadapter.New(zl.Named("client")))
	if err != nil {
		return fail(err)
	}
	defer c.Close()
	if err := reconcileNamespace(ctx, c, opts.Namespace, opts.Retention, opts.SearchAttributes); err != nil {
		return fail(err)
	}
	return s, nil
}

// newTemporalServer builds the server, turning a panic while its services are wired (which is how
// the server's Fatal logs end, e.g. when a listener cannot bind) into an error.
func newTemporalServer(opts []temporal.ServerOption) (srv temporal.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("embedtemporal: building Temporal server: %v", r)
		}
	}()
	srv, err = temporal.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("embedtemporal: building Temporal server: %w", err)
	}
	return srv, nil
}

func (o *Options) setDefaults() error {
	if o.IP == "" || o.IP == "localhost" {
		o.IP = DefaultIP
	}
	if net.ParseIP(o.IP) == nil {
		return fmt.Errorf("embedtemporal: IP %q is not an IP address", o.IP)
	}
	if o.FrontendPort < 0 || o.FrontendPort > 65535 {
		return fmt.Errorf("embedtemporal: frontend port %d is out of range", o.FrontendPort)
	}
	if o.UIPort < -1 || o.UIPort > 65535 {
		return fmt.Errorf("embedtemporal: UI port %d is out of range (-1 means no UI)", o.UIPort)
	}
	if strings.ContainsAny(o.DataDir, "?#") {
		return fmt.Errorf("embedtemporal: data directory %q must not contain '?' or '#'", o.DataDir)
	}
	if o.DataDir != "" {
		abs, err := filepath.Abs(o.DataDir)
		if err != nil {
			return fmt.Errorf("embedtemporal: data directory: %w", err)
		}
		o.DataDir = abs
	}
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Retention == 0 {
		o.Retention = DefaultRetention
	}
	if o.Retention < MinRetention {
		return fmt.Errorf("embedtemporal: retention %v is shorter than the server's minimum %v", o.Retention, MinRetention)
	}
	if err := validateSearchAttributes(o.SearchAttributes); err != nil {
		return err
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.LogLevel == nil {
		o.LogLevel = zapcore.WarnLevel
	}
	return nil
}

// startUI runs the Web UI on spec.ip:spec.port and waits until it answers its health check. It calls
// releasePort just before the UI binds the port.
func (s *Server) startUI(ctx context.Context, spec uiSpec, releasePort func()) error {
	ui, err := newUIServer(spec)
	if err != nil {
		return err
	}
	releasePort()
	s.ui = ui
	s.uiDone = make(chan struct{})
	s.uiAddress = "http://" + net.JoinHostPort(dialHost(spec.ip), strconv.Itoa(spec.port))
	go func() {
		defer close(s.uiDone)
		// Start blocks until Stop. It returns nil even when it fails to listen (it exits the
		// process instead), which is why Start checked the port first.
		_ = ui.Start()
	}()
	if err := waitHTTP(ctx, s.uiAddress+"/healthz"); err != nil {
		return fmt.Errorf("embedtemporal: Web UI on port %d did not start: %w", spec.port, err)
	}
	return nil
}

// waitHTTP polls url until it answers 200 OK or ctx ends.
func waitHTTP(ctx context.Context, url string) error {
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = errors.New(resp.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// FrontendAddress returns the host:port of the frontend, for client.Dial.
func (s *Server) FrontendAddress() string { return s.frontend }

// UIAddress returns the URL of the Web UI, e.g. "http://127.0.0.1:8233", or "" without the UI.
func (s *Server) UIAddress() string { return s.uiAddress }

// Namespace returns the namespace Start prepared.
func (s *Server) Namespace() string { return s.namespace }

// Stop stops the UI and the server and releases the data directory. Calling it again returns the
// first call's result.
//
// The SQLite file stays open until the process ends: Temporal's SQLite plugin keeps its
// connections, and a later Start on the same DataDir in this process uses them again.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.stopErr = s.stop()
		if s.unlock != nil {
			s.stopErr = errors.Join(s.stopErr, s.unlock())
		}
	})
	return s.stopErr
}

func (s *Server) stop() error {
	// The services routinely warn while they shut each other down; only errors are worth showing.
	s.logs.quiet.Store(true)
	if s.ui != nil {
		s.ui.Stop()
		<-s.uiDone
	}
	if err := s.temporal.Stop(); err != nil {
		return fmt.Errorf("embedtemporal: stopping Temporal server: %w", err)
	}
	return nil
}
