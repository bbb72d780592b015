package workflows

import (
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/predmet/predmet/activities"
)

// NewWorker returns a worker on TaskQueue with every workflow and the activities registered.
func NewWorker(c client.Client, acts *activities.Activities) worker.Worker {
	w := worker.New(c, TaskQueue, worker.Options{})
	w.RegisterWorkflow(CaseWorkflow)
	w.RegisterWorkflow(RequestWorkflow)
	w.RegisterWorkflow(ClocksWorkflow)
	w.RegisterWorkflow(BriefingWorkflow)
	w.RegisterWorkflow(DeliveryWorkflow)
	w.RegisterWorkflow(DigestWorkflow)
	w.RegisterActivity(acts)
	return w
}

// ZapLogger adapts a zap logger to the Temporal SDK's logger interface, so that the whole process
// logs through one logger.
type ZapLogger struct {
	z *zap.SugaredLogger
}

// NewZapLogger returns a Temporal logger writing to z.
func NewZapLogger(z *zap.Logger) *ZapLogger {
	return &ZapLogger{z: z.WithOptions(zap.AddCallerSkip(1)).Sugar()}
}

// Debug logs at debug level.
func (l *ZapLogger) Debug(msg string, keyvals ...any) { l.z.Debugw(msg, fields(keyvals)...) }

// Info logs at info level.
func (l *ZapLogger) Info(msg string, keyvals ...any) { l.z.Infow(msg, fields(keyvals)...) }

// Warn logs at warn level.
func (l *ZapLogger) Warn(msg string, keyvals ...any) { l.z.Warnw(msg, fields(keyvals)...) }

// Error logs at error level.
func (l *ZapLogger) Error(msg string, keyvals ...any) { l.z.Errorw(msg, fields(keyvals)...) }

// With returns a logger with the given key-value pairs attached.
func (l *ZapLogger) With(keyvals ...any) *ZapLogger {
	return &ZapLogger{z: l.z.With(fields(keyvals)...)}
}

// fields makes sure keys are strings, as zap's sugared logger expects.
func fields(keyvals []any) []any {
	out := make([]any, 0, len(keyvals))
	for i := 0; i < len(keyvals); i += 2 {
		key := fmt.Sprint(keyvals[i])
		if i+1 < len(keyvals) {
			out = append(out, key, keyvals[i+1])
		} else {
			out = append(out, key, "(missing)")
		}
	}
	return out
}
