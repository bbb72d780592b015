package embedtemporal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/google/uuid"
	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/protobuf/types/known/durationpb"
)

const (
	// internalIP is where history, matching and worker listen: they talk only to each other and
	// to the frontend, all in this process.
	internalIP = "127.0.0.1"
	// clusterName names the single cluster; it is stored in the database, so it must not change.
	clusterName = "active"
	// storeName names the one SQLite data store, used for both execution and visibility data.
	storeName = "sqlite"
)

// serviceAddrs holds the gRPC ports of the internal services.
type serviceAddrs struct {
	history, matching, worker int
}

// serverSpec is what serverOptions needs to configure the server.
type serverSpec struct {
	ip           string // where the frontend binds
	frontendPort int
	frontendAddr string // host:port the frontend is dialed at
	internal     serviceAddrs
	sql          *config.SQL
	logger       log.Logger
}

// serverOptions returns the options of a single-node server: the four default services in this
// process, found through static membership, on one SQLite store with one history shard.
func serverOptions(spec serverSpec) ([]temporal.ServerOption, error) {
	internal := func(port int) string { return net.JoinHostPort(internalIP, strconv.Itoa(port)) }
	cfg := &config.Config{
		Persistence: config.Persistence{
			DefaultStore:     storeName,
			VisibilityStore:  storeName,
			NumHistoryShards: 1,
			DataStores:       map[string]config.DataStore{storeName: {SQL: spec.sql}},
		},
		ClusterMetadata: &cluster.Config{
			FailoverVersionIncrement: 10,
			MasterClusterName:        clusterName,
			CurrentClusterName:       clusterName,
			ClusterInformation: map[string]cluster.ClusterInformation{
				clusterName: {
					Enabled:                true,
					InitialFailoverVersion: 1,
					RPCAddress:             spec.frontendAddr,
					// Used only when the cluster metadata is first written; later starts keep
					// the stored ID.
					ClusterID: uuid.NewString(),
				},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services: map[string]config.Service{
			// HTTPPort stays 0: the frontend's HTTP API is off; clients and the UI use gRPC.
			string(primitives.FrontendService): {RPC: config.RPC{GRPCPort: spec.frontendPort, BindOnIP: spec.ip}},
			string(primitives.HistoryService):  {RPC: config.RPC{GRPCPort: spec.internal.history, BindOnIP: internalIP}},
			string(primitives.MatchingService): {RPC: config.RPC{GRPCPort: spec.internal.matching, BindOnIP: internalIP}},
			string(primitives.WorkerService):   {RPC: config.RPC{GRPCPort: spec.internal.worker, BindOnIP: internalIP}},
		},
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{
			Archival: config.ArchivalNamespaceDefaults{
				History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
				Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
			},
		},
		PublicClient: config.PublicClient{HostPort: spec.frontendAddr},
	}

	// No authorization: a dev server on the developer's own machine.
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("embedtemporal: authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, spec.logger)
	if err != nil {
		return nil, fmt.Errorf("embedtemporal: claim mapper: %w", err)
	}

	return []temporal.ServerOption{
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: static.SingleLocalHost(spec.frontendAddr),
			primitives.HistoryService:  static.SingleLocalHost(internal(spec.internal.history)),
			primitives.MatchingService: static.SingleLocalHost(internal(spec.internal.matching)),
			primitives.WorkerService:   static.SingleLocalHost(internal(spec.internal.worker)),
		}),
		temporal.WithLogger(spec.logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynamicConfig()),
	}, nil
}

// dynamicConfig returns the server's dynamic configuration: the defaults of v1.32 with a few
// values suited to one developer's machine.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		// Mutable-state cache entries; the default (128k) is sized for a production host.
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key(): 8192,
		// The default of 10 visibility requests per second is easily reached by projections,
		// the UI and end-to-end tests polling lists together.
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		// predmet uses Workflow Updates and update-with-start. Both are on by default in v1.32;
		// they are pinned here so that a change of default cannot turn them off.
		dynamicconfig.FrontendEnableUpdateWorkflowExecution.Key():              true,
		dynamicconfig.FrontendEnableUpdateWorkflowExecutionAsyncAccepted.Key(): true,
	}
}

// prepareDatabase returns the SQLite configuration for opts and makes sure the database holds the
// schema and the namespace (with the retention and search attributes of opts when it is new).
func prepareDatabase(opts Options) (*config.SQL, error) {
	cfg := &config.SQL{PluginName: sqliteplugin.PluginName}
	if opts.DataDir == "" {
		// The plugin sets up the schema itself for an in-memory database. The name must be unique:
		// the plugin keeps every database it opened for the life of the process.
		cfg.DatabaseName = "embedtemporal-" + uuid.NewString()
		cfg.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
	} else {
		cfg.DatabaseName = filepath.Join(opts.DataDir, DatabaseFile)
		// Keys the plugin does not know as URI parameters are passed on as pragmas.
		cfg.ConnectAttributes = map[string]string{
			"mode":         "rwc",
			"journal_mode": "wal",
			// In WAL mode, NORMAL is safe from corruption and loses nothing when the process
			// crashes; only a power cut can undo the last commits.
			"synchronous": "normal",
			// Another process (e.g. the sqlite3 shell) may hold the lock for a moment.
			"busy_timeout": "5000",
		}
		_, err := os.Stat(cfg.DatabaseName)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := sqliteschema.SetupSchema(cfg); err != nil {
				return nil, fmt.Errorf("embedtemporal: creating the schema in %s (remove the file to retry): %w", cfg.DatabaseName, err)
			}
		case err != nil:
			return nil, fmt.Errorf("embedtemporal: database: %w", err)
		}
	}

	ns, err := sqliteschema.NewNamespaceConfig(clusterName, opts.Namespace, false, opts.SearchAttributes)
	if err != nil {
		return nil, fmt.Errorf("embedtemporal: namespace %s: %w", opts.Namespace, err)
	}
	ns.Detail.Config.Retention = durationpb.New(opts.Retention)
	// A no-op when the namespace exists; reconcileNamespace then brings it up to date.
	if err := sqliteschema.CreateNamespaces(cfg, ns); err != nil {
		return nil, fmt.Errorf("embedtemporal: creating namespace %s: %w", opts.Namespace, err)
	}
	return cfg, nil
}

// UIAuth puts the Web UI behind the sign-in of an OpenID Connect provider, with the UI server's own
// support for it: the same provider, and the same client, as the staff pages (package auth).
type UIAuth struct {
	// Issuer is the provider's issuer URL.
	Issuer string
	// ClientID and ClientSecret are the client's at the provider; the UI server needs a secret.
	ClientID, ClientSecret string
	// CallbackURL is where the provider sends the browser back to the UI, to register with the
	// provider; default the UI's address and /auth/sso/callback.
	CallbackURL string
	// Scopes are asked of the provider; default openid, profile and email.
	Scopes []string
	// Label names the provider on the UI's sign-in button.
	Label string
	// MaxSession, if positive, signs people out of the UI this long after they signed in.
	MaxSession time.Duration
}

// uiSpec is what newUIServer needs to configure the Web UI.
type uiSpec struct {
	ip           string
	port         int
	frontendAddr string
	namespace    string
	auth         *UIAuth
}

// uiDiscoveryTimeout bounds the look-up of the UI's identity provider before the UI is built.
const uiDiscoveryTimeout = 15 * time.Second

// newUIServer builds the Web UI server for the frontend at spec.frontendAddr. The UI is read-only:
// its server refuses every write (terminate, cancel, signal, update, reset, start, batch actions), so
// that nothing changes a case past its event log; the UI hides those actions. With spec.auth, only
// those the provider signs in may use it: its API refuses requests without a valid ID token.
func newUIServer(spec uiSpec) (ui *uiserver.Server, err error) {
	cfg := &uiconfig.Config{
		Host:                spec.ip,
		Port:                spec.port,
		TemporalGRPCAddress: spec.frontendAddr,
		EnableUI:            true,
		DefaultNamespace:    spec.namespace,
		HideLogs:            true,
		// Served over plain HTTP on the developer's machine.
		CORS: uiconfig.CORS{CookieInsecure: true},
		// No calls to the internet from a local tool.
		DisableNewsFetch: true,
		// Read-only: supervisors watch cases here; they change them only through predmet.
		DisableWriteActions:       true,
		WorkflowTerminateDisabled: true,
		WorkflowCancelDisabled:    true,
		WorkflowSignalDisabled:    true,
		WorkflowUpdateDisabled:    true,
		WorkflowResetDisabled:     true,
		WorkflowPauseDisabled:     true,
		BatchActionsDisabled:      true,
		StartWorkflowDisabled:     true,
		ActivityCommandsDisabled:  true,
	}
	if net.ParseIP(spec.ip).To4() == nil {
		cfg.Host = "[" + spec.ip + "]" // the UI joins host and port with a plain ":"
	}
	if a := spec.auth; a != nil {
		if a.Issuer == "" || a.ClientID == "" || a.ClientSecret == "" {
			return nil, errors.New("embedtemporal: the Web UI's sign-in needs the provider's issuer, a client ID and its secret")
		}
		// The UI server exits the process when it cannot reach the provider: look first, and fail here.
		ctx, cancel := context.WithTimeout(context.Background(), uiDiscoveryTimeout)
		defer cancel()
		if _, err := oidc.NewProvider(ctx, a.Issuer); err != nil {
			return nil, fmt.Errorf("embedtemporal: the Web UI's identity provider: %w", err)
		}
		callback := a.CallbackURL
		if callback == "" {
			callback = "http://" + net.JoinHostPort(dialHost(spec.ip), strconv.Itoa(spec.port)) + "/auth/sso/callback"
		}
		scopes := a.Scopes
		if len(scopes) == 0 {
			scopes = []string{"openid", "profile", "email"}
		}
		cfg.Auth = uiconfig.Auth{
			Enabled:            true,
			RedirectToProvider: true,
			MaxSessionDuration: a.MaxSession,
			Providers: []uiconfig.AuthProvider{{
				Label: a.Label, Type: "oidc", ProviderURL: a.Issuer, ClientID: a.ClientID, ClientSecret: a.ClientSecret,
				Scopes: scopes, CallbackURL: callback,
			}},
		}
	}
	// NewServer panics on a bad configuration.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("embedtemporal: building Web UI: %v", r)
		}
	}()
	return uiserver.NewServer(uioptions.WithConfigProvider(cfg)), nil
}

// dialHost returns the host to dial for a server listening on ip: the loopback address when it
// listens on all addresses.
func dialHost(ip string) string {
	switch parsed := net.ParseIP(ip); {
	case parsed.Equal(net.IPv4zero):
		return "127.0.0.1"
	case parsed.Equal(net.IPv6unspecified):
		return "::1"
	}
	return ip
}
