package keystore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// Vault is the key store on HashiCorp Vault's transit secrets engine, over its HTTP API: one transit key
// per case (named Prefix + the case's ID, aes256-gcm96, created by the first encryption), and one HMAC
// key for people's pseudonyms. The keys never leave Vault: predmet sends plain text to be encrypted and
// cipher text to be decrypted. Destroying a key deletes it from Vault; a cipher text whose key is not
// there reads as erased, so predmet must be pointed at the mount that holds its keys.
type Vault struct {
	// Addr is Vault's address, e.g. https://vault.example.org:8200.
	Addr string
	// Token authenticates predmet (X-Vault-Token). Its policy needs create and update on
	// <mount>/encrypt/<prefix>*, update on <mount>/decrypt/<prefix>* and <mount>/hmac/<hmac key>,
	// update on <mount>/keys/<prefix>*/config and delete on <mount>/keys/<prefix>*.
	Token string
	// Namespace is the Vault Enterprise namespace, if any.
	Namespace string
	// Mount is the path the transit engine is mounted at ("transit" if empty).
	Mount string
	// Prefix starts the name of every case's key ("predmet-case-" if empty).
	Prefix string
	// HMACKey names the transit key that makes pseudonyms ("predmet-person" if empty); it must exist.
	HMACKey string
	// Client sends the requests (a client with a 10-second timeout if nil).
	Client *http.Client
}

var _ domain.KeyStore = (*Vault)(nil)

func (v *Vault) mount() string {
	if v.Mount == "" {
		return "transit"
	}
	return strings.Trim(v.Mount, "/")
}

func (v *Vault) name(keyID string) string {
	if v.Prefix == "" {
		return "predmet-case-" + keyID
	}
	return v.Prefix + keyID
}

func (v *Vault) hmacKey() string {
	if v.HMACKey == "" {
		return "predmet-person"
	}
	return v.HMACKey
}

func (v *Vault) client() *http.Client {
	if v.Client == nil {
		return &http.Client{Timeout: 10 * time.Second}
	}
	return v.Client
}

// vaultError is an error answer of Vault: its status and messages.
type vaultError struct {
	Status int
	Errors []string
}

func (e *vaultError) Error() string {
	return fmt.Sprintf("vault: %d %s", e.Status, strings.Join(e.Errors, "; "))
}

// call sends a request to path under /v1/ with body (JSON, nil for none) and decodes the answer's
// "data" into out (nil to ignore it). Vault unreachable, or answering 5xx, is EUNAVAILABLE.
func (v *Vault) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(v.Addr, "/")+"/v1/"+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("X-Vault-Token", v.Token)
	req.Header.Set("X-Vault-Request", "true")
	if v.Namespace != "" {
		req.Header.Set("X-Vault-Namespace", v.Namespace)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := v.client().Do(req)
	if err != nil {
		return fmt.Errorf("%w (%v)", domain.Errorf(domain.EUNAVAILABLE, "The key store does not answer."), err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%w (%v)", domain.Errorf(domain.EUNAVAILABLE, "The key store does not answer."), err)
	}
	if resp.StatusCode >= 300 {
		ve := &vaultError{Status: resp.StatusCode}
		var e struct {
			Errors []string `json:"errors"`
		}
		_ = json.Unmarshal(raw, &e)
		ve.Errors = e.Errors
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return fmt.Errorf("%w (%v)", domain.Errorf(domain.EUNAVAILABLE, "The key store does not answer."), ve)
		}
		return ve
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("vault: %s %s: %w", method, path, err)
	}
	return json.Unmarshal(env.Data, out)
}

// status returns the HTTP status of a Vault error answer, or 0.
func status(err error) int {
	var ve *vaultError
	if errors.As(err, &ve) {
		return ve.Status
	}
	return 0
}

// PersonID implements domain.KeyStore with the transit engine's HMAC (SHA-256) under HMACKey: 128 bits
// of it in hexadecimal.
func (v *Vault) PersonID(ctx context.Context, email string) (string, error) {
	var out struct {
		HMAC string `json:"hmac"`
	}
	in := map[string]string{"input": base64.StdEncoding.EncodeToString([]byte(email))}
	if err := v.call(ctx, http.MethodPost, v.mount()+"/hmac/"+url.PathEscape(v.hmacKey())+"/sha2-256", in, &out); err != nil {
		return "", fmt.Errorf("key store: pseudonym: %w", err)
	}
	// "vault:v1:<base64>": the version is part of what is hashed, so a rotated HMAC key makes new
	// pseudonyms (rotating it is not supported).
	sum := sha256.Sum256([]byte(out.HMAC))
	return hex.EncodeToString(sum[:16]), nil
}

// Seal implements domain.KeyStore: transit/encrypt with the associated data, which creates the case's
// key the first time. The envelope holds Vault's cipher text ("vault:v1:…") and no nonce of its own.
func (v *Vault) Seal(ctx context.Context, keyID string, plaintext, aad []byte) (domain.Sealed, error) {
	if !isKeyName(keyID) {
		return domain.Sealed{}, domain.Errorf(domain.EINVALID, "%q cannot name a key.", keyID)
	}
	in := map[string]string{
		"plaintext":       base64.StdEncoding.EncodeToString(plaintext),
		"associated_data": base64.StdEncoding.EncodeToString(aad),
		"type":            "aes256-gcm96",
	}
	var out struct {
		Ciphertext string `json:"ciphertext"`
	}
	if err := v.call(ctx, http.MethodPost, v.mount()+"/encrypt/"+url.PathEscape(v.name(keyID)), in, &out); err != nil {
		return domain.Sealed{}, fmt.Errorf("key store: seal with %s: %w", keyID, err)
	}
	return domain.Sealed{Key: keyID, Data: []byte(out.Ciphertext)}, nil
}

// Open implements domain.KeyStore: transit/decrypt. A key Vault does not have (deleted by Destroy) is
// domain.ErrKeyDestroyed.
func (v *Vault) Open(ctx context.Context, s domain.Sealed, aad []byte) ([]byte, error) {
	if !isKeyName(s.Key) {
		return nil, domain.Errorf(domain.EINTERNAL, "The key store holds no key %q.", s.Key)
	}
	in := map[string]string{
		"ciphertext":      string(s.Data),
		"associated_data": base64.StdEncoding.EncodeToString(aad),
	}
	var out struct {
		Plaintext string `json:"plaintext"`
	}
	err := v.call(ctx, http.MethodPost, v.mount()+"/decrypt/"+url.PathEscape(v.name(s.Key)), in, &out)
	if st := status(err); st == http.StatusBadRequest || st == http.StatusNotFound {
		// Vault answers 400 both for a missing key and for a cipher text that does not decrypt: ask
		// whether the key is there.
		if gone, kerr := v.missing(ctx, s.Key); kerr != nil {
			return nil, kerr
		} else if gone {
			return nil, domain.ErrKeyDestroyed
		}
		return nil, domain.Errorf(domain.EINTERNAL, "The envelope sealed with key %q does not authenticate.", s.Key)
	} else if err != nil {
		return nil, fmt.Errorf("key store: open with %s: %w", s.Key, err)
	}
	return base64.StdEncoding.DecodeString(out.Plaintext)
}

// missing reports whether Vault has no key keyID.
func (v *Vault) missing(ctx context.Context, keyID string) (bool, error) {
	err := v.call(ctx, http.MethodGet, v.mount()+"/keys/"+url.PathEscape(v.name(keyID)), nil, nil)
	switch {
	case err == nil:
		return false, nil
	case status(err) == http.StatusNotFound:
		return true, nil
	}
	return false, fmt.Errorf("key store: read key %s: %w", keyID, err)
}

// Destroy implements domain.KeyStore: the key is made deletable and deleted. A key Vault does not have
// is destroyed already.
func (v *Vault) Destroy(ctx context.Context, keyID string) error {
	if !isKeyName(keyID) {
		return nil
	}
	path := v.mount() + "/keys/" + url.PathEscape(v.name(keyID))
	err := v.call(ctx, http.MethodPost, path+"/config", map[string]bool{"deletion_allowed": true}, nil)
	if st := status(err); st == http.StatusNotFound || st == http.StatusBadRequest {
		if gone, kerr := v.missing(ctx, keyID); kerr == nil && gone {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("key store: destroy %s: %w", keyID, err)
	}
	if err := v.call(ctx, http.MethodDelete, path, nil, nil); err != nil && status(err) != http.StatusNotFound {
		return fmt.Errorf("key store: destroy %s: %w", keyID, err)
	}
	return nil
}
