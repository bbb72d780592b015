package s3blob_test

import (
	"testing"

	"github.com/predmet/predmet/blob/blobtest"
	"github.com/predmet/predmet/blob/s3blob/s3test"
)

// The benchmarks run against versitygw on loopback, on the same disk: they measure predmet's side and
// the protocol, not a network.

func BenchmarkPut10MB(b *testing.B) {
	srv := s3test.MustStart(b)
	s, _ := MustOpen(b, srv, srv.MustCreateBucket(b))
	blobtest.BenchmarkPut(b, s)
}

func BenchmarkGet10MB(b *testing.B) {
	srv := s3test.MustStart(b)
	s, _ := MustOpen(b, srv, srv.MustCreateBucket(b))
	blobtest.BenchmarkGet(b, s)
}
