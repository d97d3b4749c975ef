// Package replica_test runs the suite against the replica of the real stack (Django REST
// framework + djoser + simplejwt from Debian's packages) in both of its modes: the page taken
// literally, and the stock upstream stack whose refresh view answers POST only.
package replica_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
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
	mu             sync.Mutex
	total          int
	logins         int // successful log-ins
	wrongPasswords int // log-ins with the configured email that were refused
	methods        map[string]int
	// sent counts each distinct request (method, path, content type, Authorization, body).
	sent map[string]int
	// bodies are the distinct requests' bodies, by the same key.
	bodies map[string][]byte
}

func countingProxy(t *testing.T, target string) (*httptest.Server, *counter) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	c := &counter{methods: map[string]int{}, sent: map[string]int{}, bodies: map[string][]byte{}}
	email := replicas["upstream"].Env["ZS_EMAIL"]
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		proxy.ServeHTTP(sw, r)
		c.mu.Lock()
		defer c.mu.Unlock()
		key := fmt.Sprintf("%s %s | %s | %q | %x", r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Values("Authorization"), sha256.Sum256(body))
		c.sent[key]++
		c.bodies[key] = body
		c.total++
		c.methods[r.Method]++
		if strings.HasSuffix(r.URL.Path, "/auth/jwt/create/") {
			switch {
			case sw.status == http.StatusOK:
				c.logins++
			case sw.status == http.StatusUnauthorized && strings.Contains(string(body), email):
				c.wrongPasswords++
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv, c
}

// statusWriter keeps the status an answer was written with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// holdToTheBounds checks what a run sent: at most two wrong passwords; the configured email only
// in well-formed log-ins ({"email", "password"}, both strings), never in a malformed body; the
// real password in at most two requests (the log-in, and the same as text/plain), each sent
// once; and no request sent twice but those repeated on purpose: the refresh the flow sends
// again (REFRESH-REUSABLE), and the wrong-password and unknown-email log-ins that
// CREATE-NO-ENUMERATION compares (the lockout bound counts each attempt).
func (c *counter) holdToTheBounds(t *testing.T, name, email, password string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.logins != 1 {
		t.Errorf("%s: %d successful log-ins, expected 1", name, c.logins)
	}
	if c.wrongPasswords > wrongPasswordBudget {
		t.Errorf("%s: %d wrong-password log-ins, over the bound of %d", name, c.wrongPasswords, wrongPasswordBudget)
	}
	withPassword := 0
	for key, n := range c.sent {
		body := c.bodies[key]
		if strings.Contains(string(body), password) {
			withPassword++
		}
		if strings.Contains(string(body), email) && !wellFormedLogIn(body) {
			t.Errorf("%s: a malformed body names the configured account: %.120s", name, body)
		}
		if n > 1 && !(n == 2 && repeatedOnPurpose(key, body, email)) {
			t.Errorf("%s: sent %d times: %s %.80s", name, n, key, body)
		}
		if n > 1 && strings.Contains(string(body), password) {
			t.Errorf("%s: a request carrying the password was sent %d times", name, n)
		}
	}
	if withPassword > 2 {
		t.Errorf("%s: %d distinct requests carry the real password; only the log-in and the same as text/plain may", name, withPassword)
	}
}

func repeatedOnPurpose(key string, body []byte, email string) bool {
	switch {
	case strings.Contains(key, "/auth/jwt/refresh/"):
		return strings.HasPrefix(string(body), `{"refresh":"eyJ`)
	case strings.Contains(key, "/auth/jwt/create/"):
		wrong := `"password":"zs-conformance-wrong-password"}`
		return string(body) == `{"email":"`+email+`",`+wrong || string(body) == `{"email":"no-such-account@invalid.example",`+wrong
	}
	return false
}

func wellFormedLogIn(body []byte) bool {
	var v map[string]any
	if json.Unmarshal(body, &v) != nil || len(v) != 2 {
		return false
	}
	email, ok1 := v["email"].(string)
	password, ok2 := v["password"].(string)
	return ok1 && ok2 && email != "" && password != ""
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
	// However the specs fall on the processes, no request is sent twice.
	c.holdToTheBounds(t, "ginkgo -p", replicas["upstream"].Env["ZS_EMAIL"], replicas["upstream"].Env["ZS_PASSWORD"])
}

// The request budget of a default live run, and the lockout bound (see README, Safety).
const (
	requestBudget       = 60
	wrongPasswordBudget = 2
)

// TestRequestEconomy prints the request count of a full online run, default and exhaustive
// (make requests), and holds the default run to the budget and the lockout bounds.
func TestRequestEconomy(t *testing.T) {
	up := replicas["upstream"]
	for _, tc := range []struct {
		name  string
		env   map[string]string
		limit int
	}{
		{"full online run", nil, requestBudget},
		{"full online run, exhaustive (ZS_EXHAUSTIVE=true)", map[string]string{"ZS_EXHAUSTIVE": "true"}, 0},
	} {
		srv, c := countingProxy(t, up.Env["ZS_BASE_URL"])
		env := map[string]string{"ZS_BASE_URL": srv.URL, "ZS_REFRESH_METHOD": "POST"}
		for k, v := range tc.env {
			env[k] = v
		}
		res := run(t, up.With(env))
		if res.ExitCode != 0 {
			t.Fatalf("%s: exit %d\n%s", tc.name, res.ExitCode, tail(res.Output))
		}
		t.Logf("%s: %d HTTP requests (%d successful log-in, %d wrong-password log-ins), %v; the suite counted %d",
			tc.name, c.total, c.logins, c.wrongPasswords, c.methods, res.Summary.Requests)
		if tc.limit > 0 && c.total > tc.limit {
			t.Errorf("%s: %d requests, over the budget of %d", tc.name, c.total, tc.limit)
		}
		if res.Summary.Requests != c.total {
			t.Errorf("%s: the suite reports %d requests, the server saw %d", tc.name, res.Summary.Requests, c.total)
		}
		c.holdToTheBounds(t, tc.name, up.Env["ZS_EMAIL"], up.Env["ZS_PASSWORD"])
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
