package domain

import "time"

// ReceiptTime returns the instant recorded as the receipt of a document that the register dates d, a
// day in loc (the municipality's time zone), at now. When d is today in loc, it is now (to the second),
// so that clocks counted in hours, such as a media query's 48 hours, run from the registration rather
// than from a midnight already past. Otherwise it is the start of d: a document that came in on an
// earlier day is taken to have come in as that day began, which never shortens the time its requester
// is owed an answer by. A day after today comes back as its start too, which NewCase.Validate refuses
// as being in the future.
func ReceiptTime(d Date, now time.Time, loc *time.Location) time.Time {
	if d.Equal(DateOf(now, loc)) {
		return now.In(loc).Truncate(time.Second)
	}
	return d.In(loc)
}
