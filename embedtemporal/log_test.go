package embedtemporal

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/server/common/log/tag"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"
)

func TestServerLogger(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	gate := &logGate{min: zapcore.WarnLevel}
	l := newServerLogger(gate.gated(zap.New(core))).With(tag.NewStringTag("service", "history"))

	l.Info("dropped")
	l.Warn("HTTP API port has not been set. Nexus HTTP endpoints will not be available.")
	l.Warn("kept", tag.NewInt("shard", 1), tag.NewStringTag("x", "y"))
	entries := logs.TakeAll()
	if len(entries) != 1 || entries[0].Message != "kept" {
		t.Fatalf("entries = %v, want only the warning", entries)
	}
	if got := entries[0].ContextMap(); got["service"] != "history" || got["shard"] != int64(1) || got["x"] != "y" {
		t.Errorf("fields = %v", got)
	}

	t.Run("FatalPanics", func(t *testing.T) {
		defer func() {
			r := recover()
			err, ok := r.(error)
			if !ok || !strings.Contains(err.Error(), "address=127.0.0.1:7233") {
				t.Errorf("recovered %v, want an error with the tags", r)
			}
			if logs.FilterMessage("Failed to start gRPC listener").Len() != 1 {
				t.Errorf("the fatal entry was not logged")
			}
		}()
		l.Fatal("Failed to start gRPC listener", tag.NewStringTag("address", "127.0.0.1:7233"))
	})

	t.Run("QuietDropsWarnings", func(t *testing.T) {
		logs.TakeAll()
		gate.quiet.Store(true)
		l.Warn("dropped")
		l.Error("kept")
		if entries := logs.TakeAll(); len(entries) != 1 || entries[0].Message != "kept" {
			t.Errorf("entries = %v, want only the error", entries)
		}
	})
}

// TestNewTemporalServer_ErrPortTaken covers a port taken after Start checked it: the server's own
// failure to listen becomes an error naming the port instead of ending the process.
func TestNewTemporalServer_ErrPortTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port

	var ports portSet
	var internal serviceAddrs
	for _, p := range []*int{&internal.history, &internal.matching, &internal.worker} {
		if *p, err = ports.take(internalIP, 0, "internal"); err != nil {
			t.Fatal(err)
		}
	}
	ports.release()
	sqlCfg, err := prepareDatabase(Options{Namespace: "x", Retention: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	opts, err := serverOptions(serverSpec{
		ip:           "127.0.0.1",
		frontendPort: port,
		frontendAddr: addr,
		internal:     internal,
		sql:          sqlCfg,
		logger:       newServerLogger((&logGate{min: zapcore.WarnLevel}).gated(zaptest.NewLogger(t))),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newTemporalServer(opts)
	if err == nil {
		_ = srv.Stop()
		t.Fatal("building a server on a taken port succeeded")
	}
	if !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Errorf("error %q does not name port %d", err, port)
	}
}
