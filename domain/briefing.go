package domain

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"
)

// The mayor's daily briefing: every working morning, what came in since the last briefing, what falls
// due today and this week, what is overdue, what escalated, which media queries are open and which
// programme milestones come up. It is composed from the read models (ReadModels), so it carries IDs,
// kinds, sectors, statuses and dates: never personal data. Each briefing is recorded as BriefingComposed
// in the stream of its day, BriefingStream(date); a day's stream may hold several (the scheduled one and
// any that staff asked for), and the last is the day's current one.

// NotifyBriefing is the kind of the notification that hands a stored briefing to the e-mail sender, for
// the mayor's cabinet. Its NotificationQueued names the briefing's stream in CaseID and its revision in
// Step.
const NotifyBriefing NotificationKind = "briefing"

// BriefingTrigger says why a briefing was composed.
type BriefingTrigger string

// The triggers of a briefing.
const (
	BriefingBySchedule BriefingTrigger = "schedule" // the daily schedule, on a working day
	BriefingByStaff    BriefingTrigger = "staff"    // a member of staff asked for one
)

// Limits of a briefing.
const (
	// BriefingSectionLimit is the most items a section lists; its Count counts them all.
	BriefingSectionLimit = 50
	// BriefingMilestoneDays is how many days ahead the milestones section looks, after today.
	BriefingMilestoneDays = 14
	// BriefingLookbackDays is how many days back the previous briefing is looked for.
	BriefingLookbackDays = 60
)

// BriefingSection is one section of a briefing: its first items (at most BriefingSectionLimit) and how
// many there are in all.
type BriefingSection[T any] struct {
	Count int `json:"count"`
	Items []T `json:"items"`
}

// Briefing is the mayor's daily briefing as composed at ComposedAt.
type Briefing struct {
	// Date is the day of the briefing in TimeZone, the municipality's (Europe/Skopje).
	Date       Date      `json:"date"`
	TimeZone   string    `json:"timeZone"`
	ComposedAt time.Time `json:"composedAt"`
	// Since is when the previous briefing was composed (zero for the first one).
	Since time.Time `json:"since,omitzero"`
	// NewFrom is where the New section starts: Since, or for the first briefing the start of the working
	// day before Date.
	NewFrom time.Time       `json:"newFrom"`
	Trigger BriefingTrigger `json:"trigger"`
	// By is the user who asked for the briefing ("system" for the schedule).
	By string `json:"by"`

	// New lists the cases that entered the register from NewFrom until ComposedAt, newest first.
	New BriefingSection[CaseSummary] `json:"new"`
	// DueToday and DueThisWeek list the open cases due later today and by the end of Sunday, soonest first.
	DueToday    BriefingSection[CaseSummary] `json:"dueToday"`
	DueThisWeek BriefingSection[CaseSummary] `json:"dueThisWeek"`
	// Overdue lists the open cases past their deadline, very overdue ones included, most overdue first.
	Overdue BriefingSection[CaseSummary] `json:"overdue"`
	// Escalations lists the escalations of requests and the overdue notices since NewFrom, newest first.
	Escalations BriefingSection[NoticeSummary] `json:"escalations"`
	// OpenMediaQueries lists the open media queries, soonest due first.
	OpenMediaQueries BriefingSection[CaseSummary] `json:"openMediaQueries"`
	// Milestones lists the open milestones and activities of programmes due by MilestonesUntil (those
	// already late first), soonest first.
	Milestones      BriefingSection[RequestSummary] `json:"milestones"`
	MilestonesUntil Date                            `json:"milestonesUntil"`
	// Totals counts the open cases by due bucket.
	Totals DueCount `json:"totals"`
}

// BriefingComposed records a briefing, in the stream of its day.
type BriefingComposed struct {
	Briefing Briefing `json:"briefing"`
}

// EventType implements Event.
func (*BriefingComposed) EventType() string { return EventBriefingComposed }

// BriefingStream returns the stream of the briefings of a day: "briefing-2026-10-22".
func BriefingStream(d Date) string { return "briefing-" + d.String() }

// BriefingRequest asks for a briefing composed at Now.
type BriefingRequest struct {
	Now     time.Time
	Trigger BriefingTrigger
	By      string
	// Since is when the previous briefing was composed; zero when there was none.
	Since time.Time
	// Location is the municipality's time zone; Calendar its working days.
	Location *time.Location
	Calendar *Calendar
}

// ComposeBriefing composes the briefing of req from the read models. It returns EINVALID for a request
// without a time, location, calendar or known trigger, and the read models' errors.
//
// A case is new when it entered the register (its registration, or its receipt while it is not
// registered yet) from NewFrom until Now. Its receipt may be dated earlier: a letter received on Friday
// and entered on Monday is new on Tuesday. The intake takes receipts up to a year old, so the read models
// are asked for the cases received in the year before NewFrom.
func ComposeBriefing(ctx context.Context, rm ReadModels, req BriefingRequest) (Briefing, error) {
	switch {
	case req.Now.IsZero():
		return Briefing{}, Errorf(EINVALID, "A briefing needs the time it is composed at.")
	case req.Location == nil || req.Calendar == nil:
		return Briefing{}, Errorf(EINVALID, "A briefing needs the municipality's time zone and calendar.")
	case req.Trigger != BriefingBySchedule && req.Trigger != BriefingByStaff:
		return Briefing{}, Errorf(EINVALID, "Unknown briefing trigger %q.", req.Trigger)
	}
	now := req.Now.UTC()
	today := DateOf(now, req.Location)
	b := Briefing{
		Date: today, TimeZone: req.Location.String(), ComposedAt: now, Since: req.Since.UTC(), NewFrom: req.Since.UTC(),
		Trigger: req.Trigger, By: req.By,
		MilestonesUntil: today.AddDays(BriefingMilestoneDays),
	}
	if req.Since.IsZero() {
		prev := today.AddDays(-1)
		for i := 0; i < 366 && !req.Calendar.IsWorkingDay(prev); i++ {
			prev = prev.AddDays(-1)
		}
		b.NewFrom = prev.In(req.Location).UTC()
	}

	var err error
	open := true
	byDue := Sort{Field: "dueAt"}
	if b.New, err = newCases(ctx, rm, b.NewFrom, now); err != nil {
		return Briefing{}, err
	}
	for _, s := range []struct {
		into *BriefingSection[CaseSummary]
		q    CaseQuery
	}{
		{&b.DueToday, CaseQuery{Open: &open, Buckets: []DueBucket{DueToday}, Now: now, Sort: byDue}},
		{&b.DueThisWeek, CaseQuery{Open: &open, Buckets: []DueBucket{DueThisWeek}, Now: now, Sort: byDue}},
		{&b.Overdue, CaseQuery{Open: &open, Buckets: []DueBucket{DueVeryOverdue, DueOverdue}, Now: now, Sort: byDue}},
		{&b.OpenMediaQueries, CaseQuery{Kinds: []CaseKind{KindMediaQuery}, Open: &open, Now: now, Sort: byDue}},
	} {
		q := s.q
		*s.into, err = collect(func(offset, limit int) (Page[CaseSummary], error) {
			q.Offset, q.Limit = offset, limit
			return rm.Cases(ctx, q)
		}, nil)
		if err != nil {
			return Briefing{}, err
		}
	}
	// The read model sorts by due instant; most overdue first is the same order, made explicit.
	slices.SortStableFunc(b.Overdue.Items, func(x, y CaseSummary) int {
		return cmp.Or(cmp.Compare(y.DaysOverdue, x.DaysOverdue), x.DueAt.Compare(y.DueAt))
	})

	notices := NoticeQuery{Kinds: []NoticeKind{NoticeEscalation, NoticeOverdue}, From: b.NewFrom, To: now, Sort: Sort{Field: "at", Desc: true}}
	b.Escalations, err = collect(func(offset, limit int) (Page[NoticeSummary], error) {
		notices.Offset, notices.Limit = offset, limit
		return rm.Notices(ctx, notices)
	}, nil)
	if err != nil {
		return Briefing{}, err
	}

	milestones := RequestQuery{
		Kinds: []RequestKind{RequestMilestone, RequestActivity}, Statuses: []RequestStatus{RequestIsOpen},
		DueTo: b.MilestonesUntil.AddDays(1).In(req.Location), Now: now, Sort: byDue,
	}
	b.Milestones, err = collect(func(offset, limit int) (Page[RequestSummary], error) {
		milestones.Offset, milestones.Limit = offset, limit
		return rm.Requests(ctx, milestones)
	}, func(r RequestSummary) bool { return !r.DueAt.IsZero() })
	if err != nil {
		return Briefing{}, err
	}

	board, err := rm.DueBoard(ctx, DueBoardQuery{Now: now})
	if err != nil {
		return Briefing{}, err
	}
	b.Totals = board.Totals
	b.Totals.Key = ""
	return b, nil
}

// newCases returns the section of the cases that entered the register from `from` until `to`.
func newCases(ctx context.Context, rm ReadModels, from, to time.Time) (BriefingSection[CaseSummary], error) {
	q := CaseQuery{ReceivedFrom: from.AddDate(-1, 0, -1), ReceivedTo: to, Sort: Sort{Field: "receivedAt", Desc: true}}
	all := []CaseSummary{}
	err := pages(func(offset, limit int) (Page[CaseSummary], error) {
		q.Offset, q.Limit = offset, limit
		return rm.Cases(ctx, q)
	}, func(c CaseSummary) {
		if at := enteredAt(c); !at.Before(from) && at.Before(to) {
			all = append(all, c)
		}
	})
	if err != nil {
		return BriefingSection[CaseSummary]{}, err
	}
	slices.SortStableFunc(all, func(x, y CaseSummary) int {
		return cmp.Or(enteredAt(y).Compare(enteredAt(x)), cmp.Compare(x.ID, y.ID))
	})
	return BriefingSection[CaseSummary]{Count: len(all), Items: all[:min(len(all), BriefingSectionLimit)]}, nil
}

// enteredAt is when a case entered the register: its registration, or its receipt before that.
func enteredAt(c CaseSummary) time.Time {
	if !c.RegisteredAt.IsZero() {
		return c.RegisteredAt
	}
	return c.ReceivedAt
}

// collect reads every page of a list, keeping the items that keep accepts (all when nil): the first
// BriefingSectionLimit of them as items, and their count.
func collect[T any](fetch func(offset, limit int) (Page[T], error), keep func(T) bool) (BriefingSection[T], error) {
	s := BriefingSection[T]{Items: []T{}}
	err := pages(fetch, func(item T) {
		if keep != nil && !keep(item) {
			return
		}
		if s.Count++; len(s.Items) < BriefingSectionLimit {
			s.Items = append(s.Items, item)
		}
	})
	return s, err
}

// pages calls each with every item of a list, read page by page.
func pages[T any](fetch func(offset, limit int) (Page[T], error), each func(T)) error {
	for offset := 0; ; {
		p, err := fetch(offset, MaxPageLimit)
		if err != nil {
			return err
		}
		for _, item := range p.Items {
			each(item)
		}
		if !p.HasMore || len(p.Items) == 0 {
			return nil
		}
		offset += len(p.Items)
	}
}

// ReadBriefings returns the briefings of a day in the order they were composed, with the revision of
// the last. It returns ENOTFOUND when the day has none.
func ReadBriefings(ctx context.Context, store EventStore, d Date) ([]Briefing, uint64, error) {
	events, err := store.ReadStream(ctx, BriefingStream(d), ReadStreamOptions{})
	if ErrorCode(err) == ENOTFOUND || err == nil && len(events) == 0 {
		return nil, 0, Errorf(ENOTFOUND, "No briefing for %s.", d)
	} else if err != nil {
		return nil, 0, err
	}
	out := make([]Briefing, 0, len(events))
	for _, r := range events {
		e, err := DecodeEvent(r)
		if err != nil {
			return nil, 0, err
		}
		if c, ok := e.(*BriefingComposed); ok {
			out = append(out, c.Briefing)
		}
	}
	if len(out) == 0 {
		return nil, 0, Errorf(ENOTFOUND, "No briefing for %s.", d)
	}
	return out, events[len(events)-1].Revision, nil
}

// LatestBriefing returns the last briefing composed before `before` (any, when zero), looking at the
// days from `from` back over `days` days. It returns ENOTFOUND when there is none.
func LatestBriefing(ctx context.Context, store EventStore, from Date, days int, before time.Time) (Briefing, error) {
	for d := from; d.Compare(from.AddDays(-days)) >= 0; d = d.AddDays(-1) {
		briefings, _, err := ReadBriefings(ctx, store, d)
		if ErrorCode(err) == ENOTFOUND {
			continue
		} else if err != nil {
			return Briefing{}, err
		}
		for i := len(briefings) - 1; i >= 0; i-- {
			if before.IsZero() || briefings[i].ComposedAt.Before(before) {
				return briefings[i], nil
			}
		}
	}
	return Briefing{}, Errorf(ENOTFOUND, "No briefing yet.")
}

// BriefingService composes and reads the mayor's daily briefings. The HTTP layer depends on it; the
// Temporal adapter implements it.
type BriefingService interface {
	// Latest returns the last briefing of the latest day that has one. Returns ENOTFOUND when there is
	// none yet, and EUNAVAILABLE when the event store cannot be reached.
	Latest(ctx context.Context) (Briefing, error)
	// ForDate returns the day's current briefing: the last one composed that day. Returns ENOTFOUND
	// when the day has none.
	ForDate(ctx context.Context, d Date) (Briefing, error)
	// Generate composes a briefing now, on behalf of actor, stores it and returns it. The same requestID
	// (an idempotency key) returns the same briefing without composing another. Returns EFORBIDDEN when
	// the actor may not ask for one, and EUNAVAILABLE when the workflow engine or the event store
	// cannot be reached.
	Generate(ctx context.Context, actor Actor, requestID string) (Briefing, error)
}

// BriefingRoles are the roles that may ask for a briefing on demand.
var BriefingRoles = []Role{RoleSupervisor, RoleAdmin}

// BriefingNotificationID returns the ID of the notification that hands the briefing stored at revision
// of the day's stream to the e-mail sender: the same on every retry and replay.
func BriefingNotificationID(d Date, revision uint64) string {
	return DeterministicID("notification", string(NotifyBriefing), d.String(), strconv.FormatUint(revision, 10))
}

// ParseBriefingTime parses the time of day of the daily briefing, "HH:MM" on a 24-hour clock such as
// "07:30". It returns an EINVALID error for anything else.
func ParseBriefingTime(s string) (hour, minute int, err error) {
	t, perr := time.Parse("15:04", s)
	if perr != nil || len(s) != len("15:04") {
		return 0, 0, Errorf(EINVALID, "The briefing time %q is not a time of day such as 07:30.", s)
	}
	return t.Hour(), t.Minute(), nil
}
