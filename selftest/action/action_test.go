// Package action_test runs the GitHub Action's script (action/run.sh) as the runner would, with
// GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_WORKSPACE and RUNNER_TEMP pointed at temporary
// files, the CLI built from cmd/jwt-conformance, and the reference mock in-process: once
// passing, once with a fault. It checks the job summary, the annotations, the step outputs,
// and that no secret reaches any of them.
package action_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// The account and key the mock knows: values that appear nowhere else, so that finding one in
// an output can only be a leak.
const (
	password   = "action-selftest-pw-7f3a91"
	signingKey = "action-selftest-signing-key-5c2e8d"
	email      = "qa@action.example"
)

var (
	buildOnce sync.Once
	cliPath   string
	buildErr  error
)

// cli builds the CLI once; without cmd/jwt-conformance there is nothing to test the action with.
func cli(t *testing.T) (root, bin string) {
	t.Helper()
	root, err := harness.Root()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "jwt-conformance")); err != nil {
		t.Skip("cmd/jwt-conformance does not exist: the action runs the CLI, so there is nothing to test it with")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zs-action-cli-")
		if err != nil {
			buildErr = err
			return
		}
		cliPath = filepath.Join(dir, "jwt-conformance")
		cmd := exec.Command("go", "build", "-o", cliPath, "./cmd/jwt-conformance")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the CLI: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return root, cliPath
}

// step is one run of the action's script: what the runner would show and keep.
type step struct {
	status  int
	log     string // stdout and stderr: the job log, workflow commands included
	outputs map[string]string
	summary string
	dir     string // the workspace
}

// runAction serves the reference mock with faults and runs action/run.sh against it.
func runAction(t *testing.T, faults ...string) step {
	t.Helper()
	root, bin := cli(t)
	mock, err := mockserver.New(mockserver.Options{SigningKey: []byte(signingKey), Faults: faults,
		Users: []mockserver.User{{ID: 1, Email: email, Password: password, Username: "qa"}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mock)
	defer srv.Close()

	tmp := t.TempDir()
	ws, runner := filepath.Join(tmp, "workspace"), filepath.Join(tmp, "runner")
	for _, d := range []string{ws, runner} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	output, summary := filepath.Join(runner, "output"), filepath.Join(runner, "summary")
	env := []string{
		"GITHUB_ACTIONS=true", "CI=true", "GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY=" + summary,
		"GITHUB_WORKSPACE=" + ws, "RUNNER_TEMP=" + runner, "GITHUB_ACTION_PATH=" + root,
		"JWT_CONFORMANCE_BIN=" + bin,
		"INPUT_BASE_URL=" + srv.URL, "INPUT_EMAIL=" + email, "INPUT_PASSWORD=" + password, "INPUT_SIGNING_KEY=" + signingKey,
		"INPUT_REPORTS_DIR=reports", "INPUT_UPLOAD_REPORTS=false",
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "PATH" || k == "HOME" || k == "TMPDIR" || k == "NO_COLOR" {
			env = append(env, kv)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "action", "run.sh"))
	cmd.Dir, cmd.Env = ws, env
	log, err := cmd.CombinedOutput()
	s := step{log: string(log), dir: ws}
	if ee, ok := err.(*exec.ExitError); ok {
		s.status = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running action/run.sh: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("action/run.sh did not finish in time:\n%s", s.log)
	}
	data, _ := os.ReadFile(summary)
	s.summary = string(data)
	data, _ = os.ReadFile(output)
	s.outputs = parseOutputs(t, string(data))
	return s
}

// parseOutputs reads a GITHUB_OUTPUT file: name=value lines and name<<DELIMITER blocks.
func parseOutputs(t *testing.T, data string) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(data, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if name, delim, ok := strings.Cut(l, "<<"); ok {
			var value []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				value = append(value, lines[i])
			}
			if i == len(lines) {
				t.Fatalf("GITHUB_OUTPUT: %s's delimiter %q never closes", name, delim)
			}
			out[name] = strings.Join(value, "\n")
			continue
		}
		name, value, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("GITHUB_OUTPUT: a line that sets nothing: %q", l)
		}
		out[name] = value
	}
	return out
}

// annotations are the log's ::error and ::warning commands, by title.
func annotations(log string) map[string][]string {
	out := map[string][]string{}
	for _, l := range strings.Split(log, "\n") {
		m := annotation.FindStringSubmatch(l)
		if m != nil {
			out[m[1]+" "+m[2]] = append(out[m[1]+" "+m[2]], m[3])
		}
	}
	return out
}

var annotation = regexp.MustCompile(`^::(error|warning|notice) title=([^:]*)::(.*)$`)

// A JWS whose third segment is not masked: a token's signature in the clear.
var signedToken = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.([A-Za-z0-9_-]{8,})`)

// noSecrets fails when a secret or a token's signature is in the summary, the outputs, the log
// (masks excepted: they are the runner's instructions) or the reports.
func noSecrets(t *testing.T, s step) {
	t.Helper()
	var log []string
	for _, l := range strings.Split(s.log, "\n") {
		if !strings.HasPrefix(l, "::add-mask::") {
			log = append(log, l)
		}
	}
	places := map[string]string{"the job log": strings.Join(log, "\n"), "the job summary": s.summary}
	for k, v := range s.outputs {
		places["output "+k] = v
	}
	reports, _ := filepath.Glob(filepath.Join(s.dir, "reports", "*"))
	for _, p := range reports {
		data, _ := os.ReadFile(p)
		places[filepath.Base(p)] = string(data)
	}
	if len(reports) == 0 {
		t.Error("the run wrote no reports into reports-dir")
	}
	for where, text := range places {
		for _, secret := range []string{password, signingKey} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds a secret (%s…)", where, secret[:8])
			}
		}
		for _, m := range signedToken.FindAllStringSubmatch(text, -1) {
			if m[1] != "REDACTED" {
				t.Errorf("%s holds a token with its signature: %s…", where, m[0][:24])
			}
		}
	}
}

func TestActionOnAPassingTarget(t *testing.T) {
	s := runAction(t)
	if s.status != 0 {
		t.Fatalf("exit %d, want 0\n%s", s.status, s.log)
	}
	if !strings.HasPrefix(s.log, "::add-mask::") {
		t.Errorf("the secrets are not masked first: the log begins %q", firstLine(s.log))
	}
	for _, secret := range []string{password, signingKey} {
		if !strings.Contains(s.log, "::add-mask::"+secret+"\n") {
			t.Errorf("a secret (%s…) is not masked", secret[:8])
		}
	}
	// A mask command whose value was itself redacted masks "***" and leaves the secret to
	// whatever comes after: the CLI's --github-actions must hand the runner the values.
	if strings.Contains(s.log, "::add-mask::***\n") {
		t.Error("the log holds ::add-mask::***: a mask command went through the redactor, so it masks nothing")
	}
	if got := s.outputs["verdict"]; got != "pass" {
		t.Errorf("output verdict %q, want pass", got)
	}
	if got, ok := s.outputs["failed-clauses"]; !ok || got != "" {
		t.Errorf("output failed-clauses %q (set: %v), want set and empty", got, ok)
	}
	if got, want := s.outputs["report-dir"], filepath.Join(s.dir, "reports"); got != want {
		t.Errorf("output report-dir %q, want %q", got, want)
	}
	for kind := range annotations(s.log) {
		if strings.HasPrefix(kind, "error ") {
			t.Errorf("a passing run annotates %s: %v", kind, annotations(s.log)[kind])
		}
	}
	if !strings.Contains(s.summary, "**PASS: no clause fails") {
		t.Errorf("the job summary does not carry the passing report:\n%s", head(s.summary))
	}
	noSecrets(t, s)
}

func TestActionOnAFaultyTarget(t *testing.T) {
	s := runAction(t, "me-accepts-refresh")
	if s.status != 1 {
		t.Fatalf("exit %d, want 1\n%s", s.status, s.log)
	}
	if got := s.outputs["verdict"]; got != "fail" {
		t.Errorf("output verdict %q, want fail", got)
	}
	if got := s.outputs["failed-clauses"]; got != "ME-REFRESH-AS-ACCESS" {
		t.Errorf("output failed-clauses %q, want ME-REFRESH-AS-ACCESS", got)
	}
	if got, want := s.outputs["report-dir"], filepath.Join(s.dir, "reports"); got != want {
		t.Errorf("output report-dir %q, want %q", got, want)
	}
	notes := annotations(s.log)
	errs := notes["error ME-REFRESH-AS-ACCESS"]
	if len(errs) != 1 || !strings.Contains(errs[0], "MUST") || len(errs[0]) > 300 {
		t.Errorf("want one bounded ::error title=ME-REFRESH-AS-ACCESS:: naming the severity, got %q", errs)
	}
	for kind, msgs := range notes {
		if strings.HasPrefix(kind, "error ") && kind != "error ME-REFRESH-AS-ACCESS" {
			t.Errorf("an annotation for a clause that did not fail: %s %v", kind, msgs)
		}
	}
	for _, want := range []string{"**FAIL: 1 of ", "ME-REFRESH-AS-ACCESS", "Reproduce (credentials and tokens are shell variables)"} {
		if !strings.Contains(s.summary, want) {
			t.Errorf("the job summary lacks %q:\n%s", want, head(s.summary))
		}
	}
	noSecrets(t, s)
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

func head(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}
