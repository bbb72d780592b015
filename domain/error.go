package domain

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer. The HTTP layer maps each to one status code.
const (
	ECONFLICT     = "conflict"     // the action conflicts with the current state (409)
	EINTERNAL     = "internal"     // an unexpected failure (500)
	EINVALID      = "invalid"      // the input is invalid (400 or 422)
	ENOTFOUND     = "not_found"    // the entity does not exist (404)
	EUNAUTHORIZED = "unauthorized" // no valid credentials (401)
	EFORBIDDEN    = "forbidden"    // credentials lack the role (403)
	ETOOLARGE     = "too_large"    // the input exceeds a size limit (413)
	EUNAVAILABLE  = "unavailable"  // a dependency is unreachable; the call may be retried (503)
	EUNSUPPORTED  = "unsupported"  // the content is of a media type that is not accepted (415)
	EGONE         = "gone"         // the entity existed and was erased for good (410)
)

// Error is a domain error: a code for machines and a message for people.
type Error struct {
	Code    string
	Message string
	// Field names the input field at fault, if any.
	Field string
	// Format and Args are the English message before formatting: the key under which the message is
	// translated for people who read Macedonian or Albanian.
	Format string
	Args   []any
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("predmet error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("predmet error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// FieldErrorf returns an EINVALID *Error that names the field at fault.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL. A nil error has no code.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a generic message for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
