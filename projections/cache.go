package projections

import (
	"context"
	"fmt"

	"github.com/predmet/predmet/domain"
)

// maxEvicted is the most cases that the cache remembers as dropped after a fresh start: beyond that, it
// reads the tables to load any case it does not hold.
const maxEvicted = 1 << 20

// caseCache holds the states of the cases changed most recently, at most size of them, and tells which
// is the least recently used. A case it does not hold is loaded: folded again from the prefix of its
// stream in the event store, beside what the tables hold of it, so that no state is stored but the
// events.
//
// It also keeps track of whether the tables may hold rows of a case it does not hold: when the cases
// table was empty at the start (a build from the start of the log), only the cases dropped from the
// cache since can have rows, and loading any other reads nothing.
type caseCache struct {
	store domain.EventStore // where cases are folded again from
	size  int
	byID  map[string]*caseEntry
	head  caseEntry // sentinel: head.next is the most recently used, head.prev the least
	count int

	// fresh is whether the cases table held no row when it was first read after the last reset (known
	// tells whether it was read since): then a case neither in the cache nor in evicted has no rows.
	known, fresh bool
	evicted      map[string]struct{} // while fresh, the cases written and then dropped from the cache
}

// reset empties the cache and forgets what it knew of the tables.
func (c *caseCache) reset() {
	c.byID = make(map[string]*caseEntry, min(c.size, 1<<16))
	c.head.next, c.head.prev = &c.head, &c.head
	c.count = 0
	c.known, c.fresh, c.evicted = false, false, nil
}

// get returns the entry of id, now the most recently used, or nil.
func (c *caseCache) get(id string) *caseEntry {
	en := c.byID[id]
	if en != nil && c.head.next != en {
		c.unlink(en)
		c.pushFront(en)
	}
	return en
}

// full reports whether adding an entry needs one dropped first.
func (c *caseCache) full() bool { return c.count >= c.size }

// oldest returns the least recently used entry.
func (c *caseCache) oldest() *caseEntry { return c.head.prev }

// add adds en, which the cache does not hold, as the most recently used.
func (c *caseCache) add(en *caseEntry) {
	c.byID[en.id] = en
	c.pushFront(en)
	c.count++
}

// drop removes en, whose rows are written, remembering that the tables may hold them.
func (c *caseCache) drop(en *caseEntry) {
	delete(c.byID, en.id)
	c.unlink(en)
	c.count--
	if !c.fresh {
		return
	}
	if len(c.evicted) >= maxEvicted {
		c.fresh, c.evicted = false, nil
		return
	}
	if c.evicted == nil {
		c.evicted = make(map[string]struct{})
	}
	c.evicted[en.id] = struct{}{}
}

func (c *caseCache) unlink(en *caseEntry) {
	en.prev.next, en.next.prev = en.next, en.prev
	en.prev, en.next = nil, nil
}

func (c *caseCache) pushFront(en *caseEntry) {
	en.prev, en.next = &c.head, c.head.next
	c.head.next.prev = en
	c.head.next = en
}

// load returns the state of case id, which the cache does not hold, just before the event at revision
// rev, or nil when the tables show that event applied already. It reads the case's rows, which its next
// writes change, and, for a case seen before, folds its stream's events before rev from the event store.
// The entry returned is not in the cache.
func (c *caseCache) load(ctx context.Context, tx *Tx, id string, rev uint64) (*caseEntry, error) {
	stored, err := c.mayBeStored(ctx, tx, id)
	if err != nil {
		return nil, fmt.Errorf("case %s: read: %w", id, err)
	}
	if rev == 0 {
		// A new case, unless its first event was applied already.
		if stored {
			if found, err := hasCaseRow(ctx, tx, id); err != nil || found {
				return nil, err
			}
		}
		return newCaseEntry(id), nil
	}
	var row []any
	if stored {
		if row, err = readCaseRow(ctx, tx, id); err != nil {
			return nil, fmt.Errorf("case %s: read: %w", id, err)
		}
	}
	if row != nil && rev < uint64(row[colVersion].(int64)) {
		return nil, nil
	}
	en := newCaseEntry(id)
	en.written = row
	if err := c.refold(ctx, en, rev); err != nil {
		return nil, err
	}
	if row != nil && len(en.c.Requests) > 0 {
		if err := readRequestRows(ctx, tx, en); err != nil {
			return nil, fmt.Errorf("case %s: read requests: %w", id, err)
		}
	}
	// Write whatever differs from the tables: nothing, unless the tables lag behind the stream.
	en.markAllRequests()
	return en, nil
}

// refold folds the events of the case of en before revision rev, read from its stream.
func (c *caseCache) refold(ctx context.Context, en *caseEntry, rev uint64) error {
	events, err := c.store.ReadStream(ctx, domain.CaseStream(en.id), domain.ReadStreamOptions{Max: rev})
	if err != nil {
		return fmt.Errorf("case %s: re-fold: %w", en.id, err)
	}
	if uint64(len(events)) != rev {
		return fmt.Errorf("case %s: re-fold: read %d events before revision %d", en.id, len(events), rev)
	}
	for _, r := range events {
		ev, err := decodeCaseEvent(r)
		if err != nil {
			return err
		}
		en.fold(r, ev, false)
	}
	return nil
}

// mayBeStored reports whether the tables may hold rows of case id, which is not in the cache: false only
// when the cases table was empty when first read after the last reset and the case has not been
// dropped from the cache since.
func (c *caseCache) mayBeStored(ctx context.Context, tx *Tx, id string) (bool, error) {
	if !c.known {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM cases)`).Scan(&exists); err != nil {
			return true, err
		}
		c.known, c.fresh, c.evicted = true, exists == 0, nil
	}
	if !c.fresh {
		return true, nil
	}
	_, ok := c.evicted[id]
	return ok, nil
}
