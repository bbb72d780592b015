package activities_test

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/testsuite"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/directory"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/sqlite"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/notify"
	"github.com/predmet/predmet/notify/smtptest"
)

// deliveryEnv is a Deliver activity over a real event store, the sample organisation directory, the
// built-in templates and a real SMTP server on loopback.
type deliveryEnv struct {
	env    *testsuite.TestActivityEnvironment
	store  *sqlite.Store
	server *smtptest.Server
	org    *domain.Organisation
	// signals records the case notes sent to running case workflows.
	signals *recordingSignaler
	// inbox is what the read models answer a digest.
	inbox *inbox
}

// recordingSignaler stands in for the Temporal client: the cases' workflows are not running (NotFound),
// unless running is set.
type recordingSignaler struct {
	running bool
	got     []activities.NoteInput
}

func (s *recordingSignaler) SignalWorkflow(_ context.Context, _, _, _ string, arg any) error {
	if !s.running {
		return serviceerror.NewNotFound("workflow not found")
	}
	s.got = append(s.got, arg.(activities.NoteInput))
	return nil
}

// inbox is a domain.ReadModels that knows only a sector's open requests: what a digest reads.
type inbox struct {
	domain.ReadModels
	requests []domain.RequestSummary
	asked    []domain.RequestQuery
}

func (m *inbox) Requests(_ context.Context, q domain.RequestQuery) (domain.Page[domain.RequestSummary], error) {
	m.asked = append(m.asked, q)
	return domain.Page[domain.RequestSummary]{Items: m.requests, Limit: q.Limit}, nil
}

// panicAfterSend hands the message over, then dies before Deliver can record it: a worker killed
// between sending and recording.
type panicAfterSend struct{ activities.Mailer }

func (p panicAfterSend) Send(ctx context.Context, m notify.Mail) error {
	if err := p.Mailer.Send(ctx, m); err != nil {
		return err
	}
	panic("worker killed after the server accepted the message")
}

func mustOpenDeliveryEnv(tb testing.TB, opts smtptest.Options, wrap func(activities.Mailer) activities.Mailer) *deliveryEnv {
	tb.Helper()
	loc := testkit.Skopje
	org, err := directory.Load("../deploy/directory/example.json")
	if err != nil {
		tb.Fatal(err)
	}
	templates, err := notify.LoadTemplates(notify.TemplateOptions{Location: loc})
	if err != nil {
		tb.Fatal(err)
	}
	server := smtptest.MustStart(tb, opts)
	sender, err := notify.NewSMTP(server.Config())
	if err != nil {
		tb.Fatal(err)
	}
	var mailer activities.Mailer = sender
	if wrap != nil {
		mailer = wrap(mailer)
	}
	sig := &recordingSignaler{}
	rm := &inbox{}
	env, store := testkit.MustOpenActivityEnv(tb, func(a *activities.Activities) {
		a.Signaler, a.Mailer = sig, mailer
		a.Composer = &activities.MailComposer{
			ReadModels: rm,
			Mail:       &notify.Composer{Templates: templates, From: mail.Address{Name: "Општина Пример", Address: "noreply@opstina-primer.example"}},
			Directory:  func() *domain.Organisation { return org },
			Store:      a.Store,
			Location:   loc,
		}
	})
	return &deliveryEnv{env: env, store: store, server: server, org: org, signals: sig, inbox: rm}
}

// openCase writes a registered petition assigned to an officer, with a request for input to urbanism.
func (d *deliveryEnv) openCase(tb testing.TB, id, email string, lang domain.Language) {
	tb.Helper()
	received := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	loc, _ := time.LoadLocation("Europe/Skopje")
	cal := domain.NewCalendar(nil)
	deadline := cal.Deadline(received, domain.DefaultPolicies()[domain.KindPetition].Clock, loc)
	events := []domain.Event{
		&domain.CaseReceived{CaseID: id, Kind: domain.KindPetition, Channel: domain.ChannelEmail, Language: lang, ReceivedAt: received,
			Subject: "Улично осветлување", Text: "…", Submitter: domain.Submitter{Name: "Марија Илиевска", Email: email}},
		&domain.CaseRegistered{ArchiveNumber: domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 41, Sub: 1, Date: domain.Date{Year: 2026, Month: 11, Day: 2}},
			RegisteredAt: received, Deadline: deadline},
		&domain.CaseAssigned{Officer: "ana.petrovska", Sector: "urbanism", At: received},
		&domain.RequestOpened{Request: domain.Request{ID: "r1", Kind: domain.RequestInput, Sector: "urbanism", Title: "Мислење за осветлувањето",
			Required: true, RequestedAt: received, DueAt: received.Add(10 * 24 * time.Hour), Status: domain.RequestIsOpen}},
	}
	data, err := domain.EncodeEvents(domain.CaseStream(id), 0, domain.Metadata{CorrelationID: id}, events...)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := d.store.Append(context.Background(), domain.CaseStream(id), domain.NoStream(), data...); err != nil {
		tb.Fatal(err)
	}
}

func (d *deliveryEnv) queue(tb testing.TB, n domain.NotificationQueued) {
	tb.Helper()
	if err := domain.QueueNotification(context.Background(), d.store, n); err != nil {
		tb.Fatal(err)
	}
}

// deliver runs the Deliver activity once.
func (d *deliveryEnv) deliver(id string) (activities.DeliverResult, error) {
	var a *activities.Activities
	var res activities.DeliverResult
	v, err := d.env.ExecuteActivity(a.Deliver, activities.DeliverInput{ID: id})
	if err != nil {
		return res, err
	}
	return res, v.Get(&res)
}

// types returns the event types of a stream.
func (d *deliveryEnv) types(tb testing.TB, stream string) []string {
	tb.Helper()
	events, err := d.store.ReadStream(context.Background(), stream, domain.ReadStreamOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Type
	}
	return out
}

func reminder(caseID string) domain.NotificationQueued {
	return domain.NotificationQueued{
		ID: domain.NotificationID(caseID, "r1", 0, domain.NotifyReminder, 1), Kind: domain.NotifyReminder, CaseID: caseID,
		RequestID: "r1", Sector: "urbanism", Level: domain.LevelHead, Step: 1,
		DueAt: time.Date(2026, 11, 12, 22, 59, 59, 0, time.UTC), At: time.Date(2026, 11, 10, 7, 0, 0, 0, time.UTC),
	}
}

func acknowledgement(caseID string) domain.NotificationQueued {
	return domain.NotificationQueued{
		ID: domain.DeterministicID("notification", caseID, "acknowledgement"), Kind: domain.NotifyAcknowledgement, CaseID: caseID,
		At: time.Date(2026, 11, 2, 9, 0, 1, 0, time.UTC),
	}
}

func equalTypes(tb testing.TB, got []string, want ...string) {
	tb.Helper()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		tb.Fatalf("events = %v, want %v", got, want)
	}
}

func TestDeliver(t *testing.T) {
	t.Run("OK_ReminderToTheSectorHeadOnce", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{TLS: "starttls"}, nil)
		d.openCase(t, "c1", "marija@example.org", domain.Macedonian)
		n := reminder("c1")
		d.queue(t, n)
		for range 3 { // a retried activity or a second delivery workflow sends nothing more
			res, err := d.deliver(n.ID)
			if err != nil || res.Status != domain.NotificationIsSent || res.Attempt != 1 {
				t.Fatalf("Deliver = %+v, %v", res, err)
			}
		}
		got := d.server.Received()
		if len(got) != 1 {
			t.Fatalf("server received %d messages, want 1", len(got))
		}
		head, err := d.org.HeadOf("urbanism")
		if err != nil {
			t.Fatal(err)
		}
		if len(got[0].To) != 1 || got[0].To[0] != head.Email || !got[0].TLS {
			t.Errorf("received %+v, want one message over TLS to %s", got[0], head.Email)
		}
		msg, err := mail.ReadMessage(strings.NewReader(string(got[0].Data)))
		if err != nil {
			t.Fatal(err)
		}
		if want := notify.MessageID(n.ID, "opstina-primer.example"); msg.Header.Get("Message-Id") != want {
			t.Errorf("Message-ID = %q, want %q", msg.Header.Get("Message-Id"), want)
		}
		if lang := msg.Header.Get("Content-Language"); lang != string(head.Language) {
			t.Errorf("Content-Language = %q, want the head's %q", lang, head.Language)
		}
		equalTypes(t, d.types(t, domain.NotificationStream(n.ID)), "NotificationQueued", "NotificationAttempted", "NotificationSent")
	})

	t.Run("OK_DroppedAfterAcceptIsSentOnce", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{DropAfterAccept: true}, nil)
		d.openCase(t, "c2", "marija@example.org", domain.Albanian)
		n := acknowledgement("c2")
		d.queue(t, n)
		res, err := d.deliver(n.ID)
		if err != nil || res.Status != domain.NotificationIsSent {
			t.Fatalf("Deliver = %+v, %v", res, err)
		}
		got := d.server.Received()
		if len(got) != 1 || got[0].To[0] != "marija@example.org" {
			t.Fatalf("received %+v, want one acknowledgement to the submitter", got)
		}
		msg, err := mail.ReadMessage(strings.NewReader(string(got[0].Data)))
		if err != nil {
			t.Fatal(err)
		}
		if msg.Header.Get("Content-Language") != "sq" {
			t.Errorf("Content-Language = %q, want the submitter's sq", msg.Header.Get("Content-Language"))
		}
	})

	t.Run("ErrRejectedRecipientIsRecordedOnTheCase", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{RejectRcpt: map[string]*smtp.SMTPError{
			"nobody@example.org": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"},
		}}, nil)
		d.openCase(t, "c3", "nobody@example.org", domain.Macedonian)
		n := acknowledgement("c3")
		d.queue(t, n)
		res, err := d.deliver(n.ID)
		if err != nil || res.Status != domain.NotificationIsFailed {
			t.Fatalf("Deliver = %+v, %v; want failed", res, err)
		}
		if len(d.server.Received()) != 0 {
			t.Fatal("a rejected message was received")
		}
		equalTypes(t, d.types(t, domain.NotificationStream(n.ID)), "NotificationQueued", "NotificationAttempted", "NotificationFailed")
		// The case's workflow has ended: the failure is appended to its stream, once.
		if _, err := d.deliver(n.ID); err != nil {
			t.Fatal(err)
		}
		events, err := d.store.ReadStream(context.Background(), domain.CaseStream("c3"), domain.ReadStreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c, err := domain.FoldCase(events)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Undelivered) != 1 || c.Undelivered[0].NotificationID != n.ID || c.Undelivered[0].Status != domain.NotificationIsFailed ||
			c.Undelivered[0].Recipient != "submitter" || strings.Contains(c.Undelivered[0].Reason, "nobody@example.org") {
			t.Errorf("undelivered = %+v, want the failed acknowledgement to the submitter, without the address", c.Undelivered)
		}
	})

	t.Run("OK_NoSubmitterAddressIsSkipped", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{}, nil)
		d.openCase(t, "c4", "", domain.Macedonian)
		d.signals.running = true
		n := acknowledgement("c4")
		d.queue(t, n)
		res, err := d.deliver(n.ID)
		if err != nil || res.Status != domain.NotificationIsSkipped || res.Reason != "The submitter left no e-mail address." {
			t.Fatalf("Deliver = %+v, %v", res, err)
		}
		equalTypes(t, d.types(t, domain.NotificationStream(n.ID)), "NotificationQueued", "NotificationSkipped")
		if len(d.signals.got) != 0 || len(d.server.Received()) != 0 {
			t.Errorf("a submitter without an address: signals %+v, %d messages", d.signals.got, len(d.server.Received()))
		}
	})

	t.Run("ErrUnknownSectorFailsAndTellsTheRunningCase", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{}, nil)
		d.openCase(t, "c8", "marija@example.org", domain.Macedonian)
		d.signals.running = true
		n := reminder("c8")
		n.Sector = "no-such-sector"
		d.queue(t, n)
		res, err := d.deliver(n.ID)
		if err != nil || res.Status != domain.NotificationIsFailed {
			t.Fatalf("Deliver = %+v, %v", res, err)
		}
		equalTypes(t, d.types(t, domain.NotificationStream(n.ID)), "NotificationQueued", "NotificationFailed")
		// The case runs: its workflow is told, and records it.
		if len(d.signals.got) != 1 || d.signals.got[0].Failed == nil || d.signals.got[0].Failed.NotificationID != n.ID {
			t.Errorf("signals = %+v, want the failure", d.signals.got)
		}
	})

	t.Run("ErrDroppedBeforeReplyIsUncertainAndNotResent", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{DropBeforeReply: true}, nil)
		d.openCase(t, "c5", "marija@example.org", domain.Macedonian)
		n := reminder("c5")
		d.queue(t, n)
		for range 2 {
			res, err := d.deliver(n.ID)
			if err != nil || res.Status != domain.NotificationIsUncertain {
				t.Fatalf("Deliver = %+v, %v; want uncertain", res, err)
			}
		}
		if got := len(d.server.Unacknowledged()); got != 1 {
			t.Fatalf("the server read %d messages, want 1", got)
		}
		equalTypes(t, d.types(t, domain.NotificationStream(n.ID)), "NotificationQueued", "NotificationAttempted", "NotificationUncertain")
	})

	t.Run("ErrWorkerKilledBetweenSendAndRecord", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{}, func(m activities.Mailer) activities.Mailer { return panicAfterSend{m} })
		d.openCase(t, "c6", "marija@example.org", domain.Macedonian)
		n := reminder("c6")
		d.queue(t, n)
		if _, err := d.deliver(n.ID); err == nil {
			t.Fatal("the killed attempt succeeded")
		}
		// The retry finds the attempt without its outcome: it does not send a second copy.
		res, err := d.deliver(n.ID)
		if err != nil || res.Status != domain.NotificationIsUncertain {
			t.Fatalf("retry = %+v, %v; want uncertain", res, err)
		}
		if got := len(d.server.Received()); got != 1 {
			t.Fatalf("server received %d messages, want exactly 1", got)
		}
		equalTypes(t, d.types(t, domain.NotificationStream(n.ID)), "NotificationQueued", "NotificationAttempted", "NotificationUncertain")
	})

	t.Run("OK_TemporaryFailureRetriesThenSendsOnce", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{DataReply: &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try later"}}, nil)
		d.openCase(t, "c7", "marija@example.org", domain.Macedonian)
		n := reminder("c7")
		d.queue(t, n)
		if _, err := d.deliver(n.ID); err == nil {
			t.Fatal("a temporary failure was not an error to retry")
		}
		equalTypes(t, d.types(t, domain.NotificationStream(n.ID)), "NotificationQueued", "NotificationAttempted", "NotificationAttemptFailed")
		d.server.SetDataReply(nil) // the server recovers
		res, err := d.deliver(n.ID)
		if err != nil || res.Status != domain.NotificationIsSent || res.Attempt != 2 {
			t.Fatalf("retry = %+v, %v", res, err)
		}
		if got := len(d.server.Received()); got != 1 {
			t.Fatalf("server received %d messages, want 1", got)
		}
	})

	t.Run("OK_WeeklyDigestToTheSectorHead", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{}, nil)
		d.inbox.requests = []domain.RequestSummary{{CaseID: "c9", CaseKind: domain.KindPetition, ArchiveNumber: "08-77/1", ID: "r2",
			Kind: domain.RequestInput, Sector: "finance", Title: "Буџетска ставка", Status: domain.RequestIsOpen,
			RequestedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), DueAt: time.Date(2026, 11, 20, 22, 59, 59, 0, time.UTC), DaysOverdue: 3}}
		n := domain.NotificationQueued{ID: domain.DeterministicID("notification", "digest", "finance", "2026-11-23"), Kind: domain.NotifyDigest,
			Sector: "finance", Date: domain.Date{Year: 2026, Month: 11, Day: 23}, At: time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)}
		d.queue(t, n)
		res, err := d.deliver(n.ID)
		if err != nil || res.Status != domain.NotificationIsSent {
			t.Fatalf("Deliver = %+v, %v", res, err)
		}
		head, _ := d.org.HeadOf("finance")
		got := d.server.Received()
		if len(got) != 1 || got[0].To[0] != head.Email || !strings.Contains(string(got[0].Data), "08-77/1") {
			t.Errorf("digest: %d messages, want one to %s listing 08-77/1", len(got), head.Email)
		}
		if len(d.inbox.asked) != 1 || !slices.Equal(d.inbox.asked[0].Sectors, []string{"finance"}) {
			t.Errorf("the digest asked the read models %+v, want finance's open requests", d.inbox.asked)
		}
	})

	t.Run("OK_BriefingToTheCabinet", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{}, nil)
		day := domain.Date{Year: 2026, Month: 11, Day: 26}
		b := domain.Briefing{Date: day, ComposedAt: time.Date(2026, 11, 26, 6, 30, 0, 0, time.UTC), Trigger: domain.BriefingBySchedule}
		b.Overdue.Count = 7
		data, err := domain.EncodeEvents(domain.BriefingStream(day), 0, domain.Metadata{}, &domain.BriefingComposed{Briefing: b})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.store.Append(context.Background(), domain.BriefingStream(day), domain.NoStream(), data...); err != nil {
			t.Fatal(err)
		}
		n := domain.NotificationQueued{ID: domain.BriefingNotificationID(day, 0), Kind: domain.NotifyBriefing, Date: day, Level: domain.LevelCabinet, At: b.ComposedAt}
		d.queue(t, n)
		if res, err := d.deliver(n.ID); err != nil || res.Status != domain.NotificationIsSent {
			t.Fatalf("Deliver = %+v, %v", res, err)
		}
		got := d.server.Received()
		if len(got) != 1 || len(got[0].To) != len(d.org.Cabinet) {
			t.Fatalf("briefing: %+v, want one message to the %d members of the cabinet", got, len(d.org.Cabinet))
		}
		for i, p := range d.org.Cabinet {
			if got[0].To[i] != p.Email {
				t.Errorf("recipient %d = %s, want %s", i, got[0].To[i], p.Email)
			}
		}
	})

	t.Run("OK_YearlyReportReminderToTheOfficer", func(t *testing.T) {
		d := mustOpenDeliveryEnv(t, smtptest.Options{}, nil)
		d.openCase(t, "c10", "marija@example.org", domain.Macedonian)
		n := reminder("c10")
		n.ID, n.Sector, n.Level = domain.NotificationID("c10", "r2", 0, domain.NotifyReminder, 1), "", domain.LevelOfficer
		d.queue(t, n)
		if res, err := d.deliver(n.ID); err != nil || res.Status != domain.NotificationIsSent {
			t.Fatalf("Deliver = %+v, %v", res, err)
		}
		officer, err := d.org.Officer("ana.petrovska")
		if err != nil {
			t.Fatal(err)
		}
		if got := d.server.Received(); len(got) != 1 || got[0].To[0] != officer.Email {
			t.Errorf("received %+v, want one reminder to the officer %s", got, officer.Email)
		}
	})
}
