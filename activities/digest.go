package activities

import (
	"context"
	"time"

	"github.com/predmet/predmet/domain"
)

// DigestInput asks for the weekly digests of the week of Date.
type DigestInput struct {
	// Date is the day the digests go out: the first working day of its week.
	Date domain.Date
	At   time.Time
}

// DigestResult counts the digests queued, one per sector with open requests.
type DigestResult struct {
	Sectors []string
}

// FirstWorkingDayOfWeek reports whether d is the first working day of its week (Monday to Sunday): the
// day the weekly digest goes out, Tuesday when Monday is a holiday.
func (a *Activities) FirstWorkingDayOfWeek(_ context.Context, d domain.Date) (bool, error) {
	if !a.Calendar.IsWorkingDay(d) {
		return false, nil
	}
	monday := d.AddDays(-((int(d.Weekday()) + 6) % 7))
	for day := monday; day.Before(d); day = day.AddDays(1) {
		if a.Calendar.IsWorkingDay(day) {
			return false, nil
		}
	}
	return true, nil
}

// QueueDigests queues the weekly digest of every sector that holds open requests for input: one
// notification per sector and week, with an ID derived from both, so that a retry queues nothing twice.
// The digest's content is read when it is delivered.
func (a *Activities) QueueDigests(ctx context.Context, in DigestInput) (DigestResult, error) {
	var res DigestResult
	seen := map[string]bool{}
	q := domain.RequestQuery{Statuses: []domain.RequestStatus{domain.RequestIsOpen}, Limit: domain.MaxPageLimit, Now: in.At}
	for {
		page, err := a.ReadModels.Requests(ctx, q)
		if err != nil {
			return res, activityError(err)
		}
		for _, r := range page.Items {
			if r.Sector != "" && !seen[r.Sector] {
				seen[r.Sector] = true
				res.Sectors = append(res.Sectors, r.Sector)
			}
		}
		if !page.HasMore {
			break
		}
		q.Offset += len(page.Items)
	}
	for _, sector := range res.Sectors {
		n := domain.NotificationQueued{
			ID: domain.DeterministicID("notification", "digest", sector, in.Date.String()), Kind: domain.NotifyDigest,
			Sector: sector, Date: in.Date, At: in.At,
		}
		if err := a.Notify(ctx, n); err != nil {
			return res, err
		}
	}
	return res, nil
}
