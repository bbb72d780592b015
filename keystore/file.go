// Package keystore keeps the keys that seal personal data (domain.KeyStore): File, in a SQLite file of
// its own beside the other data files (the embedded default), and Vault, HashiCorp Vault's transit
// engine (production).
package keystore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/predmet/predmet/domain"
)

// File is the key store in a SQLite file: one AES-256 key per case, and the secret that makes people's
// pseudonyms. The file is created 0600 in a directory 0700, and OpenFile refuses a file or directory
// that others can read. Destroying a key overwrites its bytes in the file (SQLite's secure_delete) and
// checkpoints the write-ahead log, so that the key is gone from the file; copies in backups are the
// operator's to expire (see docs/privacy.md).
type File struct {
	db   *sql.DB
	path string

	mu     sync.Mutex
	cache  map[string][]byte // key material by ID; nil material for a destroyed key
	secret []byte            // the pseudonyms' HMAC key
}

var _ domain.KeyStore = (*File)(nil)

// fileCacheSize is the most keys File keeps in memory.
const fileCacheSize = 100_000

const fileSchema = `
CREATE TABLE IF NOT EXISTS keys (
	id           TEXT PRIMARY KEY,
	material     BLOB,
	created_at   TEXT NOT NULL,
	destroyed_at TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS secrets (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;
`

// OpenFile opens the key store at path, creating it (0600, in a directory created 0700) if needed. It
// refuses, with a message that says what to do, a key store file that its group or others may read or
// write, and a directory that others may write.
func OpenFile(path string) (*File, error) {
	if err := CheckPrivate(path); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("key store: create %s: %w", path, err)
		}
		f.Close()
	}
	name := "file:" + (&url.URL{Path: path}).EscapedPath()
	q := url.Values{"_pragma": {"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(FULL)", "secure_delete(ON)"}, "_txlock": {"immediate"}}
	db, err := sql.Open("sqlite", name+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if _, err := db.Exec(fileSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("key store %s: %w", path, err)
	}
	// SQLite creates its -wal and -shm files with the database's mode; make sure of it.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Chmod(path+suffix, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.Close()
			return nil, err
		}
	}
	f := &File{db: db, path: path, cache: map[string][]byte{}}
	if f.secret, err = f.loadSecret(context.Background(), "person"); err != nil {
		db.Close()
		return nil, err
	}
	return f, nil
}

// CheckPrivate returns an error unless the file at path (if it exists) can be read and written by its
// owner only and its directory (which it creates 0700 if missing) cannot be written by others. The
// error says what to run to put it right.
func CheckPrivate(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	di, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if di.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("the directory %s may be written by others (mode %04o): predmet will not keep keys there; run chmod 700 %s", dir, di.Mode().Perm(), dir)
	}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("the key store %s may be read by others (mode %04o): predmet refuses to start on it; run chmod 600 %s, and consider its keys exposed", path, fi.Mode().Perm(), path)
	}
	return nil
}

// Close closes the file.
func (f *File) Close() error { return f.db.Close() }

// loadSecret returns the secret of the given name, making it the first time.
func (f *File) loadSecret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := f.db.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
		return nil, fmt.Errorf("key store: %w", err)
	}
	var v []byte
	err := f.db.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&v)
	return v, err
}

// PersonID implements domain.KeyStore: HMAC-SHA-256 of the address under the store's secret, 128 bits
// in hexadecimal.
func (f *File) PersonID(_ context.Context, email string) (string, error) {
	m := hmac.New(sha256.New, f.secret)
	m.Write([]byte(email))
	return hex.EncodeToString(m.Sum(nil)[:16]), nil
}

// Seal implements domain.KeyStore with AES-256-GCM and a random nonce.
func (f *File) Seal(ctx context.Context, keyID string, plaintext, aad []byte) (domain.Sealed, error) {
	key, err := f.key(ctx, keyID, true)
	if err != nil {
		return domain.Sealed{}, err
	}
	aead, err := newGCM(key)
	if err != nil {
		return domain.Sealed{}, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return domain.Sealed{}, err
	}
	return domain.Sealed{Key: keyID, Nonce: nonce, Data: aead.Seal(nil, nonce, plaintext, aad)}, nil
}

// Open implements domain.KeyStore.
func (f *File) Open(ctx context.Context, s domain.Sealed, aad []byte) ([]byte, error) {
	key, err := f.key(ctx, s.Key, false)
	if err != nil {
		return nil, err
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(s.Nonce) != aead.NonceSize() {
		return nil, domain.Errorf(domain.EINTERNAL, "The envelope sealed with key %q has no valid nonce.", s.Key)
	}
	plain, err := aead.Open(nil, s.Nonce, s.Data, aad)
	if err != nil {
		return nil, domain.Errorf(domain.EINTERNAL, "The envelope sealed with key %q does not authenticate.", s.Key)
	}
	return plain, nil
}

// Destroy implements domain.KeyStore: the key's bytes are overwritten in the file and the write-ahead
// log is checkpointed and truncated.
func (f *File) Destroy(ctx context.Context, keyID string) error {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	_, err := f.db.ExecContext(ctx, `INSERT INTO keys (id, material, created_at, destroyed_at) VALUES (?, NULL, ?, ?)
		ON CONFLICT (id) DO UPDATE SET material = NULL, destroyed_at = COALESCE(keys.destroyed_at, excluded.destroyed_at)`, keyID, now, now)
	if err != nil {
		return fmt.Errorf("key store: destroy %s: %w", keyID, err)
	}
	f.mu.Lock()
	f.cache[keyID] = nil
	f.mu.Unlock()
	if _, err := f.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("key store: checkpoint: %w", err)
	}
	return nil
}

// key returns the material of key id, creating it when create is set and there is none. It returns
// domain.ErrKeyDestroyed for a destroyed key and EINTERNAL for an unknown one not to be created.
func (f *File) key(ctx context.Context, id string, create bool) ([]byte, error) {
	f.mu.Lock()
	material, cached := f.cache[id]
	f.mu.Unlock()
	if cached {
		if material == nil {
			return nil, domain.ErrKeyDestroyed
		}
		return material, nil
	}
	if create {
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return nil, err
		}
		if _, err := f.db.ExecContext(ctx, `INSERT INTO keys (id, material, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			id, fresh, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
			return nil, fmt.Errorf("key store: create %s: %w", id, err)
		}
	}
	var destroyed sql.NullString
	err := f.db.QueryRowContext(ctx, `SELECT material, destroyed_at FROM keys WHERE id = ?`, id).Scan(&material, &destroyed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.EINTERNAL, "The key store holds no key %q.", id)
	} else if err != nil {
		return nil, fmt.Errorf("key store: read %s: %w", id, err)
	}
	if destroyed.Valid {
		material = nil
	}
	f.mu.Lock()
	if len(f.cache) >= fileCacheSize {
		clear(f.cache)
	}
	f.cache[id] = material
	f.mu.Unlock()
	if material == nil {
		return nil, domain.ErrKeyDestroyed
	}
	return material, nil
}

// Stats counts the keys in the store: those that seal data, and those destroyed.
func (f *File) Stats(ctx context.Context) (live, destroyed int, err error) {
	err = f.db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE destroyed_at IS NULL), count(*) FILTER (WHERE destroyed_at IS NOT NULL) FROM keys`).Scan(&live, &destroyed)
	return live, destroyed, err
}

// Path returns the file's path.
func (f *File) Path() string { return f.path }

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// isKeyName reports whether s may name a key: the IDs predmet uses (UUIDs and the like).
func isKeyName(s string) bool {
	return s != "" && len(s) <= 100 && !strings.ContainsAny(s, "/?#% \t\r\n")
}
