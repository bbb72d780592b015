package workflows

import (
	"errors"
	"math"

	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/domain"
)

// ActionResult is the result of ActionUpdate: where the case stands after the action. It is small on
// purpose, since every result stays in the history; callers read the case itself from its stream.
type ActionResult struct {
	Status  domain.Status
	Version uint64
}

// domainErrorDetails carries a domain error across Temporal, so that a rejected action reaches the
// client with its code, field and translatable message.
type domainErrorDetails struct {
	Code    string
	Message string
	Field   string
	Format  string
	Args    []any
}

// updateError turns a domain error into the application error a validator or handler returns: its type
// is the domain code, its details the whole error. Other errors pass unchanged.
func updateError(err error) error {
	var de *domain.Error
	if err == nil || !errors.As(err, &de) {
		return err
	}
	return temporal.NewApplicationErrorWithOptions(de.Message, de.Code, temporal.ApplicationErrorOptions{
		NonRetryable: true,
		Details:      []any{domainErrorDetails{Code: de.Code, Message: de.Message, Field: de.Field, Format: de.Format, Args: de.Args}},
	})
}

// DomainError recovers, on the client's side, the domain error a validator or handler returned through
// updateError (an update rejected or failed with it), if any.
func DomainError(err error) (*domain.Error, bool) {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || !app.HasDetails() {
		return nil, false
	}
	var d domainErrorDetails
	if app.Details(&d) != nil || d.Code == "" {
		return nil, false
	}
	// Numbers come back from JSON as float64; the message formats want the integers they were.
	for i, v := range d.Args {
		if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			d.Args[i] = int(f)
		}
	}
	return &domain.Error{Code: d.Code, Message: d.Message, Field: d.Field, Format: d.Format, Args: d.Args}, true
}
