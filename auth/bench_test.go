package auth_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/predmet/predmet/auth"
)

// BenchmarkRequireUser measures what a signed-in request to a staff page costs before its handler:
// the session read from SQLite and the person made again from the directory in force.
func BenchmarkRequireUser(b *testing.B) {
	a, err := auth.New(auth.Options{BaseURL: "http://predmet.test", Directory: MustOpenDirectory(b), Sessions: MustOpenSessions(b),
		DevSignIn: true, DevUser: "dev"})
	if err != nil {
		b.Fatal(err)
	}
	r := mux.NewRouter()
	a.Register(r)
	pages := r.NewRoute().Subrouter()
	pages.Use(a.RequireUser)
	pages.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		if auth.UserFrom(r.Context()) == nil {
			w.WriteHeader(http.StatusUnauthorized)
		}
	})

	req := httptest.NewRequest(http.MethodPost, "http://predmet.test"+auth.PathDev, strings.NewReader(url.Values{"person": {"besa.osmani"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) != 1 {
		b.Fatalf("dev sign-in = %d", rec.Code)
	}
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "http://predmet.test/page", nil)
		req.AddCookie(cookies[0])
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET /page = %d", rec.Code)
		}
	}
}
