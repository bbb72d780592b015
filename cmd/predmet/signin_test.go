package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/predmet/predmet/auth"
)

// TestPrintSignIn checks the line `predmet dev` and `predmet serve` print first: where staff sign in,
// and how.
func TestPrintSignIn(t *testing.T) {
	provider := &auth.Config{OIDC: &auth.OIDC{Issuer: "https://sso.opstina-primer.example/realms/opstina", ClientID: "predmet"}}
	for _, tc := range []struct {
		name    string
		cfg     *auth.Config
		dev     bool
		baseURL string
		want    string
	}{
		{"Dev", nil, true, "http://127.0.0.1:8080", "Sign in:           http://127.0.0.1:8080/signin (development sign-in: anyone as anyone, no password; never with real cases)\n"},
		{"Provider", provider, false, "https://predmet.opstina-primer.example/", "Sign in:           https://predmet.opstina-primer.example/signin (the identity provider)\n"},
		{"Both", provider, true, "https://predmet.opstina-primer.example", "(the identity provider, and the development sign-in: anyone as anyone, no password)\n"},
		{"None", nil, false, "", "Sign in:           /signin (no sign-in: set --auth-file, or --dev-signin for a development sign-in; set --base-url)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sessions, err := auth.OpenSessions(filepath.Join(t.TempDir(), "sessions.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer sessions.Close()
			a, err := auth.New(auth.Options{Config: tc.cfg, BaseURL: tc.baseURL, Sessions: sessions, DevSignIn: tc.dev})
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			printSignIn(&out, tc.baseURL, a)
			if got := out.String(); !strings.HasSuffix(got, tc.want) {
				t.Errorf("printed %q, want it to end %q", got, tc.want)
			}
		})
	}
}
