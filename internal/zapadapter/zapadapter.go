// Package zapadapter adapts a zap logger to the Temporal SDK's log.Logger, so that the Temporal client,
// the worker and the workflows log through the process's one zap logger.
package zapadapter

import (
	"fmt"

	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
)

// Logger is a Temporal SDK logger that writes to a zap logger. It implements log.WithLogger and
// log.WithSkipCallers, so that the SDK's loggers with fields (a workflow's, an activity's) and its
// wrappers report their caller's line.
type Logger struct {
	zl *zap.Logger
}

var (
	_ log.Logger          = (*Logger)(nil)
	_ log.WithLogger      = (*Logger)(nil)
	_ log.WithSkipCallers = (*Logger)(nil)
)

// New returns a Temporal logger writing to zl. Levels, sampling and any other filtering are zl's.
func New(zl *zap.Logger) *Logger {
	// Skip the level method, so that zap reports the SDK's line as the caller.
	return &Logger{zl: zl.WithOptions(zap.AddCallerSkip(1))}
}

// Debug logs at debug level.
func (l *Logger) Debug(msg string, keyvals ...any) { l.zl.Debug(msg, fields(keyvals)...) }

// Info logs at info level.
func (l *Logger) Info(msg string, keyvals ...any) { l.zl.Info(msg, fields(keyvals)...) }

// Warn logs at warn level.
func (l *Logger) Warn(msg string, keyvals ...any) { l.zl.Warn(msg, fields(keyvals)...) }

// Error logs at error level.
func (l *Logger) Error(msg string, keyvals ...any) { l.zl.Error(msg, fields(keyvals)...) }

// With returns a logger that adds the key-value pairs to every entry.
func (l *Logger) With(keyvals ...any) log.Logger {
	return &Logger{zl: l.zl.With(fields(keyvals)...)}
}

// WithCallerSkip returns a logger that skips skip more stack frames when it reports the caller.
func (l *Logger) WithCallerSkip(skip int) log.Logger {
	return &Logger{zl: l.zl.WithOptions(zap.AddCallerSkip(skip))}
}

// fields turns the SDK's alternating keys and values into zap fields. A key that is not a string is
// printed; a key without a value gets "(missing)".
func fields(keyvals []any) []zap.Field {
	out := make([]zap.Field, 0, (len(keyvals)+1)/2)
	for i := 0; i < len(keyvals); i += 2 {
		key, ok := keyvals[i].(string)
		if !ok {
			key = fmt.Sprint(keyvals[i])
		}
		if i+1 < len(keyvals) {
			out = append(out, zap.Any(key, keyvals[i+1]))
		} else {
			out = append(out, zap.String(key, "(missing)"))
		}
	}
	return out
}
