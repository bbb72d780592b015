package workflows

import (
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
)

// a is the nil receiver through which workflows name activities.
var a *activities.Activities

// DefaultHistoryLimit is the history length after which a case continues as new.
const DefaultHistoryLimit = 10000

// CaseWorkflow carries one case from intake to its end. The case's facts live in its event stream;
// the workflow's state is the fold of those events, without personal data. Staff act through
// ActionUpdate; the child workflows of its requests for input report through RequestFactSignal; a
// suspension of every clock arrives through ClocksSignal.
func CaseWorkflow(ctx workflow.Context, in CaseInput) error {
	w := &caseWorkflow{in: in, policy: in.policy()}
	if err := w.setup(ctx); err != nil {
		return err
	}
	return w.run(ctx)
}

type caseWorkflow struct {
	in     CaseInput
	policy domain.Policy
	state  domain.Case
	// mu serialises appends to the case's stream between the main loop, update handlers and signals.
	mu workflow.Mutex
	// busy counts signals being recorded, so that the case does not continue as new in the middle of one.
	busy int
	// loaded is set once the state is folded from the stream. An update that arrives earlier (at the
	// start of a run continued as new) passes its validator and is decided when the state is there.
	loaded bool
}

// policy returns the case's policy. A case started before policies had steps runs under the default
// policy of its kind, with the clock it started with.
func (in CaseInput) policy() domain.Policy {
	if len(in.Policy.Steps) > 0 {
		return in.Policy
	}
	p, ok := domain.DefaultPolicies()[in.Policy.Kind]
	if !ok {
		p = domain.DefaultPolicies()[domain.KindPetition]
		p.Kind = in.Policy.Kind
	}
	if in.Policy.Clock != (domain.Clock{}) {
		p.Clock = in.Policy.Clock
	}
	return p
}

func (w *caseWorkflow) setup(ctx workflow.Context) error {
	w.mu = workflow.NewMutex(ctx)
	if err := workflow.SetQueryHandler(ctx, StateQuery, func() (domain.Case, error) { return w.state, nil }); err != nil {
		return err
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, RegistrationUpdate, w.awaitRegistration, workflow.UpdateHandlerOptions{
		Validator: func(ctx workflow.Context, requestHash string) error {
			if requestHash != w.in.RequestHash {
				return updateError(domain.Errorf(domain.ECONFLICT, "The idempotency key was already used for a different request."))
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, ActionUpdate, w.act, workflow.UpdateHandlerOptions{
		Validator: func(ctx workflow.Context, req domain.ActionRequest) error {
			if !w.loaded {
				return nil // the handler waits for the state and decides then
			}
			return updateError(w.policy.Check(&w.state, req, workflow.Now(ctx)))
		},
	})
}

// The case's steps run as local activities: each is idempotent (reads, or appends at an exact revision
// with deterministic IDs), so a workflow task retried after a crash may run them again safely, and the
// whole registration takes one workflow task instead of a round trip through the server per step.
// While the event store is unreachable they retry, with backoff, until it is back.
var localOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout: 15 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    200 * time.Millisecond,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
	},
}

func (w *caseWorkflow) run(ctx workflow.Context) error {
	ctx = workflow.WithLocalActivityOptions(ctx, localOptions)
	loaded, err := w.load(ctx)
	if err != nil {
		return err
	}
	if w.state.Status == domain.StatusReceived {
		if err := w.register(ctx, loaded); err != nil && !errors.Is(err, errStreamMoved) {
			return err
		}
	}
	// Signals wait in their channels until the case is registered: a global suspension that arrives
	// while the case registers is applied to its fresh clock.
	workflow.Go(ctx, w.receiveSignals)

	for {
		if domain.IsTerminal(w.state.Status) {
			if err := w.end(ctx); !errors.Is(err, errStreamMoved) {
				return err
			}
			continue
		}
		if w.continueAsNewDue(ctx) {
			return w.continueAsNew(ctx)
		}
		wake, why := w.nextWake()
		changed := func() bool {
			next, _ := w.nextWake()
			return !next.Equal(wake) || domain.IsTerminal(w.state.Status) || w.continueAsNewDue(ctx)
		}
		if wake.IsZero() {
			if err := workflow.Await(ctx, changed); err != nil {
				return err
			}
			continue
		}
		if wait := wake.Sub(workflow.Now(ctx)); wait > 0 {
			changedFirst, err := workflow.AwaitWithTimeout(ctx, wait, changed)
			if err != nil {
				return err
			} else if changedFirst {
				continue // something changed before the timer fired
			}
		}
		if err := w.wake(ctx, why); err != nil && !errors.Is(err, errStreamMoved) {
			return err
		}
	}
}

// Reasons to wake up.
const (
	wakeDeadline      = "deadline"
	wakeClarification = "clarification"
)

// nextWake returns when the case must next act on its own, and why: when its deadline passes, or when
// the requester's time to complete the request runs out. The zero time means nothing is due.
func (w *caseWorkflow) nextWake() (time.Time, string) {
	c := &w.state
	var at time.Time
	var why string
	if c.ClockRunning() && !c.Deadline.Suspended && !c.Overdue {
		at, why = c.Deadline.DueAt, wakeDeadline
	}
	if c.Status == domain.StatusClarificationRequested && c.RespondBy != nil && c.ClarificationExpiredAt == nil {
		if at.IsZero() || c.RespondBy.Before(at) {
			at, why = *c.RespondBy, wakeClarification
		}
	}
	return at, why
}

// wake records what fell due.
func (w *caseWorkflow) wake(ctx workflow.Context, why string) error {
	switch why {
	case wakeDeadline:
		due := w.state.DueAt()
		// Cases of the first release recorded the deadline and told nobody; cases since then queue a
		// notification to the owning officer. The marker keeps both replaying (see the README's rule).
		if workflow.GetVersion(ctx, "notify-overdue", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			return w.record(ctx, domain.SystemActor, "deadline", &domain.CaseDeadlinePassed{DueAt: due})
		}
		n := domain.NotificationQueued{
			ID:   domain.NotificationID(w.in.CaseID, "", 0, domain.NotifyOverdue, w.state.DeadlinesPassed+1),
			Kind: domain.NotifyOverdue, CaseID: w.in.CaseID, Sector: w.state.Sector, Level: domain.LevelOfficer,
			Step: w.state.DeadlinesPassed + 1, DueAt: due, At: workflow.Now(ctx).UTC(),
		}
		if err := w.record(ctx, domain.SystemActor, "deadline", &domain.CaseDeadlinePassed{DueAt: due, NotificationID: n.ID}); err != nil {
			return err
		}
		return workflow.ExecuteLocalActivity(ctx, a.Notify, n).Get(ctx, nil)
	case wakeClarification:
		return w.record(ctx, domain.SystemActor, "clarification", &domain.ClarificationExpired{At: workflow.Now(ctx).UTC()})
	}
	return nil
}

// load folds the case's stream into the workflow's state. The stream is the truth: a case whose
// registration was written by an earlier, crashed attempt is found registered.
func (w *caseWorkflow) load(ctx workflow.Context) (activities.LoadedCase, error) {
	var loaded activities.LoadedCase
	if err := workflow.ExecuteLocalActivity(ctx, a.LoadCase, activities.LoadCaseInput{CaseID: w.in.CaseID}).Get(ctx, &loaded); err != nil {
		return loaded, err
	}
	w.state = loaded.Case
	w.loaded = true
	return loaded, nil
}

// register numbers the case in the register and starts its clock; a programme opens its first yearly
// report instead.
func (w *caseWorkflow) register(ctx workflow.Context, loaded activities.LoadedCase) error {
	var number domain.ArchiveNumber
	err := workflow.ExecuteLocalActivity(ctx, a.ClaimArchiveNumber, activities.ClaimInput{
		CaseID: w.in.CaseID, Unit: w.in.Unit, ReceiptPosition: loaded.ReceiptPosition, ReceiptRecorded: loaded.ReceiptRecorded,
	}).Get(ctx, &number)
	if err != nil {
		return err
	}
	now := workflow.Now(ctx).UTC()
	registered := &domain.CaseRegistered{ArchiveNumber: number, RegisteredAt: now}
	if w.policy.HasClock() {
		start := w.state.ReceivedAt
		if w.policy.ClockStarts == domain.FromRegistration {
			start = now
		}
		registered.Deadline, err = w.clocks(ctx).Deadline(start, w.policy.Clock, nil)
		if err != nil {
			return err
		}
	}
	events := []domain.Event{registered}
	if g := loaded.Clocks; g.Suspended && w.policy.HasClock() {
		// Every clock is stopped: this one starts stopped too.
		at := now
		if g.Since != nil && g.Since.After(registered.Deadline.Start) {
			at = *g.Since
		}
		change := domain.ClockChange{Kind: domain.ClockSuspended, Source: domain.SourceGlobal, At: at, Reason: g.Reason, Revision: g.Revision}
		dl, err := w.clocks(ctx).Deadline(registered.Deadline.Start, w.policy.Clock, []domain.ClockChange{change})
		if err != nil {
			return err
		}
		events = append(events, &domain.DeadlineChanged{Change: change, Deadline: dl})
	}
	if err := w.record(ctx, w.in.Actor, "register", events...); err != nil {
		return err
	}
	if w.policy.Programme {
		year := number.Date.Year
		report, err := w.policy.YearlyReportRequest(&w.state, year, now, w.clocks(ctx))
		if err != nil {
			return err
		}
		return w.record(ctx, domain.SystemActor, "report", report)
	}
	return nil
}

// act is the ActionUpdate handler: it decides the action on the case's current state, records the
// events, and starts or tells the child workflows of the requests involved.
func (w *caseWorkflow) act(ctx workflow.Context, req domain.ActionRequest) (ActionResult, error) {
	ctx = workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.Await(ctx, func() bool { return w.loaded }); err != nil {
		return ActionResult{}, err
	}
	if err := w.mu.Lock(ctx); err != nil {
		return ActionResult{}, err
	}
	defer w.mu.Unlock()
	events, err := w.policy.Decide(&w.state, req, workflow.Now(ctx).UTC(), w.clocks(ctx))
	if err != nil {
		return ActionResult{}, updateError(err)
	}
	// The update's ID goes into the events' causation, so that a retry of the same action that reaches the
	// case after it continued as new (or ended) finds it done (see CausedByUpdate and services.Cases.Act).
	cause := string(req.Action)
	if info := workflow.GetCurrentUpdateInfo(ctx); info != nil {
		cause += "#" + info.ID
	}
	if err := w.recordLocked(ctx, req.Actor, cause, events...); err != nil {
		return ActionResult{}, updateError(err)
	}
	if err := w.follow(ctx, events); err != nil {
		return ActionResult{}, err
	}
	return ActionResult{Status: w.state.Status, Version: w.state.Version}, nil
}

// follow starts the child workflow of each request opened and tells the children of requests that
// were answered, cancelled or reassigned.
func (w *caseWorkflow) follow(ctx workflow.Context, events []domain.Event) error {
	for _, e := range events {
		switch e := e.(type) {
		case *domain.RequestOpened:
			if err := w.startRequest(ctx, e.Request); err != nil {
				return err
			}
		case *domain.RequestAnswered:
			w.tellRequest(ctx, e.RequestID, RequestChange{Closed: true})
		case *domain.RequestCancelled:
			w.tellRequest(ctx, e.RequestID, RequestChange{Closed: true})
		case *domain.RequestReassigned:
			r, _ := w.state.RequestByID(e.RequestID)
			w.tellRequest(ctx, e.RequestID, RequestChange{Generation: r.Generation, Sector: r.Sector, DueAt: r.DueAt})
		}
	}
	return nil
}

// startRequest starts the child workflow that reminds and escalates a request. It outlives a
// continue-as-new of the case (ParentClosePolicy ABANDON) and ends when told the request is closed.
func (w *caseWorkflow) startRequest(ctx workflow.Context, r domain.Request) error {
	policy := w.policy.Requests
	if r.Kind == domain.RequestReport {
		// The department owes its own report: the owning officer is reminded (see requestWorkflow.deliver)
		// and, once it is late, told again; nobody above is chased.
		policy.Escalation = []domain.EscalationStep{{After: domain.Clock{Length: 0, Unit: domain.Minutes}, To: domain.LevelOfficer}}
	}
	ctx = workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        RequestWorkflowID(w.in.CaseID, r.ID),
		TaskQueue:         TaskQueue,
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	child := workflow.ExecuteChildWorkflow(ctx, RequestWorkflow, RequestInput{CaseID: w.in.CaseID, Request: r, Policy: policy})
	var started workflow.Execution
	if err := child.GetChildWorkflowExecution().Get(ctx, &started); err != nil && !temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return err
	}
	return nil
}

// tellRequest signals a request's child workflow. A child that has already ended needs no telling.
func (w *caseWorkflow) tellRequest(ctx workflow.Context, requestID string, change RequestChange) {
	err := workflow.SignalExternalWorkflow(ctx, RequestWorkflowID(w.in.CaseID, requestID), "", RequestChangeSignal, change).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Info("Request workflow not signalled", "request", requestID, "error", err)
	}
}

// receiveSignals records the reminders and escalations the children deliver and the global clock
// changes, one at a time, for as long as the case runs.
func (w *caseWorkflow) receiveSignals(ctx workflow.Context) {
	ctx = workflow.WithLocalActivityOptions(ctx, localOptions)
	facts := workflow.GetSignalChannel(ctx, RequestFactSignal)
	clocks := workflow.GetSignalChannel(ctx, ClocksSignal)
	notes := workflow.GetSignalChannel(ctx, CaseNoteSignal)
	for {
		s := workflow.NewSelector(ctx)
		s.AddReceive(facts, func(c workflow.ReceiveChannel, _ bool) {
			var f RequestFact
			c.Receive(ctx, &f)
			w.busy++
			defer func() { w.busy-- }()
			if err := w.onFact(ctx, f); err != nil {
				workflow.GetLogger(ctx).Error("Request fact not recorded", "request", f.RequestID, "error", err)
			}
		})
		s.AddReceive(clocks, func(c workflow.ReceiveChannel, _ bool) {
			var change ClocksChange
			c.Receive(ctx, &change)
			w.busy++
			defer func() { w.busy-- }()
			if err := w.onClocks(ctx, change); err != nil {
				workflow.GetLogger(ctx).Error("Global clock change not recorded", "revision", change.Revision, "error", err)
			}
		})
		s.AddReceive(notes, func(c workflow.ReceiveChannel, _ bool) {
			var note CaseNote
			c.Receive(ctx, &note)
			w.busy++
			defer func() { w.busy-- }()
			if err := w.onNote(ctx, note); err != nil {
				workflow.GetLogger(ctx).Error("Case note not recorded", "key", note.Key, "error", err)
			}
		})
		s.Select(ctx)
	}
}

// onFact records a reminder or escalation of a request that is still open with the same sector. A
// repeated or stale fact changes nothing.
func (w *caseWorkflow) onFact(ctx workflow.Context, f RequestFact) error {
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	r, ok := w.state.RequestByID(f.RequestID)
	if !ok || r.Status != domain.RequestIsOpen || r.Generation != f.Generation || domain.IsTerminal(w.state.Status) {
		return nil
	}
	var e domain.Event
	switch f.Kind {
	case domain.NotifyReminder:
		if f.Step <= r.Reminders {
			return nil
		}
		e = &domain.RequestReminded{RequestID: f.RequestID, Generation: f.Generation, Reminder: f.Step, Sector: f.Sector, Level: f.Level, NotificationID: f.NotificationID, At: f.At}
	case domain.NotifyEscalation:
		if f.Step <= r.Escalation {
			return nil
		}
		e = &domain.RequestEscalated{RequestID: f.RequestID, Generation: f.Generation, Step: f.Step, Sector: f.Sector, Level: f.Level, NotificationID: f.NotificationID, At: f.At}
	default:
		return nil
	}
	return w.recordLocked(ctx, domain.SystemActor, fmt.Sprintf("%s/%s/%d", f.RequestID, f.Kind, f.Step), e)
}

// onNote records a note from outside the case once: a failed message is recorded once per
// notification, and any note once per key.
func (w *caseWorkflow) onNote(ctx workflow.Context, n CaseNote) error {
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	e := n.Event()
	if e == nil || n.Key == "" {
		return nil
	}
	if n.Failed != nil {
		for _, u := range w.state.Undelivered {
			if u.NotificationID == n.Failed.NotificationID {
				return nil
			}
		}
	}
	if n.Erased != nil && w.state.Erased != nil && w.state.Erased.ErasureID == n.Erased.ErasureID {
		return nil
	}
	return w.recordLocked(ctx, domain.SystemActor, "note/"+n.Key, e)
}

// onClocks applies a suspension or resumption of every clock to the case's clock, once.
func (w *caseWorkflow) onClocks(ctx workflow.Context, g ClocksChange) error {
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	c := &w.state
	if g.Revision <= c.GlobalClocks || !c.ClockRunning() || g.Suspended == c.Deadline.SuspendedBy(domain.SourceGlobal) {
		return nil
	}
	kind := domain.ClockResumed
	if g.Suspended {
		kind = domain.ClockSuspended
	}
	changed, err := c.ChangeClock(domain.ClockChange{Kind: kind, Source: domain.SourceGlobal, At: g.At, Reason: g.Reason, Revision: g.Revision}, w.clocks(ctx))
	if err != nil {
		return err
	}
	return w.recordLocked(ctx, domain.SystemActor, fmt.Sprintf("clocks@%d", g.Revision), changed)
}

// end closes a case that reached a lawful ending: its open requests are cancelled and their child
// workflows told, and the workflow waits for running handlers before it completes.
func (w *caseWorkflow) end(ctx workflow.Context) error {
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	var events []domain.Event
	now := workflow.Now(ctx).UTC()
	for _, r := range w.state.OpenRequests() {
		events = append(events, &domain.RequestCancelled{RequestID: r.ID, Reason: "The case ended: " + string(w.state.Status) + ".", At: now})
	}
	if len(events) > 0 {
		if err := w.recordLocked(ctx, domain.SystemActor, "end", events...); err != nil {
			w.mu.Unlock()
			return err
		}
		if err := w.follow(ctx, events); err != nil {
			w.mu.Unlock()
			return err
		}
	}
	w.mu.Unlock()
	// Notes are recorded even on an ended case (a failed answer is reported after it closed); the
	// signal goroutine takes them before the workflow completes.
	notes := workflow.GetSignalChannel(ctx, CaseNoteSignal)
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && w.busy == 0 && notes.Len() == 0 })
}

// continueAsNewDue reports whether the history has grown long enough to start afresh.
func (w *caseWorkflow) continueAsNewDue(ctx workflow.Context) bool {
	limit := w.in.HistoryLimit
	if limit <= 0 {
		limit = DefaultHistoryLimit
	}
	info := workflow.GetInfo(ctx)
	return info.GetCurrentHistoryLength() >= limit || info.GetContinueAsNewSuggested()
}

// continueAsNew starts the case afresh once no handler or signal is half done. Nothing is carried over
// but the input: the new run folds the case's stream, its children keep running (they were started
// with ParentClosePolicy ABANDON and signal the case by workflow ID), and its timers are set again from
// the state.
func (w *caseWorkflow) continueAsNew(ctx workflow.Context) error {
	facts := workflow.GetSignalChannel(ctx, RequestFactSignal)
	clocks := workflow.GetSignalChannel(ctx, ClocksSignal)
	notes := workflow.GetSignalChannel(ctx, CaseNoteSignal)
	err := workflow.Await(ctx, func() bool {
		return workflow.AllHandlersFinished(ctx) && w.busy == 0 && facts.Len() == 0 && clocks.Len() == 0 && notes.Len() == 0
	})
	if err != nil {
		return err
	}
	return workflow.NewContinueAsNewError(ctx, CaseWorkflow, w.in)
}

// record appends events to the case's stream (see recordLocked), holding the case's lock.
func (w *caseWorkflow) record(ctx workflow.Context, actor domain.Actor, cause string, events ...domain.Event) error {
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	return w.recordLocked(ctx, actor, cause, events...)
}

// recordLocked appends events to the case's stream at the exact revision the workflow knows, folds them
// into the state and brings the search attributes up to date. The caller holds w.mu.
func (w *caseWorkflow) recordLocked(ctx workflow.Context, actor domain.Actor, cause string, events ...domain.Event) error {
	if len(events) == 0 {
		return nil
	}
	stream := domain.CaseStream(w.in.CaseID)
	meta := domain.Metadata{
		CorrelationID: w.in.CaseID,
		CausationID:   fmt.Sprintf("%s/%s@%d", workflow.GetInfo(ctx).WorkflowExecution.ID, cause, w.state.Version),
		UserID:        actor.UserID,
	}
	if err := appendAt(ctx, stream, w.state.Version, meta, events...); err != nil {
		var app *temporal.ApplicationError
		if !errors.As(err, &app) || app.Type() != activities.ErrTypeConflict {
			return err
		}
		// The stream holds events this workflow does not know: it is the truth, so fold it again.
		workflow.GetLogger(ctx).Warn("The case's stream moved on without the workflow; reloading it.", "error", err)
		if _, err := w.load(ctx); err != nil {
			return err
		}
		if err := workflow.UpsertTypedSearchAttributes(ctx, searchAttributes(&w.state)...); err != nil {
			return err
		}
		return errStreamMoved
	}
	for _, e := range events {
		w.state.Apply(e)
	}
	return workflow.UpsertTypedSearchAttributes(ctx, searchAttributes(&w.state)...)
}

// errStreamMoved is returned by record when the case's stream held events the workflow did not know: the
// state has been folded again from the stream, and what was being recorded must be decided again.
var errStreamMoved = domain.Errorf(domain.ECONFLICT, "The case changed meanwhile; look at it again and retry.")

// appendAt appends events to a stream whose next revision is next, with deterministic IDs, through the
// Append local activity: a retry writes nothing twice, and a stream with another writer fails.
func appendAt(ctx workflow.Context, stream string, next uint64, meta domain.Metadata, events ...domain.Event) error {
	// encoding/json is deterministic for predmet's events (structs; map keys are sorted), though
	// workflowcheck cannot tell.
	data, err := domain.EncodeEvents(stream, next, meta, events...) //workflowcheck:ignore
	if err != nil {
		return err
	}
	in := activities.AppendInput{Stream: stream, ExpectedNext: next, Events: data}
	ctx = workflow.WithLocalActivityOptions(ctx, localOptions)
	return workflow.ExecuteLocalActivity(ctx, a.Append, in).Get(ctx, nil)
}

// awaitRegistration is the RegistrationUpdate handler.
func (w *caseWorkflow) awaitRegistration(ctx workflow.Context, _ string) (Registration, error) {
	if err := workflow.Await(ctx, func() bool { return w.state.ArchiveNumber != nil }); err != nil {
		return Registration{}, err
	}
	reg := Registration{CaseID: w.in.CaseID, ArchiveNumber: *w.state.ArchiveNumber, Version: w.state.Version}
	if w.state.Deadline != nil {
		reg.Deadline = *w.state.Deadline
	}
	return reg, nil
}

// clocks computes deadlines through local activities: the calendar's one-off days are reloaded from a
// file, so results must be recorded in the history.
func (w *caseWorkflow) clocks(ctx workflow.Context) domain.Clocks {
	return workflowClocks{ctx: workflow.WithLocalActivityOptions(ctx, localOptions)}
}

// workflowClocks implements domain.Clocks with local activities.
type workflowClocks struct {
	ctx workflow.Context
}

func (c workflowClocks) Deadline(start time.Time, clock domain.Clock, changes []domain.ClockChange) (domain.Deadline, error) {
	var d domain.Deadline
	err := workflow.ExecuteLocalActivity(c.ctx, a.ComputeDeadline, activities.DeadlineInput{Start: start, Clock: clock, Changes: changes}).Get(c.ctx, &d)
	return d, err
}

func (c workflowClocks) EndOfDay(d domain.Date) (time.Time, error) {
	var t time.Time
	err := workflow.ExecuteLocalActivity(c.ctx, a.EndOfDay, d).Get(c.ctx, &t)
	return t, err
}

func (c workflowClocks) Date(t time.Time) (domain.Date, error) {
	var d domain.Date
	err := workflow.ExecuteLocalActivity(c.ctx, a.LocalDate, t).Get(c.ctx, &d)
	return d, err
}

// searchAttributes renders the case's searchable facts. None of them is personal data.
func searchAttributes(c *domain.Case) []temporal.SearchAttributeUpdate {
	updates := []temporal.SearchAttributeUpdate{
		SearchCaseKind.ValueSet(string(c.Kind)),
		SearchCaseStatus.ValueSet(string(c.Status)),
		SearchCaseOverdue.ValueSet(c.Overdue),
	}
	if c.Sector != "" {
		updates = append(updates, SearchCaseSector.ValueSet(c.Sector))
	}
	if c.ArchiveNumber != nil {
		updates = append(updates, SearchCaseArchiveNumber.ValueSet(c.ArchiveNumber.String()))
	}
	if due := c.DueAt(); !due.IsZero() {
		updates = append(updates, SearchCaseDueAt.ValueSet(due))
	}
	return updates
}
