package intake

import (
	"encoding/csv"
	"io"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// utf8BOM starts every CSV file, so that Excel reads it as UTF-8 and shows Cyrillic correctly.
const utf8BOM = "\uFEFF"

// writeCSV writes a CSV file as the response (RFC 4180: quoted as needed, CRLF line ends), UTF-8 with a
// byte order mark: the header row and then every row of rows, streamed. The file is offered for download
// under filename. An error once the response has started can only be logged.
func (s *Server) writeCSV(w http.ResponseWriter, r *http.Request, filename string, header []string, rows iter.Seq[[]string]) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		s.logger().Debug("cannot write response", zap.Error(err), zap.String("requestId", RequestIDFromContext(r.Context())))
		return
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		s.logger().Debug("cannot write response", zap.Error(err), zap.String("requestId", RequestIDFromContext(r.Context())))
		return
	}
	for row := range rows {
		if err := cw.Write(row); err != nil {
			s.logger().Debug("cannot write response", zap.Error(err), zap.String("requestId", RequestIDFromContext(r.Context())))
			return
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.logger().Debug("cannot write response", zap.Error(err), zap.String("requestId", RequestIDFromContext(r.Context())))
	}
}

// csvRows returns the rows of items, each made by row.
func csvRows[T any](items []T, row func(T) []string) iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		for _, it := range items {
			if !yield(row(it)) {
				return
			}
		}
	}
}

// csvFilename names a CSV file for download: "cases-2026-11-26.csv", with the date in Europe/Skopje.
func csvFilename(name string, at time.Time) string {
	return name + "-" + domain.DateOf(at, skopjeLocation).String() + ".csv"
}

// The cells of a CSV row. Instants are RFC 3339 in UTC, dates YYYY-MM-DD; what was not reached is empty.

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func csvDate(d domain.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func csvInt(n int) string { return strconv.Itoa(n) }

func csvBool(b bool) string { return strconv.FormatBool(b) }

func csvOptBool(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

func csvFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// csvText returns a cell of text that staff wrote (a sector, a title). One that a spreadsheet would
// run as a formula (it starts with =, +, -, @, a tab or a carriage return) is prefixed with an
// apostrophe, as OWASP advises against CSV injection.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// caseColumns are the columns of the case list: the JSON names of domain.CaseSummary.
var caseColumns = []string{
	"id", "kind", "status", "sector", "officer", "channel", "language", "archiveNumber", "receivedAt",
	"registeredAt", "dueAt", "dueDate", "open", "suspended", "bucket", "daysOverdue", "outcome",
	"answeredAt", "closedAt", "onTime", "openRequests", "version", "updatedAt",
}

func caseRow(c domain.CaseSummary) []string {
	return []string{
		c.ID, string(c.Kind), string(c.Status), csvText(c.Sector), csvText(c.Officer), string(c.Channel),
		string(c.Language), csvText(c.ArchiveNumber), csvTime(c.ReceivedAt), csvTime(c.RegisteredAt),
		csvTime(c.DueAt), csvDate(c.DueDate), csvBool(c.Open), csvBool(c.Suspended), string(c.Bucket),
		csvInt(c.DaysOverdue), string(c.Outcome), csvTime(c.AnsweredAt), csvTime(c.ClosedAt),
		csvOptBool(c.OnTime), csvInt(c.OpenRequests), strconv.FormatUint(c.Version, 10), csvTime(c.UpdatedAt),
	}
}

// dueCountColumns are the columns of the tracker, after the first, which names the sector or the officer.
var dueCountColumns = []string{"veryOverdue", "overdue", "today", "thisWeek", "later", "suspended", "open"}

func dueCountRow(c domain.DueCount) []string {
	return []string{
		csvText(c.Key), csvInt(c.VeryOverdue), csvInt(c.Overdue), csvInt(c.Today), csvInt(c.ThisWeek),
		csvInt(c.Later), csvInt(c.Suspended), csvInt(c.Open),
	}
}

// requestColumns are the columns of a sector's inbox: the JSON names of domain.RequestSummary.
var requestColumns = []string{
	"caseId", "caseKind", "archiveNumber", "id", "kind", "sector", "title", "required", "status",
	"requestedAt", "dueAt", "dueDate", "bucket", "daysOverdue", "generation", "reminders", "escalation",
	"level", "answeredAt",
}

func requestRow(q domain.RequestSummary) []string {
	return []string{
		q.CaseID, string(q.CaseKind), csvText(q.ArchiveNumber), q.ID, string(q.Kind), csvText(q.Sector),
		csvText(q.Title), csvBool(q.Required), string(q.Status), csvTime(q.RequestedAt), csvTime(q.DueAt),
		csvDate(q.DueDate), string(q.Bucket), csvInt(q.DaysOverdue), csvInt(q.Generation),
		csvInt(q.Reminders), csvInt(q.Escalation), string(q.Level), csvTime(q.AnsweredAt),
	}
}

// noticeColumns are the columns of the escalations: the JSON names of domain.NoticeSummary.
var noticeColumns = []string{
	"id", "at", "kind", "caseId", "caseKind", "archiveNumber", "requestId", "sector", "officer", "step", "level",
}

func noticeRow(n domain.NoticeSummary) []string {
	return []string{
		n.ID, csvTime(n.At), string(n.Kind), n.CaseID, string(n.CaseKind), csvText(n.ArchiveNumber),
		n.RequestID, csvText(n.Sector), csvText(n.Officer), csvInt(n.Step), string(n.Level),
	}
}

// statsColumns are the columns of the statistics: the JSON names of domain.StatsRow. The group's
// columns are always there, empty when the rows are not grouped by them.
var statsColumns = []string{
	"kind", "sector", "month", "opened", "answered", "closed", "onTime", "onTimeShare", "medianDays", "p90Days",
}

func statsRow(s domain.StatsRow) []string {
	return []string{
		string(s.Kind), csvText(s.Sector), s.Month, csvInt(s.Opened), csvInt(s.Answered), csvInt(s.Closed),
		csvInt(s.OnTime), csvFloat(s.OnTimeShare), csvFloat(s.MedianDays), csvFloat(s.P90Days),
	}
}

// foiColumns are the columns of the Agency's report: one row per number, with its label in the reader's
// language.
var foiColumns = []string{"field", "value", "label"}

// foiFields are the numbers of the Agency's report, in the order of domain.FOIReport, each with its JSON
// name and its label (an English message of the i18n catalog).
var foiFields = []struct {
	name, label string
	value       func(domain.FOIReport) string
}{
	{"year", "Year of the report", func(f domain.FOIReport) string { return csvInt(f.Year) }},
	{"received", "Requests received in the year", func(f domain.FOIReport) string { return csvInt(f.Received) }},
	{"carriedOver", "Requests carried over unresolved from earlier years", func(f domain.FOIReport) string { return csvInt(f.CarriedOver) }},
	{"granted", "Requests granted", func(f domain.FOIReport) string { return csvInt(f.Granted) }},
	{"grantedInPart", "Requests granted in part", func(f domain.FOIReport) string { return csvInt(f.GrantedInPart) }},
	{"refused", "Requests refused", func(f domain.FOIReport) string { return csvInt(f.Refused) }},
	{"forwarded", "Requests forwarded to the competent body", func(f domain.FOIReport) string { return csvInt(f.Forwarded) }},
	{"withdrawn", "Requests withdrawn", func(f domain.FOIReport) string { return csvInt(f.Withdrawn) }},
	{"rejected", "Requests rejected", func(f domain.FOIReport) string { return csvInt(f.Rejected) }},
	{"merged", "Requests merged into another", func(f domain.FOIReport) string { return csvInt(f.Merged) }},
	{"unresolved", "Requests unresolved at the end of the year", func(f domain.FOIReport) string { return csvInt(f.Unresolved) }},
	{"onTime", "Answers given within the deadline", func(f domain.FOIReport) string { return csvInt(f.OnTime) }},
	{"late", "Answers given after the deadline", func(f domain.FOIReport) string { return csvInt(f.Late) }},
	{"extended", "Requests whose deadline was extended", func(f domain.FOIReport) string { return csvInt(f.Extended) }},
	{"clarificationRequested", "Requests the requester was asked to complete", func(f domain.FOIReport) string { return csvInt(f.ClarificationRequested) }},
	{"clarificationExpired", "Requests never completed by the requester", func(f domain.FOIReport) string { return csvInt(f.ClarificationExpired) }},
	{"medianDays", "Median days from receipt to answer", func(f domain.FOIReport) string { return csvFloat(f.MedianDays) }},
}

// foiRows returns the rows of the Agency's report with labels in lang.
func foiRows(f domain.FOIReport, lang domain.Language) iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		for _, fld := range foiFields {
			if !yield([]string{fld.name, fld.value(f), i18n.Translate(lang, fld.label)}) {
				return
			}
		}
	}
}
