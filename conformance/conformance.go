// Package conformance runs the Zonesmart JWT conformance suite from a Go test, in the spirit of
// testing/fstest.TestFS: a mock author points it at a server, and every clause the server
// breaks becomes a test failure that names the clause.
//
//	func TestConformance(t *testing.T) {
//		conformance.RunHandler(t, mymock.NewHandler(), conformance.Account{
//			Email: "qa@example.com", Password: "secret", SigningKey: "hs256-key",
//		})
//	}
//
// Run tests a live URL; RunHandler serves an http.Handler on loopback and runs the same. The
// suite is configured only from the Target's fields, never from the process environment, so a
// ZS_* variable left in a developer's shell cannot change what a test checks. The conformance
// reports (conformance.md, conformance.html, verdicts.json) land in t.TempDir(), or in
// Target.ReportsDir when it is set.
//
// # One suite per test binary
//
// The suite is a Ginkgo spec tree, and Ginkgo runs one tree once per process. So call Run or
// RunHandler once per test binary: from one test, in a package of its own (a _test package
// such as mymock/conformance_test, whose only test calls it). A second call in the same binary
// fails that test and says so. Go runs every package's tests in a binary of its own, so other
// packages of the module are not affected.
package conformance

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
	"github.com/zonesmart/jwt-conformance/suites/auth"
)

// Target is the server a run tests and the account it logs in with.
type Target struct {
	// BaseURL is the server, e.g. http://127.0.0.1:8000 (required).
	BaseURL string
	// Email and Password are the test account's log-in.
	Email, Password string
	// SigningKey is the HS256 key the server signs with; without it the signature and
	// forged-token clauses are skipped.
	SigningKey string
	// ReportsDir is where the reports go; empty is t.TempDir().
	ReportsDir string
	// Labels is a Ginkgo label filter selecting the clauses to run, e.g. "endpoint:create";
	// empty runs them all.
	Labels string
	// ConfigFile is a YAML configuration file (config.example.yaml shows its keys).
	ConfigFile string
	// Settings are further settings by their ZS_* variable name, e.g.
	// {"ZS_REFRESH_METHOD": "POST"}. The names are those of the README's configuration table;
	// the Target's own fields are not settings (use them instead of ZS_BASE_URL and the rest).
	Settings map[string]string
}

// Account is the test account a handler under RunHandler knows.
type Account struct {
	Email, Password string
	// SigningKey is the HS256 key the handler signs with; empty skips the keyed clauses.
	SigningKey string
}

// reserved are the settings the Target's own fields carry.
var reserved = map[string]string{
	"ZS_BASE_URL": "BaseURL", "ZS_EMAIL": "Email", "ZS_PASSWORD": "Password",
	"ZS_SIGNING_KEY": "SigningKey", "ZS_REPORTS_DIR": "ReportsDir", "ZS_CONFIG": "ConfigFile",
}

// RunHandler serves handler on a loopback port for the length of the run and runs the suite
// against it with the account. It is Run with a Target made from the server and the account.
func RunHandler(t *testing.T, handler http.Handler, account Account) {
	t.Helper()
	srv := httptest.NewServer(handler)
	defer srv.Close()
	Run(t, Target{BaseURL: srv.URL, Email: account.Email, Password: account.Password, SigningKey: account.SigningKey})
}

var (
	ranMu sync.Mutex
	ran   bool
)

// Run runs the whole suite against target. Each clause the target fails is a t.Errorf that
// names it ("REFRESH-METHOD (MUST, refresh): …"); a clause the environment broke (the server
// went away, the run budget ran out) is a t.Errorf that says so. Warnings on SHOULD clauses
// are logged, not failed (set "ZS_STRICT": "true" in Settings to fail them). Call it once per
// test binary (see the package documentation).
func Run(t *testing.T, target Target) {
	t.Helper()
	ranMu.Lock()
	again := ran
	ran = true
	ranMu.Unlock()
	if again {
		t.Fatal("conformance: Run was called a second time in this test binary; Ginkgo runs one suite per process: call Run or RunHandler once, from a package of its own")
	}
	red := redact.New(target.Password, target.SigningKey)
	fatal := func(format string, a ...any) {
		t.Helper()
		t.Fatal(red.String(fmt.Sprintf(format, a...)))
	}
	env, err := environment(target)
	if err != nil {
		fatal("conformance: %v", err)
	}
	dir := target.ReportsDir
	if dir == "" {
		dir = t.TempDir()
	} else if dir, err = filepath.Abs(dir); err != nil {
		fatal("conformance: Target.ReportsDir: %v", err)
	}
	env["ZS_REPORTS_DIR"] = dir
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if err := auth.Prepare(auth.Setup{ConfigPath: target.ConfigFile, LookupEnv: lookup}); err != nil {
		fatal("conformance: the target's configuration has problems; no clause was run:\n  %s", strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	if target.Labels != "" {
		suiteConfig.LabelFilter = target.Labels
	}
	if !reporterConfig.Verbose && !reporterConfig.VeryVerbose {
		// The clause table says which specs skipped and why; a row of S says nothing.
		reporterConfig.SilenceSkips = true
	}
	auth.Run(t, suiteConfig, reporterConfig)

	if p := auth.Problem(); p != "" {
		t.Errorf("%s", red.String("conformance: the target could not be fully tested: "+p))
	}
	file := auth.Verdicts()
	if file == nil {
		fatal("conformance: the run ended without verdicts (the reports are in %s)", dir)
	}
	for _, f := range Findings(file) {
		switch f.Verdict {
		case verdict.Fail:
			t.Errorf("%s", red.String(f.String()))
		case verdict.Broken:
			t.Errorf("%s", red.String(f.String()+" (the environment broke, not the target: run again)"))
		case verdict.Warn:
			t.Logf("%s", red.String(f.String()))
		}
	}
	t.Logf("conformance reports: %s", dir)
}

// environment is the run's ZS_* settings, from the target alone.
func environment(target Target) (map[string]string, error) {
	if target.BaseURL == "" {
		return nil, fmt.Errorf("Target.BaseURL is empty: give the URL of the server to test (RunHandler serves an http.Handler)")
	}
	known := map[string]bool{}
	for _, k := range config.Keys {
		known[k.Env] = true
	}
	env := map[string]string{}
	var problems []string
	for k, v := range target.Settings {
		switch {
		case reserved[k] != "":
			problems = append(problems, fmt.Sprintf("Settings[%q]: set Target.%s instead", k, reserved[k]))
		case !known[k]:
			problems = append(problems, fmt.Sprintf("Settings[%q] is not a setting of the suite (the README's configuration table lists them)", k))
		default:
			env[k] = v
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	for k, v := range map[string]string{"ZS_BASE_URL": target.BaseURL, "ZS_EMAIL": target.Email,
		"ZS_PASSWORD": target.Password, "ZS_SIGNING_KEY": target.SigningKey} {
		if v != "" {
			env[k] = v
		}
	}
	return env, nil
}

// Finding is one clause that did not pass, as a test reports it.
type Finding struct {
	ID       string
	Severity clauses.Severity
	Endpoint string
	Verdict  verdict.Kind
	// Reason is one line, redacted and bounded: what the server did (verdicts.json's reason).
	Reason string
}

// String is "ID (SEVERITY, endpoint): reason".
func (f Finding) String() string {
	return fmt.Sprintf("%s (%s, %s): %s: %s", f.ID, f.Severity, f.Endpoint, f.Verdict.Words(), f.Reason)
}

// Findings lists the clauses of a run that failed, broke or warned, in the file's order (by ID).
func Findings(f *verdicts.File) []Finding {
	var out []Finding
	for _, c := range f.Clauses {
		if slices.Contains([]verdict.Kind{verdict.Fail, verdict.Broken, verdict.Warn}, c.Verdict) {
			out = append(out, Finding{ID: c.ID, Severity: c.Severity, Endpoint: c.Endpoint, Verdict: c.Verdict, Reason: c.Reason})
		}
	}
	return out
}
