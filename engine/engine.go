package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/predmet/predmet/accesslog"
	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/auth"
	"github.com/predmet/predmet/directory"
	"github.com/predmet/predmet/dispatch"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/embedtemporal"
	"github.com/predmet/predmet/eventstore/kurrentdb"
	"github.com/predmet/predmet/eventstore/sqlite"
	"github.com/predmet/predmet/intake"
	"github.com/predmet/predmet/internal/zapadapter"
	"github.com/predmet/predmet/keystore"
	"github.com/predmet/predmet/notify"
	"github.com/predmet/predmet/projections"
	"github.com/predmet/predmet/services"
	"github.com/predmet/predmet/workflows"
)

// Engine is a running predmet process.
type Engine struct {
	cfg    Config
	logger *zap.Logger

	temporal *embedtemporal.Server
	client   client.Client
	store    domain.EventStore
	worker   worker.Worker
	runner   *projections.Runner
	cases    *projections.Casework
	outbox   *projections.Notifications
	mailbox  *notify.Outbox // the messages, when no mail server is configured
	dir      *directory.Holder
	// keys keep the keys that seal personal data (keys.db, or Vault); codec seals and opens with them;
	// access is the access log (access.db), opened by the api role.
	keys     domain.KeyStore
	keysFile *keystore.File
	codec    *domain.Codec
	access   *accesslog.Log
	policies domain.Policies
	// stopWatch stops watching the directory's file; stopStaff the staff file.
	stopWatch context.CancelFunc
	stopStaff context.CancelFunc
	http      *http.Server
	apiAddr   string
	baseURL   string

	// auth signs staff in (api role); sessions keeps their sessions; staffCheck compares the staff
	// file with the organisation directory.
	auth       *auth.Auth
	sessions   *auth.SessionStore
	staffCheck *staffCheck

	// DevToken is the staff token of the embedded default's dev user ("" otherwise).
	DevToken string

	cancel context.CancelFunc
	wg     sync.WaitGroup

	// checkpoints keeps the dispatcher's place in the log (worker role).
	checkpoints *dispatch.FileCheckpoints
}

// Start opens every adapter the config names and starts its roles. It returns once the API (if any)
// is listening. On error, whatever was started is stopped again.
func Start(ctx context.Context, cfg Config, logger *zap.Logger) (_ *Engine, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, logger: logger}
	defer func() {
		if err != nil {
			e.Stop(context.Background())
		}
	}()
	loc, err := time.LoadLocation(cfg.Location)
	if err != nil {
		return nil, err
	}
	// Data files hold personal data: the directory is the owner's alone (0700), its files 0600.
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if e.policies, err = cfg.Policies(); err != nil {
		return nil, err
	}

	// The API's port is taken first, so that a busy port fails fast and clearly.
	var apiListener net.Listener
	if cfg.has(RoleAPI) {
		if apiListener, err = net.Listen("tcp", cfg.APIAddr); err != nil {
			return nil, fmt.Errorf("cannot listen for the API on %s (is another predmet running?): %w", cfg.APIAddr, err)
		}
		e.apiAddr = apiListener.Addr().String()
	}
	e.baseURL = defaultBaseURL(cfg, e.apiAddr)

	if e.store, err = e.openStore(); err != nil {
		closeListener(apiListener)
		return nil, err
	}
	if cfg.has(RoleAPI) || cfg.has(RoleWorker) {
		if err := e.openKeys(); err != nil {
			closeListener(apiListener)
			return nil, err
		}
	}
	if cfg.has(RoleAPI) || cfg.has(RoleWorker) || cfg.Embedded {
		if e.client, err = e.dialTemporal(ctx); err != nil {
			closeListener(apiListener)
			return nil, err
		}
	}

	runCtx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel

	if cfg.has(RoleProjections) {
		e.cases = projections.NewCasework(e.store, projections.CaseworkOptions{Location: loc, VeryOverdueDays: cfg.VeryOverdueDays})
		e.outbox = &projections.Notifications{}
		if e.runner, err = projections.OpenRunner(cfg.path("projections.db"), e.store, logger.Named("projections"), e.cases, e.outbox); err != nil {
			closeListener(apiListener)
			return nil, err
		}
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			if err := e.runner.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
				logger.Error("projections stopped", zap.Error(err))
			}
		}()
	}

	if cfg.has(RoleWorker) {
		if err := e.startWorker(ctx, runCtx, loc); err != nil {
			closeListener(apiListener)
			return nil, err
		}
	}

	if cfg.has(RoleAPI) {
		if err := e.startAPI(apiListener, loc); err != nil {
			closeListener(apiListener)
			return nil, err
		}
	}
	e.tightenDataDir()
	return e, nil
}

// tightenDataDir makes the data directory the owner's alone (0700) and its files (the databases, their
// journals, the staff file, the dev token) readable by the owner only (0600): they hold personal data
// and secrets. A data directory of an earlier release, created 0750, is tightened with a warning.
func (e *Engine) tightenDataDir() {
	dir := e.cfg.DataDir
	if fi, err := os.Stat(dir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		e.logger.Warn("The data directory could be read by others; it is now the owner's alone (0700).",
			zap.String("dir", dir), zap.String("mode", fi.Mode().Perm().String()))
		if err := os.Chmod(dir, 0o700); err != nil {
			e.logger.Warn("data directory", zap.Error(err))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range entries {
		if !de.Type().IsRegular() {
			continue
		}
		if fi, err := de.Info(); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(filepath.Join(dir, de.Name()), 0o600); err != nil {
				e.logger.Warn("data file", zap.Error(err))
			}
		}
	}
}

func closeListener(l net.Listener) {
	if l != nil {
		l.Close()
	}
}

func (e *Engine) openStore() (domain.EventStore, error) {
	if e.cfg.KurrentDBURL != "" {
		s, err := kurrentdb.Open(e.cfg.KurrentDBURL, kurrentdb.WithLogger(e.logger.Named("kurrentdb")))
		if err != nil {
			return nil, fmt.Errorf("KurrentDB: %w", err)
		}
		return s, nil
	}
	s, err := sqlite.Open(e.cfg.path("events.db"))
	if err != nil {
		return nil, fmt.Errorf("embedded event store: %w", err)
	}
	return s, nil
}

// openKeys opens the key store that seals personal data: Vault's transit engine when configured, else
// <data-dir>/keys.db, which is refused if others can read it.
func (e *Engine) openKeys() error {
	v := e.cfg.Vault
	if v.Addr != "" {
		e.keys = &keystore.Vault{Addr: v.Addr, Token: v.Token, Namespace: v.Namespace, Mount: v.Mount, Prefix: v.Prefix, HMACKey: v.HMACKey}
	} else {
		f, err := keystore.OpenFile(e.cfg.path("keys.db"))
		if err != nil {
			return fmt.Errorf("key store: %w", err)
		}
		e.keys, e.keysFile = f, f
	}
	e.codec = &domain.Codec{Keys: e.keys}
	return nil
}

func (e *Engine) dialTemporal(ctx context.Context) (client.Client, error) {
	cfg := e.cfg
	opts := client.Options{
		HostPort:  cfg.TemporalAddress,
		Namespace: cfg.TemporalNamespace,
		Logger:    zapadapter.New(e.logger.Named("temporal")),
	}
	if cfg.Embedded {
		uiAuth, err := cfg.uiAuth()
		if err != nil {
			return nil, err
		}
		srv, err := embedtemporal.Start(ctx, embedtemporal.Options{
			DataDir:          cfg.DataDir,
			FrontendPort:     cfg.TemporalPort,
			UIPort:           cfg.UIPort,
			UIAuth:           uiAuth,
			Namespace:        cfg.TemporalNamespace,
			Retention:        cfg.Retention,
			SearchAttributes: searchAttributeTypes(),
			Logger:           e.logger.Named("temporal-server"),
		})
		if err != nil {
			return nil, fmt.Errorf("embedded Temporal: %w", err)
		}
		e.temporal = srv
		opts.HostPort = srv.FrontendAddress()
	} else {
		tlsConfig, err := cfg.temporalTLS()
		if err != nil {
			return nil, err
		}
		opts.ConnectionOptions.TLS = tlsConfig
		if cfg.TemporalAPIKey != "" {
			opts.Credentials = client.NewAPIKeyStaticCredentials(cfg.TemporalAPIKey)
		}
	}
	dialCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := client.DialContext(dialCtx, opts)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s: %w", opts.HostPort, err)
	}
	return c, nil
}

// temporalTLS builds the TLS config for an external Temporal, or nil for plain gRPC.
func (c *Config) temporalTLS() (*tls.Config, error) {
	if !c.TemporalTLS && c.TemporalAPIKey == "" && c.TemporalTLSCert == "" && c.TemporalTLSCA == "" {
		return nil, nil
	}
	conf := &tls.Config{ServerName: c.TemporalTLSServer, MinVersion: tls.VersionTLS12}
	if c.TemporalTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TemporalTLSCert, c.TemporalTLSKey)
		if err != nil {
			return nil, fmt.Errorf("client certificate for Temporal: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	if c.TemporalTLSCA != "" {
		pem, err := os.ReadFile(c.TemporalTLSCA)
		if err != nil {
			return nil, fmt.Errorf("CA certificate for Temporal: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("the CA file for Temporal %s holds no PEM certificate", c.TemporalTLSCA)
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

func searchAttributeTypes() map[string]enumspb.IndexedValueType {
	out := map[string]enumspb.IndexedValueType{}
	for _, k := range workflows.SearchAttributeKeys {
		out[k.GetName()] = k.GetValueType()
	}
	return out
}

func loadCalendar(path string) (*domain.Calendar, error) {
	if path == "" {
		return domain.NewCalendar(nil), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("calendar file: %w", err)
	}
	defer f.Close()
	days, err := domain.ParseOneOffDays(f)
	if err != nil {
		return nil, fmt.Errorf("calendar file %s: %w", path, err)
	}
	return domain.NewCalendar(days), nil
}

// startWorker starts the Temporal worker with the activities' dependencies: the calendar, the read models
// (when this process runs the projections), the organisation directory, the templates and the mail
// sender (SMTP, or the outbox without a mail server); it creates the daily schedules, and starts the
// dispatcher, which runs until runCtx ends.
func (e *Engine) startWorker(ctx, runCtx context.Context, loc *time.Location) error {
	cfg := e.cfg
	calendar, err := loadCalendar(cfg.CalendarFile)
	if err != nil {
		return err
	}
	mailer, err := e.openMailer()
	if err != nil {
		return err
	}
	if e.dir, err = e.openDirectory(); err != nil {
		return err
	}
	templates, err := notify.LoadTemplates(notify.TemplateOptions{Dir: cfg.TemplatesDir, Location: loc, Municipality: e.municipality()})
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	from, _ := mail.ParseAddress(cfg.MailFrom)
	var replyTo mail.Address
	if cfg.MailReplyTo != "" {
		a, _ := mail.ParseAddress(cfg.MailReplyTo)
		replyTo = *a
	}
	var readModels domain.ReadModels
	var people domain.PersonIndex
	if e.cases != nil {
		readModels, people = e.cases, e.cases
	}
	acts := &activities.Activities{
		Store: e.store, Calendar: calendar, Location: loc, Signaler: e.client, ReadModels: readModels, Mailer: mailer,
		Composer: &activities.MailComposer{
			Mail:      &notify.Composer{Templates: templates, From: *from, ReplyTo: replyTo},
			Directory: e.directory, Store: e.store, ReadModels: readModels, Location: loc, BaseURL: e.baseURL, Codec: e.codec,
		},
		Keys: e.keys, People: people, Policies: e.policies, OutboxHorizon: cfg.OutboxHorizon,
	}
	if e.mailbox != nil {
		acts.Outbox = e.mailbox
	}
	e.worker = workflows.NewWorker(e.client, acts)
	if err := e.worker.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	if err := workflows.EnsureBriefingSchedule(ctx, e.client, cfg.BriefingAt, loc); err != nil {
		return fmt.Errorf("briefing schedule: %w", err)
	}
	if err := workflows.EnsureDigestSchedule(ctx, e.client, cfg.DigestAt, loc); err != nil {
		return fmt.Errorf("digest schedule: %w", err)
	}
	if err := workflows.EnsureRetentionSchedule(ctx, e.client, cfg.RetentionAt, cfg.RetentionEvery, loc); err != nil {
		return fmt.Errorf("retention schedule: %w", err)
	}
	return e.startDispatcher(runCtx)
}

// startDispatcher starts the dispatcher (package dispatch), with its checkpoint in the data directory:
// it queues the messages that case events call for and starts the delivery of every queued one.
func (e *Engine) startDispatcher(runCtx context.Context) error {
	checkpoints, err := dispatch.OpenCheckpoints(e.cfg.path("dispatch.db"))
	if err != nil {
		return fmt.Errorf("dispatcher: %w", err)
	}
	e.checkpoints = checkpoints
	d := &dispatch.Dispatcher{
		Store: e.store, Deliveries: dispatch.WorkflowDeliveries{Client: e.client}, Checkpoints: checkpoints,
		Logger: e.logger.Named("dispatch"),
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		if err := d.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
			e.logger.Error("dispatcher stopped", zap.Error(err))
		}
	}()
	return nil
}

// openMailer returns the SMTP sender when a mail server is configured, else the outbox in the data
// directory, which staff read through GET /api/v1/outbox.
func (e *Engine) openMailer() (activities.Mailer, error) {
	cfg := e.cfg
	if cfg.SMTP.Host == "" {
		if e.mailbox == nil {
			o, err := notify.OpenOutbox(cfg.path("outbox.db"), e.logger.Named("outbox"))
			if err != nil {
				return nil, fmt.Errorf("outbox: %w", err)
			}
			e.mailbox = o
		}
		return e.mailbox, nil
	}
	s, err := notify.NewSMTP(notify.SMTPConfig{
		Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Security: notify.Security(cfg.SMTP.Security), Username: cfg.SMTP.Username,
		Password: cfg.SMTP.Password, CAFile: cfg.SMTP.CAFile, From: cfg.MailFrom, ReplyTo: cfg.MailReplyTo,
	})
	if err != nil {
		return nil, fmt.Errorf("SMTP: %w", err)
	}
	return s, nil
}

// openDirectory loads the organisation directory and watches its file, or returns nil without one:
// messages to staff then fail, visibly, for want of an address.
func (e *Engine) openDirectory() (*directory.Holder, error) {
	if e.dir != nil || e.cfg.DirectoryFile == "" {
		return e.dir, nil
	}
	h, err := directory.Open(e.cfg.DirectoryFile, e.logger.Named("directory"))
	if err != nil {
		return nil, fmt.Errorf("organisation directory: %s", domain.ErrorMessage(err))
	}
	runCtx, cancel := context.WithCancel(context.Background())
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		h.Watch(runCtx, 0)
	}()
	e.stopWatch = cancel
	return h, nil
}

// directory returns the organisation directory in force, or nil.
func (e *Engine) directory() *domain.Organisation {
	if e.dir == nil {
		return nil
	}
	return e.dir.Current()
}

// municipality returns the municipality's names from the directory, for the templates.
func (e *Engine) municipality() map[domain.Language]string {
	org := e.directory()
	if org == nil {
		return nil
	}
	return map[domain.Language]string{
		domain.Macedonian: org.Municipality.In(domain.Macedonian),
		domain.Albanian:   org.Municipality.In(domain.Albanian),
		domain.English:    org.Municipality.In(domain.English),
	}
}

// startAPI serves the API, the staff sign-in and (through Server.Routes) the staff pages on l.
func (e *Engine) startAPI(l net.Listener, loc *time.Location) error {
	var err error
	if e.dir, err = e.openDirectory(); err != nil {
		return err
	}
	staff, err := e.loadStaff()
	if err != nil {
		return err
	}
	policies := e.policies
	access, err := accesslog.Open(e.cfg.path("access.db"))
	if err != nil {
		return err
	}
	e.access = access
	outbox := &services.Outbox{Store: e.store, Notes: activities.CaseNotes{Signaler: e.client, Store: e.store}, Codec: e.codec, Access: access}
	if e.cfg.SMTP.Host == "" {
		if _, err := e.openMailer(); err != nil {
			return err
		}
		outbox.Outbox = e.mailbox
	}
	if err := e.startSignIn(); err != nil {
		return err
	}
	server := &intake.Server{
		Briefings: &services.Briefings{Client: e.client, Store: e.store, Location: loc},
		Metrics:   metricsHandler(e.runner),
		Cases: &services.Cases{
			Client: e.client, Store: e.store, Unit: e.cfg.Unit, Policies: policies, HistoryLimit: e.cfg.HistoryLimit,
			Codec: e.codec, Access: access,
		},
		Clocks:   &services.Clocks{Client: e.client, Store: e.store},
		Policies: policies,
		Staff:    staff,
		Logger:   e.logger.Named("api"),
		Ready:    e.ready,
		Outbox:   outbox,
		ReadyDetails: func(ctx context.Context) map[string]any {
			details := map[string]any{"staff": e.staffCheck.readyDetails()}
			if e.runner != nil {
				details["projections"] = e.runner.Lag(ctx)
			}
			return details
		},
		Identities: e.auth.Resolver(),
		Sessions:   sessionDoor{auth: e.auth, sessions: e.sessions},
	}
	// Beside the API's routes: the sign-in's, and the staff pages', which wrap theirs in
	// e.auth.RequireUser and call the same services as the API (server.Cases, server.ReadModels, …).
	server.Routes = func(r *mux.Router) {
		e.auth.Register(r)
	}
	privacy := &services.Privacy{Client: e.client, Store: e.store, Codec: e.codec, Policies: policies, Access: access,
		Outbox: outbox.Outbox, Location: loc}
	server.Privacy = privacy
	if e.runner != nil {
		server.ReadModels, server.Projections = e.cases, projectionAdmin{e.runner}
		outbox.Notifications = e.outbox
		privacy.People = e.cases
	}
	if e.dir != nil {
		server.Directory = e.dir
	}
	e.http = &http.Server{Handler: server.Handler(), ReadHeaderTimeout: 10 * time.Second}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		if err := e.http.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.logger.Error("API server stopped", zap.Error(err))
		}
	}()
	return nil
}

// loadStaff reads the staff directory and watches its file, so that a valid change (predmet staff add)
// takes effect without a restart. The embedded default creates one with a dev user holding every role
// the first time, and keeps that user's token in <data-dir>/dev-token.
func (e *Engine) loadStaff() (*intake.StaffFile, error) {
	path := e.cfg.StaffFile
	if path == "" && e.cfg.Embedded {
		path = e.cfg.path("staff.json")
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			if err := e.writeDevStaff(path); err != nil {
				return nil, err
			}
		}
		if token, err := os.ReadFile(e.cfg.path("dev-token")); err == nil {
			e.DevToken = strings.TrimSpace(string(token))
		}
	}
	staff, err := intake.OpenStaffFile(path, e.logger)
	if err != nil {
		return nil, fmt.Errorf("staff file: %w", err)
	}
	e.staffCheck = &staffCheck{staff: staff, dir: e.dir, log: e.logger.Named("staff")}
	e.staffCheck.run()
	watchCtx, cancel := context.WithCancel(context.Background())
	e.stopStaff = cancel
	e.wg.Add(2)
	go func() {
		defer e.wg.Done()
		staff.Watch(watchCtx, 0)
	}()
	go func() {
		defer e.wg.Done()
		e.staffCheck.watch(watchCtx, directory.DefaultWatchInterval)
	}()
	return staff, nil
}

func (e *Engine) writeDevStaff(path string) error {
	token, hash := intake.NewToken()
	roles := make([]string, len(domain.Roles))
	for i, r := range domain.Roles {
		roles[i] = string(r)
	}
	doc := map[string]any{"users": []map[string]any{{
		"id": DevUser, "name": "Developer", "roles": roles, "language": "mk", "tokenSha256": hash,
	}}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(e.cfg.path("dev-token"), []byte(token+"\n"), 0o600); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// ready reports whether Temporal and the event store answer.
func (e *Engine) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if e.client == nil {
		// A projections-only process needs no Temporal.
	} else if _, err := e.client.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return domain.Errorf(domain.EUNAVAILABLE, "Temporal does not answer.")
	}
	if _, err := e.store.ReadAll(ctx, domain.ReadAllOptions{Direction: domain.Backwards, Max: 1}); err != nil {
		return domain.Errorf(domain.EUNAVAILABLE, "The event store does not answer.")
	}
	return nil
}

// APIAddress returns the HTTP API's address (host:port), or "" without the api role.
func (e *Engine) APIAddress() string { return e.apiAddr }

// BaseURL returns where staff reach predmet: --base-url, or in `predmet dev` the API's address; "" for
// neither.
func (e *Engine) BaseURL() string { return e.baseURL }

// Auth returns the staff sign-in, or nil without the api role: the staff pages wrap their routes in
// its RequireUser (mounted with the sign-in's routes on the API's router).
func (e *Engine) Auth() *auth.Auth { return e.auth }

// Sessions returns the staff's sessions, or nil without the api role.
func (e *Engine) Sessions() *auth.SessionStore { return e.sessions }

// UIAddress returns the embedded Temporal Web UI's URL, or "".
func (e *Engine) UIAddress() string {
	if e.temporal == nil {
		return ""
	}
	return e.temporal.UIAddress()
}

// TemporalAddress returns the Temporal frontend the engine uses.
func (e *Engine) TemporalAddress() string {
	if e.temporal != nil {
		return e.temporal.FrontendAddress()
	}
	return e.cfg.TemporalAddress
}

// Client returns the engine's Temporal client.
func (e *Engine) Client() client.Client { return e.client }

// Store returns the engine's event store.
func (e *Engine) Store() domain.EventStore { return e.store }

// Projections returns the projection runner, or nil without the projections role.
func (e *Engine) Projections() *projections.Runner { return e.runner }

// Keys returns the key store that seals personal data (nil without the api and worker roles).
func (e *Engine) Keys() domain.KeyStore { return e.keys }

// Codec returns the codec that seals and opens personal data (nil without the api and worker roles).
func (e *Engine) Codec() *domain.Codec { return e.codec }

// AccessLog returns the access log, or nil without the api role.
func (e *Engine) AccessLog() *accesslog.Log { return e.access }

// Outbox returns the outbox that keeps the messages without a mail server, or nil.
func (e *Engine) Outbox() *notify.Outbox { return e.mailbox }

// Casework returns the read models of the cases, or nil without the projections role.
func (e *Engine) Casework() *projections.Casework { return e.cases }

// Stop stops every role and closes every adapter, the API first so that no request is cut short.
func (e *Engine) Stop(ctx context.Context) {
	if e.http != nil {
		shutdownCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := e.http.Shutdown(shutdownCtx); err != nil {
			e.logger.Warn("API shutdown", zap.Error(err))
		}
		cancel()
	}
	if e.worker != nil {
		e.worker.Stop()
	}
	if e.cancel != nil {
		e.cancel()
	}
	if e.stopWatch != nil {
		e.stopWatch()
	}
	if e.stopStaff != nil {
		e.stopStaff()
	}
	e.wg.Wait()
	if e.runner != nil {
		if err := e.runner.Close(); err != nil {
			e.logger.Warn("projections close", zap.Error(err))
		}
	}
	if e.checkpoints != nil {
		if err := e.checkpoints.Close(); err != nil {
			e.logger.Warn("dispatcher checkpoint close", zap.Error(err))
		}
	}
	if e.sessions != nil {
		if err := e.sessions.Close(); err != nil {
			e.logger.Warn("sessions close", zap.Error(err))
		}
	}
	if e.mailbox != nil {
		if err := e.mailbox.Close(); err != nil {
			e.logger.Warn("outbox close", zap.Error(err))
		}
	}
	if e.access != nil {
		if err := e.access.Close(); err != nil {
			e.logger.Warn("access log close", zap.Error(err))
		}
	}
	if e.keysFile != nil {
		if err := e.keysFile.Close(); err != nil {
			e.logger.Warn("key store close", zap.Error(err))
		}
	}
	if e.client != nil {
		e.client.Close()
	}
	if e.temporal != nil {
		if err := e.temporal.Stop(); err != nil {
			e.logger.Warn("Temporal stop", zap.Error(err))
		}
	}
	if e.store != nil {
		if err := e.store.Close(); err != nil {
			e.logger.Warn("event store close", zap.Error(err))
		}
	}
}
