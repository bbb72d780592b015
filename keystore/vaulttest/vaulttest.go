// Package vaulttest is an HTTP test double of HashiCorp Vault's transit secrets engine: the endpoints
// keystore.Vault uses (encrypt, decrypt, hmac, keys: read, config, delete), answering as Vault's API
// documents them. It is the one fake in predmet's tests: a real Vault server is not packaged where the
// tests run (see docs/privacy.md).
package vaulttest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Token is the token the double accepts.
const Token = "vaulttest-root-token"

// Server is a running double. Its transit engine is mounted at "transit" and holds the HMAC key
// "predmet-person".
type Server struct {
	*httptest.Server

	mu   sync.Mutex
	keys map[string]*key
	// Requests counts the requests answered, by path.
	Requests map[string]int
}

type key struct {
	material        []byte
	deletionAllowed bool
}

// Start starts a double, closed when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{keys: map[string]*key{}, Requests: map[string]int{}}
	s.keys["predmet-person"] = newKey()
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

func newKey() *key {
	m := make([]byte, 32)
	if _, err := rand.Read(m); err != nil {
		panic(err)
	}
	return &key{material: m}
}

// HasKey reports whether the transit engine holds the named key.
func (s *Server) HasKey(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.keys[name]
	return ok
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Vault-Token") != Token {
		writeErrors(w, http.StatusForbidden, "permission denied")
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/v1/transit/")
	if !ok {
		writeErrors(w, http.StatusNotFound, "no handler for route")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Requests[r.URL.Path]++
	op, name, _ := strings.Cut(path, "/")
	var body map[string]any
	if r.Body != nil && r.ContentLength != 0 {
		_ = json.NewDecoder(r.Body).Decode(&body)
	}
	str := func(k string) string { v, _ := body[k].(string); return v }
	switch {
	case op == "encrypt" && r.Method == http.MethodPost:
		k, ok := s.keys[name]
		if !ok {
			k = newKey() // encrypt upserts the key
			s.keys[name] = k
		}
		plain, err1 := base64.StdEncoding.DecodeString(str("plaintext"))
		aad, err2 := base64.StdEncoding.DecodeString(str("associated_data"))
		if err1 != nil || err2 != nil {
			writeErrors(w, http.StatusBadRequest, "failed to base64-decode plaintext")
			return
		}
		aead := gcm(k.material)
		nonce := make([]byte, aead.NonceSize())
		_, _ = rand.Read(nonce)
		ct := "vault:v1:" + base64.StdEncoding.EncodeToString(append(nonce, aead.Seal(nil, nonce, plain, aad)...))
		writeData(w, map[string]any{"ciphertext": ct, "key_version": 1})
	case op == "decrypt" && r.Method == http.MethodPost:
		k, ok := s.keys[name]
		if !ok {
			writeErrors(w, http.StatusBadRequest, "encryption key not found")
			return
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(str("ciphertext"), "vault:v1:"))
		aad, _ := base64.StdEncoding.DecodeString(str("associated_data"))
		aead := gcm(k.material)
		if err != nil || len(raw) < aead.NonceSize() {
			writeErrors(w, http.StatusBadRequest, "invalid ciphertext")
			return
		}
		plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], aad)
		if err != nil {
			writeErrors(w, http.StatusBadRequest, "cipher: message authentication failed")
			return
		}
		writeData(w, map[string]any{"plaintext": base64.StdEncoding.EncodeToString(plain)})
	case op == "hmac" && r.Method == http.MethodPost:
		kname, _, _ := strings.Cut(name, "/")
		k, ok := s.keys[kname]
		if !ok {
			writeErrors(w, http.StatusBadRequest, "HMAC key not found")
			return
		}
		in, _ := base64.StdEncoding.DecodeString(str("input"))
		m := hmac.New(sha256.New, k.material)
		m.Write(in)
		writeData(w, map[string]any{"hmac": "vault:v1:" + base64.StdEncoding.EncodeToString(m.Sum(nil))})
	case op == "keys":
		kname, sub, _ := strings.Cut(name, "/")
		k, ok := s.keys[kname]
		switch {
		case r.Method == http.MethodGet && sub == "":
			if !ok {
				writeErrors(w, http.StatusNotFound)
				return
			}
			writeData(w, map[string]any{"name": kname, "type": "aes256-gcm96", "deletion_allowed": k.deletionAllowed, "latest_version": 1})
		case r.Method == http.MethodPost && sub == "config":
			if !ok {
				writeErrors(w, http.StatusBadRequest, "no existing key named "+kname+" could be found")
				return
			}
			if v, set := body["deletion_allowed"].(bool); set {
				k.deletionAllowed = v
			}
			w.WriteHeader(http.StatusNoContent)
		case r.Method == http.MethodDelete && sub == "":
			if ok && !k.deletionAllowed {
				writeErrors(w, http.StatusBadRequest, "deletion is not allowed for this key")
				return
			}
			delete(s.keys, kname)
			w.WriteHeader(http.StatusNoContent)
		default:
			writeErrors(w, http.StatusMethodNotAllowed)
		}
	default:
		writeErrors(w, http.StatusNotFound, "no handler for route")
	}
}

func gcm(material []byte) cipher.AEAD {
	block, err := aes.NewCipher(material)
	if err != nil {
		panic(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

func writeData(w http.ResponseWriter, data any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
}

func writeErrors(w http.ResponseWriter, status int, msgs ...string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if msgs == nil {
		msgs = []string{}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": msgs})
}
