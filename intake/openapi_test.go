package intake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/predmet/predmet/domain"
)

// openAPIDoc is the part of the OpenAPI document the tests check.
type openAPIDoc struct {
	OpenAPI    string                                 `json:"openapi"`
	Paths      map[string]map[string]openAPIOperation `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

type openAPIOperation struct {
	Security  *[]map[string][]string `json:"security"`
	Responses map[string]any         `json:"responses"`
}

func mustParseOpenAPI(tb testing.TB) openAPIDoc {
	tb.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		tb.Fatalf("openapi.json: %v", err)
	}
	return doc
}

// TestOpenAPI keeps the document true to the router: every route is documented and every documented
// operation is routed.
func TestOpenAPI(t *testing.T) {
	doc := mustParseOpenAPI(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}

	routed := map[string]bool{} // "GET /healthz"
	s := &Server{}
	err := s.router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return nil // the subrouter's route, not an endpoint
		}
		methods, err := route.GetMethods()
		if err != nil {
			return fmt.Errorf("%s has no methods", tpl)
		}
		for _, m := range methods {
			routed[m+" "+tpl] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	for op := range routed {
		if !documented[op] {
			t.Errorf("%s is routed but not documented", op)
		}
	}
	for op := range documented {
		if !routed[op] {
			t.Errorf("%s is documented but not routed", op)
		}
	}
	if len(routed) != 6 {
		t.Errorf("%d routes: %v", len(routed), slices.Sorted(maps.Keys(routed)))
	}

	t.Run("OpenCaseResponses", func(t *testing.T) {
		op := doc.Paths["/api/v1/cases"]["post"]
		for _, status := range []string{"201", "400", "401", "403", "409", "413", "415", "422", "503"} {
			if _, ok := op.Responses[status]; !ok {
				t.Errorf("POST /api/v1/cases does not document %s", status)
			}
		}
	})
	t.Run("OpenRoutes", func(t *testing.T) {
		for path, ops := range doc.Paths {
			open := !strings.HasPrefix(path, "/api/v1/") || path == "/api/v1/openapi.json"
			for method, op := range ops {
				if gotOpen := op.Security != nil && len(*op.Security) == 0; gotOpen != open {
					t.Errorf("%s %s: open = %v, want %v", method, path, gotOpen, open)
				}
			}
		}
	})
	t.Run("Enums", func(t *testing.T) {
		enum := func(name string) []string {
			var schema struct{ Enum []string }
			if err := json.Unmarshal(doc.Components.Schemas[name], &schema); err != nil {
				t.Fatal(err)
			}
			sort.Strings(schema.Enum)
			return schema.Enum
		}
		strs := func(list []string) []string { sort.Strings(list); return list }
		var kinds, channels, langs []string
		for k := range domain.DefaultPolicies() {
			kinds = append(kinds, string(k))
		}
		for _, c := range domain.Channels {
			channels = append(channels, string(c))
		}
		for _, l := range domain.Languages {
			langs = append(langs, string(l))
		}
		for name, want := range map[string][]string{"CaseKind": strs(kinds), "Channel": strs(channels), "Language": strs(langs)} {
			if got := enum(name); !slices.Equal(got, want) {
				t.Errorf("%s enum = %v, want %v (domain)", name, got, want)
			}
		}
		var problemSchema struct {
			Properties struct{ Code struct{ Enum []string } }
		}
		if err := json.Unmarshal(doc.Components.Schemas["Problem"], &problemSchema); err != nil {
			t.Fatal(err)
		}
		if got, want := strs(problemSchema.Properties.Code.Enum), slices.Sorted(maps.Keys(codes)); !slices.Equal(got, want) {
			t.Errorf("Problem code enum = %v, want %v", got, want)
		}
	})
	t.Run("Served", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, "", http.MethodGet, "/api/v1/openapi.json", ""))
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("status = %d, Content-Type = %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if string(body) != string(openAPI) {
			t.Error("the served document is not the embedded one")
		}
	})
}
