package dispatch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/predmet/predmet/domain"
)

// FileCheckpoints keeps a dispatcher's checkpoint in a small SQLite file of its own (dispatch.db in
// the data directory). Every save is committed durably.
type FileCheckpoints struct {
	db *sql.DB
}

var _ Checkpoints = (*FileCheckpoints)(nil)

// OpenCheckpoints opens the checkpoint file at path, creating it if it does not exist.
func OpenCheckpoints(path string) (*FileCheckpoints, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("dispatch: %q is not a file path", path)
	}
	q := url.Values{"_pragma": {"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(FULL)"}, "_txlock": {"immediate"}}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	_, err = db.Exec(`CREATE TABLE IF NOT EXISTS checkpoint (
		name       TEXT PRIMARY KEY,
		commit_pos INTEGER NOT NULL,
		prepare_pos INTEGER NOT NULL,
		saved_at   TEXT NOT NULL
	)`)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("dispatch: open %s: %w", path, err)
	}
	return &FileCheckpoints{db: db}, nil
}

// checkpointName names the dispatcher's row.
const checkpointName = "dispatch"

// Load implements Checkpoints.
func (c *FileCheckpoints) Load(ctx context.Context) (domain.Position, bool, error) {
	var commit, prepare int64
	err := c.db.QueryRowContext(ctx, `SELECT commit_pos, prepare_pos FROM checkpoint WHERE name = ?`, checkpointName).Scan(&commit, &prepare)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Position{}, false, nil
	} else if err != nil {
		return domain.Position{}, false, err
	}
	return domain.Position{Commit: uint64(commit), Prepare: uint64(prepare)}, true, nil
}

// Save implements Checkpoints.
func (c *FileCheckpoints) Save(ctx context.Context, pos domain.Position) error {
	if pos.Commit > math.MaxInt64 || pos.Prepare > math.MaxInt64 {
		return fmt.Errorf("dispatch: position %s does not fit an SQLite integer", pos)
	}
	_, err := c.db.ExecContext(ctx, `INSERT INTO checkpoint (name, commit_pos, prepare_pos, saved_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos, saved_at = excluded.saved_at`,
		checkpointName, int64(pos.Commit), int64(pos.Prepare), time.Now().UTC().Format(time.RFC3339Nano))
	return err
}

// Close closes the file.
func (c *FileCheckpoints) Close() error { return c.db.Close() }
