package intake

import (
	"maps"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Skopje wherever the server runs
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/predmet/predmet/domain"
)

// The English formats of the messages about query strings. Each is a key of the i18n catalog
// (i18n/catalog_readapi.go).
const (
	msgBadQuery      = "The query string is not properly encoded."
	msgUnknownParam  = "Unknown query parameter %q; this address takes %s."
	msgRepeatedParam = "The parameter %s may be given only once."
	msgBadValue      = "The parameter %s does not take the value %q; use one of %s."
	msgValueTooLong  = "A value of the parameter %s is longer than %d characters."
	msgValueNotUTF8  = "A value of the parameter %s is not valid UTF-8."
	msgBadInstant    = "The parameter %s must be a date such as 2026-05-19 or a date and time in RFC 3339 format such as 2026-05-19T09:30:00+02:00."
	msgBadMonth      = "The parameter %s must be a month such as 2026-05 or a date such as 2026-05-19."
	msgBadBool       = "The parameter %s must be true or false."
	msgBadNumber     = "The parameter %s must be a whole number."
	msgNumberRange   = "The parameter %s must be between %d and %d."
	msgNegative      = "The parameter %s must not be negative."
	msgBadSort       = "The parameter sort does not take the field %q; use one of %s, with a leading - for descending order."
	msgBadRange      = "The parameter %s must not be after %s."
	msgBadCaseID     = "The parameter %s must be a case ID (a UUID)."
	msgBadYear       = "The year must have four digits, such as 2025; not %q."
)

// readMessages lists the formats of the read side's messages, for the test that they are all translated.
var readMessages = []string{
	msgBadQuery, msgUnknownParam, msgRepeatedParam, msgBadValue, msgValueTooLong, msgValueNotUTF8,
	msgBadInstant, msgBadMonth, msgBadBool, msgBadNumber, msgNumberRange, msgNegative, msgBadSort,
	msgBadRange, msgBadCaseID, msgBadYear,
}

// skopjeLocation is the municipality's time zone: a date in a query (2026-05-19) means the start of
// that day there, and CSV files are named for the day there.
var skopjeLocation = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		panic("intake: " + err.Error()) // time/tzdata is embedded: this cannot happen
	}
	return loc
}()

// paramFormat chooses JSON or CSV on every read route; the Accept header does when it is absent.
const paramFormat = "format"

// The values of the format parameter.
const (
	formatJSON = "json"
	formatCSV  = "csv"
)

// maxParamValueLen is the longest value of a free-text parameter (a sector or an officer's ID).
const maxParamValueLen = domain.MaxSectorLen

// readQuery is the query string of a read-side request, read parameter by parameter. Every error is
// a 400 problem naming the parameter. The first error sticks: later reads return zero values, and
// Err reports it, so that a handler reads every parameter and checks once.
type readQuery struct {
	values url.Values
	err    error
}

// newReadQuery parses r's query string, which may name only the parameters given and format. An
// unknown name (a typo such as sectr) is an error that lists the names the route takes.
func newReadQuery(r *http.Request, params ...string) *readQuery {
	values, err := url.ParseQuery(r.URL.RawQuery)
	q := &readQuery{values: values}
	if err != nil {
		q.fail(malformed("", msgBadQuery))
		return q
	}
	allowed := append(slices.Clone(params), paramFormat)
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if !slices.Contains(allowed, name) {
			q.fail(malformed(name, msgUnknownParam, name, strings.Join(allowed, ", ")))
			return q
		}
	}
	return q
}

// Err returns the first error met reading the query, or nil.
func (q *readQuery) Err() error { return q.err }

func (q *readQuery) fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

// single returns the one value of a parameter, "" when absent or empty (as an HTML form sends a field
// left blank). A parameter given twice is an error.
func (q *readQuery) single(name string) string {
	if q.err != nil {
		return ""
	}
	vs := q.values[name]
	switch len(vs) {
	case 0:
		return ""
	case 1:
		return strings.TrimSpace(vs[0])
	}
	q.fail(malformed(name, msgRepeatedParam, name))
	return ""
}

// list returns the values of a parameter that may be repeated (sector=a&sector=b) and may hold several
// values separated by commas (sector=a,b), without blanks and duplicates, in the order given.
func (q *readQuery) list(name string) []string {
	if q.err != nil {
		return nil
	}
	var out []string
	for _, v := range q.values[name] {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			if part != "" && !slices.Contains(out, part) {
				out = append(out, part)
			}
		}
	}
	return out
}

// texts returns the values of a list parameter that names sectors or officers.
func (q *readQuery) texts(name string) []string {
	out := q.list(name)
	for _, v := range out {
		if !utf8.ValidString(v) {
			q.fail(malformed(name, msgValueNotUTF8, name))
			return nil
		} else if utf8.RuneCountInString(v) > maxParamValueLen {
			q.fail(malformed(name, msgValueTooLong, name, maxParamValueLen))
			return nil
		}
	}
	return out
}

// enums returns the values of a list parameter that takes the values allowed.
func enums[T ~string](q *readQuery, name string, allowed []T) []T {
	var out []T
	for _, v := range q.list(name) {
		if !slices.Contains(allowed, T(v)) {
			q.fail(malformed(name, msgBadValue, name, v, joinValues(allowed)))
			return nil
		}
		out = append(out, T(v))
	}
	return out
}

// enum returns the value of a single parameter that takes the values allowed, def when absent.
func enum[T ~string](q *readQuery, name string, allowed []T, def T) T {
	v := q.single(name)
	if v == "" {
		return def
	} else if !slices.Contains(allowed, T(v)) {
		q.fail(malformed(name, msgBadValue, name, v, joinValues(allowed)))
		return def
	}
	return T(v)
}

// joinValues renders allowed values for a message: "letter, email, phone".
func joinValues[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

// boolean returns the value of a parameter that is true or false; nil when absent.
func (q *readQuery) boolean(name string) *bool {
	switch q.single(name) {
	case "":
		return nil
	case "true":
		return new(true)
	case "false":
		return new(false)
	}
	q.fail(malformed(name, msgBadBool, name))
	return nil
}

// number returns the value of a parameter that is a whole number from min to max; 0 when absent.
func (q *readQuery) number(name string, min, max int) int {
	s := q.single(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		q.fail(malformed(name, msgBadNumber, name))
	case n < 0 && min == 0:
		q.fail(malformed(name, msgNegative, name))
	case n < min || n > max:
		q.fail(malformed(name, msgNumberRange, name, min, max))
	default:
		return n
	}
	return 0
}

// page returns the limit (1 to domain.MaxPageLimit; 0, the default, when absent) and the offset.
func (q *readQuery) page() (limit, offset int) {
	return q.number("limit", 1, domain.MaxPageLimit), q.number("offset", 0, math.MaxInt)
}

// instant returns the value of a parameter that is an instant in RFC 3339, or a date YYYY-MM-DD that
// stands for the start of that day in Europe/Skopje; the zero time when absent. Instants are in UTC.
func (q *readQuery) instant(name string) time.Time {
	s := q.single(name)
	if s == "" {
		return time.Time{}
	}
	if t, ok := parseInstant(s); ok {
		return t
	}
	q.fail(malformed(name, msgBadInstant, name))
	return time.Time{}
}

// parseInstant parses an instant in RFC 3339 or a date. A space where the offset's sign should be is
// read as a plus: an unescaped + in a query string arrives as a space (?now=2026-05-19T09:30:00+02:00).
func parseInstant(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		if t, err := time.Parse(time.RFC3339, s[:i]+"+"+s[i+1:]); err == nil {
			return t.UTC(), true
		}
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, skopjeLocation); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// month returns the value of a parameter that is a month YYYY-MM or a date YYYY-MM-DD, as the start of
// its first day in Europe/Skopje; the zero time when absent.
func (q *readQuery) month(name string) time.Time {
	s := q.single(name)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, skopjeLocation); err == nil {
			return t.UTC()
		}
	}
	q.fail(malformed(name, msgBadMonth, name))
	return time.Time{}
}

// ordered checks that the instant of the parameter fromName is not after that of toName.
func (q *readQuery) ordered(fromName string, from time.Time, toName string, to time.Time) {
	if q.err == nil && !from.IsZero() && !to.IsZero() && from.After(to) {
		q.fail(malformed(fromName, msgBadRange, fromName, toName))
	}
}

// caseID returns the value of a parameter that is a case ID (a UUID, in its canonical form).
func (q *readQuery) caseID(name string) string {
	s := q.single(name)
	if s == "" {
		return ""
	}
	u, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		q.fail(malformed(name, msgBadCaseID, name))
		return ""
	}
	return u.String()
}

// sort returns the sort parameter: one of the fields, with a leading - for descending order; the zero
// Sort (the list's default order) when absent.
func (q *readQuery) sort(fields ...string) domain.Sort {
	s := q.single("sort")
	if s == "" {
		return domain.Sort{}
	}
	field, desc := strings.CutPrefix(s, "-")
	if !slices.Contains(fields, field) {
		q.fail(malformed("sort", msgBadSort, field, strings.Join(fields, ", ")))
		return domain.Sort{}
	}
	return domain.Sort{Field: field, Desc: desc}
}

// now returns the now parameter, or the time of the request when it is absent: the time that the
// due-date tracker's buckets are computed for.
func (q *readQuery) now() time.Time {
	if t := q.instant("now"); !t.IsZero() || q.err != nil {
		return t
	}
	return time.Now().UTC()
}

// csv reports whether the response is to be CSV: format=csv, or, without format, an Accept header that
// prefers text/csv to JSON.
func (q *readQuery) csv(r *http.Request) bool {
	switch enum(q, paramFormat, []string{formatJSON, formatCSV}, "") {
	case formatCSV:
		return true
	case formatJSON:
		return false
	}
	return q.err == nil && prefersCSV(r.Header.Values("Accept"))
}

// prefersCSV reports whether Accept headers give text/csv a higher quality than JSON (application/json,
// application/* or */*). JSON wins a tie: it is the default.
func prefersCSV(accept []string) bool {
	csvQ, jsonQ := 0.0, 0.0
	for _, header := range accept {
		for part := range strings.SplitSeq(header, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			qv := 1.0
			if s, ok := params["q"]; ok {
				if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 0 && v <= 1 {
					qv = v
				}
			}
			switch mt {
			case "text/csv":
				csvQ = max(csvQ, qv)
			case "application/json", "application/*", "*/*":
				jsonQ = max(jsonQ, qv)
			}
		}
	}
	return csvQ > jsonQ
}
