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

	t.Run("OpenCaseResponses", func(t *testing.T) {
		op := doc.Paths["/api/v1/cases"]["post"]
		for _, status := range []string{"201", "400", "401", "403", "409", "413", "415", "422", "503"} {
			if _, ok := op.Responses[status]; !ok {
				t.Errorf("POST /api/v1/cases does not document %s", status)
			}
		}
	})
	t.Run("NewRouteResponses", func(t *testing.T) {
		for op, statuses := range map[string][]string{
			"POST /api/v1/cases/{id}/actions/{action}": {"200", "400", "401", "403", "404", "409", "413", "415", "422", "500", "503"},
			"GET /api/v1/cases/{id}/deadline":          {"200", "401", "403", "404", "500", "503"},
			"GET /api/v1/clocks":                       {"200", "401", "403", "500", "503"},
			"POST /api/v1/clocks/suspend":              {"200", "400", "401", "403", "409", "413", "415", "422", "500", "503"},
			"POST /api/v1/clocks/resume":               {"200", "400", "401", "403", "409", "413", "415", "422", "500", "503"},
			"GET /api/v1/kinds":                        {"200", "401", "500"},
		} {
			method, path, _ := strings.Cut(op, " ")
			responses := doc.Paths[path][strings.ToLower(method)].Responses
			for _, status := range statuses {
				if _, ok := responses[status]; !ok {
					t.Errorf("%s does not document %s", op, status)
				}
			}
		}
	})
	t.Run("ActionRoles", func(t *testing.T) {
		var ops map[string]map[string]struct{ Description string }
		if err := json.Unmarshal(openAPI, &struct {
			Paths *map[string]map[string]struct{ Description string }
		}{&ops}); err != nil {
			t.Fatal(err)
		}
		desc := ops["/api/v1/cases/{id}/actions/{action}"]["post"].Description
		for _, a := range domain.Actions {
			if want := fmt.Sprintf(" %s (%s)", a, joinRoles(domain.ActionRoles(a))); !strings.Contains(desc, want) {
				t.Errorf("the description of actions does not say%s", want)
			}
		}
	})
	t.Run("Refs", func(t *testing.T) {
		var all any
		if err := json.Unmarshal(openAPI, &all); err != nil {
			t.Fatal(err)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				if ref, ok := v["$ref"].(string); ok {
					if !resolves(all, ref) {
						t.Errorf("$ref %s does not resolve", ref)
					}
				}
				for _, x := range v {
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(all)
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
		var kinds, channels, langs, actions, statuses []string
		for k := range domain.DefaultPolicies() {
			kinds = append(kinds, string(k))
		}
		for _, c := range domain.Channels {
			channels = append(channels, string(c))
		}
		for _, l := range domain.Languages {
			langs = append(langs, string(l))
		}
		for _, a := range domain.Actions {
			actions = append(actions, string(a))
		}
		for _, st := range domain.Statuses {
			statuses = append(statuses, string(st))
		}
		for name, want := range map[string][]string{
			"CaseKind": strs(kinds), "Channel": strs(channels), "Language": strs(langs), "Action": strs(actions), "Status": strs(statuses),
		} {
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

// resolves reports whether a local JSON pointer such as "#/components/schemas/Case" names a value of doc.
func resolves(doc any, ref string) bool {
	path, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return false
	}
	v := doc
	for _, name := range strings.Split(path, "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = m[name]; !ok {
			return false
		}
	}
	return true
}
