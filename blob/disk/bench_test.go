package disk_test

import (
	"testing"

	"github.com/predmet/predmet/blob/blobtest"
)

func BenchmarkPut10MB(b *testing.B) {
	s, _ := MustOpen(b)
	blobtest.BenchmarkPut(b, s)
}

func BenchmarkGet10MB(b *testing.B) {
	s, _ := MustOpen(b)
	blobtest.BenchmarkGet(b, s)
}
