package domain

import (
	"net/mail"
	"strings"
	"time"
)

// Resend decides a request to send n again: which deliveries may be sent again, and who may correct
// which address. It returns the notification to queue, a new one under ResendID(n.ID, 1) that names n as
// ResendOf and was queued at at; and, when r corrects the submitter's address, the correction to record
// on the case before the message goes out again (nil otherwise).
//
// Only a delivery that failed for good or whose outcome was lost may be sent again: ECONFLICT for one
// that was delivered or is still being delivered. Only a message to the submitter takes a corrected
// address, since theirs is on the case (staff addresses are corrected in the organisation directory):
// EINVALID for an address given with any other message, or for one that is not a bare e-mail address.
func (n *Notification) Resend(r ResendRequest, at time.Time) (NotificationQueued, *SubmitterContactCorrected, error) {
	switch n.Status {
	case NotificationIsFailed, NotificationIsUncertain:
	case NotificationIsSent:
		return NotificationQueued{}, nil, Errorf(ECONFLICT, "The notification was delivered; there is nothing to send again.")
	default:
		return NotificationQueued{}, nil, Errorf(ECONFLICT, "The notification is still being delivered.")
	}
	var contact *SubmitterContactCorrected
	if email := strings.TrimSpace(r.Email); email != "" {
		if !n.Kind.ToSubmitter() {
			return NotificationQueued{}, nil, FieldErrorf("email", "Only a message to the submitter takes a corrected address; correct staff addresses in the organisation directory.")
		}
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			return NotificationQueued{}, nil, FieldErrorf("email", "%q is not an e-mail address.", email)
		}
		contact = &SubmitterContactCorrected{Email: email, By: r.Actor.UserID, At: at}
	}
	again := n.NotificationQueued
	again.ID, again.ResendOf, again.At = ResendID(n.ID, 1), n.ID, at
	return again, contact, nil
}
