package services

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/domain"
)

// TestTemporalError classifies the Temporal client's errors by their types, never by their messages.
func TestTemporalError(t *testing.T) {
	// A domain error as a workflow's validator rejects an update with it, after its trip through the
	// server (the failure converter encodes the details).
	details := struct {
		Code, Message, Field, Format string
		Args                         []any
	}{domain.ECONFLICT, "The idempotency key was already used for a different request.", "", "The idempotency key was already used for a different request.", nil}
	rejected := temporal.NewApplicationErrorWithOptions(details.Message, details.Code, temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{details}})
	conv := temporal.GetDefaultFailureConverter()
	transported := conv.FailureToError(conv.ErrorToFailure(rejected))

	for _, tt := range []struct {
		name string
		err  error
		code string
	}{
		{"DomainErrorOfAValidator", transported, domain.ECONFLICT},
		{"Unavailable", serviceerror.NewUnavailable("connection refused"), domain.EUNAVAILABLE},
		{"DeadlineExceeded", context.DeadlineExceeded, domain.EUNAVAILABLE},
		{"ApplicationErrorWithoutDetails", temporal.NewApplicationError("the idempotency key was already used", "x"), domain.EINTERNAL},
		{"NotFound", serviceerror.NewNotFound("workflow not found"), domain.EINTERNAL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := domain.ErrorCode(temporalError(tt.err)); got != tt.code {
				t.Errorf("temporalError(%v) has code %q, want %q", tt.err, got, tt.code)
			}
		})
	}
	if de := new(domain.Error); !errors.As(temporalError(transported), &de) || de.Message != details.Message {
		t.Errorf("the domain error lost its message: %v", temporalError(transported))
	}
}

// TestRetryUpdate sends an update again while the server says the workflow did not take it, and
// returns any other answer at once.
func TestRetryUpdate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t.Run("OK_AfterLostTasks", func(t *testing.T) {
		answers := []error{
			serviceerror.NewWorkflowNotReady("Unable to perform workflow execution update due to unexpected workflow task failure."),
			serviceerror.NewUnavailable(updateAbortedMessage),
			nil,
		}
		sent := 0
		err := retryUpdate(ctx, func() error { sent++; return answers[sent-1] })
		if err != nil || sent != 3 {
			t.Errorf("retryUpdate = %v after %d sends, want success after 3", err, sent)
		}
	})
	t.Run("ErrUnavailable", func(t *testing.T) {
		sent := 0
		err := retryUpdate(ctx, func() error { sent++; return serviceerror.NewUnavailable("connection refused") })
		if sent != 1 || !errors.As(err, new(*serviceerror.Unavailable)) {
			t.Errorf("retryUpdate = %v after %d sends, want the error after 1", err, sent)
		}
	})
}
