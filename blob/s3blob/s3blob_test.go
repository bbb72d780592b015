package s3blob_test

import (
	"context"
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/predmet/predmet/blob"
	"github.com/predmet/predmet/blob/blobtest"
	"github.com/predmet/predmet/blob/s3blob"
	"github.com/predmet/predmet/blob/s3blob/s3test"
)

// MustOpen opens a store on the server's bucket, under a fresh prefix.
func MustOpen(tb testing.TB, srv *s3test.Server, bucket string) (*s3blob.Store, s3blob.Config) {
	tb.Helper()
	cfg := srv.Config(tb, bucket)
	s, err := s3blob.Open(tb.Context(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s, cfg
}

// TestConformance runs the suite against a real S3 server: every subtest has a prefix of its own in one
// bucket, and leaves no spool file and no multipart upload behind.
func TestConformance(t *testing.T) {
	srv := s3test.MustStart(t)
	bucket := srv.MustCreateBucket(t)
	blobtest.Run(t, func(tb testing.TB) blob.Store {
		s, cfg := MustOpen(tb, srv, bucket)
		tb.Cleanup(func() {
			entries, err := os.ReadDir(cfg.SpoolDir)
			if err != nil {
				tb.Fatal(err)
			}
			for _, e := range entries {
				tb.Errorf("spool file %s left behind", e.Name())
			}
			if uploads := srv.Uploads(tb, bucket); len(uploads) != 0 {
				tb.Errorf("multipart uploads left behind: %v", uploads)
			}
		})
		return s
	})
}

// TestLayout checks the object's key and Content-Type, and that a prefix keeps stores apart.
func TestLayout(t *testing.T) {
	srv := s3test.MustStart(t)
	bucket := srv.MustCreateBucket(t)
	a, cfg := MustOpen(t, srv, bucket)
	b, _ := MustOpen(t, srv, bucket)
	data := blobtest.PDF("Одговор")
	put := blobtest.MustPut(t, a, data, blob.Limits{})
	key := cfg.Prefix + "sha256/" + put.Sum.String()[:2] + "/" + put.Sum.String()
	if keys := srv.Keys(t, bucket); len(keys) != 1 || keys[0] != key {
		t.Fatalf("keys %v, want [%s]", keys, key)
	}
	// The server checked the bytes against the SHA-256 sent with them, and keeps it.
	head := srv.Head(t, bucket, key)
	if got, want := aws.ToString(head.ChecksumSHA256), base64.StdEncoding.EncodeToString(put.Sum[:]); got != want {
		t.Errorf("stored checksum %q, want %q", got, want)
	}
	if aws.ToString(head.ContentType) != blob.TypePDF {
		t.Errorf("Content-Type %q", aws.ToString(head.ContentType))
	}
	if st, err := a.Stat(t.Context(), put.Sum); err != nil || st.MediaType != blob.TypePDF {
		t.Errorf("Stat = %+v, %v", st, err)
	}
	blobtest.AssertEmpty(t, b)
	if _, err := b.Stat(t.Context(), put.Sum); err == nil {
		t.Error("a store under another prefix sees the blob")
	}
}

func TestOpen(t *testing.T) {
	srv := s3test.MustStart(t)
	t.Run("ErrNoBucket", func(t *testing.T) {
		cfg := srv.Config(t, "no-such-bucket")
		if _, err := s3blob.Open(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), `bucket "no-such-bucket"`) {
			t.Errorf("Open = %v", err)
		}
	})
	t.Run("ErrCredentials", func(t *testing.T) {
		cfg := srv.Config(t, srv.MustCreateBucket(t))
		cfg.SecretAccessKey = "wrong"
		if _, err := s3blob.Open(t.Context(), cfg); err == nil {
			t.Error("Open with a wrong secret succeeded")
		}
	})
	t.Run("ErrUnreachable", func(t *testing.T) {
		cfg := srv.Config(t, "any")
		cfg.Endpoint = "http://127.0.0.1:1"
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		if _, err := s3blob.Open(ctx, cfg); err == nil {
			t.Error("Open of an endpoint where nothing listens succeeded")
		}
	})
}

func TestConfigValidate(t *testing.T) {
	ok := s3blob.Config{Bucket: "b", AccessKeyID: "k", SecretAccessKey: "s"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	for name, tc := range map[string]struct {
		change func(*s3blob.Config)
		want   string
	}{
		"ErrNoBucket": {func(c *s3blob.Config) { c.Bucket = "" }, "no bucket"},
		"ErrEndpoint": {func(c *s3blob.Config) { c.Endpoint = "s3.example.mk" }, "not an http or https URL"},
		"ErrHalfKey":  {func(c *s3blob.Config) { c.SecretAccessKey = "" }, "give both"},
		"ErrNoKey":    {func(c *s3blob.Config) { c.AccessKeyID, c.SecretAccessKey = "", "" }, "no credentials"},
		"ErrPrefix":   {func(c *s3blob.Config) { c.Prefix = "/predmet" }, "must not start with a slash"},
		"ErrSpoolDir": {func(c *s3blob.Config) { c.SpoolDir = "/nonexistent/spool" }, "not a directory"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := ok
			tc.change(&cfg)
			if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want an error saying %q", err, tc.want)
			}
		})
	}
}
