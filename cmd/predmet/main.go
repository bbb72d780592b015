// Command predmet runs predmet: `predmet dev` runs everything in one process on the embedded default,
// `predmet serve` runs chosen roles against an external Temporal and KurrentDB, `predmet staff add`
// adds a staff user and prints their token, `predmet token` makes a token with the hash to put in the
// staff file, and `predmet projections` checks or rebuilds the read models of a running predmet.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // the municipality's time zone, also on machines without tzdata

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/predmet/predmet/auth"
	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/intake"
)

const usage = `predmet: case management for a municipality's public relations and international cooperation.

Usage:
  predmet dev [flags]           everything in one process: embedded Temporal and Web UI, event store, worker, projections, API
  predmet serve [flags]         the roles given by --roles against an external Temporal and KurrentDB
  predmet staff add [flags]     add a staff user to the staff file and print their token
  predmet token                 print a new staff token and the hash to put in the staff file
  predmet projections <verb>    status, check or rebuild the read models of a running predmet

Run "predmet <command> -h" for a command's flags; each flag of dev and serve also reads PREDMET_<FLAG>
from the environment (e.g. PREDMET_API_ADDR for --api-addr).
`

const devUsage = `Usage: predmet dev [flags]

Runs everything in one process on the embedded default: a Temporal server on SQLite with its Web UI,
the embedded event store, the worker, the projections and the HTTP API, with their data in --data-dir.
It prints where staff sign in (the development sign-in, unless --auth-file names an identity provider),
where everything listens and the dev user's token. Ctrl-C stops it; the next start on the
same data directory carries on where it stopped.

Flags (each also read from PREDMET_<FLAG>, e.g. PREDMET_API_ADDR for --api-addr):
`

const serveUsage = `Usage: predmet serve [flags]

Runs the roles given by --roles (api, worker, projections) against an external Temporal
(--temporal-address) and KurrentDB (--kurrentdb-url). The api role needs --staff-file.

Flags (each also read from PREDMET_<FLAG>, e.g. PREDMET_KURRENTDB_URL for --kurrentdb-url):
`

const tokenUsage = `Usage: predmet token

Prints a new staff token and its SHA-256, the hash that the staff file keeps. predmet staff add makes a
token and writes the hash into the staff file in one step.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit status: 0 for success (and for -h), 1 for a
// command that failed, 2 for a command line that is wrong, with the usage on stderr.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "dev":
		err = serve(rest, true, stdout, stderr)
	case "serve":
		err = serve(rest, false, stdout, stderr)
	case "staff":
		err = staff(rest, stdout, stderr)
	case "projections":
		err = projections(rest, stdout, stderr)
	case "token":
		err = token(rest, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "predmet: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return int(exit)
	default:
		fmt.Fprintf(stderr, "predmet: %v\n", err)
		return 1
	}
}

// exitError ends a command with its exit status, having said why already.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// newFlagSet returns a flag set for a command whose usage, printed before the flags, is usage.
func newFlagSet(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with fs and returns the arguments that are not flags, in order: flags may
// come before, between and after them ("--" ends the flags). -h prints the usage on stdout and ends
// the command with status 0; a wrong flag or an unexpected number of arguments (fewer than min or
// more than max, when max is not negative) prints what is wrong and the usage on stderr and ends it
// with status 2.
func parseFlags(fs *flag.FlagSet, args []string, min, max int, stdout, stderr io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return nil, exitError(0)
		} else if err != nil {
			return nil, usageError(fs, stderr, "%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		if i := len(args) - fs.NArg() - 1; i >= 0 && args[i] == "--" {
			positional = append(positional, fs.Args()...) // everything after "--" is an argument
			break
		}
		positional, args = append(positional, fs.Arg(0)), fs.Args()[1:]
	}
	switch {
	case max >= 0 && len(positional) > max:
		return nil, usageError(fs, stderr, "unexpected argument %q", positional[max])
	case len(positional) < min:
		return nil, usageError(fs, stderr, "missing argument")
	}
	return positional, nil
}

// usageError prints what is wrong with the command line and the usage of fs on stderr, and returns the
// status 2.
func usageError(fs *flag.FlagSet, stderr io.Writer, format string, args ...any) error {
	fmt.Fprintf(stderr, "%s: %s\n\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.SetOutput(stderr)
	fs.Usage()
	return exitError(2)
}

// serve runs "predmet dev" (embedded) or "predmet serve" until interrupted.
func serve(args []string, embedded bool, stdout, stderr io.Writer) error {
	cfg := engine.DefaultConfig()
	cfg.Embedded = embedded
	name, help := "predmet dev", devUsage
	if !embedded {
		cfg.DataDir = "./predmet-data"
		name, help = "predmet serve", serveUsage
	}
	fs := newFlagSet(name, help)
	cfg.RegisterFlags(fs)
	if err := engine.LoadEnv(fs); err != nil {
		return err
	}
	if _, err := parseFlags(fs, args, 0, 0, stdout, stderr); err != nil {
		return err
	}
	logger, err := newLogger(cfg.LogLevel)
	if err != nil {
		return err
	}
	defer logger.Sync() //nolint:errcheck

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e, err := engine.Start(ctx, cfg, logger)
	if err != nil {
		return err
	}
	if a := e.Auth(); a != nil {
		printSignIn(stdout, e.BaseURL(), a)
	}
	if addr := e.APIAddress(); addr != "" {
		fmt.Fprintf(stdout, "predmet API:       http://%s/api/v1 (OpenAPI: http://%s/api/v1/openapi.json)\n", addr, addr)
	}
	if ui := e.UIAddress(); ui != "" {
		fmt.Fprintf(stdout, "Temporal Web UI:   %s/namespaces/%s/workflows\n", ui, cfg.TemporalNamespace)
	}
	fmt.Fprintf(stdout, "Temporal frontend: %s (namespace %s)\n", e.TemporalAddress(), cfg.TemporalNamespace)
	if e.DevToken != "" {
		fmt.Fprintf(stdout, "Staff token:       %s   (dev user with every role; kept in %s/dev-token)\n", e.DevToken, strings.TrimSuffix(cfg.DataDir, "/"))
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")
	<-ctx.Done()
	fmt.Fprintln(stdout, "Stopping…")
	e.Stop(context.Background())
	return nil
}

// printSignIn prints where staff sign in, and how.
func printSignIn(stdout io.Writer, baseURL string, a *auth.Auth) {
	var how string
	switch {
	case a.OIDC() && a.DevSignIn():
		how = "the identity provider, and the development sign-in: anyone as anyone, no password"
	case a.OIDC():
		how = "the identity provider"
	case a.DevSignIn():
		how = "development sign-in: anyone as anyone, no password; never with real cases"
	default:
		how = "no sign-in: set --auth-file, or --dev-signin for a development sign-in"
	}
	if baseURL == "" {
		fmt.Fprintf(stdout, "Sign in:           %s (%s; set --base-url)\n", auth.PathSignIn, how)
		return
	}
	fmt.Fprintf(stdout, "Sign in:           %s%s (%s)\n", strings.TrimSuffix(baseURL, "/"), auth.PathSignIn, how)
}

// token runs "predmet token".
func token(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("predmet token", tokenUsage)
	if _, err := parseFlags(fs, args, 0, 0, stdout, stderr); err != nil {
		return err
	}
	token, hash := intake.NewToken()
	fmt.Fprintf(stdout, "token:       %s\ntokenSha256: %s\n", token, hash)
	return nil
}

func newLogger(level string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	conf := zap.NewProductionConfig()
	conf.Level = zap.NewAtomicLevelAt(lvl)
	conf.Encoding = "console"
	conf.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	return conf.Build()
}
