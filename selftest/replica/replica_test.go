// Package replica_test runs the suite against the replica of the real stack (Django REST
// framework + djoser + simplejwt from Debian's packages) in both of its modes: the page taken
// literally, and the stock upstream stack whose refresh view answers POST only.
package replica_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

var replicas = map[string]*harness.Replica{}

func TestMain(m *testing.M) {
	if ok, why := harness.ReplicaAvailable(); !ok {
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "selftest/replica: "+why)
			os.Exit(1)
		}
		fmt.Println("selftest/replica: skipped: " + why)
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "zs-replica-selftest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := 1
	func() {
		defer func() {
			for _, r := range replicas {
				r.Stop()
			}
			os.RemoveAll(dir)
		}()
		for _, mode := range []string{"upstream", "doc-literal"} {
			r, err := harness.StartReplica(dir, mode)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return
			}
			replicas[mode] = r
		}
		code = m.Run()
	}()
	os.Exit(code)
}

func run(t *testing.T, env map[string]string, args ...string) *harness.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := harness.Run(ctx, t.TempDir(), env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestDocLiteralModeConforms(t *testing.T) {
	res := run(t, replicas["doc-literal"].Env)
	if res.ExitCode != 0 || len(res.Failing()) != 0 {
		t.Fatalf("doc-literal replica: exit %d, failing %v\n%s", res.ExitCode, res.Failing(), tail(res.Output))
	}
	// Stock simplejwt 5.2 adds iat, which the page does not show: a SHOULD warning.
	if v := res.Kinds()["CLAIM-EXTRA"]; v != "warn" {
		t.Errorf("CLAIM-EXTRA is %q, expected a warning for iat", v)
	}
}

func TestUpstreamModeFailsOnlyTheRefreshMethod(t *testing.T) {
	res := run(t, replicas["upstream"].Env)
	if res.ExitCode != 1 {
		t.Fatalf("exit %d, expected 1\n%s", res.ExitCode, tail(res.Output))
	}
	if got := strings.Join(res.Failing(), ","); got != "REFRESH-METHOD" {
		t.Fatalf("failing clauses %s, expected only REFRESH-METHOD\n%s", got, tail(res.Output))
	}
	msg := res.Summary.Clauses[index(res, "REFRESH-METHOD")].Specs[0].Message
	for _, want := range []string{"405", "Allow: POST, OPTIONS", "endpoints.refresh.method", "ZS_REFRESH_METHOD"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the REFRESH-METHOD failure does not quote %q: %s", want, msg)
		}
	}
	// One deviation hides nothing: the rest of refresh is judged with the method Allow offers.
	for _, id := range []string{"REFRESH-STATUS", "REFRESH-SHAPE", "REFRESH-LIFETIME", "REFRESH-ACCESS-WORKS", "REFRESH-REUSABLE"} {
		if v := res.Kinds()[id]; v != "pass" {
			t.Errorf("%s is %q against upstream; it should be judged by POST and pass", id, v)
		}
	}
}

func TestUpstreamModeConformsWithPOST(t *testing.T) {
	res := run(t, replicas["upstream"].With(map[string]string{"ZS_REFRESH_METHOD": "POST"}))
	if res.ExitCode != 0 || len(res.Failing()) != 0 {
		t.Fatalf("exit %d, failing %v\n%s", res.ExitCode, res.Failing(), tail(res.Output))
	}
}

func TestWaiverAcceptsTheDeviationUntilItExpires(t *testing.T) {
	for _, tc := range []struct {
		expires string
		exit    int
		verdict verdict.Kind
		says    string
	}{
		{time.Now().AddDate(0, 1, 0).Format("2006-01-02"), 0, "waived", "deviation (accepted: stock simplejwt answers POST only"},
		{time.Now().AddDate(0, 0, -1).Format("2006-01-02"), 1, "fail", "expired on"},
	} {
		cfg := filepath.Join(t.TempDir(), "waiver.yaml")
		body := fmt.Sprintf("waivers:\n  - clause: REFRESH-METHOD\n    reason: stock simplejwt answers POST only\n    expires: %s\n", tc.expires)
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		res := run(t, replicas["upstream"].With(map[string]string{"ZS_CONFIG": cfg}))
		c := res.Summary.Clauses[index(res, "REFRESH-METHOD")]
		if res.ExitCode != tc.exit || c.Verdict != tc.verdict || !strings.Contains(c.Specs[0].Message, tc.says) {
			t.Errorf("waiver expiring %s: exit %d, verdict %s, message %q", tc.expires, res.ExitCode, c.Verdict, c.Specs[0].Message)
		}
	}
}

// counter sits in front of a replica and counts what the suite sends.
type counter struct {
	mu      sync.Mutex
	total   int
	logins  int // successful log-ins
	methods map[string]int
}

func countingProxy(t *testing.T, target string) (*httptest.Server, *counter) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	c := &counter{methods: map[string]int{}}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.total++
		c.methods[resp.Request.Method]++
		if strings.HasSuffix(resp.Request.URL.Path, "/auth/jwt/create/") && resp.StatusCode == 200 {
			c.logins++
		}
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv, c
}

func TestParallelProcessesShareOneLogIn(t *testing.T) {
	srv, c := countingProxy(t, replicas["upstream"].Env["ZS_BASE_URL"])
	root, err := harness.Root()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "tool", "ginkgo", "-p", "--procs=2", "--no-color",
		"--json-report=report.json", "--output-dir="+out, "./suites/auth")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "ZS_BASE_URL="+srv.URL, "ZS_EMAIL="+replicas["upstream"].Env["ZS_EMAIL"],
		"ZS_PASSWORD="+replicas["upstream"].Env["ZS_PASSWORD"], "ZS_SIGNING_KEY="+replicas["upstream"].Env["ZS_SIGNING_KEY"],
		"ZS_REPORTS_DIR="+out)
	output, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("ginkgo -p against upstream: %v (expected exit 1)\n%s", err, tail(string(output)))
	}
	if !strings.Contains(string(output), "REFRESH-METHOD") {
		t.Errorf("the parallel run does not report REFRESH-METHOD:\n%s", tail(string(output)))
	}
	if c.logins != 1 {
		t.Errorf("%d successful log-ins across processes, expected exactly 1", c.logins)
	}
}

// TestRequestEconomy prints the request count of a full online run (make requests).
func TestRequestEconomy(t *testing.T) {
	srv, c := countingProxy(t, replicas["upstream"].Env["ZS_BASE_URL"])
	res := run(t, replicas["upstream"].With(map[string]string{"ZS_BASE_URL": srv.URL, "ZS_REFRESH_METHOD": "POST"}))
	if res.ExitCode != 0 {
		t.Fatalf("exit %d\n%s", res.ExitCode, tail(res.Output))
	}
	t.Logf("full online run: %d HTTP requests (%d successful log-in), %v; the suite counted %d", c.total, c.logins, c.methods, res.Summary.Requests)
	if c.total > 40 {
		t.Errorf("%d requests, over the budget of 40", c.total)
	}
	if c.logins != 1 {
		t.Errorf("%d successful log-ins, expected 1", c.logins)
	}
	if res.Summary.Requests != c.total {
		t.Errorf("the suite reports %d requests, the server saw %d", res.Summary.Requests, c.total)
	}
}

func index(res *harness.Result, id string) int {
	for i, c := range res.Summary.Clauses {
		if c.ID == id {
			return i
		}
	}
	return -1
}

func tail(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 60 {
		lines = lines[len(lines)-60:]
	}
	return strings.Join(lines, "\n")
}
