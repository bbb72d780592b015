// Package blob keeps files by their content: each is stored once, under the SHA-256 of its bytes, with
// its size and its media type sniffed from the bytes, in the data directory (package blob/disk) or in an
// S3-compatible bucket (package blob/s3blob).
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"iter"

	"github.com/predmet/predmet/domain"
)

// Store is a content-addressed store of files. The same bytes put twice are stored once. It is safe for
// concurrent use.
//
// A Store holds personal data (attachments of cases). To make it erasable per person, an encrypting
// Store wraps another: its Put runs the bytes through a Checker (so that the address, the size, the
// type and the limits are those of the plain bytes), encrypts them with the person's key and puts the
// cipher text into the Store it wraps, remembering which of its blobs is which; destroying the key
// erases the blob wherever copies of it remain, and Delete removes the cipher text itself.
type Store interface {
	// Put reads r to its end and stores its bytes, unless the same bytes are stored already, and returns
	// what it stored. Bytes that break lim, a read that fails, a cancelled ctx or a failure to write
	// leave nothing behind. Errors: ETOOLARGE (lim.MaxSize), EUNSUPPORTED (lim.Types), EINVALID (no
	// bytes), EUNAVAILABLE (the storage failed or ctx ended); a failure of r is returned as it is.
	Put(ctx context.Context, r io.Reader, lim Limits) (Blob, error)
	// Open returns the bytes of the blob with the given sum, and the blob. The caller closes the
	// reader. Errors: ENOTFOUND, EUNAVAILABLE.
	Open(ctx context.Context, sum Sum) (io.ReadCloser, Blob, error)
	// Stat returns the blob with the given sum. Errors: ENOTFOUND, EUNAVAILABLE.
	Stat(ctx context.Context, sum Sum) (Blob, error)
	// Delete removes the blob with the given sum; removing a blob that is not there is no error.
	// Errors: EUNAVAILABLE.
	Delete(ctx context.Context, sum Sum) error
	// List yields every stored blob, in no particular order, with its sum and size (not its media
	// type: Stat sniffs it), for checks against the cases that refer to them. It stops at the first
	// error, which it yields (EUNAVAILABLE).
	List(ctx context.Context) iter.Seq2[Blob, error]
}

// Blob is a stored file's content: its address, size and media type. A file's name, who added it and
// when belong to the case that refers to it, not to the blob: the same bytes added twice are one blob.
type Blob struct {
	Sum  Sum   `json:"sha256"`
	Size int64 `json:"size"`
	// MediaType is the type sniffed from the bytes, such as "application/pdf" or "text/plain;
	// charset=utf-8".
	MediaType string `json:"mediaType,omitempty"`
}

// Sum is the SHA-256 of a blob's bytes: its address. It is written as 64 lower-case hexadecimal digits.
type Sum [sha256.Size]byte

// ParseSum parses a sum written in hexadecimal (either case). Errors: EINVALID.
func ParseSum(s string) (Sum, error) {
	var sum Sum
	if len(s) != 2*len(sum) {
		return Sum{}, domain.Errorf(domain.EINVALID, "%q is not a SHA-256 sum.", s)
	}
	if _, err := hex.Decode(sum[:], []byte(s)); err != nil {
		return Sum{}, domain.Errorf(domain.EINVALID, "%q is not a SHA-256 sum.", s)
	}
	return sum, nil
}

// SumOf returns the sum of b.
func SumOf(b []byte) Sum { return sha256.Sum256(b) }

// String returns the sum in lower-case hexadecimal.
func (s Sum) String() string { return hex.EncodeToString(s[:]) }

// IsZero reports whether s is the zero Sum, which no content has in practice.
func (s Sum) IsZero() bool { return s == Sum{} }

// MarshalText writes the sum in hexadecimal.
func (s Sum) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a sum written in hexadecimal.
func (s *Sum) UnmarshalText(b []byte) error {
	sum, err := ParseSum(string(b))
	if err != nil {
		return err
	}
	*s = sum
	return nil
}

// Key returns where a store keeps the blob under its root: "sha256/ab/abcdef…", the first two digits
// spreading the blobs over 256 directories.
func (s Sum) Key() string {
	h := s.String()
	return "sha256/" + h[:2] + "/" + h
}
