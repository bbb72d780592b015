// Package sqlite is the embedded domain.EventStore: one SQLite file, written by one group-committing writer.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/predmet/predmet/domain"
)

var _ domain.EventStore = (*Store)(nil)

// Store is an event store in one SQLite file. Appends go through a single writer goroutine that commits the
// appends queued while the previous transaction was being synced in one transaction (group commit); a
// successful Append has been fsynced (WAL mode, synchronous=FULL). Reads and subscriptions use a separate
// pool of read connections, which WAL lets run beside the writer.
//
// One Store owns its file: open it once per process and do not share it with other processes. A second
// handle on the same file would still keep streams consistent, since every write transaction checks the
// expectations and assigns positions inside itself, but its commits would reach this handle's subscriptions
// only at this handle's next commit.
type Store struct {
	path string
	opts options

	wdb  *sql.DB   // the writer's database handle, one connection
	conn *sql.Conn // the writer's connection, used only by the writer goroutine
	w    writeStmts
	rdb  *sql.DB // the read pool
	r    readStmts

	reqs     chan *appendReq // unbuffered: callers wait in line while the writer commits
	closing  chan struct{}   // closed when Close begins
	writerWG sync.WaitGroup

	ctx    context.Context // canceled with errStoreClosed by Close; ends the subscriptions
	cancel context.CancelCauseFunc

	mu        sync.Mutex
	closed    bool
	committed uint64        // the last committed position
	notify    chan struct{} // closed and replaced on every commit that wrote events
	subWG     sync.WaitGroup
}

// Option configures a Store.
type Option func(*options)

type options struct {
	readConns   int
	maxBatch    int
	busyTimeout time.Duration
}

// WithReadConnections sets the size of the read connection pool (8 by default).
func WithReadConnections(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.readConns = n
		}
	}
}

// WithMaxBatch sets the most Append calls committed in one transaction (256 by default).
func WithMaxBatch(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxBatch = n
		}
	}
}

// WithBusyTimeout sets how long a connection waits for a lock held by another connection (5 s by default).
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.busyTimeout = d
		}
	}
}

// Open opens or creates the event store in the SQLite file at path and migrates its schema to the current
// version. The file's directory must exist. Close the Store when done.
func Open(path string, opts ...Option) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, domain.FieldErrorf("path", "event store path %q must be a plain file path", path)
	}
	o := options{readConns: 8, maxBatch: 256, busyTimeout: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}

	s := &Store{
		path:    path,
		opts:    o,
		reqs:    make(chan *appendReq),
		closing: make(chan struct{}),
		notify:  make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancelCause(context.Background())
	if err := s.open(); err != nil {
		s.cancel(errStoreClosed)
		_ = s.closeDBs() // the open error says more
		return nil, err
	}
	s.writerWG.Add(1)
	go s.writer()
	return s, nil
}

// dsn builds a modernc.org/sqlite data source name with the given pragmas.
func (s *Store) dsn(pragmas ...string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", s.opts.busyTimeout.Milliseconds()))
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return s.path + "?" + q.Encode()
}

func (s *Store) open() error {
	ctx := context.Background()
	var err error
	if s.wdb, err = sql.Open("sqlite", s.dsn("journal_mode(WAL)", "synchronous(FULL)", "cache_size(-16000)")); err != nil {
		return wrapErr("open", err)
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	if s.conn, err = s.wdb.Conn(ctx); err != nil {
		return wrapErr("open", err)
	}
	// Durability rests on these two settings; make sure the driver applied them.
	var (
		mode        string
		synchronous int
	)
	if err := s.conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return wrapErr("open", err)
	} else if err := s.conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&synchronous); err != nil {
		return wrapErr("open", err)
	} else if !strings.EqualFold(mode, "wal") || synchronous != 2 {
		return domain.Errorf(domain.EINTERNAL, "event store %s: journal mode %q, synchronous %d; want WAL and 2 (FULL)", s.path, mode, synchronous)
	}
	if err := migrate(ctx, s.conn); err != nil {
		return err
	}
	if err := s.conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) FROM events`).Scan(&s.committed); err != nil {
		return wrapErr("open", err)
	}
	if err := s.w.prepare(ctx, s.conn); err != nil {
		return err
	}

	if s.rdb, err = sql.Open("sqlite", s.dsn("query_only(1)", "cache_size(-8000)")); err != nil {
		return wrapErr("open", err)
	}
	s.rdb.SetMaxOpenConns(s.opts.readConns)
	s.rdb.SetMaxIdleConns(s.opts.readConns)
	s.rdb.SetConnMaxIdleTime(time.Minute)
	return s.r.prepare(ctx, s.rdb)
}

// Close stops accepting appends, lets the writer finish the transaction under way, ends every subscription
// and closes the database. Appends still waiting in line fail with EUNAVAILABLE.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()

	close(s.closing)
	s.cancel(errStoreClosed)
	s.writerWG.Wait()
	s.subWG.Wait()
	return s.closeDBs()
}

func (s *Store) closeDBs() error {
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = wrapErr("close", err)
		}
	}
	keep(s.r.close())
	if s.rdb != nil {
		keep(s.rdb.Close())
	}
	keep(s.w.close())
	if s.conn != nil {
		keep(s.conn.Close())
	}
	if s.wdb != nil {
		keep(s.wdb.Close())
	}
	return first
}

// commitState returns the last committed position and a channel closed at the next commit.
func (s *Store) commitState() (uint64, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.committed, s.notify
}

// publish records a commit up to position last and wakes the subscriptions.
func (s *Store) publish(last uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if last > s.committed {
		s.committed = last
		close(s.notify)
		s.notify = make(chan struct{})
	}
}

// isClosed reports whether Close has begun.
func (s *Store) isClosed() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}
