package safety

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/selftest/safety/leakserver"
)

// leakRunLimit bounds one run of the suite against the hostile server, so that a hang fails.
const leakRunLimit = 3 * time.Minute

// leakFaults make clauses fail whose transcripts hold the create request, the issued tokens
// and minted ones; refused log-ins stay refused, so that the error page class answers them.
var leakFaults = []string{"create-status-201", "me-status-202", "refresh-status-201", "signature-not-checked", "me-accepts-expired"}

// secretEnv is where the config-error case keeps the password, for a ${VAR} to expand.
const secretEnv = "LEAK_CANARY_SECRET"

// The whole suite, run against a server that echoes the canaries in every class and place a
// buggy or hostile stack can, writes neither the password, nor the key, nor a token that
// verifies under the key, in any stream or file, in any encoding.
func TestLeakProofWholeSuite(t *testing.T) {
	if _, err := harness.Binary(); err != nil {
		t.Fatal(err)
	}
	c := leakserver.DefaultCanaries()
	type mode struct {
		name    string
		classes []leakserver.Class
		faults  []string
		env     map[string]string
		// parallel runs the suite under ginkgo -p; spy runs it as process 1 of 2 against a
		// stand-in for ginkgo's server, which keeps what the process shares with the others;
		// userinfo puts the password in the base URL; exit is the status the run must end with
		// (-1: any).
		parallel, spy, userinfo bool
		exit                    int
		// plain swaps in canaries without special characters.
		plain bool
	}
	modes := []mode{
		// Passing-ish: the flow works, though the echoes break a few clauses (extra fields).
		{name: "passing", classes: leakserver.Quiet, exit: -1},
		{name: "failing", classes: leakserver.Loud, faults: leakFaults, exit: 1},
		{name: "strict", classes: leakserver.Quiet, env: map[string]string{"ZS_STRICT": "true"}, exit: -1},
		{name: "recording", classes: leakserver.Loud, env: map[string]string{"ZS_RECORD_DIR": "fixtures"}, exit: 1},
		{name: "parallel", classes: leakserver.Quiet, parallel: true, exit: -1},
		{name: "parallel-evidence", classes: leakserver.Quiet, spy: true, exit: -1},
		// No echoes: whatever is found came from the base URL's userinfo.
		{name: "userinfo", userinfo: true, exit: -1},
		{name: "config-error", env: map[string]string{"ZS_HTTP_TIMEOUT": "${" + secretEnv + "}"}, exit: 2},
		// The control: plain canaries, no echoes, failures forced. The suite holds these today,
		// so any hit here is the scanner's false positive, not a leak.
		{name: "control", faults: leakFaults, plain: true, exit: 1},
	}
	found := map[string][]string{} // "what [class]" → modes
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			c := c
			if m.plain {
				c = leakserver.Canaries{Email: c.Email, Password: "plain-canary-password-5e2a", Key: "plain-canary-signing-key-77c1"}
			}
			srv, err := leakserver.Start(leakserver.Options{Canaries: c, Classes: m.classes, Faults: m.faults})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			env := map[string]string{"ZS_BASE_URL": srv.URL, "ZS_EMAIL": c.Email, "ZS_PASSWORD": c.Password,
				"ZS_SIGNING_KEY": c.Key, "ZS_HTTP_TIMEOUT": "2s", "ZS_RUN_BUDGET": "2m", secretEnv: c.Password}
			if m.userinfo {
				env["ZS_BASE_URL"] = srv.UserinfoURL()
			}
			for k, v := range m.env {
				env[k] = v
			}
			var args []string
			var spy *leakserver.ParallelSpy
			if m.spy {
				spy = leakserver.StartParallelSpy()
				defer spy.Close()
				args = []string{"--ginkgo.parallel.process=1", "--ginkgo.parallel.total=2", "--ginkgo.parallel.host=" + spy.URL}
				// Ginkgo's other protocol, net/rpc, carries the same data; the spy speaks HTTP.
				env["GINKGO_PARALLEL_PROTOCOL"] = "HTTP"
			}
			run := runHostile(t, env, m.parallel, args...)
			if spy != nil {
				sent := spy.Sent()
				if len(sent["/before-suite-completed"]) == 0 {
					t.Errorf("process 1 shared no set-up data with the stand-in (it got %v): the scan of what processes share would be vacuous\n%s\n%s", spy.Paths(), tail(run.streams["stdout"], 10), tail(run.streams["stderr"], 10))
				}
				for path, data := range sent {
					run.streams["sent to ginkgo's server at "+path] = data
				}
			}
			if m.exit >= 0 && run.exit != m.exit {
				t.Errorf("exit %d, want %d; the mode did not do what it is for\n%s", run.exit, m.exit, tail(run.streams["stderr"], 20))
			}
			// A configuration error ends the run before any request (the userinfo URL may be
			// refused so, which is the fix): its message is scanned all the same.
			refused := run.exit == 2 && (m.exit == 2 || m.userinfo)
			if !refused && !fileExists(filepath.Join(run.dirs[0], "report.json")) {
				t.Errorf("the run wrote no report.json (exit %d): the scan would be vacuous", run.exit)
			}
			// Not vacuous: the secrets were on the wire and every leaking class fired.
			if !refused {
				if !srv.SawPassword() {
					t.Errorf("the canary password never reached the server")
				}
				if srv.SawTrimmedPassword() {
					t.Logf("the suite sent the password without its leading space: the config loader trims secrets")
				}
				applied := srv.Applied()
				for _, cl := range m.classes {
					if applied[cl] == 0 {
						t.Errorf("class %s never fired: the run proved nothing about it", cl)
					}
				}
			}

			// A recording that wrote no fixture would make the scan of fixtures vacuous.
			if rec, ok := env["ZS_RECORD_DIR"]; ok {
				written, _ := filepath.Glob(filepath.Join(rec, "*.yaml"))
				if len(written) == 0 {
					t.Errorf("the recording wrote no fixture: the scan of fixtures would be vacuous\n%s", tail(run.streams["stdout"], 10))
				}
				t.Logf("the recording wrote %d fixture(s)", len(written))
			}

			sc := leakserver.NewScanner(c)
			var hits []leakserver.Hit
			for name, data := range run.streams {
				hits = append(hits, sc.Scan(name, data)...)
			}
			for _, dir := range run.dirs {
				h, err := sc.ScanDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				rel, _ := filepath.Rel(run.root, dir)
				for i := range h {
					h[i].File = filepath.ToSlash(filepath.Join(rel, h[i].File))
				}
				hits = append(hits, h...)
			}
			for _, line := range summarize(hits) {
				t.Error(line)
			}
			for _, h := range hits {
				key := h.What + " [" + h.Class + "]"
				if l := found[key]; len(l) == 0 || l[len(l)-1] != m.name {
					found[key] = append(found[key], m.name)
				}
			}
		})
	}
	if len(found) > 0 {
		keys := make([]string, 0, len(found))
		for k := range found {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "\n  %-40s in %s", k, strings.Join(found[k], ", "))
		}
		t.Errorf("leaks by class, over every mode:%s", b.String())
	}
}

// hostileRun is what one run wrote: its streams by name and the directories it wrote files in.
type hostileRun struct {
	exit    int
	streams map[string][]byte
	root    string
	dirs    []string
}

// runHostile runs the compiled suite, or ginkgo -p on it, with env alone (no ZS_* from the
// caller), writing everything under a temporary directory, never the repository's reports.
func runHostile(t *testing.T, env map[string]string, parallel bool, args ...string) hostileRun {
	t.Helper()
	bin, err := harness.Binary()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	out := filepath.Join(root, "reports")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	env["ZS_REPORTS_DIR"] = out
	dirs := []string{out}
	if rec, ok := env["ZS_RECORD_DIR"]; ok {
		env["ZS_RECORD_DIR"] = filepath.Join(root, rec)
		dirs = append(dirs, env["ZS_RECORD_DIR"])
	}
	ctx, cancel := context.WithTimeout(context.Background(), leakRunLimit)
	defer cancel()
	var cmd *exec.Cmd
	if parallel {
		cmd = exec.CommandContext(ctx, "go", "tool", "ginkgo", "-p", "--procs=2", "--no-color",
			"--json-report=report.json", "--junit-report=junit.xml", "--output-dir="+out, bin)
		cmd.Dir, _ = harness.Root() // go tool needs the module
	} else {
		cmd = exec.CommandContext(ctx, bin, append([]string{"--ginkgo.no-color",
			"--ginkgo.json-report=" + filepath.Join(out, "report.json"), "--ginkgo.junit-report=" + filepath.Join(out, "junit.xml")}, args...)...)
		cmd.Dir = root
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("the run was still going after %s: it hangs", leakRunLimit)
	}
	run := hostileRun{streams: map[string][]byte{"stdout": stdout.Bytes(), "stderr": stderr.Bytes()}, root: root, dirs: dirs}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		run.exit = exitErr.ExitCode()
	default:
		t.Fatalf("running the suite: %v", err)
	}
	return run
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// summarize groups hits by file, what and class: one line each, with the count and the first
// place, so that hundreds of echoes read as a short list.
func summarize(hits []leakserver.Hit) []string {
	type group struct {
		n     int
		first string
	}
	groups := map[string]*group{}
	var order []string
	for _, h := range hits {
		k := fmt.Sprintf("%s: %s [%s]", h.File, h.What, h.Class)
		g, ok := groups[k]
		if !ok {
			g = &group{first: h.Place + " via " + h.Chain}
			groups[k] = g
			order = append(order, k)
		}
		g.n++
	}
	sort.Strings(order)
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, fmt.Sprintf("%s ×%d, first at %s", k, groups[k].n, groups[k].first))
	}
	return out
}

// tail is the last n lines of a stream, for explaining an unexpected exit. It is only shown
// with a wrong exit status, and goes through the scanner's masking first.
func tail(data []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	text := strings.Join(lines, "\n")
	c := leakserver.DefaultCanaries()
	for _, s := range []string{c.Password, strings.TrimSpace(c.Password), c.Key} {
		text = strings.ReplaceAll(text, s, "«secret»")
	}
	return text
}
