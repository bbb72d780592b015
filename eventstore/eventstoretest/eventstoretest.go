// Package eventstoretest is the conformance suite that every domain.EventStore implementation passes.
package eventstoretest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/predmet/predmet/domain"
)

const (
	// subscriptionTimeout bounds every subscription the suite starts, so that a missing message fails the
	// test instead of hanging it.
	subscriptionTimeout = 30 * time.Second
	// recvTimeout bounds the wait for Recv to return after its subscription ended.
	recvTimeout = 5 * time.Second
)

// Run runs the conformance suite. The suite pins down the semantics of KurrentDB (EventStoreDB) that
// domain.EventStore promises, so it runs unchanged against the embedded store and against a real server.
//
// open returns the store one subtest uses and arranges with tb.Cleanup whatever must happen when the
// subtest ends (closing a fresh store, say). It may return a fresh store every time or a shared one: every
// subtest names its streams and event types with fresh UUIDs and asserts only about those, or about
// bounds that other writers cannot break, so a server that others use at the same time will do. A
// subscription from the start of the log reads the whole log, so keep a shared server's log modest.
func Run(t *testing.T, open func(tb testing.TB) domain.EventStore) {
	t.Run("Append", func(t *testing.T) { testAppend(t, open) })
	t.Run("Expected", func(t *testing.T) { testExpected(t, open) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, open) })
	t.Run("ReadStream", func(t *testing.T) { testReadStream(t, open) })
	t.Run("ReadAll", func(t *testing.T) { testReadAll(t, open) })
	t.Run("SubscribeAll", func(t *testing.T) { testSubscribeAll(t, open) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, open) })
	t.Run("Validation", func(t *testing.T) { testValidation(t, open) })
}

func testAppend(t *testing.T, open func(tb testing.TB) domain.EventStore) {
	t.Run("OK", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		stream := newName("order")
		events := []domain.EventData{
			{ID: uuid.NewString(), Type: "Opened", Data: []byte(`{"n":1}`), Metadata: []byte(`{"by":"x"}`)},
			{ID: uuid.NewString(), Type: "Blob", ContentType: "application/octet-stream", Data: []byte{0, 1, 2, 255}},
			{ID: uuid.NewString(), Type: "Empty"},
		}
		before := time.Now().Add(-time.Minute)
		res, err := s.Append(ctx, stream, domain.NoStream(), events...)
		if err != nil {
			t.Fatalf("Append: %v", err)
		}
		if res.NextExpectedRevision != 2 {
			t.Errorf("NextExpectedRevision = %d, want 2 (revisions are 0-based)", res.NextExpectedRevision)
		}

		got := mustReadStream(t, s, stream, domain.ReadStreamOptions{})
		if len(got) != len(events) {
			t.Fatalf("read %d events, want %d", len(got), len(events))
		}
		for i, e := range got {
			want := events[i]
			if e.Stream != stream || e.ID != want.ID || e.Type != want.Type || e.Revision != uint64(i) {
				t.Errorf("event %d = %s/%d %s %s, want %s/%d %s %s", i, e.Stream, e.Revision, e.ID, e.Type, stream, i, want.ID, want.Type)
			}
			if !bytes.Equal(e.Data, want.Data) || !bytes.Equal(e.Metadata, want.Metadata) {
				t.Errorf("event %d data, metadata = %q, %q, want %q, %q", i, e.Data, e.Metadata, want.Data, want.Metadata)
			}
			if e.Created.Before(before) {
				t.Errorf("event %d created %v, want about now", i, e.Created)
			}
			if i > 0 && !got[i-1].Position.Less(e.Position) {
				t.Errorf("event %d position %v does not follow %v", i, e.Position, got[i-1].Position)
			}
		}
		if got[0].ContentType != "application/json" {
			t.Errorf("default content type = %q, want application/json", got[0].ContentType)
		}
		if got[1].ContentType != "application/octet-stream" {
			t.Errorf("content type = %q, want application/octet-stream", got[1].ContentType)
		}
		if res.Position != got[2].Position {
			t.Errorf("result position = %v, want the last event's %v", res.Position, got[2].Position)
		}
	})

	t.Run("RevisionsContinue", func(t *testing.T) {
		s := open(t)
		stream := newName("order")
		mustAppend(t, s, stream, domain.NoStream(), newEvents(2, "A")...)
		res := mustAppend(t, s, stream, domain.Exact(1), newEvents(3, "B")...)
		if res.NextExpectedRevision != 4 {
			t.Errorf("NextExpectedRevision = %d, want 4", res.NextExpectedRevision)
		}
		got := mustReadStream(t, s, stream, domain.ReadStreamOptions{})
		for i, e := range got {
			if e.Revision != uint64(i) {
				t.Errorf("event %d has revision %d", i, e.Revision)
			}
		}
		if len(got) != 5 {
			t.Errorf("stream has %d events, want 5", len(got))
		}
	})

	t.Run("PositionsGrowInCommitOrder", func(t *testing.T) {
		s := open(t)
		a, b := newName("a"), newName("b")
		r1 := mustAppend(t, s, a, domain.NoStream(), newEvent("X"))
		r2 := mustAppend(t, s, b, domain.NoStream(), newEvent("X"))
		r3 := mustAppend(t, s, a, domain.Exact(0), newEvent("X"))
		if !r1.Position.Less(r2.Position) || !r2.Position.Less(r3.Position) {
			t.Fatalf("result positions %v, %v, %v do not grow", r1.Position, r2.Position, r3.Position)
		}
		evA := mustReadStream(t, s, a, domain.ReadStreamOptions{})
		evB := mustReadStream(t, s, b, domain.ReadStreamOptions{})
		if evA[0].Position != r1.Position || evB[0].Position != r2.Position || evA[1].Position != r3.Position {
			t.Errorf("read positions %v, %v, %v, want %v, %v, %v", evA[0].Position, evB[0].Position, evA[1].Position, r1.Position, r2.Position, r3.Position)
		}
	})
}

func testExpected(t *testing.T, open func(tb testing.TB) domain.EventStore) {
	// existing makes a stream with three events (last revision 2).
	existing := func(t *testing.T, s domain.EventStore) string {
		stream := newName("order")
		mustAppend(t, s, stream, domain.NoStream(), newEvents(3, "Opened")...)
		return stream
	}
	ok := func(t *testing.T, s domain.EventStore, stream string, expected domain.ExpectedRevision, wantNext uint64) {
		t.Helper()
		res := mustAppend(t, s, stream, expected, newEvents(2, "Changed")...)
		if res.NextExpectedRevision != wantNext {
			t.Errorf("NextExpectedRevision = %d, want %d", res.NextExpectedRevision, wantNext)
		}
		if n := len(mustReadStream(t, s, stream, domain.ReadStreamOptions{})); uint64(n) != wantNext+1 {
			t.Errorf("stream has %d events, want %d", n, wantNext+1)
		}
	}
	conflict := func(t *testing.T, s domain.EventStore, stream string, expected domain.ExpectedRevision, actual uint64, exists bool) {
		t.Helper()
		_, err := s.Append(t.Context(), stream, expected, newEvents(2, "Changed")...)
		requireConflict(t, err, stream, actual, exists)
		if exists {
			if n := len(mustReadStream(t, s, stream, domain.ReadStreamOptions{})); uint64(n) != actual+1 {
				t.Errorf("after the conflict the stream has %d events, want %d", n, actual+1)
			}
		} else {
			requireNotFound(t, s, stream)
		}
	}

	t.Run("AnyOnNewStream", func(t *testing.T) { ok(t, open(t), newName("order"), domain.Any(), 1) })
	t.Run("AnyOnExistingStream", func(t *testing.T) {
		s := open(t)
		ok(t, s, existing(t, s), domain.Any(), 4)
	})
	t.Run("NoStreamOnNewStream", func(t *testing.T) { ok(t, open(t), newName("order"), domain.NoStream(), 1) })
	t.Run("ErrNoStreamOnExistingStream", func(t *testing.T) {
		s := open(t)
		conflict(t, s, existing(t, s), domain.NoStream(), 2, true)
	})
	t.Run("StreamExistsOnExistingStream", func(t *testing.T) {
		s := open(t)
		ok(t, s, existing(t, s), domain.StreamExists(), 4)
	})
	t.Run("ErrStreamExistsOnNewStream", func(t *testing.T) {
		conflict(t, open(t), newName("order"), domain.StreamExists(), 0, false)
	})
	t.Run("ExactOnLastRevision", func(t *testing.T) {
		s := open(t)
		ok(t, s, existing(t, s), domain.Exact(2), 4)
	})
	t.Run("ExpectRevisionOnNewStream", func(t *testing.T) { ok(t, open(t), newName("order"), domain.ExpectRevision(0), 1) })
	t.Run("ErrExactBehind", func(t *testing.T) {
		s := open(t)
		conflict(t, s, existing(t, s), domain.Exact(1), 2, true)
	})
	t.Run("ErrExactAhead", func(t *testing.T) {
		s := open(t)
		conflict(t, s, existing(t, s), domain.Exact(3), 2, true)
	})
	t.Run("ErrExactOnNewStream", func(t *testing.T) {
		conflict(t, open(t), newName("order"), domain.Exact(0), 0, false)
	})
}

func testIdempotency(t *testing.T, open func(tb testing.TB) domain.EventStore) {
	// retry appends events again and checks that nothing was written and the original result came back.
	retry := func(t *testing.T, s domain.EventStore, stream string, expected domain.ExpectedRevision, events []domain.EventData, want domain.AppendResult, wantLen int) {
		t.Helper()
		res, err := s.Append(t.Context(), stream, expected, events...)
		if err != nil {
			t.Fatalf("retry with %s: %v", expected, err)
		}
		if res != want {
			t.Errorf("retry with %s = %+v, want the original %+v", expected, res, want)
		}
		if n := len(mustReadStream(t, s, stream, domain.ReadStreamOptions{})); n != wantLen {
			t.Errorf("after the retry the stream has %d events, want %d", n, wantLen)
		}
	}

	t.Run("NoStreamRetry", func(t *testing.T) {
		s, stream, events := open(t), newName("order"), newEvents(3, "Opened")
		res := mustAppend(t, s, stream, domain.NoStream(), events...)
		retry(t, s, stream, domain.NoStream(), events, res, 3)
	})
	t.Run("ExactRetry", func(t *testing.T) {
		s, stream := open(t), newName("order")
		mustAppend(t, s, stream, domain.NoStream(), newEvents(2, "Opened")...)
		events := newEvents(3, "Changed")
		res := mustAppend(t, s, stream, domain.Exact(1), events...)
		retry(t, s, stream, domain.Exact(1), events, res, 5)
		retry(t, s, stream, domain.Exact(1), events, res, 5)
	})
	t.Run("RetryAfterManyLaterAppends", func(t *testing.T) {
		s, stream := open(t), newName("order")
		first := newEvents(2, "Opened")
		firstRes := mustAppend(t, s, stream, domain.NoStream(), first...)
		middle := newEvents(3, "Changed")
		var middleRes domain.AppendResult
		next := firstRes.NextExpectedRevision
		for i := range 40 {
			events := newEvents(3, "Changed")
			if i == 5 {
				events = middle
			}
			res := mustAppend(t, s, stream, domain.Exact(next), events...)
			if i == 5 {
				middleRes = res
			}
			next = res.NextExpectedRevision
		}
		retry(t, s, stream, domain.NoStream(), first, firstRes, 122)
		retry(t, s, stream, domain.Exact(middleRes.NextExpectedRevision-3), middle, middleRes, 122)
	})
	t.Run("PrefixRetry", func(t *testing.T) {
		// The events after the expected revision match the request one for one and the stream goes on:
		// the request is taken for a retry of the first part of the original append.
		s, stream, events := open(t), newName("order"), newEvents(3, "Opened")
		mustAppend(t, s, stream, domain.NoStream(), events...)
		want := mustReadStream(t, s, stream, domain.ReadStreamOptions{})[1]
		retry(t, s, stream, domain.NoStream(), events[:2], domain.AppendResult{NextExpectedRevision: 1, Position: want.Position}, 3)
	})
	t.Run("AnyRetry", func(t *testing.T) {
		s, stream, events := open(t), newName("order"), newEvents(2, "Opened")
		res := mustAppend(t, s, stream, domain.Any(), events...)
		retry(t, s, stream, domain.Any(), events, res, 2)
	})
	t.Run("StreamExistsRetry", func(t *testing.T) {
		s, stream := open(t), newName("order")
		mustAppend(t, s, stream, domain.NoStream(), newEvent("Opened"))
		events := newEvents(2, "Changed")
		res := mustAppend(t, s, stream, domain.StreamExists(), events...)
		retry(t, s, stream, domain.StreamExists(), events, res, 3)
	})
	t.Run("ErrFirstSameOthersDifferent", func(t *testing.T) {
		s, stream, events := open(t), newName("order"), newEvents(2, "Opened")
		mustAppend(t, s, stream, domain.NoStream(), events...)
		_, err := s.Append(t.Context(), stream, domain.NoStream(), events[0], newEvent("Opened"))
		requireConflict(t, err, stream, 1, true)
		requireLen(t, s, stream, 2)
	})
	t.Run("ErrSuperset", func(t *testing.T) {
		s, stream, events := open(t), newName("order"), newEvents(2, "Opened")
		mustAppend(t, s, stream, domain.NoStream(), events...)
		_, err := s.Append(t.Context(), stream, domain.NoStream(), append(slices.Clone(events), newEvent("Opened"))...)
		requireConflict(t, err, stream, 1, true)
		requireLen(t, s, stream, 2)
	})
	t.Run("ErrSupersetAtExact", func(t *testing.T) {
		s, stream := open(t), newName("order")
		mustAppend(t, s, stream, domain.NoStream(), newEvent("Opened"))
		events := newEvents(2, "Changed")
		mustAppend(t, s, stream, domain.Exact(0), events...)
		mustAppend(t, s, stream, domain.Exact(2), newEvent("Changed"))
		_, err := s.Append(t.Context(), stream, domain.Exact(0), append(slices.Clone(events), newEvent("Changed"), newEvent("Changed"))...)
		requireConflict(t, err, stream, 3, true)
		requireLen(t, s, stream, 4)
	})
	t.Run("ErrSameIDsInOtherOrder", func(t *testing.T) {
		s, stream, events := open(t), newName("order"), newEvents(2, "Opened")
		mustAppend(t, s, stream, domain.NoStream(), events...)
		_, err := s.Append(t.Context(), stream, domain.NoStream(), events[1], events[0])
		requireConflict(t, err, stream, 1, true)
		requireLen(t, s, stream, 2)
	})
	t.Run("ErrOtherEventsAtRevision", func(t *testing.T) {
		s, stream := open(t), newName("order")
		mustAppend(t, s, stream, domain.NoStream(), newEvent("Opened"))
		_, err := s.Append(t.Context(), stream, domain.NoStream(), newEvent("Opened"))
		requireConflict(t, err, stream, 0, true)
		requireLen(t, s, stream, 1)
	})
	t.Run("SameIDInOtherStreams", func(t *testing.T) {
		s, e := open(t), newEvent("Opened")
		a, b, c := newName("a"), newName("b"), newName("c")
		mustAppend(t, s, a, domain.NoStream(), e)
		mustAppend(t, s, b, domain.NoStream(), e)
		mustAppend(t, s, c, domain.Any(), e)
		for _, stream := range []string{a, b, c} {
			got := mustReadStream(t, s, stream, domain.ReadStreamOptions{})
			if len(got) != 1 || got[0].ID != e.ID {
				t.Errorf("stream %s holds %v, want [%s]", stream, eventIDs(got), e.ID)
			}
		}
	})
}

func testReadStream(t *testing.T, open func(tb testing.TB) domain.EventStore) {
	// fiveEvents makes a stream with revisions 0..4 in two appends.
	fiveEvents := func(t *testing.T, s domain.EventStore) string {
		stream := newName("order")
		mustAppend(t, s, stream, domain.NoStream(), newEvents(2, "A")...)
		mustAppend(t, s, stream, domain.Exact(1), newEvents(3, "B")...)
		return stream
	}
	cases := []struct {
		name string
		opts domain.ReadStreamOptions
		want []uint64
	}{
		{"Forwards", domain.ReadStreamOptions{}, []uint64{0, 1, 2, 3, 4}},
		{"ForwardsFrom", domain.ReadStreamOptions{From: 2}, []uint64{2, 3, 4}},
		{"ForwardsMax", domain.ReadStreamOptions{Max: 2}, []uint64{0, 1}},
		{"ForwardsFromMax", domain.ReadStreamOptions{From: 1, Max: 3}, []uint64{1, 2, 3}},
		{"ForwardsFromLast", domain.ReadStreamOptions{From: 4}, []uint64{4}},
		{"ForwardsPastEnd", domain.ReadStreamOptions{From: 5}, nil},
		{"BackwardsFromEnd", domain.ReadStreamOptions{Direction: domain.Backwards, FromEnd: true}, []uint64{4, 3, 2, 1, 0}},
		{"BackwardsFromEndMax", domain.ReadStreamOptions{Direction: domain.Backwards, FromEnd: true, Max: 2}, []uint64{4, 3}},
		{"BackwardsFrom", domain.ReadStreamOptions{Direction: domain.Backwards, From: 2}, []uint64{2, 1, 0}},
		{"BackwardsFromMax", domain.ReadStreamOptions{Direction: domain.Backwards, From: 3, Max: 2}, []uint64{3, 2}},
		{"BackwardsFromFirst", domain.ReadStreamOptions{Direction: domain.Backwards, From: 0}, []uint64{0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			stream := fiveEvents(t, s)
			all := mustReadStream(t, s, stream, domain.ReadStreamOptions{})
			got := mustReadStream(t, s, stream, tc.opts)
			if revs := revisions(got); !slices.Equal(revs, tc.want) {
				t.Fatalf("revisions = %v, want %v", revs, tc.want)
			}
			for _, e := range got {
				if e.ID != all[e.Revision].ID || e.Position != all[e.Revision].Position {
					t.Errorf("revision %d = %s at %v, want %s at %v", e.Revision, e.ID, e.Position, all[e.Revision].ID, all[e.Revision].Position)
				}
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		stream := newName("missing")
		for _, opts := range []domain.ReadStreamOptions{{}, {Direction: domain.Backwards, FromEnd: true}} {
			_, err := s.ReadStream(t.Context(), stream, opts)
			requireCode(t, err, domain.ENOTFOUND)
		}
	})
}

func testReadAll(t *testing.T, open func(tb testing.TB) domain.EventStore) {
	// fiveEvents appends five events in one append, so that nothing else lands between them, and returns them.
	fiveEvents := func(t *testing.T, s domain.EventStore) []domain.RecordedEvent {
		stream := newName("order")
		mustAppend(t, s, stream, domain.NoStream(), newEvents(5, "A")...)
		return mustReadStream(t, s, stream, domain.ReadStreamOptions{})
	}
	same := func(t *testing.T, got, want []domain.RecordedEvent) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("read %v, want %v", positions(got), positions(want))
		}
		for i := range got {
			if got[i].Position != want[i].Position || got[i].ID != want[i].ID || got[i].Stream != want[i].Stream || got[i].Revision != want[i].Revision {
				t.Fatalf("read %v, want %v", positions(got), positions(want))
			}
		}
	}

	t.Run("ForwardsFrom", func(t *testing.T) {
		s := open(t)
		ev := fiveEvents(t, s)
		same(t, mustReadAll(t, s, domain.ReadAllOptions{From: &ev[0].Position, Max: 5}), ev)
		same(t, mustReadAll(t, s, domain.ReadAllOptions{From: &ev[1].Position, Max: 2}), ev[1:3])
	})
	t.Run("BackwardsFrom", func(t *testing.T) {
		s := open(t)
		ev := fiveEvents(t, s)
		same(t, mustReadAll(t, s, domain.ReadAllOptions{Direction: domain.Backwards, From: &ev[4].Position, Max: 5}), reversed(ev))
		same(t, mustReadAll(t, s, domain.ReadAllOptions{Direction: domain.Backwards, From: &ev[3].Position, Max: 2}), reversed(ev[2:4]))
	})
	t.Run("ForwardsFromStart", func(t *testing.T) {
		s := open(t)
		ev := fiveEvents(t, s)
		got := mustReadAll(t, s, domain.ReadAllOptions{Max: 3})
		if len(got) != 3 || ev[0].Position.Less(got[0].Position) {
			t.Fatalf("read %v from the start, want 3 events from no later than %v", positions(got), ev[0].Position)
		}
		increasing(t, got)
	})
	t.Run("BackwardsFromEnd", func(t *testing.T) {
		s := open(t)
		ev := fiveEvents(t, s)
		got := mustReadAll(t, s, domain.ReadAllOptions{Direction: domain.Backwards, Max: 3})
		if len(got) != 3 || got[0].Position.Less(ev[4].Position) {
			t.Fatalf("read %v from the end, want 3 events from no earlier than %v", positions(got), ev[4].Position)
		}
		increasing(t, reversed(got))
	})
	t.Run("CommitOrderAcrossStreams", func(t *testing.T) {
		s := open(t)
		a, b := newName("a"), newName("b")
		r1 := mustAppend(t, s, a, domain.NoStream(), newEvent("X"))
		mustAppend(t, s, b, domain.NoStream(), newEvents(2, "X")...)
		mustAppend(t, s, a, domain.Exact(0), newEvent("X"))
		got := mustReadAll(t, s, domain.ReadAllOptions{From: &r1.Position, Max: 100})
		increasing(t, got)
		var mine []string
		for _, e := range got {
			if e.Stream == a || e.Stream == b {
				mine = append(mine, fmt.Sprintf("%s/%d", e.Stream, e.Revision))
			}
		}
		want := []string{a + "/0", b + "/0", b + "/1", a + "/1"}
		if !slices.Equal(mine, want) {
			t.Errorf("global log holds %v, want %v", mine, want)
		}
	})
}

func testSubscribeAll(t *testing.T, open func(tb testing.TB) domain.EventStore) {
	t.Run("FromStart", func(t *testing.T) {
		s, ns := open(t), newName("sub")
		want := append(mustAppendRead(t, s, ns+"-a", domain.NoStream(), 2), mustAppendRead(t, s, ns+"-b", domain.NoStream(), 1)...)
		sub := subscribe(t, s, domain.SubscribeAllOptions{Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns}}})
		sameEvents(t, recvUntilCaughtUp(t, sub), want)
	})
	t.Run("FromPositionExclusive", func(t *testing.T) {
		s, ns := open(t), newName("sub")
		ev := mustAppendRead(t, s, ns+"-a", domain.NoStream(), 3)
		sub := subscribe(t, s, domain.SubscribeAllOptions{From: &ev[0].Position, Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns}}})
		sameEvents(t, recvUntilCaughtUp(t, sub), ev[1:])
	})
	t.Run("FromLastPosition", func(t *testing.T) {
		s, ns := open(t), newName("sub")
		ev := mustAppendRead(t, s, ns+"-a", domain.NoStream(), 2)
		sub := subscribe(t, s, domain.SubscribeAllOptions{From: &ev[1].Position, Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns}}})
		sameEvents(t, recvUntilCaughtUp(t, sub), nil)
		live := mustAppendRead(t, s, ns+"-a", domain.Exact(1), 1)
		sameEvents(t, recvEvents(t, sub, 1), live)
	})
	t.Run("StreamPrefixFilter", func(t *testing.T) {
		s, ns := open(t), newName("sub")
		from := mark(t, s)
		var want []domain.RecordedEvent
		for i := range 3 {
			want = append(want, mustAppendRead(t, s, fmt.Sprintf("%s-wanted-%d", ns, i), domain.NoStream(), 2)...)
			mustAppendRead(t, s, fmt.Sprintf("%s-other-%d", ns, i), domain.NoStream(), 2)
		}
		sub := subscribe(t, s, domain.SubscribeAllOptions{From: &from, Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns + "-wanted-"}}})
		sameEvents(t, recvUntilCaughtUp(t, sub), want)
	})
	t.Run("EventTypePrefixFilter", func(t *testing.T) {
		s, ns := open(t), newName("sub")
		typ := "T" + strings.ReplaceAll(uuid.NewString(), "-", "")
		from := mark(t, s)
		stream := ns + "-a"
		mustAppend(t, s, stream, domain.NoStream(),
			newEvent(typ+".Opened"), newEvent("Other"), newEvent(typ+".Closed"), newEvent("X"+typ), newEvent(typ+".Reopened"))
		all := mustReadStream(t, s, stream, domain.ReadStreamOptions{})
		want := []domain.RecordedEvent{all[0], all[2], all[4]}
		sub := subscribe(t, s, domain.SubscribeAllOptions{From: &from, Filter: domain.SubscriptionFilter{EventTypePrefixes: []string{typ + "."}}})
		sameEvents(t, recvUntilCaughtUp(t, sub), want)
	})
	t.Run("EmptyFilterSkipsSystemEvents", func(t *testing.T) {
		s, stream := open(t), newName("sub")
		from := mark(t, s)
		mustAppend(t, s, stream, domain.NoStream(), newEvent("Opened"), newEvent("$system-"+uuid.NewString()), newEvent("Closed"))
		all := mustReadStream(t, s, stream, domain.ReadStreamOptions{})
		sub := subscribe(t, s, domain.SubscribeAllOptions{From: &from})
		var got []domain.RecordedEvent
		for len(got) < 2 {
			m := recv(t, sub)
			if m.Event != nil && m.Event.Stream == stream {
				got = append(got, *m.Event)
			}
		}
		sameEvents(t, got, []domain.RecordedEvent{all[0], all[2]})
	})
	t.Run("CaughtUpOnceBetweenHistoricalAndLive", func(t *testing.T) {
		s, ns := open(t), newName("sub")
		from := mark(t, s)
		historical := append(mustAppendRead(t, s, ns+"-a", domain.NoStream(), 3), mustAppendRead(t, s, ns+"-b", domain.NoStream(), 2)...)
		sub := subscribe(t, s, domain.SubscribeAllOptions{From: &from, Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns}}})
		sameEvents(t, recvUntilCaughtUp(t, sub), historical)

		var live []domain.RecordedEvent
		for i := range 3 {
			stream := fmt.Sprintf("%s-live-%d", ns, i)
			live = append(live, mustAppendRead(t, s, stream, domain.NoStream(), 2)...)
			live = append(live, mustAppendRead(t, s, ns+"-a", domain.Exact(uint64(2+i)), 1)[0])
		}
		// recvEvents fails on a second CaughtUp.
		sameEvents(t, recvEvents(t, sub, len(live)), live)
	})
	t.Run("LiveEventsInOrder", func(t *testing.T) {
		s, ns := open(t), newName("sub")
		sub := subscribe(t, s, domain.SubscribeAllOptions{From: ptr(mark(t, s)), Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns}}})
		sameEvents(t, recvUntilCaughtUp(t, sub), nil)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				stream := fmt.Sprintf("%s-%d", ns, g)
				for i := range 5 {
					if _, err := s.Append(t.Context(), stream, domain.ExpectRevision(uint64(2*i)), newEvents(2, "Live")...); err != nil {
						t.Errorf("append to %s: %v", stream, err)
						return
					}
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		var want []domain.RecordedEvent
		for g := range 4 {
			want = append(want, mustReadStream(t, s, fmt.Sprintf("%s-%d", ns, g), domain.ReadStreamOptions{})...)
		}
		sortByPosition(want)
		sameEvents(t, recvEvents(t, sub, len(want)), want)
	})
	t.Run("CheckpointsWhileFilterMatchesNothing", func(t *testing.T) {
		s, ns := open(t), newName("sub")
		const interval = 32
		from := mark(t, s)
		noise := func(start uint64) {
			for i := range 3 * interval / 12 {
				mustAppend(t, s, ns+"-noise", domain.ExpectRevision(start+uint64(12*i)), newEvents(12, "Noise")...)
			}
		}
		noise(0)
		sub := subscribe(t, s, domain.SubscribeAllOptions{
			From:               &from,
			Filter:             domain.SubscriptionFilter{StreamPrefixes: []string{ns + "-wanted"}},
			CheckpointInterval: interval,
		})
		var last *domain.Position
		checkpoint := func(m domain.SubscriptionMessage) bool {
			t.Helper()
			if m.Event != nil {
				t.Fatalf("received %s/%d, which the filter does not match", m.Event.Stream, m.Event.Revision)
			}
			if m.Checkpoint == nil {
				return false
			}
			if last != nil && m.Checkpoint.Less(*last) {
				t.Fatalf("checkpoint %v went back from %v", *m.Checkpoint, *last)
			}
			last = m.Checkpoint
			return true
		}
		// A checkpoint comes while catching up or soon after.
		caughtUp := false
		for !caughtUp || last == nil {
			m := recv(t, sub)
			checkpoint(m)
			if m.CaughtUp {
				if caughtUp {
					t.Fatal("second CaughtUp")
				}
				caughtUp = true
			}
		}
		// And while live.
		noise(3 * interval)
		for m := recv(t, sub); !checkpoint(m); m = recv(t, sub) {
		}
		// The filter still lets matching events through.
		want := mustAppendRead(t, s, ns+"-wanted", domain.NoStream(), 1)
		for {
			m := recv(t, sub)
			if m.Event != nil {
				sameEvents(t, []domain.RecordedEvent{*m.Event}, want)
				break
			}
			checkpoint(m)
		}
	})
	t.Run("CloseEndsRecv", func(t *testing.T) {
		s, ns := open(t), newName("sub")
		mustAppend(t, s, ns, domain.NoStream(), newEvent("X"))
		sub, err := s.SubscribeAll(t.Context(), domain.SubscribeAllOptions{Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns}}})
		if err != nil {
			t.Fatalf("SubscribeAll: %v", err)
		}
		if err := sub.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		requireRecvEnds(t, sub)
	})
	t.Run("ContextCancelEndsRecv", func(t *testing.T) {
		s, ns := open(t), newName("sub")
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		sub, err := s.SubscribeAll(ctx, domain.SubscribeAllOptions{From: ptr(mark(t, s)), Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns}}})
		if err != nil {
			t.Fatalf("SubscribeAll: %v", err)
		}
		t.Cleanup(func() { _ = sub.Close() })
		for m, err := sub.Recv(); !m.CaughtUp; m, err = sub.Recv() {
			if err != nil {
				t.Fatalf("Recv: %v", err)
			}
		}
		// Recv waits for live events; cancelling the context ends the wait.
		errc := make(chan error, 1)
		go func() {
			for {
				if _, err := sub.Recv(); err != nil {
					errc <- err
					return
				}
			}
		}()
		time.Sleep(10 * time.Millisecond)
		cancel()
		select {
		case err := <-errc:
			if err == nil {
				t.Fatal("Recv returned a nil error")
			}
		case <-time.After(recvTimeout):
			t.Fatal("Recv still waits after the context was cancelled")
		}
		requireRecvEnds(t, sub)
	})
}

func testConcurrency(t *testing.T, open func(tb testing.TB) domain.EventStore) {
	t.Run("EveryEventOnceInOrder", func(t *testing.T) {
		const (
			writers         = 16
			eventsPerWriter = 50
			racers          = 8
			callsPerRacer   = 4
			eventsPerCall   = 3
		)
		s, ns := open(t), newName("race")
		sub := subscribe(t, s, domain.SubscribeAllOptions{From: ptr(mark(t, s)), Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns}}})
		sameEvents(t, recvUntilCaughtUp(t, sub), nil)

		type received struct {
			events []domain.RecordedEvent
			err    error
		}
		total := writers*eventsPerWriter + racers*callsPerRacer*eventsPerCall
		recvd := make(chan received, 1)
		go func() {
			var r received
			for len(r.events) < total && r.err == nil {
				var m domain.SubscriptionMessage
				if m, r.err = sub.Recv(); m.Event != nil {
					r.events = append(r.events, *m.Event)
				} else if m.CaughtUp {
					r.err = errors.New("second CaughtUp")
				}
			}
			recvd <- r
		}()

		var wg sync.WaitGroup
		own := make([][]domain.EventData, writers)
		for w := range writers {
			own[w] = newEvents(eventsPerWriter, "Own")
			wg.Go(func() {
				stream := fmt.Sprintf("%s-own-%d", ns, w)
				for i, e := range own[w] {
					if _, err := s.Append(t.Context(), stream, domain.ExpectRevision(uint64(i)), e); err != nil {
						t.Errorf("append %d to %s: %v", i, stream, err)
						return
					}
				}
			})
		}
		shared := ns + "-shared"
		calls := make([][]domain.EventData, racers*callsPerRacer)
		for i := range calls {
			calls[i] = newEvents(eventsPerCall, "Shared")
		}
		for r := range racers {
			wg.Go(func() {
				expected := domain.NoStream()
				for c := range callsPerRacer {
					events := calls[r*callsPerRacer+c]
					for attempt := 0; ; attempt++ {
						res, err := s.Append(t.Context(), shared, expected, events...)
						var wre *domain.WrongExpectedRevisionError
						if errors.As(err, &wre) && attempt < 10_000 {
							expected = domain.ExpectRevision(0)
							if wre.StreamExists {
								expected = domain.Exact(wre.Actual)
							}
							continue
						} else if err != nil {
							t.Errorf("racer %d append: %v", r, err)
							return
						}
						expected = domain.Exact(res.NextExpectedRevision)
						break
					}
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}

		// Every stream holds its events once, without gaps, and each call's events together.
		var want []domain.RecordedEvent
		for w := range writers {
			got := mustReadStream(t, s, fmt.Sprintf("%s-own-%d", ns, w), domain.ReadStreamOptions{})
			if !slices.Equal(eventIDs(got), dataIDs(own[w])) {
				t.Errorf("own stream %d holds %d events, not the %d appended in order", w, len(got), eventsPerWriter)
			}
			want = append(want, got...)
		}
		got := mustReadStream(t, s, shared, domain.ReadStreamOptions{})
		if len(got) != len(calls)*eventsPerCall {
			t.Fatalf("shared stream holds %d events, want %d", len(got), len(calls)*eventsPerCall)
		}
		byFirst := map[string][]domain.EventData{}
		for _, c := range calls {
			byFirst[c[0].ID] = c
		}
		for i := 0; i < len(got); i += eventsPerCall {
			call, ok := byFirst[got[i].ID]
			if !ok {
				t.Fatalf("shared stream revision %d is %s, which does not start a call", i, got[i].ID)
			}
			delete(byFirst, got[i].ID)
			if ids := eventIDs(got[i : i+eventsPerCall]); !slices.Equal(ids, dataIDs(call)) {
				t.Fatalf("shared stream revisions %d.. hold %v, want one call's %v", i, ids, dataIDs(call))
			}
		}
		for i, e := range got {
			if e.Revision != uint64(i) {
				t.Fatalf("shared stream event %d has revision %d", i, e.Revision)
			}
		}
		want = append(want, got...)

		// The subscriber saw every event once, in position order.
		sortByPosition(want)
		r := <-recvd
		if r.err != nil {
			t.Fatalf("subscriber: %v after %d of %d events", r.err, len(r.events), total)
		}
		sameEvents(t, r.events, want)
	})
}

func testValidation(t *testing.T, open func(tb testing.TB) domain.EventStore) {
	t.Run("ErrEmptyStreamName", func(t *testing.T) {
		s := open(t)
		_, err := s.Append(t.Context(), "", domain.Any(), newEvent("X"))
		requireCode(t, err, domain.EINVALID)
		_, err = s.ReadStream(t.Context(), "", domain.ReadStreamOptions{})
		requireCode(t, err, domain.EINVALID)
	})
	t.Run("ErrNoEvents", func(t *testing.T) {
		s, stream := open(t), newName("order")
		_, err := s.Append(t.Context(), stream, domain.Any())
		requireCode(t, err, domain.EINVALID)
	})
	t.Run("ErrEventWithoutType", func(t *testing.T) {
		s, stream := open(t), newName("order")
		_, err := s.Append(t.Context(), stream, domain.Any(), newEvent("X"), domain.EventData{ID: uuid.NewString()})
		requireCode(t, err, domain.EINVALID)
		requireNotFound(t, s, stream)
	})
	t.Run("ErrEventIDNotUUID", func(t *testing.T) {
		s, stream := open(t), newName("order")
		for _, id := range []string{"", "order-1", "1234"} {
			_, err := s.Append(t.Context(), stream, domain.Any(), newEvent("X"), domain.EventData{ID: id, Type: "X"})
			requireCode(t, err, domain.EINVALID)
		}
		requireNotFound(t, s, stream)
	})
}

// newName returns a name no other test uses.
func newName(prefix string) string {
	return prefix + "-" + strings.ReplaceAll(uuid.NewString(), "-", "")
}

// newEvent returns an event of type typ with a fresh ID.
func newEvent(typ string) domain.EventData {
	return domain.EventData{ID: uuid.NewString(), Type: typ, Data: []byte(`{"n":1}`)}
}

// newEvents returns n events of type typ.
func newEvents(n int, typ string) []domain.EventData {
	events := make([]domain.EventData, n)
	for i := range events {
		events[i] = newEvent(typ)
	}
	return events
}

func mustAppend(t testing.TB, s domain.EventStore, stream string, expected domain.ExpectedRevision, events ...domain.EventData) domain.AppendResult {
	t.Helper()
	res, err := s.Append(context.Background(), stream, expected, events...)
	if err != nil {
		t.Fatalf("append %d events to %s with %s: %v", len(events), stream, expected, err)
	}
	return res
}

// mustAppendRead appends n new events and returns them as recorded.
func mustAppendRead(t testing.TB, s domain.EventStore, stream string, expected domain.ExpectedRevision, n int) []domain.RecordedEvent {
	t.Helper()
	res := mustAppend(t, s, stream, expected, newEvents(n, "Test")...)
	return mustReadStream(t, s, stream, domain.ReadStreamOptions{From: res.NextExpectedRevision + 1 - uint64(n)})
}

// mark appends an event to a stream of its own and returns its position: subscriptions from it see only
// what the test appends after it.
func mark(t testing.TB, s domain.EventStore) domain.Position {
	t.Helper()
	return mustAppend(t, s, newName("mark"), domain.NoStream(), newEvent("Mark")).Position
}

func mustReadStream(t testing.TB, s domain.EventStore, stream string, opts domain.ReadStreamOptions) []domain.RecordedEvent {
	t.Helper()
	events, err := s.ReadStream(context.Background(), stream, opts)
	if err != nil {
		t.Fatalf("read %s with %+v: %v", stream, opts, err)
	}
	return events
}

func mustReadAll(t testing.TB, s domain.EventStore, opts domain.ReadAllOptions) []domain.RecordedEvent {
	t.Helper()
	events, err := s.ReadAll(context.Background(), opts)
	if err != nil {
		t.Fatalf("read all with %+v: %v", opts, err)
	}
	return events
}

func requireCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

func requireConflict(t testing.TB, err error, stream string, actual uint64, exists bool) {
	t.Helper()
	requireCode(t, err, domain.ECONFLICT)
	var wre *domain.WrongExpectedRevisionError
	if !errors.As(err, &wre) {
		t.Fatalf("error %v is not a *domain.WrongExpectedRevisionError", err)
	}
	if wre.Stream != stream || wre.StreamExists != exists || (exists && wre.Actual != actual) {
		t.Fatalf("conflict on %s reports stream exists %t at %d, want %t at %d", wre.Stream, wre.StreamExists, wre.Actual, exists, actual)
	}
}

func requireNotFound(t testing.TB, s domain.EventStore, stream string) {
	t.Helper()
	_, err := s.ReadStream(context.Background(), stream, domain.ReadStreamOptions{})
	requireCode(t, err, domain.ENOTFOUND)
}

func requireLen(t testing.TB, s domain.EventStore, stream string, n int) {
	t.Helper()
	if got := len(mustReadStream(t, s, stream, domain.ReadStreamOptions{})); got != n {
		t.Fatalf("stream %s holds %d events, want %d", stream, got, n)
	}
}

// subscribe starts a subscription that ends with the test or after subscriptionTimeout.
func subscribe(t testing.TB, s domain.EventStore, opts domain.SubscribeAllOptions) domain.Subscription {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), subscriptionTimeout)
	sub, err := s.SubscribeAll(ctx, opts)
	if err != nil {
		cancel()
		t.Fatalf("SubscribeAll: %v", err)
	}
	t.Cleanup(func() {
		_ = sub.Close()
		cancel()
	})
	return sub
}

func recv(t testing.TB, sub domain.Subscription) domain.SubscriptionMessage {
	t.Helper()
	m, err := sub.Recv()
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	if n := btoi(m.Event != nil) + btoi(m.Checkpoint != nil) + btoi(m.CaughtUp); n != 1 {
		t.Fatalf("message %+v is not exactly one of event, checkpoint and caught-up", m)
	}
	return m
}

// recvUntilCaughtUp returns the events received before CaughtUp.
func recvUntilCaughtUp(t testing.TB, sub domain.Subscription) []domain.RecordedEvent {
	t.Helper()
	var events []domain.RecordedEvent
	for {
		m := recv(t, sub)
		if m.CaughtUp {
			return events
		}
		if m.Event != nil {
			events = append(events, *m.Event)
		}
	}
}

// recvEvents returns the next n events, failing on a CaughtUp.
func recvEvents(t testing.TB, sub domain.Subscription, n int) []domain.RecordedEvent {
	t.Helper()
	var events []domain.RecordedEvent
	for len(events) < n {
		m := recv(t, sub)
		if m.CaughtUp {
			t.Fatal("second CaughtUp")
		}
		if m.Event != nil {
			events = append(events, *m.Event)
		}
	}
	return events
}

// requireRecvEnds checks that Recv returns an error now and keeps doing so.
func requireRecvEnds(t testing.TB, sub domain.Subscription) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		for range 1000 { // a store may still hand out what it had buffered
			if _, err := sub.Recv(); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Recv keeps returning messages after the subscription ended")
		}
	case <-time.After(recvTimeout):
		t.Fatal("Recv still waits after the subscription ended")
	}
	if _, err := sub.Recv(); err == nil {
		t.Fatal("Recv returned a message after it had returned an error")
	}
}

// sameEvents checks that got are the events want, in order.
func sameEvents(t testing.TB, got, want []domain.RecordedEvent) {
	t.Helper()
	key := func(events []domain.RecordedEvent) []string {
		keys := make([]string, len(events))
		for i, e := range events {
			keys[i] = fmt.Sprintf("%s/%d@%v", e.Stream, e.Revision, e.Position)
		}
		return keys
	}
	if g, w := key(got), key(want); !slices.Equal(g, w) {
		if len(g) > 20 || len(w) > 20 {
			t.Fatalf("received %d events, want %d; first difference at %d", len(g), len(w), firstDiff(g, w))
		}
		t.Fatalf("received %v, want %v", g, w)
	}
	for i := range got {
		if got[i].ID != want[i].ID || got[i].Type != want[i].Type || !bytes.Equal(got[i].Data, want[i].Data) {
			t.Fatalf("event %d = %s %s %q, want %s %s %q", i, got[i].ID, got[i].Type, got[i].Data, want[i].ID, want[i].Type, want[i].Data)
		}
	}
	increasing(t, got)
}

// increasing checks that events are in strictly increasing position order.
func increasing(t testing.TB, events []domain.RecordedEvent) {
	t.Helper()
	for i := 1; i < len(events); i++ {
		if !events[i-1].Position.Less(events[i].Position) {
			t.Fatalf("position %v follows %v", events[i].Position, events[i-1].Position)
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func eventIDs(events []domain.RecordedEvent) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}

func dataIDs(events []domain.EventData) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}

func revisions(events []domain.RecordedEvent) []uint64 {
	var revs []uint64
	for _, e := range events {
		revs = append(revs, e.Revision)
	}
	return revs
}

func positions(events []domain.RecordedEvent) []domain.Position {
	ps := make([]domain.Position, len(events))
	for i, e := range events {
		ps[i] = e.Position
	}
	return ps
}

func reversed(events []domain.RecordedEvent) []domain.RecordedEvent {
	r := slices.Clone(events)
	slices.Reverse(r)
	return r
}

// sortByPosition sorts events into the order of the global log.
func sortByPosition(events []domain.RecordedEvent) {
	slices.SortFunc(events, func(a, b domain.RecordedEvent) int {
		switch {
		case a.Position.Less(b.Position):
			return -1
		case b.Position.Less(a.Position):
			return 1
		}
		return 0
	})
}

func ptr[T any](v T) *T { return &v }

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchAppendSingle measures sequential appends of one event each to one stream and reports events/s.
func BenchAppendSingle(b *testing.B, open func(tb testing.TB) domain.EventStore) {
	s, stream := open(b), newName("bench")
	ctx := b.Context()
	var n uint64
	for b.Loop() {
		if _, err := s.Append(ctx, stream, domain.ExpectRevision(n), newEvent("Bench")); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchAppendConcurrent measures appends of one event each by goroutines appenders, each to its own
// stream, and reports events/s.
func BenchAppendConcurrent(b *testing.B, open func(tb testing.TB) domain.EventStore, goroutines int) {
	s, ns := open(b), newName("bench")
	ctx := b.Context()
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	b.ResetTimer()
	for g := range goroutines {
		wg.Go(func() {
			stream := fmt.Sprintf("%s-%d", ns, g)
			var n uint64
			for next.Add(1) <= int64(b.N) {
				if _, err := s.Append(ctx, stream, domain.ExpectRevision(n), newEvent("Bench")); err != nil {
					b.Error(err)
					return
				}
				n++
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchCatchUp measures a subscription catching up with a log of at least events events and reports the
// events received per second.
func BenchCatchUp(b *testing.B, open func(tb testing.TB) domain.EventStore, events int) {
	s, ns := open(b), newName("bench")
	from := mark(b, s)
	const perAppend = 1000
	for i := 0; i < events; i += perAppend {
		mustAppend(b, s, fmt.Sprintf("%s-%d", ns, i/perAppend), domain.NoStream(), newEvents(min(perAppend, events-i), "Bench")...)
	}
	var received int
	for b.Loop() {
		sub, err := s.SubscribeAll(b.Context(), domain.SubscribeAllOptions{From: &from, Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns}}})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			m, err := sub.Recv()
			if err != nil {
				b.Fatal(err)
			}
			if m.CaughtUp {
				break
			}
			if m.Event != nil {
				n++
			}
		}
		if n != events {
			b.Fatalf("caught up after %d events, want %d", n, events)
		}
		received += n
		_ = sub.Close()
	}
	b.ReportMetric(float64(received)/b.Elapsed().Seconds(), "events/s")
}
