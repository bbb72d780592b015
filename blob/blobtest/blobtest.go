// Package blobtest is the conformance suite that every blob.Store implementation passes, and the
// sample files it uses.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/predmet/predmet/blob"
	"github.com/predmet/predmet/domain"
)

// Run runs the conformance suite. open returns the store one subtest uses, empty, and arranges with
// tb.Cleanup whatever must happen when the subtest ends: every subtest asserts about the whole store
// (that a refused file left nothing, say), so each needs a store of its own, or a part of a shared one
// (a bucket's prefix).
func Run(t *testing.T, open func(tb testing.TB) blob.Store) {
	t.Run("Put", func(t *testing.T) { testPut(t, open) })
	t.Run("Types", func(t *testing.T) { testTypes(t, open) })
	t.Run("Once", func(t *testing.T) { testOnce(t, open) })
	t.Run("Refused", func(t *testing.T) { testRefused(t, open) })
	t.Run("Interrupted", func(t *testing.T) { testInterrupted(t, open) })
	t.Run("Missing", func(t *testing.T) { testMissing(t, open) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, open) })
	t.Run("List", func(t *testing.T) { testList(t, open) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, open) })
}

// LargePDF returns n bytes that sniff as a PDF: a PDF header followed by bytes that follow from seed.
func LargePDF(seed uint64, n int) []byte {
	b := Random(seed, n)
	copy(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	return b
}

// MustPut puts b with lim and fails the test on an error.
func MustPut(tb testing.TB, s blob.Store, b []byte, lim blob.Limits) blob.Blob {
	tb.Helper()
	got, err := s.Put(tb.Context(), bytes.NewReader(b), lim)
	if err != nil {
		tb.Fatalf("Put: %v", err)
	}
	return got
}

// MustRead opens the blob and returns its bytes and the blob Open returned.
func MustRead(tb testing.TB, s blob.Store, sum blob.Sum) ([]byte, blob.Blob) {
	tb.Helper()
	r, b, err := s.Open(tb.Context(), sum)
	if err != nil {
		tb.Fatalf("Open %s: %v", sum, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		tb.Fatalf("read %s: %v", sum, err)
	}
	return data, b
}

// MustList returns every blob List yields.
func MustList(tb testing.TB, s blob.Store) []blob.Blob {
	tb.Helper()
	var out []blob.Blob
	for b, err := range s.List(tb.Context()) {
		if err != nil {
			tb.Fatalf("List: %v", err)
		}
		out = append(out, b)
	}
	return out
}

// AssertEmpty fails the test unless the store holds no blob.
func AssertEmpty(tb testing.TB, s blob.Store) {
	tb.Helper()
	if list := MustList(tb, s); len(list) != 0 {
		tb.Errorf("the store holds %d blobs, want none: %v", len(list), list)
	}
}

// AssertCode fails the test unless err has the domain code.
func AssertCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := domain.ErrorCode(err); got != code {
		tb.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

func testPut(t *testing.T, open func(tb testing.TB) blob.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		data := PDF("Одговор")
		b := MustPut(t, s, data, blob.Limits{MaxSize: 1 << 20, Types: blob.DefaultTypes})
		want := blob.Blob{Sum: blob.SumOf(data), Size: int64(len(data)), MediaType: blob.TypePDF}
		if b != want {
			t.Fatalf("Put = %+v, want %+v", b, want)
		}
		got, opened := MustRead(t, s, b.Sum)
		if !bytes.Equal(got, data) || opened != want {
			t.Errorf("Open = %d bytes, %+v; want the %d bytes put, %+v", len(got), opened, len(data), want)
		}
		if st, err := s.Stat(t.Context(), b.Sum); err != nil || st != want {
			t.Errorf("Stat = %+v, %v; want %+v", st, err, want)
		}
	})
	t.Run("Large", func(t *testing.T) {
		// Larger than any buffer on the way: the bytes read back are the bytes put.
		s := open(t)
		data := LargePDF(1, 3<<20+17)
		b := MustPut(t, s, data, blob.Limits{MaxSize: 4 << 20, Types: blob.DefaultTypes})
		if b.Size != int64(len(data)) || b.Sum != blob.SumOf(data) || b.MediaType != blob.TypePDF {
			t.Fatalf("Put = %+v", b)
		}
		if got, _ := MustRead(t, s, b.Sum); !bytes.Equal(got, data) {
			t.Errorf("read back %d bytes that differ from the %d put", len(got), len(data))
		}
	})
	t.Run("ExactlyTheLimit", func(t *testing.T) {
		s := open(t)
		data := LargePDF(2, 64<<10)
		if b := MustPut(t, s, data, blob.Limits{MaxSize: 64 << 10}); b.Size != 64<<10 {
			t.Errorf("Size = %d", b.Size)
		}
	})
}

func testTypes(t *testing.T, open func(tb testing.TB) blob.Store) {
	s := open(t)
	for _, sample := range Samples() {
		t.Run(sample.Name, func(t *testing.T) {
			b := MustPut(t, s, sample.Bytes, blob.Limits{MaxSize: 1 << 20, Types: blob.DefaultTypes})
			if b.MediaType != sample.MediaType {
				t.Errorf("MediaType = %q, want %q", b.MediaType, sample.MediaType)
			}
			if st, err := s.Stat(t.Context(), b.Sum); err != nil || st.MediaType != sample.MediaType {
				t.Errorf("Stat = %+v, %v; want media type %q", st, err, sample.MediaType)
			}
		})
	}
}

func testOnce(t *testing.T, open func(tb testing.TB) blob.Store) {
	s := open(t)
	data := DOCX("Барање за информации")
	first := MustPut(t, s, data, blob.Limits{Types: blob.DefaultTypes})
	second := MustPut(t, s, data, blob.Limits{Types: blob.DefaultTypes})
	if first != second {
		t.Errorf("the same bytes put twice gave %+v and %+v", first, second)
	}
	if list := MustList(t, s); len(list) != 1 || list[0].Sum != first.Sum || list[0].Size != first.Size {
		t.Errorf("List = %+v, want the one blob %+v", list, first)
	}
}

func testRefused(t *testing.T, open func(tb testing.TB) blob.Store) {
	lim := blob.Limits{MaxSize: 256 << 10, Types: blob.DefaultTypes}
	for _, tc := range []struct {
		name    string
		data    []byte
		code    string
		message string
	}{
		// Refused within the first bytes read, and after many bytes were read.
		{"ErrTooLarge", LargePDF(3, 256<<10+1), domain.ETOOLARGE, "The file is larger than 256 KB, the most a file may have."},
		{"ErrTooLargeMuchLater", LargePDF(4, 2<<20), domain.ETOOLARGE, "The file is larger than 256 KB, the most a file may have."},
		// The content decides, whatever a name or a header would claim.
		{"ErrUnsupportedExecutable", append([]byte("\x7fELF\x02\x01\x01\x00"), Random(5, 10<<10)...), domain.EUNSUPPORTED,
			"The file's content (application/x-elf) is not of a type that is accepted; accepted are: PDF, JPG, PNG, TIFF, DOCX, ODT, TXT."},
		{"ErrUnsupportedZip", zipOf([][2]string{{"answer.pdf", "%PDF-1.4"}}, false), domain.EUNSUPPORTED,
			"The file's content (ZIP) is not of a type that is accepted; accepted are: PDF, JPG, PNG, TIFF, DOCX, ODT, TXT."},
		{"ErrUnsupportedHTML", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), domain.EUNSUPPORTED,
			"The file's content (HTML) is not of a type that is accepted; accepted are: PDF, JPG, PNG, TIFF, DOCX, ODT, TXT."},
		{"ErrUnsupportedUnknown", Random(6, 300<<10), domain.EUNSUPPORTED,
			"The file's content (application/octet-stream) is not of a type that is accepted; accepted are: PDF, JPG, PNG, TIFF, DOCX, ODT, TXT."},
		{"ErrEmpty", nil, domain.EINVALID, "The file is empty."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			_, err := s.Put(t.Context(), bytes.NewReader(tc.data), lim)
			AssertCode(t, err, tc.code)
			if msg := domain.ErrorMessage(err); msg != tc.message {
				t.Errorf("message %q, want %q", msg, tc.message)
			}
			AssertEmpty(t, s)
		})
	}
	t.Run("ErrLimits", func(t *testing.T) {
		s := open(t)
		_, err := s.Put(t.Context(), bytes.NewReader(PDF("x")), blob.Limits{Types: []string{"application/x-nonsense-type"}})
		AssertCode(t, err, domain.EINVALID)
		AssertEmpty(t, s)
	})
}

// failingReader yields its bytes, then fails with err instead of io.EOF, as an upload cut off half-way.
type failingReader struct {
	r     io.Reader
	err   error
	after func() // called once the bytes are all read, before failing
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		if f.after != nil {
			f.after()
			f.after = nil
		}
		return n, f.err
	}
	return n, err
}

func testInterrupted(t *testing.T, open func(tb testing.TB) blob.Store) {
	lim := blob.Limits{MaxSize: 8 << 20, Types: blob.DefaultTypes}
	t.Run("ErrReader", func(t *testing.T) {
		s := open(t)
		cut := errors.New("connection reset by peer")
		_, err := s.Put(t.Context(), &failingReader{r: bytes.NewReader(LargePDF(7, 1<<20)), err: cut}, lim)
		if !errors.Is(err, cut) {
			t.Fatalf("Put = %v, want the reader's error", err)
		}
		AssertEmpty(t, s)
	})
	t.Run("ErrUnexpectedEOF", func(t *testing.T) {
		s := open(t)
		_, err := s.Put(t.Context(), &failingReader{r: bytes.NewReader(LargePDF(8, 100<<10)), err: io.ErrUnexpectedEOF}, lim)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("Put = %v, want io.ErrUnexpectedEOF", err)
		}
		AssertEmpty(t, s)
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		// The client goes away half-way: the request's context ends while the bytes still come.
		s := open(t)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		r := io.MultiReader(&failingReader{r: bytes.NewReader(LargePDF(9, 1<<20)), err: nil, after: cancel},
			bytes.NewReader(Random(10, 1<<20)))
		_, err := s.Put(ctx, r, lim)
		AssertCode(t, err, domain.EUNAVAILABLE)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Put = %v, want one that wraps context.Canceled", err)
		}
		AssertEmpty(t, s)
	})
}

func testMissing(t *testing.T, open func(tb testing.TB) blob.Store) {
	s := open(t)
	sum := blob.SumOf([]byte("never stored"))
	_, _, err := s.Open(t.Context(), sum)
	AssertCode(t, err, domain.ENOTFOUND)
	_, err = s.Stat(t.Context(), sum)
	AssertCode(t, err, domain.ENOTFOUND)
	if want := fmt.Sprintf("No file with SHA-256 %s.", sum); domain.ErrorMessage(err) != want {
		t.Errorf("message %q, want %q", domain.ErrorMessage(err), want)
	}
}

func testDelete(t *testing.T, open func(tb testing.TB) blob.Store) {
	s := open(t)
	keep := MustPut(t, s, PNG(), blob.Limits{})
	gone := MustPut(t, s, JPEG(), blob.Limits{})
	if err := s.Delete(t.Context(), gone.Sum); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Stat(t.Context(), gone.Sum)
	AssertCode(t, err, domain.ENOTFOUND)
	_, _, err = s.Open(t.Context(), gone.Sum)
	AssertCode(t, err, domain.ENOTFOUND)
	if err := s.Delete(t.Context(), gone.Sum); err != nil {
		t.Errorf("Delete of a deleted blob: %v", err)
	}
	if list := MustList(t, s); len(list) != 1 || list[0].Sum != keep.Sum {
		t.Errorf("List = %+v, want only %s", list, keep.Sum)
	}
	// Deleted bytes can be put again.
	if again := MustPut(t, s, JPEG(), blob.Limits{}); again != gone {
		t.Errorf("Put after Delete = %+v, want %+v", again, gone)
	}
}

func testList(t *testing.T, open func(tb testing.TB) blob.Store) {
	s := open(t)
	AssertEmpty(t, s)
	want := map[blob.Sum]int64{}
	for i := range 5 {
		b := MustPut(t, s, Random(uint64(100+i), 1000*(i+1)), blob.Limits{})
		want[b.Sum] = b.Size
	}
	got := map[blob.Sum]int64{}
	for _, b := range MustList(t, s) {
		got[b.Sum] = b.Size
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("List = %v, want %v", got, want)
	}
	// Stopping early is allowed.
	for range s.List(t.Context()) {
		break
	}
}

func testConcurrent(t *testing.T, open func(tb testing.TB) blob.Store) {
	s := open(t)
	same := LargePDF(11, 200<<10)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := s.Put(t.Context(), bytes.NewReader(same), blob.Limits{})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := s.Put(t.Context(), strings.NewReader(fmt.Sprintf("file %d\n", i)), blob.Limits{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	if list := MustList(t, s); len(list) != 9 {
		t.Errorf("List has %d blobs, want 9 (one shared, eight different)", len(list))
	}
	if got, _ := MustRead(t, s, blob.SumOf(same)); !bytes.Equal(got, same) {
		t.Error("the blob put eight times at once reads back different bytes")
	}
}
