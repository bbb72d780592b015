package notify

import (
	"context"
	"errors"
	"fmt"
)

// Sender hands a message over for delivery.
//
// Send returns nil once the message is accepted (by the mail server, or stored in the outbox), and
// otherwise an error in exactly one of three classes, which is what lets the caller deliver each
// notification exactly once, or visibly not:
//
//   - permanent (IsPermanent, a *PermanentError): the message was not accepted and never will be as
//     it is: the server refused a recipient (a 5xx reply to RCPT) or the message (a 5xx reply to
//     DATA), or the message cannot be written (no valid address). Record the failure on the case for
//     staff to correct; do not retry.
//   - temporary (IsTemporary, wrapping ErrTemporary): the message was certainly not accepted: a 4xx
//     reply, the server unreachable, a timeout or a broken connection before the whole message was
//     written. Retry later, with backoff. Failures of predmet's own configuration (TLS, STARTTLS
//     missing, authentication refused, the sender address refused) are temporary too, since every
//     message fails alike until an administrator corrects it; they also match ErrMisconfigured.
//   - uncertain (IsUncertain, wrapping ErrUncertain): the whole message was written, then the
//     connection failed before the server's reply to it. The server may or may not have accepted
//     it. Do not send it again by itself: record that its fate is unknown.
//
// A server that replies 250 to the message and then drops the connection has accepted it: Send
// returns nil.
type Sender interface {
	Send(ctx context.Context, m Mail) error
}

// Error classes of Sender.Send (see Sender).
var (
	// ErrTemporary marks a failure after which the message was certainly not accepted: try again later.
	ErrTemporary = errors.New("temporary failure")
	// ErrUncertain marks a failure after the whole message was written and before the server replied.
	ErrUncertain = errors.New("the connection failed after the message was written and before the server replied; it may have been accepted")
	// ErrMisconfigured marks a temporary failure caused by predmet's mail configuration (TLS,
	// authentication, the sender address): every message fails alike until it is corrected.
	ErrMisconfigured = errors.New("the mail configuration does not work with this server")
)

// PermanentError is a permanent failure to deliver a message: the server refused a recipient or the
// message, or the message cannot be written.
type PermanentError struct {
	// Code is the server's reply code (550, 554, ...), 0 when no server was asked.
	Code int
	// EnhancedCode is the server's enhanced status code ("5.1.1"), if it gave one.
	EnhancedCode string
	// Command is the SMTP command the server refused ("RCPT" or "DATA"); empty when no server was asked.
	Command string
	// Recipient is the refused address, for a refused recipient. It is personal data: Error leaves it out.
	Recipient string
	// Message is the server's text, or why the message cannot be written.
	Message string
	// Err is the underlying error, if any.
	Err error
}

// Error describes the failure without the recipient's address (the server's own text may still name it).
func (e *PermanentError) Error() string {
	switch {
	case e.Command == "RCPT":
		return fmt.Sprintf("notify: the mail server refused a recipient (%s): %s", e.reply(), e.Message)
	case e.Command != "":
		return fmt.Sprintf("notify: the mail server refused the message (%s %s): %s", e.Command, e.reply(), e.Message)
	}
	return "notify: the message cannot be sent: " + e.Message
}

func (e *PermanentError) reply() string {
	if e.EnhancedCode != "" {
		return fmt.Sprintf("%d %s", e.Code, e.EnhancedCode)
	}
	return fmt.Sprint(e.Code)
}

// Unwrap returns the underlying error.
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a permanent failure (a *PermanentError in its chain).
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// IsTemporary reports whether err is a temporary failure: the message was certainly not accepted.
func IsTemporary(err error) bool { return errors.Is(err, ErrTemporary) && !IsPermanent(err) }

// IsUncertain reports whether err leaves it unknown whether the message was accepted.
func IsUncertain(err error) bool { return errors.Is(err, ErrUncertain) }

// failure is a temporary or uncertain failure of one step of sending.
type failure struct {
	class         error // ErrTemporary or ErrUncertain
	misconfigured bool
	step          string // what was being done: "connect", "STARTTLS", "AUTH", "MAIL", ...
	err           error
}

func (f *failure) Error() string {
	s := "notify: smtp " + f.step + ": " + f.err.Error()
	switch {
	case f.class == ErrUncertain:
		s += " (" + ErrUncertain.Error() + ")"
	case f.misconfigured:
		s += " (" + ErrMisconfigured.Error() + ")"
	}
	return s
}

func (f *failure) Unwrap() []error {
	errs := []error{f.class, f.err}
	if f.misconfigured {
		errs = append(errs, ErrMisconfigured)
	}
	return errs
}

func temporary(step string, err error) error {
	return &failure{class: ErrTemporary, step: step, err: err}
}

func misconfigured(step string, err error) error {
	return &failure{class: ErrTemporary, misconfigured: true, step: step, err: err}
}

func uncertain(step string, err error) error {
	return &failure{class: ErrUncertain, step: step, err: err}
}
