package zapadapter_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/predmet/predmet/internal/zapadapter"
)

func TestLogger(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	l := zapadapter.New(zap.New(core, zap.AddCaller()))

	t.Run("OK", func(t *testing.T) {
		l.Debug("dropped by zap's level")
		l.Info("info", "WorkflowID", "case-1", "Attempt", 2)
		l.Warn("warn")
		l.Error("error", "error", "boom")
		entries := logs.TakeAll()
		if len(entries) != 3 {
			t.Fatalf("entries = %v, want info, warn and error", entries)
		}
		for i, want := range []zapcore.Level{zapcore.InfoLevel, zapcore.WarnLevel, zapcore.ErrorLevel} {
			if entries[i].Level != want {
				t.Errorf("entry %d at %v, want %v", i, entries[i].Level, want)
			}
		}
		if got := entries[0].ContextMap(); got["WorkflowID"] != "case-1" || got["Attempt"] != int64(2) {
			t.Errorf("fields = %v", got)
		}
		// The caller is this test, not the adapter.
		if file := filepath.Base(entries[0].Caller.File); file != "zapadapter_test.go" {
			t.Errorf("caller = %s, want zapadapter_test.go", entries[0].Caller.File)
		}
	})

	t.Run("OK_With", func(t *testing.T) {
		with, ok := log.Logger(l).(log.WithLogger)
		if !ok {
			t.Fatal("the adapter does not implement log.WithLogger: the SDK would drop the workflow's fields")
		}
		with.With("Namespace", "predmet").Info("with fields", "TaskQueue", "predmet")
		entries := logs.TakeAll()
		if len(entries) != 1 {
			t.Fatalf("entries = %v", entries)
		}
		if got := entries[0].ContextMap(); got["Namespace"] != "predmet" || got["TaskQueue"] != "predmet" {
			t.Errorf("fields = %v", got)
		}
	})

	t.Run("OK_OddKeyvals", func(t *testing.T) {
		l.Info("odd", 7, "seven", "alone")
		got := logs.TakeAll()[0].ContextMap()
		if got["7"] != "seven" || got["alone"] != "(missing)" {
			t.Errorf("fields = %v", got)
		}
	})

	t.Run("OK_WithCallerSkip", func(t *testing.T) {
		skipper, ok := log.Logger(l).(log.WithSkipCallers)
		if !ok {
			t.Fatal("the adapter does not implement log.WithSkipCallers")
		}
		helper := func() { skipper.WithCallerSkip(1).Info("through a helper") }
		_, _, line, _ := runtime.Caller(0)
		helper() // the line after line: the caller the entry must name
		if got := logs.TakeAll()[0].Caller.Line; got != line+1 {
			t.Errorf("caller line = %d, want %d (the helper's caller)", got, line+1)
		}
	})
}
