package projections

import (
	"context"
	"strings"
	"sync"
	"time"

	jsoniter "github.com/json-iterator/go"

	"github.com/predmet/predmet/domain"
)

// caseApplier turns the events of the case streams into changes of the casework rows. It folds each
// event into its case's state with domain.Case.Apply, the case workflow's own fold, and marks the rows
// the event changes; the row writer writes the cases that changed once per batch, in flush. The states
// come from the cache of recent cases, which folds a case again from its stream when it holds none.
type caseApplier struct {
	mu    sync.Mutex
	cache caseCache
	rows  caseRows
	dirty []*caseEntry // the entries changed since the last flush, each once
}

// newCaseApplier returns an applier that keeps up to cacheSize case states, re-folds the others from
// store and counts dates and months in loc.
func newCaseApplier(store domain.EventStore, cacheSize int, loc *time.Location) *caseApplier {
	a := &caseApplier{rows: caseRows{loc: loc}}
	a.cache.store, a.cache.size = store, max(cacheSize, 1)
	a.cache.reset()
	return a
}

// apply folds event e of a case stream into the case's state and marks what changed, to be written by
// flush. ev is the decoded event, nil for a type this version of predmet does not know: it counts
// towards the case's version and changes nothing else. An event whose revision is below the case's
// version is skipped (already applied).
func (a *caseApplier) apply(ctx context.Context, tx *Tx, e domain.RecordedEvent, ev domain.Event) error {
	id, ok := strings.CutPrefix(e.Stream, domain.CaseStreamPrefix)
	if !ok {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	en, err := a.entry(ctx, tx, id, e.Revision)
	if err != nil || en == nil || e.Revision < en.c.Version {
		return err
	}
	en.fold(e, ev, true)
	if !en.dirty {
		en.dirty = true
		a.dirty = append(a.dirty, en)
	}
	return nil
}

// entry returns the state of case id for its event at revision rev: the cached state, unless the cache
// holds none or one that the event does not follow, in which case the state just before the event is
// loaded into the cache. It returns nil when the tables show that event applied already.
func (a *caseApplier) entry(ctx context.Context, tx *Tx, id string, rev uint64) (*caseEntry, error) {
	en := a.cache.get(id)
	if en != nil && rev > en.c.Version {
		// A gap: what is in memory is not the prefix of this event. Fold the case again.
		if err := a.evict(ctx, tx, en); err != nil {
			return nil, err
		}
		en = nil
	}
	if en != nil {
		return en, nil
	}
	en, err := a.cache.load(ctx, tx, id, rev)
	if err != nil || en == nil {
		return nil, err
	}
	return en, a.admit(ctx, tx, en)
}

// admit puts en in the cache, first evicting the least recently used entry if the cache is full.
func (a *caseApplier) admit(ctx context.Context, tx *Tx, en *caseEntry) error {
	if a.cache.full() {
		if err := a.evict(ctx, tx, a.cache.oldest()); err != nil {
			return err
		}
	}
	a.cache.add(en)
	return nil
}

// evict writes the rows of en if it changed, and drops it from the cache.
func (a *caseApplier) evict(ctx context.Context, tx *Tx, en *caseEntry) error {
	if en.dirty {
		if err := a.rows.write(ctx, tx, en); err != nil {
			return err
		}
		a.dropDirty(en)
	}
	a.cache.drop(en)
	return nil
}

// dropDirty removes en from the list of dirty entries.
func (a *caseApplier) dropDirty(en *caseEntry) {
	for i, d := range a.dirty {
		if d == en {
			a.dirty = append(a.dirty[:i], a.dirty[i+1:]...)
			return
		}
	}
}

// flush writes the rows of every case changed since the last flush.
func (a *caseApplier) flush(ctx context.Context, tx *Tx) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, en := range a.dirty {
		if err := a.rows.write(ctx, tx, en); err != nil {
			a.dirty = a.dirty[i:]
			return err
		}
	}
	clear(a.dirty)
	a.dirty = a.dirty[:0]
	return nil
}

// discard forgets every case state and every row not yet written.
func (a *caseApplier) discard() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cache.reset()
	clear(a.dirty)
	a.dirty = a.dirty[:0]
}

// caseEntry is a case's state in memory: its fold, and what of it the tables do not hold yet.
type caseEntry struct {
	id string
	c  domain.Case // without personal data
	// outcome is the status the answer went out with (the fold keeps it only until the case closes).
	outcome domain.Status
	// updated is when the last applied event was recorded.
	updated time.Time

	dirty    bool     // the cases row must be written
	requests []int    // indexes in c.Requests of the request rows to write
	notices  []notice // rows of case_notices to insert

	// written and writtenRequests are the values of the case's rows in the tables (nil for none).
	written         []any
	writtenRequests [][]any

	prev, next *caseEntry // the LRU list
}

// newCaseEntry returns the state of case id before its first event.
func newCaseEntry(id string) *caseEntry {
	en := &caseEntry{id: id}
	en.c.ID = id
	return en
}

// notice is a row of case_notices.
type notice struct {
	revision uint64
	domain.NoticeSummary
}

// fold applies one event to the case's state with domain.Case.Apply and drops the personal data it
// brought; with track set it also marks the rows the event changes. ev is nil for an event type this
// version does not know.
func (en *caseEntry) fold(e domain.RecordedEvent, ev domain.Event, track bool) {
	c := &en.c
	if ev != nil {
		c.Apply(ev)
	}
	c.ID = en.id
	c.Version = e.Revision + 1
	c.Subject, c.Text, c.Submitter = "", "", domain.Submitter{}
	en.updated = e.Created
	if a, ok := ev.(*domain.CaseAnswered); ok {
		en.outcome = a.Outcome
	}
	if track {
		en.track(e, ev)
	}
}

// track marks the rows that event e (ev decoded), just folded, changes besides the case's own: the rows
// of the requests it touches, and the notice it records.
func (en *caseEntry) track(e domain.RecordedEvent, ev domain.Event) {
	c := &en.c
	switch ev := ev.(type) {
	case *domain.CaseRegistered:
		en.markAllRequests()
	case *domain.RequestOpened:
		en.markRequest(len(c.Requests) - 1)
	case *domain.RequestAnswered:
		en.markRequestID(ev.RequestID)
	case *domain.RequestCancelled:
		en.markRequestID(ev.RequestID)
	case *domain.RequestReassigned:
		en.markRequestID(ev.RequestID)
	case *domain.RequestReminded:
		en.markRequestID(ev.RequestID)
		en.notices = append(en.notices, en.notice(e, domain.NoticeReminder, ev.NotificationID, ev.At,
			ev.RequestID, ev.Sector, ev.Reminder, ev.Level))
	case *domain.RequestEscalated:
		en.markRequestID(ev.RequestID)
		en.notices = append(en.notices, en.notice(e, domain.NoticeEscalation, ev.NotificationID, ev.At,
			ev.RequestID, ev.Sector, ev.Step, ev.Level))
	case *domain.CaseDeadlinePassed:
		en.notices = append(en.notices, en.notice(e, domain.NoticeOverdue, ev.NotificationID, e.Created,
			"", c.Sector, c.DeadlinesPassed, domain.LevelOfficer))
	}
}

// markRequest marks the i-th request's row to be written.
func (en *caseEntry) markRequest(i int) {
	if i < 0 {
		return
	}
	for _, j := range en.requests {
		if j == i {
			return
		}
	}
	en.requests = append(en.requests, i)
}

// markRequestID marks the row of the request with the given ID to be written.
func (en *caseEntry) markRequestID(requestID string) {
	for i := range en.c.Requests {
		if en.c.Requests[i].ID == requestID {
			en.markRequest(i)
		}
	}
}

// markAllRequests marks the rows of every request of the case to be written.
func (en *caseEntry) markAllRequests() {
	for i := range en.c.Requests {
		en.markRequest(i)
	}
}

// notice returns the notice recorded by event e of the case. A notice without a notification (an overdue
// case of the first release) takes the event's ID; one without a sector, the request's.
func (en *caseEntry) notice(e domain.RecordedEvent, kind domain.NoticeKind, id string, at time.Time,
	requestID, sector string, step int, level domain.EscalationLevel) notice {
	c := &en.c
	if id == "" {
		id = e.ID
	}
	if sector == "" && requestID != "" {
		if r, ok := c.RequestByID(requestID); ok {
			sector = r.Sector
		}
	}
	n := notice{revision: e.Revision, NoticeSummary: domain.NoticeSummary{
		ID: id, At: at.UTC(), Kind: kind, CaseID: en.id, CaseKind: c.Kind, RequestID: requestID,
		Sector: sector, Officer: c.Officer, Step: step, Level: level,
	}}
	if c.ArchiveNumber != nil {
		n.ArchiveNumber = c.ArchiveNumber.String()
	}
	return n
}

// receivedFields are the fields of CaseReceived that are not personal data: the projection decodes only
// those, so that the submitter, subject and text (sealed or, in legacy events, in clear) never reach its
// memory. Person is the submitter's pseudonym, which finds a person's cases (Casework.CasesOf).
type receivedFields struct {
	CaseID     string          `json:"caseId"`
	Kind       domain.CaseKind `json:"kind"`
	Channel    domain.Channel  `json:"channel"`
	Language   domain.Language `json:"language"`
	ReceivedAt time.Time       `json:"receivedAt"`
	Sector     string          `json:"sector,omitempty"`
	Person     string          `json:"person,omitempty"`
}

// decodeCaseEvent decodes a case stream's event: nil for a type this version does not know.
func decodeCaseEvent(e domain.RecordedEvent) (domain.Event, error) {
	if e.Type == domain.EventCaseReceived {
		var f receivedFields
		if err := fastJSON.Unmarshal(e.Data, &f); err != nil {
			return nil, domain.Errorf(domain.EINTERNAL, "Cannot decode %s at %s@%d: %v.", e.Type, e.Stream, e.Revision, err)
		}
		return &domain.CaseReceived{CaseID: f.CaseID, Kind: f.Kind, Channel: f.Channel, Language: f.Language,
			ReceivedAt: f.ReceivedAt, Sector: f.Sector, Person: f.Person}, nil
	}
	ev, ok := domain.NewEvent(e.Type)
	if !ok {
		return nil, nil
	}
	if err := fastJSON.Unmarshal(e.Data, ev); err != nil {
		return nil, domain.Errorf(domain.EINTERNAL, "Cannot decode %s at %s@%d: %v.", e.Type, e.Stream, e.Revision, err)
	}
	return ev, nil
}

// fastJSON decodes events as encoding/json does (its struct tags, Unmarshaler and TextUnmarshaler
// methods), about twice as fast: decoding is a third of a rebuild's work.
var fastJSON = jsoniter.ConfigCompatibleWithStandardLibrary
