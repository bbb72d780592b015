package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const projectionsUsage = `Usage:
  predmet projections status            every projection's lag behind the event log
  predmet projections check [name]      recompute the read models from the log and compare (exit 1 on a difference)
  predmet projections rebuild <name>    rebuild a projection beside the live one and swap it in

They ask a running predmet's API (--api, PREDMET_API) with a staff token (PREDMET_TOKEN, or the dev
token in --data-dir). Names: casework, notifications.
`

// projections runs "predmet projections …" against a running engine's API.
func projections(args []string) error {
	fs := flag.NewFlagSet("projections", flag.ExitOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, projectionsUsage) }
	api := fs.String("api", envOr("PREDMET_API", "http://127.0.0.1:8080"), "the API's base URL")
	dataDir := fs.String("data-dir", envOr("PREDMET_DATA_DIR", "./data"), "where the dev token is kept")
	timeout := fs.Duration("timeout", 30*time.Minute, "how long to wait for a check or a rebuild")
	if err := fs.Parse(args); err != nil {
		return err
	}
	token := os.Getenv("PREDMET_TOKEN")
	if token == "" {
		b, err := os.ReadFile(filepath.Join(*dataDir, "dev-token"))
		if err != nil {
			return fmt.Errorf("no staff token: set PREDMET_TOKEN (%v)", err)
		}
		token = strings.TrimSpace(string(b))
	}
	var method, path string
	switch cmd := fs.Arg(0); {
	case cmd == "status" && fs.NArg() == 1:
		method, path = http.MethodGet, "/api/v1/projections"
	case cmd == "check" && fs.NArg() <= 2:
		method, path = http.MethodPost, "/api/v1/projections/check"
		if fs.NArg() == 2 {
			path += "?projection=" + fs.Arg(1)
		}
	case cmd == "rebuild" && fs.NArg() == 2:
		method, path = http.MethodPost, "/api/v1/projections/"+fs.Arg(1)+"/rebuild"
	default:
		fs.Usage()
		os.Exit(2)
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
	fmt.Println(string(body))
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
