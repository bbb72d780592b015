// Package s3blob keeps blobs in an S3-compatible bucket (Amazon S3, MinIO, versitygw, Ceph, …) through
// the AWS SDK for Go: the blob store for production.
package s3blob

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/predmet/predmet/blob"
)

// DefaultRegion is the region used when Config.Region is empty: the one most S3-compatible servers
// expect.
const DefaultRegion = "us-east-1"

// Config configures the S3 store.
type Config struct {
	// Endpoint is the server's URL, such as "https://s3.example.mk" or "http://127.0.0.1:7070"; empty
	// means Amazon S3 in Region.
	Endpoint string
	// Region is the bucket's region; empty means DefaultRegion.
	Region string
	// Bucket is the bucket, which must exist; Prefix, if set, is put before every key ("predmet/"),
	// so that predmet can share a bucket.
	Bucket string
	Prefix string
	// AccessKeyID and SecretAccessKey are the credentials. Give a key that may read, write, delete
	// and list objects in the bucket, and nothing more.
	AccessKeyID     string
	SecretAccessKey string
	// PathStyle addresses the bucket in the URL's path (http://host/bucket/key) rather than its host
	// name (http://bucket.host/key): what most servers other than Amazon S3 need.
	PathStyle bool
	// SpoolDir is where Put keeps the bytes it reads until it has checked them all and knows their
	// sum; empty means the system's temporary directory. Nothing is sent before the bytes pass the
	// limits, so an upload cut off half-way never reaches the bucket.
	SpoolDir string
	// HTTPClient, if set, makes the requests (for a custom TLS configuration, say).
	HTTPClient *http.Client
}

// Validate checks the configuration and returns every problem found.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("s3: "+format, args...)) }
	if c.Bucket == "" {
		bad("no bucket: set the bucket's name")
	}
	if c.Endpoint != "" {
		if u, err := url.Parse(c.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("endpoint %q is not an http or https URL", c.Endpoint)
		}
	}
	if (c.AccessKeyID == "") != (c.SecretAccessKey == "") {
		bad("give both the access key ID and the secret access key")
	}
	if c.AccessKeyID == "" {
		bad("no credentials: set the access key ID and the secret access key")
	}
	if strings.HasPrefix(c.Prefix, "/") {
		bad("prefix %q must not start with a slash", c.Prefix)
	}
	if c.SpoolDir != "" {
		if info, err := os.Stat(c.SpoolDir); err != nil || !info.IsDir() {
			bad("spool directory %q is not a directory", c.SpoolDir)
		}
	}
	return errors.Join(errs...)
}

// Store keeps each blob as the object Prefix + "sha256/ab/abcdef…" (see blob.Sum.Key), with the
// blob's media type as its Content-Type. Put reads the bytes into a spool file first and sends them
// in one PutObject request with their SHA-256 checksum, which the server verifies: an object appears
// whole or not at all, and no multipart upload is ever left behind.
type Store struct {
	client *s3.Client
	bucket string
	prefix string
	spool  string
}

var _ blob.Store = (*Store)(nil)

// Open returns the store for the configuration, after checking that the bucket can be reached.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	region := cfg.Region
	if region == "" {
		region = DefaultRegion
	}
	prefix := cfg.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	opts := s3.Options{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, ""),
		UsePathStyle: cfg.PathStyle,
		// Checksums only where the API requires them: servers other than Amazon S3 do not all know
		// the SDK's default trailing checksums. Put sends its own SHA-256 in a header.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	if cfg.HTTPClient != nil {
		opts.HTTPClient = cfg.HTTPClient
	}
	s := &Store{client: s3.New(opts), bucket: cfg.Bucket, prefix: prefix, spool: cfg.SpoolDir}
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(cfg.Bucket)}); err != nil {
		return nil, fmt.Errorf("s3: bucket %q at %s: %w", cfg.Bucket, endpointName(cfg), err)
	}
	return s, nil
}

func endpointName(cfg Config) string {
	if cfg.Endpoint == "" {
		return "Amazon S3"
	}
	return cfg.Endpoint
}

func (s *Store) key(sum blob.Sum) string { return s.prefix + sum.Key() }

// Put stores the bytes of r (see blob.Store).
func (s *Store) Put(ctx context.Context, r io.Reader, lim blob.Limits) (blob.Blob, error) {
	f, err := os.CreateTemp(s.spool, "predmet-blob-*")
	if err != nil {
		return blob.Blob{}, blob.Unavailable("spool", err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	b, err := blob.Copy(ctx, f, r, lim)
	if err != nil {
		return blob.Blob{}, err
	}
	if _, err := s.Stat(ctx, b.Sum); err == nil {
		return b, nil // the same bytes are stored already
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return blob.Blob{}, blob.Unavailable("spool", err)
	}
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:         aws.String(s.bucket),
		Key:            aws.String(s.key(b.Sum)),
		Body:           f,
		ContentLength:  aws.Int64(b.Size),
		ContentType:    aws.String(b.MediaType),
		ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(b.Sum[:])),
	})
	if err != nil {
		return blob.Blob{}, blob.Unavailable("put", err)
	}
	return b, nil
}

// Open returns the bytes of a blob (see blob.Store).
func (s *Store) Open(ctx context.Context, sum blob.Sum) (io.ReadCloser, blob.Blob, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key(sum))})
	if err != nil {
		return nil, blob.Blob{}, s.err(sum, "get", err)
	}
	return out.Body, blob.Blob{Sum: sum, Size: aws.ToInt64(out.ContentLength), MediaType: aws.ToString(out.ContentType)}, nil
}

// Stat returns a blob (see blob.Store).
func (s *Store) Stat(ctx context.Context, sum blob.Sum) (blob.Blob, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key(sum))})
	if err != nil {
		return blob.Blob{}, s.err(sum, "head", err)
	}
	return blob.Blob{Sum: sum, Size: aws.ToInt64(out.ContentLength), MediaType: aws.ToString(out.ContentType)}, nil
}

// err classifies a failed request: ENOTFOUND for a missing object, EUNAVAILABLE otherwise.
func (s *Store) err(sum blob.Sum, op string, err error) error {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound {
		return blob.NotFound(sum)
	}
	return blob.Unavailable(op, err)
}

// Delete removes a blob (see blob.Store).
func (s *Store) Delete(ctx context.Context, sum blob.Sum) error {
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key(sum))})
	if err != nil {
		return s.err(sum, "delete", err)
	}
	return nil
}

// List yields every blob (see blob.Store). Objects under the prefix that are not named for a sum are
// skipped.
func (s *Store) List(ctx context.Context) iter.Seq2[blob.Blob, error] {
	return func(yield func(blob.Blob, error) bool) {
		root := s.prefix + "sha256/"
		pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(root)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				yield(blob.Blob{}, blob.Unavailable("list", err))
				return
			}
			for _, o := range page.Contents {
				key := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
				_, name, _ := strings.Cut(strings.TrimPrefix(key, "sha256/"), "/")
				sum, err := blob.ParseSum(name)
				if err != nil || key != sum.Key() {
					continue
				}
				if !yield(blob.Blob{Sum: sum, Size: aws.ToInt64(o.Size)}, nil) {
					return
				}
			}
		}
	}
}
