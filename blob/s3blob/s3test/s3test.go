// Package s3test runs a real S3 server for tests: versitygw (github.com/versity/versitygw, Apache-2.0)
// on loopback, keeping its objects in a temporary directory, as a separate process.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/predmet/predmet/blob/s3blob"
)

// Version is the versitygw release the tests run; the Makefile's tools target builds the same one.
const Version = "v1.8.0"

// Package is the command that Binary builds.
const Package = "github.com/versity/versitygw/cmd/versitygw"

// startTimeout bounds the wait for a started server to answer, so that a server that cannot start
// fails the test instead of hanging it.
const startTimeout = 60 * time.Second

// Server is a running versitygw with one root account.
type Server struct {
	// Endpoint is the server's URL, "http://127.0.0.1:port".
	Endpoint  string
	AccessKey string
	SecretKey string
	client    *s3.Client
}

var buildOnce struct {
	sync.Once
	path string
	err  error
}

// Binary returns the path of the versitygw command: $PREDMET_VERSITYGW if set, else bin/versitygw in
// the module's root (where `make tools` puts it), which it builds with `go install` from the Go module
// proxy when missing (a few minutes, once).
func Binary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		if p := os.Getenv("PREDMET_VERSITYGW"); p != "" {
			buildOnce.path = p
			return
		}
		root, err := moduleRoot()
		if err != nil {
			buildOnce.err = err
			return
		}
		bin := filepath.Join(root, "bin")
		buildOnce.path = filepath.Join(bin, "versitygw")
		if _, err := os.Stat(buildOnce.path); err == nil {
			return
		}
		tb.Logf("building versitygw %s into %s (once)", Version, bin)
		cmd := exec.Command("go", "install", Package+"@"+Version)
		cmd.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildOnce.err = fmt.Errorf("go install %s@%s: %v\n%s", Package, Version, err, out)
		}
	})
	if buildOnce.err != nil {
		tb.Fatalf("s3test: no versitygw: %v", buildOnce.err)
	}
	return buildOnce.path
}

// moduleRoot finds the directory of the go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// MustStart starts a server, stopped when the test ends. Its output is logged if the test fails.
func MustStart(tb testing.TB) *Server {
	tb.Helper()
	bin := Binary(tb)
	dir := tb.TempDir()
	root, sidecar := filepath.Join(dir, "root"), filepath.Join(dir, "meta")
	for _, d := range []string{root, sidecar} {
		if err := os.Mkdir(d, 0o700); err != nil {
			tb.Fatal(err)
		}
	}
	port := freePort(tb)
	s := &Server{
		Endpoint:  "http://127.0.0.1:" + strconv.Itoa(port),
		AccessKey: "predmet-test",
		SecretKey: randomHex(tb, 20),
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "--access", s.AccessKey, "--secret", s.SecretKey,
		"--port", "127.0.0.1:"+strconv.Itoa(port), "--quiet",
		"posix", "--sidecar", sidecar, root)
	cmd.Stdout, cmd.Stderr = &out, &out
	// versitygw reads its settings from flags, and from VGW_* and ROOT_* variables: keep those out.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("s3test: start versitygw: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	tb.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if tb.Failed() {
			tb.Logf("versitygw output:\n%s", out.String())
		}
	})
	s.client = s3.New(s3.Options{
		Region:                     s3blob.DefaultRegion,
		BaseEndpoint:               aws.String(s.Endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		_, err := s.client.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err == nil {
			return s
		}
		select {
		case err := <-exited:
			tb.Fatalf("s3test: versitygw exited: %v\n%s", err, out.String())
		case <-ctx.Done():
			tb.Fatalf("s3test: versitygw did not answer within %s: %v\n%s", startTimeout, err, out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// MustCreateBucket creates a bucket with a fresh name and returns the name.
func (s *Server) MustCreateBucket(tb testing.TB) string {
	tb.Helper()
	name := "predmet-" + randomHex(tb, 6)
	if _, err := s.client.CreateBucket(tb.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		tb.Fatalf("s3test: create bucket %s: %v", name, err)
	}
	return name
}

// Config returns a store configuration for the bucket on the server, under a fresh prefix.
func (s *Server) Config(tb testing.TB, bucket string) s3blob.Config {
	return s3blob.Config{
		Endpoint: s.Endpoint, Bucket: bucket, Prefix: "t-" + randomHex(tb, 6) + "/",
		AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey, PathStyle: true,
		SpoolDir: tb.TempDir(),
	}
}

// Keys returns every key in the bucket, multipart uploads under way aside. It may be called in a cleanup.
func (s *Server) Keys(tb testing.TB, bucket string) []string {
	tb.Helper()
	var keys []string
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			tb.Fatalf("s3test: list %s: %v", bucket, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

// Uploads returns the keys of the multipart uploads begun and neither completed nor aborted. It may be
// called in a cleanup.
func (s *Server) Uploads(tb testing.TB, bucket string) []string {
	tb.Helper()
	out, err := s.client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil {
		tb.Fatalf("s3test: list uploads of %s: %v", bucket, err)
	}
	var keys []string
	for _, u := range out.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	return keys
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomHex(tb testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// Head returns the object's metadata, its stored checksum included.
func (s *Server) Head(tb testing.TB, bucket, key string) *s3.HeadObjectOutput {
	tb.Helper()
	out, err := s.client.HeadObject(tb.Context(), &s3.HeadObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		tb.Fatalf("s3test: head %s/%s: %v", bucket, key, err)
	}
	return out
}
