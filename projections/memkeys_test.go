package projections_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"sync"

	"github.com/predmet/predmet/domain"
)

// memoryKeys is a domain.KeyStore in memory, with AES-256-GCM as keystore.File seals: what the
// benchmarks seal their log with, without a file's syncs for each of a hundred thousand keys.
type memoryKeys struct {
	mu   sync.Mutex
	keys map[string]cipher.AEAD
}

func newMemoryKeys() *memoryKeys { return &memoryKeys{keys: map[string]cipher.AEAD{}} }

func (m *memoryKeys) PersonID(_ context.Context, email string) (string, error) { return email, nil }

func (m *memoryKeys) aead(id string) cipher.AEAD {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.keys[id]
	if !ok {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		block, _ := aes.NewCipher(k)
		a, _ = cipher.NewGCM(block)
		m.keys[id] = a
	}
	return a
}

func (m *memoryKeys) Seal(_ context.Context, id string, plain, aad []byte) (domain.Sealed, error) {
	a := m.aead(id)
	nonce := make([]byte, a.NonceSize())
	_, _ = rand.Read(nonce)
	return domain.Sealed{Key: id, Nonce: nonce, Data: a.Seal(nil, nonce, plain, aad)}, nil
}

func (m *memoryKeys) Open(_ context.Context, s domain.Sealed, aad []byte) ([]byte, error) {
	return m.aead(s.Key).Open(nil, s.Nonce, s.Data, aad)
}

func (m *memoryKeys) Destroy(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, id)
	return nil
}
