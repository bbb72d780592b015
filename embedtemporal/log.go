package embedtemporal

import (
	"fmt"
	"strings"
	"sync/atomic"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// logGate decides which of the server's logs reach the zap logger. It wraps the logger's core once
// (gated), so that the server's adapter and the SDK client's see the same gate.
type logGate struct {
	min zapcore.LevelEnabler
	// quiet passes only errors; it is set while the server stops.
	quiet atomic.Bool
}

func (g *logGate) enabled(lvl zapcore.Level) bool {
	if g.quiet.Load() && lvl < zapcore.ErrorLevel {
		return false
	}
	return g.min.Enabled(lvl)
}

// gated returns zl with its entries passed through the gate.
func (g *logGate) gated(zl *zap.Logger) *zap.Logger {
	return zl.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return gatedCore{Core: c, gate: g} }))
}

// gatedCore is a zapcore.Core that drops the entries its gate does not let through.
type gatedCore struct {
	zapcore.Core
	gate *logGate
}

// Enabled implements zapcore.LevelEnabler.
func (c gatedCore) Enabled(lvl zapcore.Level) bool { return c.gate.enabled(lvl) && c.Core.Enabled(lvl) }

// With implements zapcore.Core.
func (c gatedCore) With(fields []zapcore.Field) zapcore.Core {
	return gatedCore{Core: c.Core.With(fields), gate: c.gate}
}

// Check implements zapcore.Core.
func (c gatedCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if !c.gate.enabled(e.Level) {
		return ce
	}
	return c.Core.Check(e, ce)
}

// serverLogger adapts zap to the Temporal server's log.Logger.
//
// Fatal and Panic log an error and panic instead of exiting the process: Start turns such a
// panic while the server is built into an error.
type serverLogger struct {
	zl *zap.Logger
}

var (
	_ log.Logger     = serverLogger{}
	_ log.WithLogger = serverLogger{}
)

// expectedWarnings start the server's warnings about how Start configures it on purpose; they are
// logged at debug level instead.
var expectedWarnings = []string{
	// The frontend's HTTP API is off: predmet uses gRPC and no Nexus.
	"HTTP API port has not been set.",
}

// newServerLogger returns the server's logger writing to zl (gated by the caller: see logGate).
func newServerLogger(zl *zap.Logger) serverLogger {
	// Skip log and the level method, so that zap reports the server's line as the caller.
	return serverLogger{zl: zl.WithOptions(zap.AddCallerSkip(2))}
}

// Debug logs at debug level.
func (l serverLogger) Debug(msg string, tags ...tag.Tag) { l.log(zapcore.DebugLevel, msg, tags) }

// Info logs at info level.
func (l serverLogger) Info(msg string, tags ...tag.Tag) { l.log(zapcore.InfoLevel, msg, tags) }

// Warn logs at warn level, except for the warnings in expectedWarnings.
func (l serverLogger) Warn(msg string, tags ...tag.Tag) {
	for _, prefix := range expectedWarnings {
		if strings.HasPrefix(msg, prefix) {
			l.log(zapcore.DebugLevel, msg, tags)
			return
		}
	}
	l.log(zapcore.WarnLevel, msg, tags)
}

// Error logs at error level.
func (l serverLogger) Error(msg string, tags ...tag.Tag) { l.log(zapcore.ErrorLevel, msg, tags) }

// DPanic logs at error level; the server uses it for "cannot happen" and goes on.
func (l serverLogger) DPanic(msg string, tags ...tag.Tag) { l.log(zapcore.ErrorLevel, msg, tags) }

// Panic logs at error level and panics.
func (l serverLogger) Panic(msg string, tags ...tag.Tag) {
	l.log(zapcore.ErrorLevel, msg, tags)
	panic(fatalError(msg, tags))
}

// Fatal logs at error level and panics.
func (l serverLogger) Fatal(msg string, tags ...tag.Tag) {
	l.log(zapcore.ErrorLevel, msg, tags)
	panic(fatalError(msg, tags))
}

// With returns a logger that adds tags to every entry.
func (l serverLogger) With(tags ...tag.Tag) log.Logger {
	return serverLogger{zl: l.zl.With(zapFields(tags)...)}
}

func (l serverLogger) log(lvl zapcore.Level, msg string, tags []tag.Tag) {
	if ce := l.zl.Check(lvl, msg); ce != nil {
		ce.Write(zapFields(tags)...)
	}
}

func zapFields(tags []tag.Tag) []zap.Field {
	fields := make([]zap.Field, len(tags))
	for i, t := range tags {
		if zt, ok := t.(tag.ZapTag); ok {
			fields[i] = zt.Field()
		} else {
			fields[i] = zap.Any(t.Key(), t.Value())
		}
	}
	return fields
}

// fatalError renders a fatal log entry as an error, e.g. `Failed to start gRPC listener
// (error=listen tcp 127.0.0.1:7233: bind: address already in use, address=127.0.0.1:7233)`.
func fatalError(msg string, tags []tag.Tag) error {
	if len(tags) == 0 {
		return fmt.Errorf("%s", msg)
	}
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = fmt.Sprintf("%s=%v", t.Key(), t.Value())
	}
	return fmt.Errorf("%s (%s)", msg, strings.Join(parts, ", "))
}
