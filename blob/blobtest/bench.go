package blobtest

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"github.com/predmet/predmet/blob"
)

// BenchSize is the size of the file the benchmarks put and get: 10 MB.
const BenchSize = 10 << 20

// BenchmarkPut measures putting a 10 MB PDF with the default limits, new bytes every time (a blob
// already stored would be skipped); each blob is deleted again outside the timing.
func BenchmarkPut(b *testing.B, s blob.Store) {
	data := LargePDF(42, BenchSize)
	lim := blob.Limits{MaxSize: 2 * BenchSize, Types: blob.DefaultTypes}
	b.SetBytes(BenchSize)
	b.ResetTimer()
	for i := range b.N {
		binary.LittleEndian.PutUint64(data[64:], uint64(i))
		put, err := s.Put(b.Context(), bytes.NewReader(data), lim)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Delete(b.Context(), put.Sum); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkGet measures reading a 10 MB blob to its end.
func BenchmarkGet(b *testing.B, s blob.Store) {
	put := MustPut(b, s, LargePDF(43, BenchSize), blob.Limits{})
	b.SetBytes(BenchSize)
	b.ResetTimer()
	for range b.N {
		r, _, err := s.Open(b.Context(), put.Sum)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, r); err != nil || n != BenchSize {
			b.Fatalf("read %d bytes: %v", n, err)
		}
		r.Close()
	}
}
