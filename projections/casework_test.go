package projections_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/projections"
)

// The story of the read-model tests: eighteen cases of several kinds, told in events recorded as the
// case workflow records them (registration, assignment, requests reminded, escalated, reassigned and
// answered, clarification, extension, suspension, deadlines passed, answers on time and late, a
// refusal, a forwarding, a withdrawal, a rejection, a merge, closing), and asked about at storyNow.

// storyLoc is the municipality's time zone.
var storyLoc = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		panic(err)
	}
	return loc
}()

// storyNow is when the story's read models are asked about: Wednesday 13 May 2026, noon in Skopje. The
// week ends on Sunday 17 May; a case due on 3 May or earlier is very overdue (10 days).
var storyNow = at("2026-05-13 12:00")

// at returns the instant of "2006-01-02 15:04[:05]" in Skopje.
func at(s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout += ":05"
	}
	t, err := time.ParseInLocation(layout, s, storyLoc)
	if err != nil {
		panic(err)
	}
	return t
}

// endOf returns 23:59:59 of the date "2006-01-02" in Skopje: when a day clock runs out.
func endOf(s string) time.Time { return at(s + " 23:59:59") }

// date returns the date "2006-01-02".
func date(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// story builds the events of the cases, folding each case as it goes so that clock changes and
// documents follow from what came before, as the workflow's do.
type story struct {
	clocks   domain.CalendarClocks
	policies domain.Policies
	cases    map[string]*domain.Case
	steps    []storyStep
}

// storyStep is one append: events of one case, recorded at one time.
type storyStep struct {
	at     time.Time
	id     string
	events []domain.Event
	raw    *domain.EventData // an event of a type predmet does not know, instead of events
}

func newStory() *story {
	return &story{
		clocks:   domain.CalendarClocks{Calendar: domain.NewCalendar(nil), Location: storyLoc},
		policies: domain.DefaultPolicies(),
		cases:    map[string]*domain.Case{},
	}
}

// add records events of case id at t.
func (s *story) add(t time.Time, id string, events ...domain.Event) {
	c := s.cases[id]
	for _, e := range events {
		c.Apply(e)
	}
	s.steps = append(s.steps, storyStep{at: t, id: id, events: events})
}

func (s *story) receive(id string, kind domain.CaseKind, channel domain.Channel, lang domain.Language, sector, when string) {
	s.cases[id] = &domain.Case{}
	s.add(at(when), id, &domain.CaseReceived{
		CaseID: id, Kind: kind, Channel: channel, Language: lang, ReceivedAt: at(when), Sector: sector,
		Subject: "Subject of " + id, Text: "The text of the submission.",
		Submitter: domain.Submitter{Name: "Ana Petrovska", Email: "ana@example.mk", Phone: "+38970111222"},
	})
}

// register numbers the case 08-number/1 and starts its clock from receipt, as its kind's policy says.
func (s *story) register(id, when string, year, number int) {
	c := s.cases[id]
	var dl domain.Deadline
	if p := s.policies[c.Kind]; p.HasClock() {
		var err error
		if dl, err = s.clocks.Deadline(c.ReceivedAt, p.Clock, nil); err != nil {
			panic(err)
		}
	}
	s.add(at(when), id, &domain.CaseRegistered{
		ArchiveNumber: domain.ArchiveNumber{Unit: "08", Year: year, Number: number, Sub: 1, Date: domain.DateOf(at(when), storyLoc)},
		RegisteredAt:  at(when), Deadline: dl,
	})
}

func (s *story) assign(id, when, officer, sector string) {
	s.add(at(when), id, &domain.CaseAssigned{Officer: officer, Sector: sector, At: at(when)})
}

// change records a change of the case's clock with the deadline that results.
func (s *story) change(id, when string, kind domain.ClockChangeKind, source domain.ClockSource, by int) {
	c := s.cases[id]
	ch := domain.ClockChange{Kind: kind, Source: source, At: at(when), Reason: "A reason."}
	if by > 0 {
		ch.By = domain.Clock{Length: by, Unit: c.Deadline.Clock.Unit}
	}
	e, err := c.ChangeClock(ch, s.clocks)
	if err != nil {
		panic(err)
	}
	s.add(at(when), id, e)
}

// doc returns the number of the case's next outgoing document, dated when.
func (s *story) doc(id, when string) domain.ArchiveNumber {
	return s.cases[id].NextDocument(domain.DateOf(at(when), storyLoc))
}

// answer drafts, approves and sends the answer.
func (s *story) answer(id, drafted, approved, answered string, outcome domain.Status, onTime bool) {
	s.add(at(drafted), id, &domain.AnswerDrafted{By: "officer", At: at(drafted)})
	s.add(at(approved), id, &domain.AnswerApproved{By: "head", At: at(approved)})
	d := s.doc(id, answered)
	s.add(at(answered), id, &domain.CaseAnswered{Outcome: outcome, Document: &d, At: at(answered), OnTime: onTime})
}

func (s *story) request(id, when, rid string, kind domain.RequestKind, sector, title string, required bool, due time.Time) {
	s.add(at(when), id, &domain.RequestOpened{Request: domain.Request{
		ID: rid, Kind: kind, Sector: sector, Title: title, Required: required, RequestedAt: at(when),
		DueAt: due, DueDate: domain.DateOf(due, storyLoc), Status: domain.RequestIsOpen,
	}})
}

// tell builds the story.
func tell() *story {
	s := newStory()
	const (
		petition = domain.KindPetition
		info     = domain.KindPublicInformation
		question = domain.KindCitizenQuestion
	)

	// c01: a petition whose request for input was reminded, escalated twice, reassigned and answered;
	// an optional request is still open; its deadline (60 days from 2 March: 1 May, Labour Day, moved to
	// Monday 4 May) has passed.
	s.receive("c01", petition, domain.ChannelEmail, domain.Macedonian, "", "2026-03-02 09:00")
	s.register("c01", "2026-03-02 09:10", 2026, 101)
	s.assign("c01", "2026-03-03 10:00", "officer-1", "communal")
	s.request("c01", "2026-03-03 10:05", "r1", domain.RequestInput, "urbanism", "", true, endOf("2026-03-10"))
	s.add(at("2026-03-09 08:00"), "c01", &domain.RequestReminded{RequestID: "r1", Reminder: 1, Sector: "urbanism",
		Level: domain.LevelHead, NotificationID: "n-c01-r1-rem1", At: at("2026-03-09 08:00")})
	s.add(at("2026-03-11 00:00"), "c01", &domain.RequestEscalated{RequestID: "r1", Step: 1, Sector: "urbanism",
		Level: domain.LevelDeputy, NotificationID: "n-c01-r1-esc1", At: at("2026-03-11 00:00")})
	s.add(at("2026-03-11 08:00"), "c01", &domain.RequestEscalated{RequestID: "r1", Step: 2, Sector: "urbanism",
		Level: domain.LevelHead, NotificationID: "n-c01-r1-esc2", At: at("2026-03-11 08:00")})
	s.add(at("2026-03-12 09:00"), "c01", &domain.RequestReassigned{RequestID: "r1", Sector: "finance",
		DueAt: endOf("2026-03-18"), DueDate: date("2026-03-18"), At: at("2026-03-12 09:00")})
	s.add(at("2026-03-17 08:00"), "c01", &domain.RequestReminded{RequestID: "r1", Generation: 1, Reminder: 1,
		Sector: "finance", Level: domain.LevelHead, NotificationID: "n-c01-r1-g1-rem1", At: at("2026-03-17 08:00")})
	s.add(at("2026-03-17 14:00"), "c01", &domain.RequestAnswered{RequestID: "r1", By: "head-finance", At: at("2026-03-17 14:00")})
	s.request("c01", "2026-03-18 09:00", "r2", domain.RequestInput, "legal", "", false, endOf("2026-05-14"))
	s.add(at("2026-05-05 00:00"), "c01", &domain.CaseDeadlinePassed{DueAt: endOf("2026-05-04"), NotificationID: "n-c01-overdue1"})

	// c02: a petition answered on time (due 9 May, a Saturday, moved to 11 May) and closed.
	s.receive("c02", petition, domain.ChannelLetter, domain.Albanian, "", "2026-03-10 11:00")
	s.register("c02", "2026-03-10 11:30", 2026, 102)
	s.assign("c02", "2026-03-11 09:00", "officer-2", "communal")
	s.answer("c02", "2026-04-17 10:00", "2026-04-17 15:00", "2026-04-20 12:00", domain.StatusAnswered, true)
	s.add(at("2026-04-21 09:00"), "c02", &domain.CaseClosed{At: at("2026-04-21 09:00")})

	// c03: a request for public information the requester was asked to complete (the clock stood still
	// from 2 to 4 April), extended by 10 days, answered in part on time and closed. Due 21 April, then
	// 23 April after the clarification, then 3 May, a Sunday, moved to 4 May.
	s.receive("c03", info, domain.ChannelWeb, domain.Macedonian, "", "2026-04-01 10:00")
	s.register("c03", "2026-04-01 10:05", 2026, 103)
	s.add(at("2026-04-02 09:00"), "c03", &domain.ClarificationRequested{Document: s.doc("c03", "2026-04-02 09:00"),
		RespondBy: endOf("2026-04-05"), At: at("2026-04-02 09:00")})
	s.change("c03", "2026-04-02 09:00", domain.ClockSuspended, domain.SourceClarification, 0)
	s.add(at("2026-04-04 12:00"), "c03", &domain.ClarificationReceived{At: at("2026-04-04 12:00")})
	s.change("c03", "2026-04-04 12:00", domain.ClockResumed, domain.SourceClarification, 0)
	s.assign("c03", "2026-04-06 09:00", "officer-1", "finance")
	s.change("c03", "2026-04-15 10:00", domain.ClockExtended, domain.SourceCase, 10)
	s.answer("c03", "2026-04-27 10:00", "2026-04-27 16:00", "2026-04-28 10:00", domain.StatusAnsweredInPart, true)
	s.add(at("2026-04-29 09:00"), "c03", &domain.CaseClosed{At: at("2026-04-29 09:00")})

	// c04: a request for public information due 9 April, past its deadline (told without a
	// notification, as in the first release) and refused late.
	s.receive("c04", info, domain.ChannelEmail, domain.Albanian, "", "2026-03-20 09:00")
	s.register("c04", "2026-03-20 09:30", 2026, 104)
	s.assign("c04", "2026-03-23 09:00", "officer-2", "legal")
	s.add(at("2026-04-10 00:00"), "c04", &domain.CaseDeadlinePassed{DueAt: endOf("2026-04-09")})
	s.answer("c04", "2026-04-13 09:00", "2026-04-13 15:00", "2026-04-14 10:00", domain.StatusRefused, false)

	// c05: a petition forwarded to the competent body; then an event of a type predmet does not know.
	s.receive("c05", petition, domain.ChannelCounter, domain.Macedonian, "", "2026-04-06 10:00")
	s.register("c05", "2026-04-06 10:15", 2026, 105)
	s.add(at("2026-04-08 11:00"), "c05", &domain.CaseForwarded{To: "Ministry of Transport", Document: s.doc("c05", "2026-04-08 11:00"), At: at("2026-04-08 11:00")})
	s.steps = append(s.steps, storyStep{at: at("2026-04-09 09:00"), id: "c05",
		raw: &domain.EventData{Type: "CaseNoteAdded", ContentType: "application/json", Data: []byte(`{"note":"Ana Petrovska called."}`)}})

	// c06: a citizen's question (15 working days: due 26 May, after the holiday of 24 May moved to the
	// 25th), withdrawn.
	s.receive("c06", question, domain.ChannelPhone, domain.Macedonian, "", "2026-05-04 09:00")
	s.register("c06", "2026-05-04 09:20", 2026, 106)
	s.add(at("2026-05-06 10:00"), "c06", &domain.CaseWithdrawn{Reason: "Resolved by phone.", At: at("2026-05-06 10:00")})

	// c07: a petition due 19 June whose clock staff suspended.
	s.receive("c07", petition, domain.ChannelWeb, domain.English, "", "2026-04-20 09:00")
	s.register("c07", "2026-04-20 09:05", 2026, 107)
	s.assign("c07", "2026-04-21 09:00", "officer-1", "urbanism")
	s.change("c07", "2026-05-05 10:00", domain.ClockSuspended, domain.SourceCase, 0)

	// c08: a journalist's question due today at 15:00 (48 hours), waiting for a request for input that
	// was due at 11:00 and escalated.
	s.receive("c08", domain.KindMediaQuery, domain.ChannelEmail, domain.Macedonian, "", "2026-05-11 15:00")
	s.register("c08", "2026-05-11 15:05", 2026, 108)
	s.assign("c08", "2026-05-11 16:00", "officer-2", "communal")
	s.request("c08", "2026-05-13 07:00", "r1", domain.RequestInput, "urbanism", "", true, at("2026-05-13 11:00"))
	s.add(at("2026-05-13 11:00:01"), "c08", &domain.RequestEscalated{RequestID: "r1", Step: 1, Sector: "urbanism",
		Level: domain.LevelDeputy, NotificationID: "n-c08-r1-esc1", At: at("2026-05-13 11:00:01")})

	// c09: a proposal due 21 April: very overdue.
	s.receive("c09", domain.KindProposal, domain.ChannelLetter, domain.Macedonian, "", "2026-02-20 10:00")
	s.register("c09", "2026-02-20 10:30", 2026, 109)
	s.assign("c09", "2026-02-23 09:00", "officer-3", "urbanism")
	s.add(at("2026-04-22 00:00"), "c09", &domain.CaseDeadlinePassed{DueAt: endOf("2026-04-21"), NotificationID: "n-c09-overdue1"})

	// c10: a citizen's question due this week (14 May), not assigned yet.
	s.receive("c10", question, domain.ChannelWeb, domain.Albanian, "", "2026-04-22 09:00")
	s.register("c10", "2026-04-22 09:10", 2026, 110)

	// c11: a petition due later (11 July, a Saturday, moved to 13 July).
	s.receive("c11", petition, domain.ChannelEmail, domain.Macedonian, "", "2026-05-12 10:00")
	s.register("c11", "2026-05-12 10:10", 2026, 111)
	s.assign("c11", "2026-05-12 11:00", "officer-3", "legal")

	// c12: a petition received this morning, not registered yet.
	s.receive("c12", petition, domain.ChannelCounter, domain.Macedonian, "urbanism", "2026-05-13 08:00")

	// c13: a twin-city programme (no clock) whose activity, owned by the culture sector, is late.
	s.receive("c13", domain.KindTwinCityProgramme, domain.ChannelLetter, domain.English, "", "2026-01-15 10:00")
	s.register("c13", "2026-01-15 10:30", 2026, 13)
	s.assign("c13", "2026-01-16 09:00", "officer-1", "international")
	s.request("c13", "2026-01-20 09:00", "r1", domain.RequestActivity, "culture", "Cultural exchange week", false, endOf("2026-05-08"))
	s.add(at("2026-05-01 08:00"), "c13", &domain.RequestReminded{RequestID: "r1", Reminder: 1, Sector: "culture",
		Level: domain.LevelHead, NotificationID: "n-c13-r1-rem1", At: at("2026-05-01 08:00")})

	// c14: a petition rejected as inadmissible; c15: a petition merged into it.
	s.receive("c14", petition, domain.ChannelWeb, domain.Macedonian, "", "2026-04-27 09:00")
	s.register("c14", "2026-04-27 09:05", 2026, 114)
	s.add(at("2026-04-29 10:00"), "c14", &domain.CaseRejected{Reason: "Anonymous.", Document: s.doc("c14", "2026-04-29 10:00"), At: at("2026-04-29 10:00")})
	s.receive("c15", petition, domain.ChannelEmail, domain.Macedonian, "", "2026-04-28 09:00")
	s.register("c15", "2026-04-28 09:05", 2026, 115)
	s.add(at("2026-04-30 10:00"), "c15", &domain.CaseMerged{Into: "c14", At: at("2026-04-30 10:00")})

	// c16: a request for public information of December 2025 (due 11 January, a Sunday, moved to the
	// 12th), granted in January.
	s.receive("c16", info, domain.ChannelEmail, domain.Macedonian, "", "2025-12-22 10:00")
	s.register("c16", "2025-12-22 10:10", 2025, 116)
	s.assign("c16", "2025-12-23 09:00", "officer-2", "finance")
	s.answer("c16", "2026-01-08 09:00", "2026-01-08 12:00", "2026-01-09 10:00", domain.StatusAnswered, true)
	s.add(at("2026-01-12 09:00"), "c16", &domain.CaseClosed{At: at("2026-01-12 09:00")})

	// c17: a request for public information its requester never completed, then rejected.
	s.receive("c17", info, domain.ChannelWeb, domain.Macedonian, "", "2026-05-04 10:00")
	s.register("c17", "2026-05-04 10:05", 2026, 117)
	s.add(at("2026-05-05 09:00"), "c17", &domain.ClarificationRequested{Document: s.doc("c17", "2026-05-05 09:00"),
		RespondBy: endOf("2026-05-08"), At: at("2026-05-05 09:00")})
	s.change("c17", "2026-05-05 09:00", domain.ClockSuspended, domain.SourceClarification, 0)
	s.add(at("2026-05-09 00:00"), "c17", &domain.ClarificationExpired{At: at("2026-05-09 00:00")})
	s.add(at("2026-05-11 10:00"), "c17", &domain.CaseRejected{Reason: "Never completed.", Document: s.doc("c17", "2026-05-11 10:00"), At: at("2026-05-11 10:00")})

	// c18: a request for public information due 31 May, a Sunday, moved to 1 June.
	s.receive("c18", info, domain.ChannelEmail, domain.Albanian, "", "2026-05-11 09:00")
	s.register("c18", "2026-05-11 09:10", 2026, 118)
	return s
}

// storyLog is the story appended to an event store.
type storyLog struct {
	store domain.EventStore
	// events are the recorded events of each case stream.
	events map[string][]domain.RecordedEvent
}

// appendStory appends the story's steps in the order of their times, one append each, so that the
// cases' events interleave in the log as they would.
func appendStory(tb testing.TB, store domain.EventStore, s *story) *storyLog {
	tb.Helper()
	steps := slices.Clone(s.steps)
	slices.SortStableFunc(steps, func(a, b storyStep) int { return a.at.Compare(b.at) })
	next := map[string]uint64{}
	for _, st := range steps {
		stream := domain.CaseStream(st.id)
		var data []domain.EventData
		if st.raw != nil {
			raw := *st.raw
			raw.ID = domain.EventID(stream, next[st.id])
			data = []domain.EventData{raw}
		} else {
			var err error
			if data, err = domain.EncodeEvents(stream, next[st.id], domain.Metadata{UserID: "test"}, st.events...); err != nil {
				tb.Fatal(err)
			}
		}
		if _, err := store.Append(context.Background(), stream, domain.ExpectRevision(next[st.id]), data...); err != nil {
			tb.Fatalf("append to %s: %v", stream, err)
		}
		next[st.id] += uint64(len(data))
	}
	l := &storyLog{store: store, events: map[string][]domain.RecordedEvent{}}
	for id := range next {
		events, err := store.ReadStream(context.Background(), domain.CaseStream(id), domain.ReadStreamOptions{})
		if err != nil {
			tb.Fatal(err)
		}
		l.events[id] = events
	}
	return l
}

// created returns when the event of case id at revision rev was recorded.
func (l *storyLog) created(id string, rev int) time.Time { return l.events[id][rev].Created.UTC() }

// updated returns when the last event of case id was recorded.
func (l *storyLog) updated(id string) time.Time { return l.created(id, len(l.events[id])-1) }

// version returns the number of events of case id.
func (l *storyLog) version(id string) uint64 { return uint64(len(l.events[id])) }

// mustOpenStory appends the story to a new event store and returns the read model a runner built from
// it, caught up.
func mustOpenStory(tb testing.TB, opts projections.CaseworkOptions) (*projections.Casework, *storyLog) {
	tb.Helper()
	store := testkit.MustOpenStore(tb)
	l := appendStory(tb, store, tell())
	cw := projections.NewCasework(store, opts)
	r := MustOpenRunner(tb, "", store, cw)
	Start(tb, r)
	WaitCaughtUp(tb, r, projections.CaseworkName, LastPosition(tb, store))
	return cw, l
}

// dumpTables returns every row of the read model's tables, each rendered as text, sorted.
func dumpTables(tb testing.TB, db *sql.DB, tables []string) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	for _, t := range tables {
		rows, err := db.Query(`SELECT * FROM ` + t)
		if err != nil {
			tb.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			tb.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				fmt.Fprintf(&b, "%s=%v ", cols[i], v)
			}
			out[t] = append(out[t], b.String())
		}
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		rows.Close()
		slices.Sort(out[t])
	}
	return out
}

// openReadOnly opens the database at path for reading.
func openReadOnly(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestCasework_CacheSizes(t *testing.T) {
	// The same log, folded with every case in memory and with a cache of one case (which folds a case
	// again from its stream at almost every event), gives the same tables.
	store := testkit.MustOpenStore(t)
	appendStory(t, store, tell())
	var dumps []map[string][]string
	for _, size := range []int{0, 1, 2} {
		path := filepath.Join(t.TempDir(), "projections.db")
		cw := projections.NewCasework(store, projections.CaseworkOptions{CacheSize: size})
		r := MustOpenRunner(t, path, store, cw)
		stop := Start(t, r)
		WaitCaughtUp(t, r, projections.CaseworkName, LastPosition(t, store))
		stop()
		dumps = append(dumps, dumpTables(t, openReadOnly(t, path), cw.Tables()))
	}
	if n := len(dumps[0]["cases"]); n != 18 {
		t.Fatalf("%d rows in cases, want 18", n)
	}
	for i, size := range []int{1, 2} {
		if !reflect.DeepEqual(dumps[i+1], dumps[0]) {
			for _, table := range []string{"cases", "case_requests", "case_notices"} {
				if got, want := dumps[i+1][table], dumps[0][table]; !slices.Equal(got, want) {
					t.Errorf("cache size %d: %s:\n got %q\nwant %q", size, table, got, want)
				}
			}
		}
	}
}

func TestCasework_Apply(t *testing.T) {
	store := testkit.MustOpenStore(t)
	l := appendStory(t, store, tell())
	path := filepath.Join(t.TempDir(), "projections.db")
	cw := projections.NewCasework(store, projections.CaseworkOptions{})
	// A runner that does not run, only to own the database; Apply is driven by hand.
	MustOpenRunner(t, path, store, cw)
	db := MustOpenWriter(t, path)
	apply := func(p *projections.Casework, flush bool, events ...domain.RecordedEvent) {
		t.Helper()
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		ptx := projections.NewTx(tx)
		for _, e := range events {
			if err := p.Apply(t.Context(), ptx, e); err != nil {
				t.Fatal(err)
			}
		}
		if flush {
			if err := p.Flush(t.Context(), ptx); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	events := l.events["c01"]
	dump := func() map[string][]string { return dumpTables(t, openReadOnly(t, path), cw.Tables()) }

	t.Run("DiscardForgetsWhatWasNotFlushed", func(t *testing.T) {
		apply(cw, false, events[:5]...)
		cw.Discard()
		apply(cw, true)
		if got := dump(); len(got["cases"]) != 0 {
			t.Fatalf("rows written after Discard: %q", got)
		}
	})

	apply(cw, true, events[:5]...)
	apply(cw, true, events[5:]...)
	want := dump()
	got, err := cw.Get(t.Context(), "c01")
	if err != nil {
		t.Fatal(err)
	} else if got.Version != l.version("c01") || got.UpdatedAt != l.updated("c01") {
		t.Fatalf("Get = version %d, updated %s; want %d, %s", got.Version, got.UpdatedAt, l.version("c01"), l.updated("c01"))
	}

	t.Run("SkipsAppliedRevisions", func(t *testing.T) {
		// Every event again, in and out of order, from memory and after a restart: nothing changes.
		apply(cw, true, events...)
		apply(cw, true, events[3], events[0], events[len(events)-1], events[len(events)-1])
		fresh := cw.New().(*projections.Casework)
		apply(fresh, true, events[2], events[len(events)-1], events[0])
		if got := dump(); !reflect.DeepEqual(got, want) {
			t.Fatalf("tables changed:\n got %q\nwant %q", got, want)
		}
	})

	t.Run("RefoldsFromTheStream", func(t *testing.T) {
		// A fresh instance folds c05's first events from the store before applying its last, the
		// event of an unknown type, which counts towards the version only.
		c05 := l.events["c05"]
		fresh := cw.New().(*projections.Casework)
		apply(fresh, true, c05[:2]...)
		other := cw.New().(*projections.Casework)
		apply(other, true, c05[2:]...)
		got, err := cw.Get(t.Context(), "c05")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != domain.StatusForwarded || got.Version != 4 || got.ClosedAt != at("2026-04-08 11:00").UTC() ||
			got.UpdatedAt != l.updated("c05") || got.ArchiveNumber != "08-105/1" {
			t.Fatalf("c05 = %+v", got)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := cw.Get(t.Context(), "c99"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("err = %v, want ENOTFOUND", err)
		}
	})
}

func TestCasework_NoPersonalData(t *testing.T) {
	store := testkit.MustOpenStore(t)
	appendStory(t, store, tell())
	path := filepath.Join(t.TempDir(), "projections.db")
	cw := projections.NewCasework(store, projections.CaseworkOptions{})
	r := MustOpenRunner(t, path, store, cw)
	Start(t, r)
	WaitCaughtUp(t, r, projections.CaseworkName, LastPosition(t, store))
	dump := dumpTables(t, openReadOnly(t, path), cw.Tables())
	if len(dump["cases"]) != 18 || len(dump["case_notices"]) == 0 {
		t.Fatalf("tables not filled: %q", dump)
	}
	for table, rows := range dump {
		for _, row := range rows {
			for _, personal := range []string{"Ana", "Petrovska", "example.mk", "38970", "Subject of", "submission", "called"} {
				if strings.Contains(row, personal) {
					t.Errorf("%s holds personal data %q: %s", table, personal, row)
				}
			}
		}
	}
}

func TestCasework_CheckAndRebuild(t *testing.T) {
	// The rows are a function of the log alone: a recomputation finds no difference, and a rebuild
	// gives the same tables.
	store := testkit.MustOpenStore(t)
	appendStory(t, store, tell())
	path := filepath.Join(t.TempDir(), "projections.db")
	cw := projections.NewCasework(store, projections.CaseworkOptions{CacheSize: 3})
	r := MustOpenRunner(t, path, store, cw)
	Start(t, r)
	WaitCaughtUp(t, r, projections.CaseworkName, LastPosition(t, store))
	before := dumpTables(t, openReadOnly(t, path), cw.Tables())

	report, err := r.Check(t.Context(), projections.CaseworkName)
	if err != nil {
		t.Fatal(err)
	} else if !report.OK {
		t.Fatalf("check found differences: %+v", report)
	}
	if err := r.Rebuild(t.Context(), projections.CaseworkName); err != nil {
		t.Fatal(err)
	}
	WaitCaughtUp(t, r, projections.CaseworkName, LastPosition(t, store))
	if after := dumpTables(t, openReadOnly(t, path), cw.Tables()); !reflect.DeepEqual(after, before) {
		t.Fatalf("tables changed by the rebuild:\n got %q\nwant %q", after, before)
	}

	// The live projection carries on from the rebuilt tables.
	data, err := domain.EncodeEvents(domain.CaseStream("c10"), 2, domain.Metadata{UserID: "test"},
		&domain.CaseAssigned{Officer: "officer-4", Sector: "social", At: at("2026-05-13 13:00")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(t.Context(), domain.CaseStream("c10"), domain.ExpectRevision(2), data...); err != nil {
		t.Fatal(err)
	}
	WaitCaughtUp(t, r, projections.CaseworkName, LastPosition(t, store))
	got, err := cw.Get(t.Context(), "c10")
	if err != nil {
		t.Fatal(err)
	} else if got.Officer != "officer-4" || got.Sector != "social" || got.Status != domain.StatusAssigned || got.Version != 3 {
		t.Fatalf("c10 after its assignment: %+v", got)
	}
}

func TestCasework_ReapplyOnFilledTables(t *testing.T) {
	// A projection that starts on empty tables loads a new case without reading them; once it forgot
	// its state (Discard), or when another instance starts on the same tables, it reads them again and
	// skips the events they already hold, whether all of a case's events or some.
	store := testkit.MustOpenStore(t)
	l := appendStory(t, store, tell())
	ids := make([]string, 0, len(l.events))
	for id := range l.events {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "casework.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	cw := projections.NewCasework(store, projections.CaseworkOptions{CacheSize: 2})
	for _, s := range cw.Schema() {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	// apply applies the first events of each case (all if n < 0), case after case, in one transaction.
	apply := func(p *projections.Casework, n int) {
		t.Helper()
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		ptx := projections.NewTx(tx)
		for _, id := range ids {
			events := l.events[id]
			if n >= 0 && n < len(events) {
				events = events[:n]
			}
			for _, e := range events {
				if err := p.Apply(t.Context(), ptx, e); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := p.Flush(t.Context(), ptx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}

	// The tables built from empty, in parts, against those built from empty at once.
	apply(cw, 2)
	cw.Discard()
	apply(cw, -1)
	got := dumpTables(t, db, cw.Tables())
	for _, s := range cw.Tables() {
		if _, err := db.Exec(`DELETE FROM ` + s); err != nil {
			t.Fatal(err)
		}
	}
	cw.Discard()
	apply(cw, -1)
	want := dumpTables(t, db, cw.Tables())
	if n := len(want["cases"]); n != 18 {
		t.Fatalf("%d rows in cases, want 18", n)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tables built in parts:\n got %q\nwant %q", got, want)
	}

	// Everything again: nothing changes.
	cw.Discard()
	apply(cw, -1)
	apply(projections.NewCasework(store, projections.CaseworkOptions{CacheSize: 2}), -1)
	apply(projections.NewCasework(store, projections.CaseworkOptions{}), -1)
	if again := dumpTables(t, db, cw.Tables()); !reflect.DeepEqual(again, want) {
		t.Fatalf("tables after applying the events again:\n got %q\nwant %q", again, want)
	}
}
