// Command predmet runs predmet: `predmet dev` runs everything in one process on the embedded default,
// `predmet serve` runs chosen roles against an external Temporal and KurrentDB, `predmet token`
// makes a staff token with the hash to put in the staff file, and `predmet projections` checks or
// rebuilds the read models of a running predmet.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the municipality's time zone, also on machines without tzdata

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/intake"
)

const usage = `predmet: case management for a municipality's public relations and international cooperation.

Usage:
  predmet dev   [flags]   everything in one process: embedded Temporal + Web UI, event store, worker, projections, API
  predmet serve [flags]   the roles given by --roles against an external Temporal and KurrentDB
  predmet token           print a new staff token and the hash to put in the staff file
  predmet projections     status, check or rebuild the read models of a running predmet

Run "predmet dev -h" or "predmet serve -h" for the flags; each flag also reads PREDMET_<FLAG> from the environment.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "dev":
		err = run(os.Args[2:], true)
	case "serve":
		err = run(os.Args[2:], false)
	case "projections":
		err = projections(os.Args[2:])
	case "token":
		token, hash := intake.NewToken()
		fmt.Printf("token:       %s\ntokenSha256: %s\n", token, hash)
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "predmet: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "predmet: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string, embedded bool) error {
	cfg := engine.DefaultConfig()
	cfg.Embedded = embedded
	if !embedded {
		cfg.DataDir = "./predmet-data"
	}
	fs := flag.NewFlagSet("predmet", flag.ExitOnError)
	cfg.RegisterFlags(fs)
	if err := engine.LoadEnv(fs); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
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
	if addr := e.APIAddress(); addr != "" {
		fmt.Printf("predmet API:       http://%s/api/v1 (OpenAPI: http://%s/api/v1/openapi.json)\n", addr, addr)
	}
	if ui := e.UIAddress(); ui != "" {
		fmt.Printf("Temporal Web UI:   %s/namespaces/%s/workflows\n", ui, cfg.TemporalNamespace)
	}
	fmt.Printf("Temporal frontend: %s (namespace %s)\n", e.TemporalAddress(), cfg.TemporalNamespace)
	if e.DevToken != "" {
		fmt.Printf("Staff token:       %s   (dev user with every role; kept in %s/dev-token)\n", e.DevToken, cfg.DataDir)
	}
	fmt.Println("Press Ctrl-C to stop.")
	<-ctx.Done()
	fmt.Println("Stopping…")
	e.Stop(context.Background())
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
