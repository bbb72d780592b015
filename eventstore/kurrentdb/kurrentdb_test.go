package kurrentdb_test

import (
	"context"
	"errors"
	"net"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/eventstoretest"
	"github.com/predmet/predmet/eventstore/kurrentdb"
	"github.com/predmet/predmet/eventstore/kurrentdb/kurrentdbtest"
	"github.com/predmet/predmet/eventstore/sqlite"
)

// TestConformance runs the conformance suite against the real KurrentDB server that PREDMET_KURRENTDB_URL
// names, e.g. "kurrentdb://admin:changeit@localhost:2113?tls=false". The suite names its streams with
// fresh UUIDs, so the server need not be empty.
func TestConformance(t *testing.T) {
	url := os.Getenv("PREDMET_KURRENTDB_URL")
	if url == "" {
		t.Skip("PREDMET_KURRENTDB_URL not set: no KurrentDB server runs in this repository's CI")
	}
	eventstoretest.Run(t, func(tb testing.TB) domain.EventStore { return MustOpenStore(tb, url) })
}

// TestConformanceAgainstGRPCDouble runs the conformance suite through the adapter and the official client
// against kurrentdbtest's double of the gRPC API, backed by the embedded SQLite store. It checks the
// adapter's translation of the wire protocol (and the client's), not KurrentDB's behaviour: for that,
// set PREDMET_KURRENTDB_URL and run TestConformance. A small page size makes every read page.
func TestConformanceAgainstGRPCDouble(t *testing.T) {
	server := kurrentdbtest.MustStart(t)
	eventstoretest.Run(t, func(tb testing.TB) domain.EventStore {
		return MustOpenStore(tb, server.URL(), kurrentdb.WithPageSize(2))
	})
}

// MustOpenStore opens a Store on url and closes it when tb ends.
func MustOpenStore(tb testing.TB, url string, opts ...kurrentdb.Option) *kurrentdb.Store {
	tb.Helper()
	s, err := kurrentdb.Open(url, opts...)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

func newEvent(typ string) domain.EventData {
	return domain.EventData{ID: uuid.NewString(), Type: typ, Data: []byte(`{}`)}
}

func TestOpen(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, url := range []string{
			"kurrentdb://admin:changeit@localhost:2113?tls=false",
			"esdb://localhost:2113?tls=false",
			"kurrentdb+discover://node1.example:2113,node2.example:2113",
		} {
			s, err := kurrentdb.Open(url)
			if err != nil {
				t.Errorf("Open(%q): %v", url, err)
				continue
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, url := range []string{"", "http://localhost:2113", "kurrentdb://localhost:2113/path", "kurrentdb://localhost:2113?tls=maybe"} {
			if _, err := kurrentdb.Open(url); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("Open(%q) = %v, want EINVALID", url, err)
			}
		}
	})
}

// TestAppend covers what the adapter checks before sending, beyond the conformance suite.
func TestAppend(t *testing.T) {
	server := kurrentdbtest.MustStart(t)
	s := MustOpenStore(t, server.URL())

	t.Run("ErrContentType", func(t *testing.T) {
		// KurrentDB stores JSON or bytes: any other content type would come back as bytes.
		e := newEvent("X")
		e.ContentType = "text/plain"
		_, err := s.Append(t.Context(), "order-"+uuid.NewString(), domain.Any(), e)
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("Append = %v, want EINVALID", err)
		}
	})
	t.Run("ErrNilUUID", func(t *testing.T) {
		// The client would replace it by a random ID, and a retry would write the event twice.
		e := newEvent("X")
		e.ID = uuid.Nil.String()
		_, err := s.Append(t.Context(), "order-"+uuid.NewString(), domain.Any(), e)
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("Append = %v, want EINVALID", err)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		closed := MustOpenStore(t, server.URL())
		if err := closed.Close(); err != nil {
			t.Fatal(err)
		}
		_, err := closed.Append(t.Context(), "order-"+uuid.NewString(), domain.Any(), newEvent("X"))
		if domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Fatalf("Append after Close = %v, want EUNAVAILABLE", err)
		}
	})
	t.Run("ErrContextCanceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := s.Append(ctx, "order-"+uuid.NewString(), domain.Any(), newEvent("X"))
		if domain.ErrorCode(err) != domain.EUNAVAILABLE || !errors.Is(err, context.Canceled) {
			t.Fatalf("Append = %v, want EUNAVAILABLE wrapping context.Canceled", err)
		}
	})
}

// TestUnavailable checks that a server that cannot be reached gives EUNAVAILABLE, and that the Store
// recovers when it comes up (the official client gives up for good after a failed discovery).
func TestUnavailable(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listener.Addr().String()
	if err := listener.Close(); err != nil {
		t.Fatal(err)
	}
	s := MustOpenStore(t, "kurrentdb://"+addr+"?tls=false&maxDiscoverAttempts=1&discoveryInterval=10")
	stream := "order-" + uuid.NewString()

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := s.Append(ctx, stream, domain.NoStream(), newEvent("X")); domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("Append with no server = %v, want EUNAVAILABLE", err)
	}
	if _, err := s.ReadStream(ctx, stream, domain.ReadStreamOptions{}); domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("ReadStream with no server = %v, want EUNAVAILABLE", err)
	}

	listener, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	store, err := sqlite.Open(t.TempDir() + "/events.db")
	if err != nil {
		t.Fatal(err)
	}
	server := kurrentdbtest.Serve(store, listener)
	t.Cleanup(func() {
		server.Close()
		_ = store.Close()
	})
	if _, err := s.Append(ctx, stream, domain.NoStream(), newEvent("X")); err != nil {
		t.Fatalf("Append once the server is up: %v", err)
	}
}

// TestSubscribeAll covers the translation of subscription messages beyond the conformance suite.
func TestSubscribeAll(t *testing.T) {
	t.Run("ErrServerStops", func(t *testing.T) {
		store, err := sqlite.Open(t.TempDir() + "/events.db")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.Close() })
		server, err := kurrentdbtest.Start(store)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(server.Close)
		s := MustOpenStore(t, server.URL())

		sub, err := s.SubscribeAll(t.Context(), domain.SubscribeAllOptions{})
		if err != nil {
			t.Fatalf("SubscribeAll: %v", err)
		}
		defer sub.Close()
		for {
			m, err := sub.Recv()
			if err != nil {
				t.Fatalf("Recv: %v", err)
			}
			if m.CaughtUp {
				break
			}
		}
		server.Close()
		if _, err := sub.Recv(); domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Fatalf("Recv after the server stopped = %v, want EUNAVAILABLE", err)
		}
	})
	t.Run("StreamAndEventTypePrefixes", func(t *testing.T) {
		// The server filters on one of them; the adapter applies the other.
		server := kurrentdbtest.MustStart(t)
		s := MustOpenStore(t, server.URL())
		ns := "case-" + uuid.NewString()
		for _, stream := range []string{ns + "-a", "other-" + uuid.NewString()} {
			if _, err := s.Append(t.Context(), stream, domain.NoStream(), newEvent("Opened"), newEvent("Noted"), newEvent("Closed")); err != nil {
				t.Fatal(err)
			}
		}
		sub, err := s.SubscribeAll(t.Context(), domain.SubscribeAllOptions{
			Filter: domain.SubscriptionFilter{StreamPrefixes: []string{ns}, EventTypePrefixes: []string{"Opened", "Closed"}},
		})
		if err != nil {
			t.Fatalf("SubscribeAll: %v", err)
		}
		defer sub.Close()
		var got []string
		for {
			m, err := sub.Recv()
			if err != nil {
				t.Fatalf("Recv: %v", err)
			}
			if m.CaughtUp {
				break
			}
			if m.Event != nil {
				got = append(got, m.Event.Stream+"/"+m.Event.Type)
			}
		}
		if want := []string{ns + "-a/Opened", ns + "-a/Closed"}; !slices.Equal(got, want) {
			t.Fatalf("received %v, want %v", got, want)
		}
	})
	t.Run("CheckpointInterval", func(t *testing.T) {
		server := kurrentdbtest.MustStart(t)
		s := MustOpenStore(t, server.URL())
		stream := "noise-" + uuid.NewString()
		events := make([]domain.EventData, 10)
		for i := range events {
			events[i] = newEvent("Noise")
		}
		if _, err := s.Append(t.Context(), stream, domain.NoStream(), events...); err != nil {
			t.Fatal(err)
		}
		// The interval reaches the server as the search window; a filter matching nothing still
		// sees a checkpoint every 4 events scanned.
		sub, err := s.SubscribeAll(t.Context(), domain.SubscribeAllOptions{
			Filter:             domain.SubscriptionFilter{StreamPrefixes: []string{"wanted-"}},
			CheckpointInterval: 4,
		})
		if err != nil {
			t.Fatalf("SubscribeAll: %v", err)
		}
		defer sub.Close()
		var checkpoints []domain.Position
		for {
			m, err := sub.Recv()
			if err != nil {
				t.Fatalf("Recv: %v", err)
			}
			if m.Event != nil {
				t.Fatalf("received %s/%d, which the filter does not match", m.Event.Stream, m.Event.Revision)
			}
			if m.Checkpoint != nil {
				checkpoints = append(checkpoints, *m.Checkpoint)
			}
			if m.CaughtUp {
				break
			}
		}
		if len(checkpoints) < 2 {
			t.Fatalf("received checkpoints %v while scanning 10 events, want at least 2", checkpoints)
		}
	})
}

func TestWithLogger(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	server := kurrentdbtest.MustStart(t)
	s := MustOpenStore(t, server.URL(), kurrentdb.WithLogger(zap.New(core)))
	if _, err := s.Append(t.Context(), "order-"+uuid.NewString(), domain.NoStream(), newEvent("X")); err != nil {
		t.Fatal(err)
	}
	if logs.FilterLoggerName("kurrentdb").Len() == 0 {
		t.Fatal("the client logged nothing through the logger")
	}
}
