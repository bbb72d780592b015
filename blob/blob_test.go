package blob_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/predmet/predmet/blob"
	"github.com/predmet/predmet/blob/blobtest"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

func TestSum(t *testing.T) {
	sum := blob.SumOf([]byte("abc"))
	const hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if sum.String() != hex {
		t.Fatalf("String = %s", sum)
	}
	if sum.Key() != "sha256/ba/"+hex {
		t.Errorf("Key = %s", sum.Key())
	}
	for _, s := range []string{hex, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"} {
		if got, err := blob.ParseSum(s); err != nil || got != sum {
			t.Errorf("ParseSum(%q) = %s, %v", s, got, err)
		}
	}
	for _, s := range []string{"", hex[:63], hex + "0", "zz" + hex[2:], "../../etc/passwd"} {
		if _, err := blob.ParseSum(s); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("ParseSum(%q) = %v, want EINVALID", s, err)
		}
	}
	b, err := json.Marshal(blob.Blob{Sum: sum, Size: 3, MediaType: "text/plain; charset=utf-8"})
	if err != nil || string(b) != `{"sha256":"`+hex+`","size":3,"mediaType":"text/plain; charset=utf-8"}` {
		t.Fatalf("JSON %s, %v", b, err)
	}
	var back blob.Blob
	if err := json.Unmarshal(b, &back); err != nil || back.Sum != sum {
		t.Errorf("back %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"sha256":"nope"}`), &back); err == nil {
		t.Error("a bad sum was read")
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 12: "12 B", 1023: "1023 B", 1024: "1 KB", 1536: "1.5 KB", 300 << 10: "300 KB",
		1 << 20: "1 MB", 20 << 20: "20 MB", 3<<19 + 0: "1.5 MB", 150<<20 + 1: "150 MB",
	} {
		if got := blob.FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTypeName(t *testing.T) {
	for mediaType, want := range map[string]string{
		blob.TypePDF: "PDF", blob.TypeDOCX: "DOCX", blob.TypeODT: "ODT", "text/plain; charset=utf-8": "TXT",
		blob.TypeTIFF: "TIFF", "application/octet-stream": "application/octet-stream",
	} {
		if got := blob.TypeName(mediaType); got != want {
			t.Errorf("TypeName(%q) = %q, want %q", mediaType, got, want)
		}
	}
}

// TestCopy checks what every store's Put relies on: the sum, size and type of what passed, and a
// refusal before anything is written when the first bytes show a type that is not accepted.
func TestCopy(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		data := blobtest.LargePDF(1, 100<<10+3)
		var w bytes.Buffer
		b, err := blob.Copy(t.Context(), &w, bytes.NewReader(data), blob.Limits{MaxSize: 1 << 20, Types: blob.DefaultTypes})
		if err != nil || b != (blob.Blob{Sum: blob.SumOf(data), Size: int64(len(data)), MediaType: blob.TypePDF}) {
			t.Fatalf("Copy = %+v, %v", b, err)
		}
		if !bytes.Equal(w.Bytes(), data) {
			t.Error("the bytes written differ from the bytes read")
		}
	})
	t.Run("ErrUnsupportedWritesNothing", func(t *testing.T) {
		var w bytes.Buffer
		_, err := blob.Copy(t.Context(), &w, bytes.NewReader(blobtest.Random(1, 1<<20)), blob.Limits{Types: []string{blob.TypePDF}})
		if domain.ErrorCode(err) != domain.EUNSUPPORTED {
			t.Fatalf("Copy = %v, want EUNSUPPORTED", err)
		}
		if w.Len() != 0 {
			t.Errorf("%d bytes written before the type was refused", w.Len())
		}
	})
	t.Run("TableAsText", func(t *testing.T) {
		// A short letter with a comma on each line sniffs as CSV: plain text accepts it, nothing else does.
		letter := []byte("Почитувани,\nВе молиме, одговорете.\n")
		if b, err := blob.Copy(t.Context(), &bytes.Buffer{}, bytes.NewReader(letter), blob.Limits{Types: []string{blob.TypeText}}); err != nil || b.MediaType != "text/csv" {
			t.Errorf("Copy = %+v, %v; want it accepted as text/csv", b, err)
		}
		if _, err := blob.Copy(t.Context(), &bytes.Buffer{}, bytes.NewReader(letter), blob.Limits{Types: []string{blob.TypePDF}}); domain.ErrorCode(err) != domain.EUNSUPPORTED {
			t.Errorf("Copy = %v, want EUNSUPPORTED", err)
		}
		if _, err := blob.Copy(t.Context(), &bytes.Buffer{}, bytes.NewReader([]byte(`{"a": 1}`)), blob.Limits{Types: blob.DefaultTypes}); domain.ErrorCode(err) != domain.EUNSUPPORTED {
			t.Errorf("Copy of JSON = %v, want EUNSUPPORTED", err)
		}
	})
	t.Run("ErrWriter", func(t *testing.T) {
		disk := errors.New("no space left on device")
		_, err := blob.Copy(t.Context(), failingWriter{disk}, bytes.NewReader([]byte("hello")), blob.Limits{})
		if domain.ErrorCode(err) != domain.EUNAVAILABLE || !errors.Is(err, disk) {
			t.Errorf("Copy = %v, want EUNAVAILABLE wrapping the writer's error", err)
		}
	})
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// TestMessagesTranslated checks that the messages the package gives people are in the catalogue.
func TestMessagesTranslated(t *testing.T) {
	_, badSum := blob.ParseSum("x")
	_, tooLarge := blob.Copy(t.Context(), &bytes.Buffer{}, bytes.NewReader(make([]byte, 10)), blob.Limits{MaxSize: 5})
	_, unsupported := blob.Copy(t.Context(), &bytes.Buffer{}, bytes.NewReader([]byte("\x7fELF")), blob.Limits{Types: []string{blob.TypePDF}})
	_, empty := blob.Copy(t.Context(), &bytes.Buffer{}, bytes.NewReader(nil), blob.Limits{})
	negative := blob.Limits{MaxSize: -1}.Validate()
	unknown := blob.Limits{Types: []string{"x/y"}}.Validate()
	unavailable := blob.Unavailable("put", errors.New("boom"))
	notFound := blob.NotFound(blob.Sum{})
	for _, err := range []error{badSum, tooLarge, unsupported, empty, negative, unknown, unavailable, notFound} {
		var e *domain.Error
		if !errors.As(err, &e) {
			t.Errorf("%v is not a domain error", err)
			continue
		}
		if !i18n.Has(e.Format) {
			t.Errorf("%q is not in the i18n catalogue", e.Format)
		}
	}
}
