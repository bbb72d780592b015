package engine_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/predmet/predmet/auth"
	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/internal/testkit"
)

// manifest is a Kubernetes object of deploy/kubernetes, as far as the test reads it.
type manifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name        string            `yaml:"name"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       struct {
		Template struct {
			Spec struct {
				Containers []struct {
					Args         []string `yaml:"args"`
					VolumeMounts []struct {
						Name      string `yaml:"name"`
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
				Volumes []volume `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
		Rules []struct {
			Host string `yaml:"host"`
		} `yaml:"rules"`
	} `yaml:"spec"`
}

// volume is a volume of a Deployment's pods.
type volume struct {
	Name      string `yaml:"name"`
	ConfigMap *struct {
		Name  string    `yaml:"name"`
		Items []keyPath `yaml:"items"`
	} `yaml:"configMap"`
}

// keyPath is a key of a ConfigMap and the file it becomes in a volume.
type keyPath struct {
	Key  string `yaml:"key"`
	Path string `yaml:"path"`
}

// mustReadManifests reads every object of deploy/kubernetes, by kind and name.
func mustReadManifests(tb testing.TB) map[string]manifest {
	tb.Helper()
	files, err := filepath.Glob(testkit.Path("deploy/kubernetes/*.yaml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no manifests (%v)", err)
	}
	out := map[string]manifest{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var m manifest
			if err := dec.Decode(&m); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				tb.Fatalf("%s: %v", filepath.Base(f), err)
			}
			out[m.Kind+"/"+m.Metadata.Name] = m
		}
	}
	return out
}

// TestKubernetesManifests keeps deploy/kubernetes true to predmet's flags and to itself: every
// PREDMET_ variable is a flag of `predmet serve`; the API's settings, with the files they name, make a
// valid configuration (the sign-in's included); the Web UI and its gate use the sign-in's identity
// provider, on the UI's host, and the ingress asks the gate.
func TestKubernetesManifests(t *testing.T) {
	objects := mustReadManifests(t)
	settings, secret := objects["ConfigMap/predmet"], objects["Secret/predmet"]
	env := map[string]string{}
	for k, v := range settings.Data {
		env[k] = v
	}
	for k, v := range secret.StringData {
		env[k] = v
	}

	c := engine.DefaultConfig()
	c.Embedded = false
	fs := flag.NewFlagSet("predmet serve", flag.ContinueOnError)
	c.RegisterFlags(fs)
	// The files the API reads at start, from the ConfigMap's keys mounted where the settings say.
	dir := t.TempDir()
	files := map[string]string{"PREDMET_AUTH_FILE": "auth.json", "PREDMET_POLICIES": "policies.json"}
	for name, value := range env {
		if !strings.HasPrefix(name, "PREDMET_") {
			continue
		}
		flagName := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, "PREDMET_"), "_", "-"))
		if fs.Lookup(flagName) == nil {
			t.Errorf("%s is not the variable of a flag of predmet serve", name)
			continue
		}
		if key, ok := files[name]; ok {
			value = filepath.Join(dir, key)
			if err := os.WriteFile(value, []byte(settings.Data[key]), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := fs.Set(flagName, value); err != nil {
			t.Errorf("%s=%q: %v", name, value, err)
		}
	}
	c.Roles = []string{engine.RoleAPI, engine.RoleProjections}
	if err := c.Validate(); err != nil {
		t.Errorf("the API's settings are not valid: %v", err)
	}
	signIn, err := c.SignIn()
	if err != nil || signIn.OIDC == nil {
		t.Fatalf("the API's sign-in: %+v, %v; want an identity provider", signIn, err)
	}

	t.Run("AuthFileMounted", func(t *testing.T) {
		api := objects["Deployment/predmet-api"].Spec.Template.Spec
		mountDir, file := path.Split(env["PREDMET_AUTH_FILE"])
		var mounted string
		for _, m := range api.Containers[0].VolumeMounts {
			if m.MountPath+"/" == mountDir {
				mounted = m.Name
			}
		}
		i := slices.IndexFunc(api.Volumes, func(v volume) bool { return v.Name == mounted })
		if i < 0 || api.Volumes[i].ConfigMap == nil || api.Volumes[i].ConfigMap.Name != "predmet" ||
			!slices.Contains(api.Volumes[i].ConfigMap.Items, keyPath{"auth.json", file}) {
			t.Errorf("the API does not mount the ConfigMap's auth.json at %s", env["PREDMET_AUTH_FILE"])
		}
	})
	t.Run("WebUI", func(t *testing.T) {
		ui := objects["ConfigMap/predmet-temporal-ui"].Data
		gate := objects["Deployment/predmet-temporal-ui-gate"].Spec.Template.Spec.Containers[0].Args
		arg := func(name string) []string {
			var out []string
			for _, a := range gate {
				if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
					out = append(out, v)
				}
			}
			return out
		}
		host := objects["Ingress/predmet-temporal-ui"].Spec.Rules[0].Host
		if ui["TEMPORAL_AUTH_PROVIDER_URL"] != signIn.OIDC.Issuer || !slices.Equal(arg("oidc-issuer-url"), []string{signIn.OIDC.Issuer}) {
			t.Errorf("the UI's provider %q and the gate's %q are not predmet's %q", ui["TEMPORAL_AUTH_PROVIDER_URL"], arg("oidc-issuer-url"), signIn.OIDC.Issuer)
		}
		if id := ui["TEMPORAL_AUTH_CLIENT_ID"]; id == signIn.OIDC.ClientID || !slices.Equal(arg("client-id"), []string{id}) {
			t.Errorf("the UI's client %q, the gate's %v: want one client of their own, not predmet's %q", id, arg("client-id"), signIn.OIDC.ClientID)
		}
		if len(arg("allowed-group")) == 0 || ui["TEMPORAL_DISABLE_WRITE_ACTIONS"] != "true" || ui["TEMPORAL_AUTH_ENABLED"] != "true" {
			t.Errorf("the UI is not read-only, signed in and gated by a group: %v %v", ui, gate)
		}
		for _, u := range []string{ui["TEMPORAL_AUTH_CALLBACK_URL"], arg("redirect-url")[0]} {
			if parsed, err := url.Parse(u); err != nil || parsed.Scheme != "https" || parsed.Host != host {
				t.Errorf("callback %q is not on the UI's host %s", u, host)
			}
		}
		annotations := objects["Ingress/predmet-temporal-ui"].Metadata.Annotations
		if authURL := annotations["nginx.ingress.kubernetes.io/auth-url"]; !strings.HasPrefix(authURL, "http://predmet-temporal-ui-gate.") ||
			!strings.HasSuffix(authURL, "/oauth2/auth") {
			t.Errorf("the UI's ingress does not ask the gate: auth-url %q", authURL)
		}
		if objects["Ingress/predmet-temporal-ui-gate"].Spec.Rules[0].Host != host {
			t.Errorf("the gate's paths are not on the UI's host")
		}
		uiSecret := objects["Secret/predmet-temporal-ui"].StringData
		if _, ok := uiSecret["clientSecret"]; !ok {
			t.Errorf("no Secret predmet-temporal-ui with the UI's client secret")
		}
	})
	t.Run("AuthExample", func(t *testing.T) {
		if _, err := auth.LoadConfig(testkit.Path("deploy/auth/example.json")); err != nil {
			t.Error(err)
		}
	})
}
