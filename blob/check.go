package blob

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/predmet/predmet/domain"
)

// Limits bound what Put accepts. The zero Limits accepts anything that is not empty: give the
// configured limits for every file that comes from outside.
type Limits struct {
	// MaxSize is the most bytes a file may have; 0 means no limit.
	MaxSize int64
	// Types are the media types accepted, such as "application/pdf", judged by the bytes (never by the
	// file's name or the type its sender claims); none means every type.
	Types []string
}

// Media types predmet knows by name.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeTIFF = "image/tiff"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeODT  = "application/vnd.oasis.opendocument.text"
	TypeText = "text/plain"
)

// DefaultTypes are the types a case's attachments may have unless configured otherwise: letters and
// scans (PDF, JPEG, PNG, TIFF), documents (DOCX, ODT) and plain text.
var DefaultTypes = []string{TypePDF, TypeJPEG, TypePNG, TypeTIFF, TypeDOCX, TypeODT, TypeText}

// DefaultMaxSize is the default most bytes of one attachment: 20 MB.
const DefaultMaxSize = 20 << 20

// tableTypes are the types of text that merely looks like a table, which plain text (TypeText) accepts:
// a short letter with a comma on each line sniffs as CSV.
var tableTypes = []string{"text/csv", "text/tab-separated-values"}

// SniffLen is how many bytes from the start of a file decide its media type.
const SniffLen = 4096

// Validate checks the limits: a size that is not negative and types that are known media types.
// Errors: EINVALID.
func (lim Limits) Validate() error {
	if lim.MaxSize < 0 {
		return domain.Errorf(domain.EINVALID, "The most bytes a file may have must not be negative.")
	}
	for _, t := range lim.Types {
		if mimetype.Lookup(t) == nil {
			return domain.Errorf(domain.EINVALID, "Unknown media type %q.", t)
		}
	}
	return nil
}

// Sniff returns the media type of a file from its first bytes (at most SniffLen of them are used),
// such as "application/pdf" or "text/plain; charset=utf-8"; "application/octet-stream" when no type
// is recognised.
func Sniff(head []byte) string { return mimetype.Detect(head).String() }

// accepts checks a sniffed type against the limits. Errors: EUNSUPPORTED.
func (lim Limits) accepts(mediaType string) error {
	if len(lim.Types) == 0 {
		return nil
	}
	m := mimetype.Lookup(essence(mediaType))
	if m != nil && slices.ContainsFunc(lim.Types, m.Is) {
		return nil
	}
	if slices.Contains(tableTypes, essence(mediaType)) && slices.Contains(lim.Types, TypeText) {
		return nil
	}
	names := make([]string, len(lim.Types))
	for i, t := range lim.Types {
		names[i] = TypeName(t)
	}
	return domain.Errorf(domain.EUNSUPPORTED, "The file's content (%s) is not of a type that is accepted; accepted are: %s.",
		TypeName(mediaType), strings.Join(names, ", "))
}

// essence returns a media type without its parameters: "text/plain" for "text/plain; charset=utf-8".
func essence(mediaType string) string {
	t, _, _ := strings.Cut(mediaType, ";")
	return strings.TrimSpace(t)
}

// TypeName returns the short name people know a media type by, its usual file extension in capitals
// ("PDF", "DOCX", "TXT"), or the media type itself when it has none.
func TypeName(mediaType string) string {
	if m := mimetype.Lookup(essence(mediaType)); m != nil && m.Extension() != "" {
		return strings.ToUpper(strings.TrimPrefix(m.Extension(), "."))
	}
	return essence(mediaType)
}

// FormatSize writes a number of bytes for people: "20 MB", "1.5 MB", "300 KB", "12 B" (a kilobyte
// being 1024 bytes and a megabyte 1024 kilobytes).
func FormatSize(n int64) string {
	unit := func(n, size int64, name string) string {
		if n%size == 0 || n >= 100*size {
			return fmt.Sprintf("%d %s", n/size, name)
		}
		return fmt.Sprintf("%.1f %s", float64(n)/float64(size), name)
	}
	switch {
	case n >= 1<<20:
		return unit(n, 1<<20, "MB")
	case n >= 1<<10:
		return unit(n, 1<<10, "KB")
	}
	return fmt.Sprintf("%d B", n)
}

// Copy copies r to its end into w, checking the bytes against lim as they pass: it refuses them as soon
// as they exceed lim.MaxSize, or once the first SniffLen bytes (or all, if fewer) show a type that
// lim.Types does not accept, before writing anything. It returns the blob the bytes make: their sum,
// size and type. Every Store's Put runs its bytes through Copy; on an error the caller discards what
// was written. Errors: as Store.Put.
func Copy(ctx context.Context, w io.Writer, r io.Reader, lim Limits) (Blob, error) {
	if err := lim.Validate(); err != nil {
		return Blob{}, err
	}
	var (
		h         = sha256.New()
		buf       = make([]byte, 64<<10)
		head      = make([]byte, 0, SniffLen)
		n         int64
		mediaType string
	)
	write := func(p []byte) error {
		h.Write(p)
		if _, err := w.Write(p); err != nil {
			return Unavailable("write", err)
		}
		return nil
	}
	// sniff decides the type once the head is full or the bytes end, then writes the head.
	sniff := func() error {
		mediaType = Sniff(head)
		if err := lim.accepts(mediaType); err != nil {
			return err
		}
		return write(head)
	}
	for {
		if err := ctx.Err(); err != nil {
			return Blob{}, Unavailable("read", err)
		}
		m, rerr := r.Read(buf)
		if m > 0 {
			n += int64(m)
			if lim.MaxSize > 0 && n > lim.MaxSize {
				return Blob{}, domain.Errorf(domain.ETOOLARGE, "The file is larger than %s, the most a file may have.", FormatSize(lim.MaxSize))
			}
			p := buf[:m]
			if mediaType == "" {
				take := min(SniffLen-len(head), len(p))
				head, p = append(head, p[:take]...), p[take:]
				if len(head) == SniffLen {
					if err := sniff(); err != nil {
						return Blob{}, err
					}
				}
			}
			if len(p) > 0 {
				if err := write(p); err != nil {
					return Blob{}, err
				}
			}
		}
		if rerr == io.EOF {
			break
		} else if rerr != nil {
			return Blob{}, rerr
		}
	}
	if n == 0 {
		return Blob{}, domain.FieldErrorf("file", "The file is empty.")
	}
	if mediaType == "" {
		if err := sniff(); err != nil {
			return Blob{}, err
		}
	}
	var sum Sum
	h.Sum(sum[:0])
	return Blob{Sum: sum, Size: n, MediaType: mediaType}, nil
}

// Unavailable returns the EUNAVAILABLE error of a storage operation that failed, wrapping its cause, so
// that errors.Is still finds a context's error.
func Unavailable(op string, err error) error {
	return fmt.Errorf("%w: %s: %w", domain.Errorf(domain.EUNAVAILABLE, "The file store does not answer."), op, err)
}

// NotFound returns the ENOTFOUND error for a blob that is not stored.
func NotFound(sum Sum) error {
	return domain.Errorf(domain.ENOTFOUND, "No file with SHA-256 %s.", sum)
}
