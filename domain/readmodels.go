package domain

import (
	"context"
	"time"
)

// The read side: what supervisors query. These types are the contract between the projections that
// build the read models from the event log, the HTTP API that serves them and the briefing that
// summarises them. None of them carries personal data: no names, subjects or free text.

// Limits of a page of a read model.
const (
	// DefaultPageLimit is how many rows a list returns when the query sets no limit.
	DefaultPageLimit = 100
	// MaxPageLimit is the most rows a list returns at once.
	MaxPageLimit = 1000
)

// Page is one page of a list: Items from Offset, at most Limit of them; HasMore says whether rows
// follow (read the next page from Offset+Limit).
type Page[T any] struct {
	Items   []T  `json:"items"`
	Offset  int  `json:"offset"`
	Limit   int  `json:"limit"`
	HasMore bool `json:"hasMore"`
}

// Sort orders a list by one of the fields the list names, ascending unless Desc. Ties are broken by
// the row's ID so that pages never overlap.
type Sort struct {
	Field string
	Desc  bool
}

// DueBucket places an open case (or request) on the due-date tracker, by its due instant against the
// time of the query in Europe/Skopje. The buckets do not overlap.
type DueBucket string

// The buckets of the due-date tracker.
const (
	DueLater       DueBucket = "later"        // due after the end of this week
	DueThisWeek    DueBucket = "this_week"    // due after today, by the end of Sunday
	DueToday       DueBucket = "today"        // due later today
	DueOverdue     DueBucket = "overdue"      // the due instant passed less than the very-overdue threshold ago
	DueVeryOverdue DueBucket = "very_overdue" // the due instant passed at least the very-overdue threshold ago
	DueSuspended   DueBucket = "suspended"    // the clock stands still (clarification, staff or global suspension)
)

// DueBuckets lists the buckets in the order a tracker shows them.
var DueBuckets = []DueBucket{DueVeryOverdue, DueOverdue, DueToday, DueThisWeek, DueLater, DueSuspended}

// CaseSummary is a case as the read side lists it. Instants are UTC; zero ones were not reached.
type CaseSummary struct {
	ID            string    `json:"id"`
	Kind          CaseKind  `json:"kind"`
	Status        Status    `json:"status"`
	Sector        string    `json:"sector,omitempty"`
	Officer       string    `json:"officer,omitempty"`
	Channel       Channel   `json:"channel"`
	Language      Language  `json:"language"`
	ArchiveNumber string    `json:"archiveNumber,omitempty"`
	ReceivedAt    time.Time `json:"receivedAt"`
	RegisteredAt  time.Time `json:"registeredAt,omitzero"`
	// DueAt and DueDate are the current deadline (zero before registration and for programmes).
	DueAt   time.Time `json:"dueAt,omitzero"`
	DueDate Date      `json:"dueDate,omitzero"`
	// Open is set until the case is answered or ends: while its clock matters.
	Open bool `json:"open"`
	// Suspended is set while the case's clock stands still.
	Suspended bool `json:"suspended,omitempty"`
	// Bucket places an open case on the due-date tracker at the time of the query (empty when closed).
	Bucket DueBucket `json:"bucket,omitempty"`
	// DaysOverdue counts the calendar days since the due date, for an open case past it.
	DaysOverdue int `json:"daysOverdue,omitempty"`
	// Outcome is the answer's status (answered, answered_in_part, refused), once answered.
	Outcome    Status    `json:"outcome,omitempty"`
	AnsweredAt time.Time `json:"answeredAt,omitzero"`
	ClosedAt   time.Time `json:"closedAt,omitzero"`
	OnTime     *bool     `json:"onTime,omitempty"`
	// OpenRequests counts the requests for input still open.
	OpenRequests int `json:"openRequests"`
	// Version is the number of the case's events applied; UpdatedAt when the last was recorded.
	Version   uint64    `json:"version"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// CaseQuery selects cases. Empty fields select everything; several values of one field select any of
// them. Ranges are half-open: From inclusive, To exclusive.
type CaseQuery struct {
	Kinds     []CaseKind
	Statuses  []Status
	Sectors   []string
	Officers  []string
	Channels  []Channel
	Languages []Language
	// Open selects the open (true) or the finished (false) cases.
	Open *bool
	// Buckets selects open cases by their place on the due-date tracker at Now.
	Buckets []DueBucket
	// Now is the time the tracker's buckets are computed for (the time of the query if zero).
	Now                      time.Time
	ReceivedFrom, ReceivedTo time.Time
	DueFrom, DueTo           time.Time
	// Sort is one of "receivedAt" (the default, newest first), "dueAt", "updatedAt", "archiveNumber".
	// Cases without a due date (or archive number) come after the others in either direction.
	Sort          Sort
	Limit, Offset int
}

// DueCount counts the open cases of one sector or officer (or of all, in Totals) in each bucket.
type DueCount struct {
	// Key is the sector or the officer (empty for none yet).
	Key         string `json:"key"`
	VeryOverdue int    `json:"veryOverdue"`
	Overdue     int    `json:"overdue"`
	Today       int    `json:"today"`
	ThisWeek    int    `json:"thisWeek"`
	Later       int    `json:"later"`
	Suspended   int    `json:"suspended"`
	Open        int    `json:"open"`
}

// DueBoard is the due-date tracker: the open cases counted by bucket, per sector and per officer. Cases
// without a deadline (programmes) are not counted.
type DueBoard struct {
	Now time.Time `json:"now"`
	// Today and WeekEnd are the dates in Europe/Skopje the buckets were computed with.
	Today   Date `json:"today"`
	WeekEnd Date `json:"weekEnd"`
	// VeryOverdueDays is the threshold, in calendar days past the due date, of very overdue.
	VeryOverdueDays int        `json:"veryOverdueDays"`
	Totals          DueCount   `json:"totals"`
	BySector        []DueCount `json:"bySector"`
	ByOfficer       []DueCount `json:"byOfficer"`
}

// DueBoardQuery selects the cases a DueBoard counts.
type DueBoardQuery struct {
	Now      time.Time // the time of the query if zero
	Kinds    []CaseKind
	Sectors  []string
	Officers []string
	// Sort orders BySector and ByOfficer: "key" (the default; Desc reverses it), or a bucket's JSON
	// name ("overdue", "veryOverdue", "today", "thisWeek", "later", "suspended", "open"), most first
	// and then by key.
	Sort Sort
}

// RequestSummary is a request for input (or a programme's item) as a sector's inbox lists it.
type RequestSummary struct {
	CaseID        string          `json:"caseId"`
	CaseKind      CaseKind        `json:"caseKind"`
	ArchiveNumber string          `json:"archiveNumber,omitempty"`
	ID            string          `json:"id"`
	Kind          RequestKind     `json:"kind"`
	Sector        string          `json:"sector"`
	Title         string          `json:"title,omitempty"`
	Required      bool            `json:"required"`
	Status        RequestStatus   `json:"status"`
	RequestedAt   time.Time       `json:"requestedAt"`
	DueAt         time.Time       `json:"dueAt,omitzero"`
	DueDate       Date            `json:"dueDate,omitzero"`
	Bucket        DueBucket       `json:"bucket,omitempty"`
	DaysOverdue   int             `json:"daysOverdue,omitempty"`
	Generation    int             `json:"generation"`
	Reminders     int             `json:"reminders"`
	Escalation    int             `json:"escalation"`
	Level         EscalationLevel `json:"level,omitempty"`
	AnsweredAt    time.Time       `json:"answeredAt,omitzero"`
}

// RequestQuery selects requests. Statuses defaults to the open ones.
type RequestQuery struct {
	Sectors  []string
	Kinds    []RequestKind
	Statuses []RequestStatus
	CaseID   string
	Buckets  []DueBucket
	Now      time.Time
	// Escalated selects the requests that reached (true) or did not reach (false) a step of the ladder.
	Escalated      *bool
	DueFrom, DueTo time.Time
	// Sort is one of "dueAt" (the default, soonest first), "requestedAt", "escalation".
	Sort          Sort
	Limit, Offset int
}

// NoticeKind says what a notice on the escalation view was.
type NoticeKind string

// The kinds of notice.
const (
	NoticeReminder   NoticeKind = "reminder"   // a request's reminder to its sector
	NoticeEscalation NoticeKind = "escalation" // a request's escalation up the ladder
	NoticeOverdue    NoticeKind = "overdue"    // a case's deadline passed unanswered; its officer was told
)

// NoticeSummary is one reminder or escalation: when, to whom, for which case.
type NoticeSummary struct {
	// ID is the notification's deterministic ID.
	ID            string          `json:"id"`
	At            time.Time       `json:"at"`
	Kind          NoticeKind      `json:"kind"`
	CaseID        string          `json:"caseId"`
	CaseKind      CaseKind        `json:"caseKind"`
	ArchiveNumber string          `json:"archiveNumber,omitempty"`
	RequestID     string          `json:"requestId,omitempty"`
	Sector        string          `json:"sector,omitempty"`
	Officer       string          `json:"officer,omitempty"`
	Step          int             `json:"step,omitempty"`
	Level         EscalationLevel `json:"level,omitempty"`
}

// NoticeQuery selects notices.
type NoticeQuery struct {
	CaseID   string
	Kinds    []NoticeKind
	Sectors  []string
	Levels   []EscalationLevel
	From, To time.Time
	// Sort is "at" (the default, newest first).
	Sort          Sort
	Limit, Offset int
}

// StatsRow is one group of the statistics: cases opened (received), answered and closed in the group's
// month, the answers given by the deadline, and the time from receipt to answer in days.
type StatsRow struct {
	// Kind, Sector and Month ("2026-11") are the group; empty when not grouped by them.
	Kind     CaseKind `json:"kind,omitempty"`
	Sector   string   `json:"sector,omitempty"`
	Month    string   `json:"month,omitempty"`
	Opened   int      `json:"opened"`
	Answered int      `json:"answered"`
	Closed   int      `json:"closed"`
	OnTime   int      `json:"onTime"`
	// OnTimeShare is OnTime / Answered (0 without answers).
	OnTimeShare float64 `json:"onTimeShare"`
	// MedianDays and P90Days are the median and 90th percentile of the days from receipt to answer of
	// the answers in the group.
	MedianDays float64 `json:"medianDays"`
	P90Days    float64 `json:"p90Days"`
}

// StatsQuery selects and groups the statistics. Months are in Europe/Skopje.
type StatsQuery struct {
	// From and To bound the months counted (From's month inclusive, To's exclusive); zero: unbounded.
	From, To time.Time
	Kinds    []CaseKind
	Sectors  []string
	// GroupBy lists "kind", "sector" and "month", in any combination (none: one row for everything).
	GroupBy []string
}

// FOIReport holds the yearly numbers the Agency for the Protection of the Right to Free Access to
// Public Information asks of every holder (due by 31 January for the year before): the requests for
// public information and what became of them.
type FOIReport struct {
	Year int `json:"year"`
	// Received counts requests received in the year; CarriedOver those received before and still
	// unresolved when it began.
	Received    int `json:"received"`
	CarriedOver int `json:"carriedOver"`
	// Granted, GrantedInPart and Refused count the answers given in the year, by outcome.
	Granted       int `json:"granted"`
	GrantedInPart int `json:"grantedInPart"`
	Refused       int `json:"refused"`
	// Forwarded, Withdrawn, Rejected and Merged count the requests that ended so in the year.
	Forwarded int `json:"forwarded"`
	Withdrawn int `json:"withdrawn"`
	Rejected  int `json:"rejected"`
	Merged    int `json:"merged"`
	// Unresolved counts the requests received by the end of the year and neither answered nor ended.
	Unresolved int `json:"unresolved"`
	// OnTime and Late split the year's answers by their deadline.
	OnTime int `json:"onTime"`
	Late   int `json:"late"`
	// Extended counts the requests whose deadline was (first) extended in the year;
	// ClarificationRequested those whose requester was (first) asked in the year to complete them, and
	// ClarificationExpired those whose time to complete them ran out in the year.
	Extended               int `json:"extended"`
	ClarificationRequested int `json:"clarificationRequested"`
	ClarificationExpired   int `json:"clarificationExpired"`
	// MedianDays is the median of the days from receipt to answer of the year's answers.
	MedianDays float64 `json:"medianDays"`
}

// ReadModels answers the supervisors' questions from the projections of the event log. Every method
// returns EINVALID (with the field) for a bad query, such as an unknown sort field or a limit out of
// range, and EUNAVAILABLE when the read models cannot be reached.
type ReadModels interface {
	// Cases lists the cases that q selects.
	Cases(ctx context.Context, q CaseQuery) (Page[CaseSummary], error)
	// DueBoard counts the open cases by due bucket, per sector and per officer.
	DueBoard(ctx context.Context, q DueBoardQuery) (DueBoard, error)
	// Requests lists the requests for input that q selects: a sector's inbox.
	Requests(ctx context.Context, q RequestQuery) (Page[RequestSummary], error)
	// Notices lists the reminders and escalations that q selects.
	Notices(ctx context.Context, q NoticeQuery) (Page[NoticeSummary], error)
	// Statistics returns one row per group that has any case.
	Statistics(ctx context.Context, q StatsQuery) ([]StatsRow, error)
	// FOIReport returns the Agency's numbers for the year (EINVALID for a year before 2000 or after
	// the current one).
	FOIReport(ctx context.Context, year int) (FOIReport, error)
}
