package notify

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// Message is a notification to compose into a Mail.
type Message struct {
	// NotificationID is the notification's deterministic ID: the Message-ID derives from it.
	NotificationID string
	Kind           domain.NotificationKind
	// Language is the recipients' language; Macedonian when empty.
	Language domain.Language
	To       []mail.Address
	// ReplyTo overrides the Composer's Reply-To for this message.
	ReplyTo mail.Address
	// Date is when the notification was queued: the Date header, the same on every attempt.
	Date time.Time
	// Data is the kind's data (ReminderData, ...).
	Data any
	// CaseID is the case the message is about, if any (see Mail.CaseID).
	CaseID string
}

// Composer renders notifications into mail from one sender.
type Composer struct {
	Templates *Templates
	// From is the sender of every message; ReplyTo, if set, where replies go.
	From    mail.Address
	ReplyTo mail.Address
	// Domain is the right-hand side of Message-IDs; the domain of From when empty.
	Domain string
}

// Compose renders msg in its language and returns the mail to send: From and Reply-To from the
// Composer, the Message-ID from the notification's ID, the headers Auto-Submitted: auto-generated (RFC
// 3834) and X-Auto-Response-Suppress: All, which keep out-of-office replies away.
func (c *Composer) Compose(msg Message) (Mail, error) {
	if c.Templates == nil {
		return Mail{}, fmt.Errorf("notify: a Composer needs templates")
	}
	if msg.NotificationID == "" {
		return Mail{}, fmt.Errorf("notify: a %s message has no notification ID", msg.Kind)
	}
	lang := msg.Language
	if lang == "" {
		lang = domain.Macedonian
	}
	subject, text, html, err := c.Templates.Render(msg.Kind, lang, msg.Data)
	if err != nil {
		return Mail{}, err
	}
	host := c.Domain
	if host == "" {
		if at := strings.LastIndexByte(c.From.Address, '@'); at >= 0 {
			host = c.From.Address[at+1:]
		}
	}
	replyTo := c.ReplyTo
	if msg.ReplyTo.Address != "" {
		replyTo = msg.ReplyTo
	}
	m := Mail{
		MessageID: MessageID(msg.NotificationID, host),
		Date:      msg.Date,
		From:      c.From,
		To:        msg.To,
		ReplyTo:   replyTo,
		Subject:   subject,
		Text:      text,
		HTML:      html,
		Kind:      msg.Kind,
		Language:  lang,
		CaseID:    msg.CaseID,
		Header: map[string]string{
			"Auto-Submitted":           "auto-generated",
			"X-Auto-Response-Suppress": "All",
		},
	}
	return m, nil
}
