package services

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/workflows"
)

// temporalError turns an error of the Temporal client into a domain error: the domain error a workflow's
// validator or handler returned (workflows.DomainError), EUNAVAILABLE when Temporal did not answer in
// time, and an internal error otherwise.
func temporalError(err error) error {
	if de, ok := workflows.DomainError(err); ok {
		return de
	}
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	switch {
	case errors.As(err, &timeout), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return unavailable(err)
	}
	if st, ok := status.FromError(err); ok {
		switch st.Code() {
		case codes.Unavailable, codes.DeadlineExceeded, codes.Canceled, codes.ResourceExhausted:
			return unavailable(err)
		}
	}
	var svcUnavailable *serviceerror.Unavailable
	if errors.As(err, &svcUnavailable) {
		return unavailable(err)
	}
	return fmt.Errorf("temporal: %w", err)
}

func unavailable(err error) error {
	e := domain.Errorf(domain.EUNAVAILABLE, "The workflow engine did not answer in time; retry the request with the same Idempotency-Key.")
	return fmt.Errorf("%w (%v)", e, err)
}

// retryUpdate calls send until it succeeds, fails otherwise than by a lost workflow task, or ctx ends.
// The server answers WorkflowNotReady when the workflow task that carried an update failed (for example
// because a child's completion arrived as the workflow completed), and aborts the update when it could
// not deliver it (updateAborted): either way the workflow did not take it, and sending it again under
// the same ID is safe.
func retryUpdate(ctx context.Context, send func() error) error {
	wait := 50 * time.Millisecond
	for {
		err := send()
		var notReady *serviceerror.WorkflowNotReady
		if !errors.As(err, &notReady) && !updateAborted(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// updateAbortedMessage is the message of the error the server returns for an update it aborted.
const updateAbortedMessage = "workflow update was aborted"

// updateAborted reports whether err is the server's answer to an update it aborted before the workflow
// took it (the registry of the workflow's updates was cleared, e.g. when its mutable state was reloaded).
// The server has no type or code of its own for it: it is a plain Unavailable whose message is fixed,
// AbortedByServerErr = serviceerror.NewUnavailable("workflow update was aborted") in
// go.temporal.io/server v1.32.1, service/history/workflow/update/errors_failures.go, which the server
// itself recognises by that message (service/worker/workerdeployment/util.go). This is the one place
// predmet looks at an error's message.
func updateAborted(err error) bool {
	var unavailable *serviceerror.Unavailable
	return errors.As(err, &unavailable) && unavailable.Message == updateAbortedMessage
}
