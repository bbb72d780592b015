package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/domain"
)

// BriefingDay says what day an instant falls on in the municipality's time zone, and whether the
// calendar makes it a working day.
type BriefingDay struct {
	Date       domain.Date
	WorkingDay bool
	// Reason names a non-working day: "Saturday", "Sunday" or the holiday's name.
	Reason string
}

// DayOf returns the day of at in the municipality's time zone and whether it is a working day. It is an
// activity, not workflow code, because the calendar's one-off days are reloaded from a file: the answer
// must be recorded in history.
func (a *Activities) DayOf(_ context.Context, at time.Time) (BriefingDay, error) {
	d := domain.DateOf(at, a.Location)
	day := BriefingDay{Date: d, WorkingDay: a.Calendar.IsWorkingDay(d)}
	if h, ok := a.Calendar.HolidayOn(d); ok {
		day.Reason = h.Name
	} else if !day.WorkingDay {
		day.Reason = d.Weekday().String()
	}
	return day, nil
}

// ComposeBriefingInput asks for the briefing composed at Now.
type ComposeBriefingInput struct {
	Now     time.Time
	Trigger domain.BriefingTrigger
	By      string
}

// ComposeBriefing composes the mayor's briefing at in.Now from the read models (domain.ComposeBriefing).
// Its New section and its escalations start where the previous briefing was composed: the last one
// stored before in.Now, looked for over domain.BriefingLookbackDays days.
func (a *Activities) ComposeBriefing(ctx context.Context, in ComposeBriefingInput) (domain.Briefing, error) {
	if a.ReadModels == nil {
		return domain.Briefing{}, temporal.NewNonRetryableApplicationError("the worker has no read models to compose the briefing from", ErrTypeInvalid, nil)
	}
	var since time.Time
	prev, err := domain.LatestBriefing(ctx, a.Store, domain.DateOf(in.Now, a.Location), domain.BriefingLookbackDays, in.Now)
	switch {
	case err == nil:
		since = prev.ComposedAt
	case domain.ErrorCode(err) != domain.ENOTFOUND:
		return domain.Briefing{}, activityError(err)
	}
	b, err := domain.ComposeBriefing(ctx, a.ReadModels, domain.BriefingRequest{
		Now: in.Now, Trigger: in.Trigger, By: in.By, Since: since, Location: a.Location, Calendar: a.Calendar,
	})
	if err != nil {
		return domain.Briefing{}, activityError(err)
	}
	return b, nil
}

// StoreBriefingInput stores a composed briefing. Cause identifies the run that composed it (its workflow
// ID): the event's ID derives from the briefing's date and the cause.
type StoreBriefingInput struct {
	Briefing domain.Briefing
	Cause    string
}

// StoredBriefing says where a briefing was stored.
type StoredBriefing struct {
	Stream   string
	Revision uint64
	EventID  string
}

// StoreBriefing appends BriefingComposed to the stream of the briefing's day, at the exact revision after
// the day's last event. Its ID is the same on every retry, so a retry of an append that did happen finds
// the event standing and succeeds without writing it twice; another briefing of the day appended
// meanwhile (staff asking while the schedule runs) moves it to the next revision.
func (a *Activities) StoreBriefing(ctx context.Context, in StoreBriefingInput) (StoredBriefing, error) {
	if in.Cause == "" || in.Briefing.Date.IsZero() {
		return StoredBriefing{}, temporal.NewNonRetryableApplicationError("a briefing needs its date and cause", ErrTypeInvalid, nil)
	}
	stream := domain.BriefingStream(in.Briefing.Date)
	out := StoredBriefing{Stream: stream, EventID: domain.DeterministicID("briefing", in.Briefing.Date.String(), in.Cause)}
	meta := domain.Metadata{CorrelationID: stream, CausationID: in.Cause, UserID: in.Briefing.By}
	for {
		events, err := a.Store.ReadStream(ctx, stream, domain.ReadStreamOptions{})
		if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
			return StoredBriefing{}, activityError(err)
		}
		for _, e := range events {
			if e.ID == out.EventID {
				out.Revision = e.Revision
				return out, nil // stored by an earlier attempt
			}
		}
		next := uint64(len(events))
		if len(events) > 0 {
			next = events[len(events)-1].Revision + 1
		}
		data, err := domain.EncodeEvents(stream, next, meta, &domain.BriefingComposed{Briefing: in.Briefing})
		if err != nil {
			return StoredBriefing{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
		}
		data[0].ID = out.EventID
		_, err = a.Store.Append(ctx, stream, domain.ExpectRevision(next), data...)
		var wrong *domain.WrongExpectedRevisionError
		if errors.As(err, &wrong) {
			continue // another briefing of the day came first: look again
		} else if err != nil {
			return StoredBriefing{}, activityError(err)
		}
		out.Revision = next
		return out, nil
	}
}
