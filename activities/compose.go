package activities

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/notify"
)

// MailComposer writes the messages of notifications: it finds the recipients in the organisation
// directory (staff) or in the case (the submitter), gathers the message's data from the case's stream,
// the read models or the stored briefing, and renders it in the recipients' language.
type MailComposer struct {
	Mail *notify.Composer
	// Directory returns the organisation directory in force (it may be reloaded at any time).
	Directory  func() *domain.Organisation
	Store      domain.EventStore
	ReadModels domain.ReadModels
	// Codec opens the personal data of the case's events (the submitter's name and address, the
	// subject); without one, only legacy events in clear are read.
	Codec *domain.Codec
	// Location is the municipality's time zone, for the dates of documents (UTC if nil).
	Location *time.Location
	// BaseURL is where staff open predmet, for the links in messages; none when empty.
	BaseURL string
}

var _ Composer = (*MailComposer)(nil)

// ErrNoEmail is what a Composer returns for a message to a submitter who gave no e-mail address: not a
// failure, the answer goes out by post.
var ErrNoEmail = domain.Errorf(domain.ENOTFOUND, "The submitter left no e-mail address.")

// Compose implements Composer. It returns ENOTFOUND when the directory has nobody for the message or the
// submitter left no e-mail address: the delivery then fails for good, and staff see it on the case.
func (c *MailComposer) Compose(ctx context.Context, n *domain.Notification) (Parcel, error) {
	org := c.Directory()
	if org == nil && !n.Kind.ToSubmitter() {
		return Parcel{}, domain.Errorf(domain.ENOTFOUND, "No organisation directory is configured: staff have no addresses.")
	}
	var kase *domain.Case
	if n.CaseBound() && n.Kind != domain.NotifyBriefing {
		var err error
		if kase, err = c.readCase(ctx, n.CaseID); err != nil {
			return Parcel{}, err
		}
	}

	var (
		people []domain.Person
		labels []string
		err    error
	)
	// The department's own items (a programme's yearly report) have no sector: their reminders and
	// escalations go to the case's officer.
	toOfficer := kase != nil && (n.Kind == domain.NotifyReminder || n.Kind == domain.NotifyEscalation) &&
		(n.Sector == "" || n.Level == domain.LevelOfficer)
	switch {
	case toOfficer:
		var p domain.Person
		p, err = org.Officer(kase.Officer)
		people, labels = []domain.Person{p}, []string{"officer:" + kase.Officer}
	case n.Kind == domain.NotifyReminder, n.Kind == domain.NotifyDigest:
		var head domain.Person
		head, err = org.HeadOf(n.Sector)
		people, labels = []domain.Person{head}, []string{"head:" + n.Sector}
	case n.Kind == domain.NotifyEscalation:
		people, err = org.Recipients(n.Sector, n.Level)
		labels = []string{string(n.Level) + ":" + n.Sector}
	case n.Kind == domain.NotifyOverdue, n.Kind == domain.NotifyAssignment:
		officer := n.Recipient
		if officer == "" && kase != nil {
			officer = kase.Officer
		}
		var p domain.Person
		p, err = org.Officer(officer)
		people, labels = []domain.Person{p}, []string{"officer:" + officer}
	case n.Kind == domain.NotifyBriefing:
		people, labels = org.Cabinet, []string{"cabinet"}
	case n.Kind.ToSubmitter():
		if kase.Submitter.Email == "" {
			return Parcel{}, ErrNoEmail
		}
		people = []domain.Person{{Name: kase.Submitter.Name, Email: kase.Submitter.Email, Language: kase.Language}}
		labels = []string{"submitter"}
	default:
		return Parcel{}, domain.Errorf(domain.EINVALID, "Unknown notification kind %q.", n.Kind)
	}
	if err != nil {
		return Parcel{}, err
	}
	if len(people) == 0 {
		return Parcel{}, domain.Errorf(domain.ENOTFOUND, "Nobody in the organisation directory receives %s messages.", n.Kind)
	}

	lang := commonLanguage(people)
	to := make([]mail.Address, len(people))
	for i, p := range people {
		to[i] = mail.Address{Name: p.Name, Address: p.Email}
	}
	recipient := ""
	if len(people) == 1 {
		recipient = people[0].Name
	}
	sector := func(id string) string {
		if org == nil {
			return id
		}
		if u, err := org.Unit(id); err == nil {
			return u.Name.In(lang)
		}
		return id
	}
	data, err := c.data(ctx, n, kase, recipient, sector)
	if err != nil {
		return Parcel{}, err
	}
	msg := notify.Message{NotificationID: n.ID, Kind: n.Kind, Language: lang, To: to, Date: n.At, Data: data}
	if n.CaseBound() && n.Kind != domain.NotifyBriefing {
		msg.CaseID = n.CaseID
	}
	m, err := c.Mail.Compose(msg)
	if err != nil {
		return Parcel{}, err
	}
	return Parcel{Mail: m, Recipients: labels}, nil
}

// readCase folds the case's stream, its personal data opened. A message to staff says nothing personal
// (see notify's templates), but the case's other facts come from the same fold.
func (c *MailComposer) readCase(ctx context.Context, id string) (*domain.Case, error) {
	if c.Codec != nil {
		kase, _, err := c.Codec.ReadCase(ctx, c.Store, id)
		return kase, err
	}
	events, err := c.Store.ReadStream(ctx, domain.CaseStream(id), domain.ReadStreamOptions{})
	if err != nil {
		return nil, err
	}
	return domain.FoldCase(events)
}

// data gathers what the message of n says.
func (c *MailComposer) data(ctx context.Context, n *domain.Notification, kase *domain.Case, recipient string, sector func(string) string) (any, error) {
	number, received := "", domain.Date{}
	if kase != nil {
		number = kase.ID
		if kase.ArchiveNumber != nil {
			number = kase.ArchiveNumber.String()
		}
		loc := c.Location
		if loc == nil {
			loc = time.UTC
		}
		received = domain.DateOf(kase.ReceivedAt, loc)
	}
	title := ""
	if kase != nil && n.RequestID != "" {
		if r, ok := kase.RequestByID(n.RequestID); ok {
			title = r.Title
		}
	}
	switch n.Kind {
	case domain.NotifyReminder:
		return notify.ReminderData{Recipient: recipient, Sector: sector(n.Sector), ArchiveNumber: number, CaseKind: kase.Kind,
			RequestID: n.RequestID, RequestTitle: title, DueAt: n.DueAt, Reminder: n.Step, Link: c.link("/api/v1/requests?sector=" + n.Sector)}, nil
	case domain.NotifyEscalation:
		return notify.EscalationData{Recipient: recipient, Sector: sector(n.Sector), ArchiveNumber: number, CaseKind: kase.Kind,
			RequestID: n.RequestID, RequestTitle: title, DueAt: n.DueAt, Step: n.Step, Level: n.Level, Link: c.link("/api/v1/cases/" + kase.ID)}, nil
	case domain.NotifyOverdue:
		return notify.OverdueData{Recipient: recipient, ArchiveNumber: number, CaseKind: kase.Kind, Sector: sector(kase.Sector),
			ReceivedDate: received, DueAt: kase.DueAt(), Link: c.link("/api/v1/cases/" + kase.ID)}, nil
	case domain.NotifyAssignment:
		return notify.AssignmentData{Recipient: recipient, ArchiveNumber: number, CaseKind: kase.Kind, Sector: sector(n.Sector),
			ReceivedDate: received, DueAt: kase.DueAt(), Link: c.link("/api/v1/cases/" + kase.ID)}, nil
	case domain.NotifyAcknowledgement:
		d := notify.AcknowledgementData{SubmitterName: kase.Submitter.Name, CaseKind: kase.Kind, Subject: kase.Subject, ReceivedDate: received}
		if kase.ArchiveNumber != nil {
			d.ArchiveNumber = *kase.ArchiveNumber
		}
		if kase.Deadline != nil {
			d.ExpectedAnswerDate = kase.Deadline.DueDate
		}
		return d, nil
	case domain.NotifyAnswer:
		d := notify.AnswerData{SubmitterName: kase.Submitter.Name, CaseKind: kase.Kind, Subject: kase.Subject, ReceivedDate: received,
			Outcome: kase.Status, Reason: kase.Reason, ForwardedTo: kase.ForwardedTo}
		if kase.ArchiveNumber != nil {
			d.ArchiveNumber = *kase.ArchiveNumber
		}
		if len(kase.Documents) > 0 {
			d.Document = kase.Documents[len(kase.Documents)-1]
		}
		return d, nil
	case domain.NotifyBriefing:
		// The briefing the notification was queued for: the day's briefing at revision Step.
		all, _, err := domain.ReadBriefings(ctx, c.Store, n.Date)
		if err != nil {
			return nil, err
		}
		b := all[len(all)-1]
		if n.Step >= 0 && n.Step < len(all) {
			b = all[n.Step]
		}
		return notify.BriefingFrom(b, sector, c.link("/api/v1/briefings/"+n.Date.String()+"?format=html")), nil
	case domain.NotifyDigest:
		d := notify.DigestData{Recipient: recipient, Sector: sector(n.Sector), Date: n.Date, Link: c.link("/api/v1/requests?sector=" + n.Sector)}
		q := domain.RequestQuery{Sectors: []string{n.Sector}, Statuses: []domain.RequestStatus{domain.RequestIsOpen}, Limit: domain.MaxPageLimit, Now: n.At}
		page, err := c.ReadModels.Requests(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Items {
			d.Requests = append(d.Requests, notify.DigestRowFrom(r))
		}
		return d, nil
	}
	return nil, domain.Errorf(domain.EINVALID, "Unknown notification kind %q.", n.Kind)
}

// link returns the address of path in predmet, or "" without a base URL.
func (c *MailComposer) link(path string) string {
	if c.BaseURL == "" {
		return ""
	}
	return strings.TrimSuffix(c.BaseURL, "/") + path
}

// commonLanguage is the language all the people share, or Macedonian, which is always official.
func commonLanguage(people []domain.Person) domain.Language {
	lang := people[0].Language
	for _, p := range people[1:] {
		if p.Language != lang {
			return domain.Macedonian
		}
	}
	if lang == "" {
		return domain.Macedonian
	}
	return lang
}
