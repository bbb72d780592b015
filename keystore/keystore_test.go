package keystore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/keystore"
	"github.com/predmet/predmet/keystore/vaulttest"
)

// testKeyStore is what every key store must do.
func testKeyStore(t *testing.T, ks domain.KeyStore) {
	ctx := context.Background()
	aad := []byte("predmet/CaseReceived/case-1")
	t.Run("OK_SealOpen", func(t *testing.T) {
		s, err := ks.Seal(ctx, "case-1", []byte(`{"name":"Марија"}`), aad)
		if err != nil {
			t.Fatal(err)
		}
		if s.Key != "case-1" || strings.Contains(string(s.Data), "Марија") {
			t.Errorf("sealed = %+v", s)
		}
		plain, err := ks.Open(ctx, s, aad)
		if err != nil || string(plain) != `{"name":"Марија"}` {
			t.Errorf("Open = %q, %v", plain, err)
		}
		if _, err := ks.Open(ctx, s, []byte("predmet/CaseReceived/case-2")); domain.ErrorCode(err) != domain.EINTERNAL {
			t.Errorf("Open with another aad = %v, want EINTERNAL", err)
		}
	})
	t.Run("OK_DestroyErases", func(t *testing.T) {
		s1, err := ks.Seal(ctx, "case-2", []byte("one"), aad)
		if err != nil {
			t.Fatal(err)
		}
		other, err := ks.Seal(ctx, "case-3", []byte("other"), aad)
		if err != nil {
			t.Fatal(err)
		}
		if err := ks.Destroy(ctx, "case-2"); err != nil {
			t.Fatal(err)
		}
		if err := ks.Destroy(ctx, "case-2"); err != nil {
			t.Errorf("a second Destroy = %v", err)
		}
		if _, err := ks.Open(ctx, s1, aad); !errors.Is(err, domain.ErrKeyDestroyed) {
			t.Errorf("Open after Destroy = %v, want ErrKeyDestroyed", err)
		}
		if plain, err := ks.Open(ctx, other, aad); err != nil || string(plain) != "other" {
			t.Errorf("another case's key after Destroy: %q, %v", plain, err)
		}
	})
	t.Run("OK_PersonID", func(t *testing.T) {
		a, err := ks.PersonID(ctx, "marija@example.mk")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := ks.PersonID(ctx, "marija@example.mk")
		c, _ := ks.PersonID(ctx, "arta@example.org")
		if a != b || a == c || len(a) != 32 || strings.Contains(a, "marija") {
			t.Errorf("pseudonyms %q %q %q", a, b, c)
		}
	})
}

func TestFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "keys.db")
	f, err := keystore.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	testKeyStore(t, f)
	t.Run("OK_PrivateModes", func(t *testing.T) {
		for _, p := range []string{dir, path} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s has mode %04o; want no access for group and others", p, fi.Mode().Perm())
			}
		}
	})
	t.Run("OK_SurvivesReopen", func(t *testing.T) {
		ctx := context.Background()
		s, err := f.Seal(ctx, "case-9", []byte("kept"), nil)
		if err != nil {
			t.Fatal(err)
		}
		person, _ := f.PersonID(ctx, "a@example.org")
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		f, err = keystore.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		if plain, err := f.Open(ctx, s, nil); err != nil || string(plain) != "kept" {
			t.Errorf("after reopening: %q, %v", plain, err)
		}
		if again, _ := f.PersonID(ctx, "a@example.org"); again != person {
			t.Errorf("pseudonym after reopening %q, want %q", again, person)
		}
		if _, err := f.Seal(ctx, "case-2", []byte("again"), nil); !errors.Is(err, domain.ErrKeyDestroyed) {
			t.Errorf("Seal with a destroyed key = %v, want ErrKeyDestroyed", err)
		}
		if live, destroyed, err := f.Stats(ctx); err != nil || live != 3 || destroyed != 1 {
			t.Errorf("Stats = %d, %d, %v; want 3 live and 1 destroyed", live, destroyed, err)
		}
	})
	t.Run("ErrReadableByOthers", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "keys.db")
		if err := os.WriteFile(other, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := keystore.OpenFile(other)
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("OpenFile on a file others read = %v; want a refusal that says chmod 600", err)
		}
	})
	t.Run("ErrDirectoryWritableByOthers", func(t *testing.T) {
		open := filepath.Join(t.TempDir(), "open")
		if err := os.Mkdir(open, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(open, 0o777); err != nil {
			t.Fatal(err)
		}
		_, err := keystore.OpenFile(filepath.Join(open, "keys.db"))
		if err == nil || !strings.Contains(err.Error(), "chmod 700") {
			t.Errorf("OpenFile in a directory others write = %v; want a refusal that says chmod 700", err)
		}
	})
}

// TestVault runs the key store suite against the HTTP test double of Vault's transit engine.
func TestVault(t *testing.T) {
	srv := vaulttest.Start(t)
	v := &keystore.Vault{Addr: srv.URL, Token: vaulttest.Token}
	testKeyStore(t, v)
	if srv.HasKey("predmet-case-case-2") || !srv.HasKey("predmet-case-case-3") {
		t.Errorf("Vault's keys after destroying case-2: case-2 %t, case-3 %t", srv.HasKey("predmet-case-case-2"), srv.HasKey("predmet-case-case-3"))
	}
	t.Run("ErrUnavailable", func(t *testing.T) {
		down := &keystore.Vault{Addr: "http://127.0.0.1:1", Token: vaulttest.Token}
		if _, err := down.Seal(context.Background(), "case-1", []byte("x"), nil); domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Errorf("Seal with Vault down = %v, want EUNAVAILABLE", err)
		}
	})
	t.Run("ErrWrongToken", func(t *testing.T) {
		bad := &keystore.Vault{Addr: srv.URL, Token: "wrong"}
		if _, err := bad.Seal(context.Background(), "case-1", []byte("x"), nil); err == nil {
			t.Error("Seal with a wrong token succeeded")
		}
	})
}
