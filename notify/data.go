package notify

import (
	"time"

	"github.com/predmet/predmet/domain"
)

// The data each kind of message is rendered with. Names, sectors and titles are given as they should
// appear, in the message's language (a sector's name from the organisation directory, say); case
// kinds and escalation levels as their codes, which the templates' kind and level functions name in
// the message's language. Instants are written in the municipality's time zone (TemplateOptions).

// ReminderData is a reminder to the head of a sector: a request for input to the sector falls due soon.
type ReminderData struct {
	// Recipient is the name of the person written to; may be empty.
	Recipient string
	// Sector is the name of the sector asked.
	Sector string
	// ArchiveNumber is the case's number in the register ("08-2112/1"); CaseKind its kind.
	ArchiveNumber string
	CaseKind      domain.CaseKind
	// RequestID identifies the request within the case ("r1"); RequestTitle says what is asked (may be empty).
	RequestID    string
	RequestTitle string
	// DueAt is when the answer is due: for a request due by a day, 23:59:59 that day.
	DueAt time.Time
	// Reminder is the reminder's number, from 1.
	Reminder int
	// Link is where the request is answered.
	Link string
}

// EscalationData is an escalation: a request for input is late, and climbs a step of the ladder.
type EscalationData struct {
	// Recipient is the name of the person written to; may be empty.
	Recipient string
	// Sector is the name of the sector that was asked and has not answered.
	Sector        string
	ArchiveNumber string
	CaseKind      domain.CaseKind
	RequestID     string
	RequestTitle  string
	// DueAt is when the answer was due.
	DueAt time.Time
	// Step is the ladder's step, from 1; Level the rung it reached (whom the message goes to).
	Step  int
	Level domain.EscalationLevel
	Link  string
}

// OverdueData tells a case's officer that the case's own deadline passed unanswered.
type OverdueData struct {
	Recipient     string
	ArchiveNumber string
	CaseKind      domain.CaseKind
	Sector        string
	// ReceivedDate is when the document came in; DueAt the deadline that passed.
	ReceivedDate domain.Date
	DueAt        time.Time
	Link         string
}

// AssignmentData tells an officer that a case was assigned to them.
type AssignmentData struct {
	Recipient string
	// AssignedBy is the name of who assigned it; may be empty.
	AssignedBy    string
	ArchiveNumber string
	CaseKind      domain.CaseKind
	Sector        string
	ReceivedDate  domain.Date
	// DueAt is the case's deadline; zero for a kind without one (a programme).
	DueAt time.Time
	Link  string
}

// AcknowledgementData acknowledges a document to its submitter: received and registered, with its
// archive number and when to expect the answer.
type AcknowledgementData struct {
	SubmitterName string
	// ArchiveNumber is the document's number in the register, with its date.
	ArchiveNumber domain.ArchiveNumber
	CaseKind      domain.CaseKind
	// Subject is the submitter's own subject, quoted back to them.
	Subject      string
	ReceivedDate domain.Date
	// ExpectedAnswerDate is the deadline's date; zero when the kind has none.
	ExpectedAnswerDate domain.Date
	// LookupCode and LookupURL let the submitter look the case up; both may be empty.
	LookupCode string
	LookupURL  string
}

// AnswerData carries the answer to the submitter.
type AnswerData struct {
	SubmitterName string
	// ArchiveNumber is the case's number (of the incoming document); Document the answer's own
	// number in the register, with its date.
	ArchiveNumber domain.ArchiveNumber
	Document      domain.ArchiveNumber
	CaseKind      domain.CaseKind
	Subject       string
	ReceivedDate  domain.Date
	// Outcome is answered, answered_in_part, refused, forwarded or rejected.
	Outcome domain.Status
	// Answer is the text of the answer; Reason the reasons of a refusal or rejection; ForwardedTo the
	// competent body a forwarded case went to.
	Answer      string
	Reason      string
	ForwardedTo string
}

// BriefingData is the mayor's daily briefing, for the cabinet: counts and rows of IDs, kinds,
// sectors and dates, never personal data. See BriefingFrom.
type BriefingData struct {
	Date   domain.Date
	Totals BriefingTotals
	// The sections, as in domain.Briefing.
	New, DueToday, DueThisWeek, Overdue, Escalations, OpenMediaQueries, Milestones BriefingSection
	// Link is where the briefing is read in full.
	Link string
}

// BriefingTotals counts the open cases by where they stand against their deadlines.
type BriefingTotals struct {
	Open, VeryOverdue, Overdue, Today, ThisWeek, Later, Suspended int
}

// BriefingSection is a section of the briefing: its first rows and how many there are in all.
type BriefingSection struct {
	Count int
	Rows  []BriefingRow
}

// BriefingRow is one case, escalation or milestone in a section of the briefing.
type BriefingRow struct {
	// ArchiveNumber is the case's number (its ID before registration).
	ArchiveNumber string
	CaseKind      domain.CaseKind
	// Sector is the responsible sector's name.
	Sector string
	// DueAt is the deadline; DaysOverdue the calendar days past it.
	DueAt       time.Time
	DaysOverdue int
	// At, Step and Level describe an escalation; Title a programme's milestone.
	At    time.Time
	Step  int
	Level domain.EscalationLevel
	Title string
}

// BriefingFrom turns a composed briefing into the data of its message. sectorName gives a sector's
// name in the message's language from its ID (nil keeps the IDs).
func BriefingFrom(b domain.Briefing, sectorName func(id string) string, link string) BriefingData {
	name := func(id string) string {
		if sectorName == nil || id == "" {
			return id
		}
		if n := sectorName(id); n != "" {
			return n
		}
		return id
	}
	cases := func(s domain.BriefingSection[domain.CaseSummary]) BriefingSection {
		out := BriefingSection{Count: s.Count}
		for _, c := range s.Items {
			number := c.ArchiveNumber
			if number == "" {
				number = c.ID
			}
			out.Rows = append(out.Rows, BriefingRow{ArchiveNumber: number, CaseKind: c.Kind, Sector: name(c.Sector), DueAt: c.DueAt, DaysOverdue: c.DaysOverdue})
		}
		return out
	}
	d := BriefingData{
		Date: b.Date, Link: link,
		Totals: BriefingTotals{
			Open: b.Totals.Open, VeryOverdue: b.Totals.VeryOverdue, Overdue: b.Totals.Overdue, Today: b.Totals.Today,
			ThisWeek: b.Totals.ThisWeek, Later: b.Totals.Later, Suspended: b.Totals.Suspended,
		},
		New: cases(b.New), DueToday: cases(b.DueToday), DueThisWeek: cases(b.DueThisWeek), Overdue: cases(b.Overdue),
		OpenMediaQueries: cases(b.OpenMediaQueries),
		Escalations:      BriefingSection{Count: b.Escalations.Count},
		Milestones:       BriefingSection{Count: b.Milestones.Count},
	}
	for _, n := range b.Escalations.Items {
		number := n.ArchiveNumber
		if number == "" {
			number = n.CaseID
		}
		d.Escalations.Rows = append(d.Escalations.Rows, BriefingRow{ArchiveNumber: number, CaseKind: n.CaseKind, Sector: name(n.Sector), At: n.At, Step: n.Step, Level: n.Level})
	}
	for _, r := range b.Milestones.Items {
		d.Milestones.Rows = append(d.Milestones.Rows, BriefingRow{ArchiveNumber: r.ArchiveNumber, CaseKind: r.CaseKind, Sector: name(r.Sector), DueAt: r.DueAt, DaysOverdue: r.DaysOverdue, Title: r.Title})
	}
	return d
}

// DigestData is the weekly digest to the head of a sector: the sector's open requests for input.
type DigestData struct {
	Recipient string
	Sector    string
	// Date is the day of the digest.
	Date     domain.Date
	Requests []DigestRow
	// Link is the sector's inbox.
	Link string
}

// DigestRow is one open request in a digest.
type DigestRow struct {
	ArchiveNumber string
	CaseKind      domain.CaseKind
	RequestID     string
	Title         string
	RequestedAt   time.Time
	DueAt         time.Time
	// DaysOverdue counts the calendar days past the due date (0 when not late); Level is the rung of
	// the ladder it reached, if any.
	DaysOverdue int
	Level       domain.EscalationLevel
}

// DigestRowFrom returns the digest's row for a request of the read models.
func DigestRowFrom(r domain.RequestSummary) DigestRow {
	number := r.ArchiveNumber
	if number == "" {
		number = r.CaseID
	}
	return DigestRow{
		ArchiveNumber: number, CaseKind: r.CaseKind, RequestID: r.ID, Title: r.Title,
		RequestedAt: r.RequestedAt, DueAt: r.DueAt, DaysOverdue: r.DaysOverdue, Level: r.Level,
	}
}
