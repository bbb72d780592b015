package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const projectionsUsage = `Usage:
  predmet projections status [flags]            every projection's lag behind the event log
  predmet projections check [name] [flags]      recompute the read models from the log and compare (exit 1 on a difference)
  predmet projections rebuild <name> [flags]    rebuild a projection beside the live one and swap it in

They ask a running predmet's API (--api) with a staff token: PREDMET_TOKEN, or the dev user's token in
--data-dir. Names: casework, notifications. Flags may come before or after the verb.

Flags:
`

// projections runs "predmet projections …" against a running engine's API.
func projections(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("predmet projections", projectionsUsage)
	api := fs.String("api", envOr("PREDMET_API", "http://127.0.0.1:8080"), "the API's base URL (PREDMET_API)")
	dataDir := fs.String("data-dir", envOr("PREDMET_DATA_DIR", "./data"), "where the dev token is kept (PREDMET_DATA_DIR)")
	timeout := fs.Duration("timeout", 30*time.Minute, "how long to wait for a check or a rebuild")
	verb, err := parseFlags(fs, args, 1, 2, stdout, stderr)
	if err != nil {
		return err
	}
	var method, path string
	switch {
	case verb[0] == "status" && len(verb) == 1:
		method, path = http.MethodGet, "/api/v1/projections"
	case verb[0] == "check":
		method, path = http.MethodPost, "/api/v1/projections/check"
		if len(verb) == 2 {
			path += "?projection=" + url.QueryEscape(verb[1])
		}
	case verb[0] == "rebuild" && len(verb) == 2:
		method, path = http.MethodPost, "/api/v1/projections/"+url.PathEscape(verb[1])+"/rebuild"
	default:
		return usageError(fs, stderr, "unknown verb or wrong arguments: %s", strings.Join(verb, " "))
	}
	token := os.Getenv("PREDMET_TOKEN")
	if token == "" {
		b, err := os.ReadFile(filepath.Join(*dataDir, "dev-token"))
		if err != nil {
			return fmt.Errorf("no staff token: set PREDMET_TOKEN (%v)", err)
		}
		token = strings.TrimSpace(string(b))
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(*api, "/")+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := (&http.Client{Timeout: *timeout}).Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, body, "", "  ") == nil {
		body = pretty.Bytes()
	}
	fmt.Fprintln(stdout, string(body))
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s", method, path, res.Status)
	}
	var check struct {
		Consistent *bool `json:"consistent"`
	}
	if json.Unmarshal(body, &check) == nil && check.Consistent != nil && !*check.Consistent {
		return fmt.Errorf("the read models differ from the log: see the report above")
	}
	return nil
}

// envOr returns the environment variable, or def when it is unset.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
