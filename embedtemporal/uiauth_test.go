package embedtemporal_test

import (
	"net"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"testing"
	"time"

	"github.com/predmet/predmet/auth/oidctest"
	"github.com/predmet/predmet/embedtemporal"
)

// TestUIAuth puts the Web UI behind a real OpenID Connect provider: its API answers only requests with
// an ID token the provider issued to the UI's client, and its own sign-in goes through the provider.
func TestUIAuth(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	ui := "http://127.0.0.1:" + strconv.Itoa(port)

	provider := oidctest.Start(t, []oidctest.User{{Subject: "u-ilina", Username: "ilina", Email: "ilina.ristovska@opstina-primer.example"}},
		oidctest.Client{ID: "predmet", Secret: "s3cret", RedirectURIs: []string{ui + "/auth/sso/callback"}},
		oidctest.Client{ID: "other-app", Secret: "other", RedirectURIs: []string{"http://127.0.0.1:9/callback"}})
	s := MustStart(t, embedtemporal.Options{UIPort: port, UIAuth: &embedtemporal.UIAuth{
		Issuer: provider.Issuer, ClientID: "predmet", ClientSecret: "s3cret",
	}})

	list := ui + "/api/v1/namespaces/" + s.Namespace() + "/workflows"
	call := func(t *testing.T, access, id string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, list, nil)
		if access != "" {
			req.Header.Set("Authorization", "Bearer "+access)
			req.Header.Set("Authorization-Extras", id)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("ErrNoToken", func(t *testing.T) {
		if got := call(t, "", ""); got != http.StatusUnauthorized {
			t.Errorf("UI API without a token = %d, want 401", got)
		}
	})
	t.Run("ErrOtherAudience", func(t *testing.T) {
		tok := provider.Tokens(t, "other-app", "ilina")
		if got := call(t, tok.AccessToken, tok.Extra("id_token").(string)); got != http.StatusUnauthorized {
			t.Errorf("UI API with another application's ID token = %d, want 401", got)
		}
	})
	t.Run("OK", func(t *testing.T) {
		tok := provider.Tokens(t, "predmet", "ilina")
		if got := call(t, tok.AccessToken, tok.Extra("id_token").(string)); got != http.StatusOK {
			t.Errorf("UI API with the provider's ID token = %d, want 200", got)
		}
	})
	t.Run("SignIn", func(t *testing.T) {
		// The UI's own sign-in: to the provider and back, with the tokens for the UI in its cookies.
		jar, _ := cookiejar.New(nil)
		b := &http.Client{Jar: jar, Timeout: 30 * time.Second}
		back := provider.SignIn(t, b, ui+"/auth/sso", "ilina")
		if back.Path != "/auth/sso/callback" {
			t.Fatalf("the provider sent the browser back to %s", back)
		}
		c := *b
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Get(back.String())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var user bool
		for _, ck := range resp.Cookies() {
			user = user || ck.Name == "user0"
		}
		if resp.StatusCode != http.StatusSeeOther || !user {
			t.Errorf("UI callback = %s with cookies %v, want 303 with the user's tokens", resp.Status, resp.Cookies())
		}
	})
}
