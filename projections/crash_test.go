package projections_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/projections"
)

// crashSubjects are the projections that TestCrash stops at random points, each a constructor of a
// fresh projection of its kind, given the event store of the log (for a projection that reads it).
// Add a projection here to have it tested the same way; one that implements
// RequireMatchesLog(testing.TB, domain.EventStore) is also compared with what the log says, computed
// independently.
var crashSubjects = []func(domain.EventStore) projections.Projection{
	func(domain.EventStore) projections.Projection { return newStreamFolds("") },
	func(domain.EventStore) projections.Projection { return newStreamFolds(domain.CaseStreamPrefix) },
	func(domain.EventStore) projections.Projection { return newTypeCounts() },
}

// crashSeedEnv names the environment variable that sets TestCrash's seed, to repeat a run.
const crashSeedEnv = "PREDMET_CRASH_SEED"

// TestCrash stops a projection's runner at random points while goroutines append case histories to many
// streams: it cancels Run or closes the runner after random delays and opens a new one on the same
// database, sometimes rebuilds or checks the projection in between, and makes the projection's Apply
// fail at random events after it has changed what it holds in memory, so that the runner must roll back
// and make a Batcher discard its memory. Once the appends end, the projection catches up, and its read
// model must be exactly the one recomputed from the log (Check), and what the log says.
func TestCrash(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(crashSeedEnv); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("%s=%q: %v", crashSeedEnv, s, err)
		}
	}
	t.Logf("seed %d (set %s to repeat)", seed, crashSeedEnv)
	for i, newProjection := range crashSubjects {
		t.Run(strconv.Itoa(i)+"_"+newProjection(nil).Name(), func(t *testing.T) {
			t.Parallel()
			crash(t, seed+uint64(i), newProjection)
		})
	}
}

func crash(t *testing.T, seed uint64, newProjection func(domain.EventStore) projections.Projection) {
	rng := rand.New(rand.NewPCG(seed, 0))
	store := testkit.MustOpenStore(t)
	path := filepath.Join(t.TempDir(), "projections.db")

	stop := make(chan struct{})
	var (
		appenders sync.WaitGroup
		appended  atomic.Int64
	)
	const nAppenders = 4
	for g := range nAppenders {
		grng := rand.New(rand.NewPCG(seed, uint64(1+g)))
		appenders.Go(func() { appendHistories(t, store, g, nAppenders, grng, stop, &appended) })
	}
	stopAppending := sync.OnceFunc(func() {
		close(stop)
		appenders.Wait()
	})
	defer stopAppending()

	rounds := 25
	switch {
	case testing.Short():
		rounds = 6
	case raceEnabled:
		// Each round is many times slower under the race detector while the appenders keep going, so
		// that the log, and each rebuild and check, grows with it; ten rounds still stop the runner
		// every way, concurrently with the appends, for the detector to watch.
		rounds = 10
	}
	var rebuilds, checks, failures int
	// With few rounds (-short, -race) no Apply may happen to fail; a few more rounds make sure the test
	// exercises rollbacks, still determined by the seed.
	round := 0
	for ; round < rounds || failures == 0 && round < 4*rounds; round++ {
		p := &failing{Projection: newProjection(store), rng: rand.New(rand.NewPCG(seed, uint64(100+round))), oneIn: 20 + rng.IntN(300)}
		r, err := projections.OpenRunner(path, store, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		r.BatchSize, r.CatchUpBatchSize = 1+rng.IntN(50), 1+rng.IntN(1000)
		r.CommitEvery = time.Duration(1+rng.IntN(50)) * time.Millisecond
		r.CheckpointEvery = time.Duration(rng.IntN(20)) * time.Millisecond
		r.MinBackoff, r.MaxBackoff = time.Millisecond, 10*time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan error, 1)
		go func() { ran <- r.Run(ctx) }()

		wait := time.Duration(rng.IntN(80)) * time.Millisecond
		switch rng.IntN(4) {
		case 0:
			time.Sleep(wait / 2)
			if err := r.Rebuild(context.Background(), p.Name()); err != nil {
				t.Fatalf("round %d: Rebuild: %v", round, err)
			}
			rebuilds++
		case 1:
			time.Sleep(wait / 2)
			rep, err := r.Check(context.Background(), p.Name())
			if err != nil {
				t.Fatalf("round %d: Check: %v", round, err)
			} else if !rep.OK {
				t.Fatalf("round %d: Check found differences: %+v", round, rep)
			}
			checks++
		}
		time.Sleep(wait)
		if rng.IntN(2) == 0 {
			cancel()
			if err := <-ran; err != nil {
				t.Fatal(err)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
		} else {
			if err := r.Close(); err != nil { // while Run runs (or before it starts: then it refuses)
				t.Fatal(err)
			}
			if err := <-ran; err != nil && domain.ErrorCode(err) != domain.EUNAVAILABLE {
				t.Fatal(err)
			}
		}
		cancel()
		failures += p.failures()
	}
	stopAppending()
	if t.Failed() {
		t.FailNow()
	}
	last := LastPosition(t, store)

	p := newProjection(store)
	r := MustOpenRunner(t, path, store, p)
	Start(t, r)
	WaitCaughtUp(t, r, p.Name(), last)
	rep := RequireCheckOK(t, r, p.Name())
	if m, ok := p.(interface {
		RequireMatchesLog(testing.TB, domain.EventStore)
	}); ok {
		m.RequireMatchesLog(t, store)
	}
	t.Logf("%d events in %d appends; %d rounds, %d rebuilds, %d checks, %d failed applies; %d events applied",
		last.Commit, appended.Load(), round, rebuilds, checks, failures, rep.EventsApplied)
	if failures == 0 {
		t.Error("no Apply failed: the test did not test rollbacks")
	}
}

// appendHistories appends the histories of cases g, g+step, g+2*step, ... (see caseHistory) a few events
// at a time, moving a random case forward at each append, until stop is closed. The register's event
// for each registered case goes to the register's stream.
func appendHistories(tb testing.TB, store domain.EventStore, g, step int, rng *rand.Rand, stop <-chan struct{}, appended *atomic.Int64) {
	type inFlight struct {
		events []domain.Event
		next   int
	}
	var open []*inFlight
	n := g
	meta := domain.Metadata{UserID: "crash"}
	for {
		select {
		case <-stop:
			return
		default:
		}
		if len(open) == 0 || rng.IntN(3) == 0 {
			open = append(open, &inFlight{events: caseHistory(n, rng)})
			n += step
		}
		i := rng.IntN(len(open))
		c := open[i]
		k := min(len(c.events)-c.next, 1+rng.IntN(3))
		id := c.events[0].(*domain.CaseReceived).CaseID
		stream := domain.CaseStream(id)
		data, err := domain.EncodeEvents(stream, uint64(c.next), meta, c.events[c.next:c.next+k]...)
		if err == nil {
			_, err = store.Append(context.Background(), stream, domain.ExpectRevision(uint64(c.next)), data...)
		}
		if err != nil {
			tb.Errorf("append to %s: %v", stream, err)
			return
		}
		appended.Add(1)
		for _, e := range c.events[c.next : c.next+k] {
			if reg, ok := e.(*domain.CaseRegistered); ok {
				register := domain.RegisterStream("08", 2025)
				data, err := domain.EncodeEvents(register, uint64(reg.ArchiveNumber.Number), meta,
					&domain.ArchiveNumberAssigned{CaseID: id, ArchiveNumber: reg.ArchiveNumber})
				if err == nil {
					_, err = store.Append(context.Background(), register, domain.Any(), data...)
				}
				if err != nil {
					tb.Errorf("append to %s: %v", register, err)
					return
				}
				appended.Add(1)
			}
		}
		if c.next += k; c.next == len(c.events) {
			open = append(open[:i], open[i+1:]...)
		}
	}
}

// errInjected is the failure that failing injects.
var errInjected = errors.New("injected failure")

// failing is a projection whose Apply fails at random events, after the projection applied them: as a
// projection that fails halfway, with what it holds in memory already changed. Its copies (New) do not
// fail.
type failing struct {
	projections.Projection
	mu    sync.Mutex
	rng   *rand.Rand
	oneIn int
	fails int
}

func (p *failing) Apply(ctx context.Context, tx *projections.Tx, e domain.RecordedEvent) error {
	if err := p.Projection.Apply(ctx, tx, e); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rng.IntN(p.oneIn) == 0 {
		p.fails++
		return errInjected
	}
	return nil
}

func (p *failing) Flush(ctx context.Context, tx *projections.Tx) error {
	if b, ok := p.Projection.(projections.Batcher); ok {
		return b.Flush(ctx, tx)
	}
	return nil
}

func (p *failing) Discard() {
	if b, ok := p.Projection.(projections.Batcher); ok {
		b.Discard()
	}
}

func (p *failing) New() projections.Projection { return p.Projection.New() }

func (p *failing) failures() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fails
}
