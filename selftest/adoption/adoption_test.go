// Package adoption_test proves the suite can be adopted from another Go module: it runs
// `go test` in examples/mock-author, a module of its own that requires this one through a
// replace directive, as its authors would. Its mock passes; the same mock with one deliberate
// fault fails naming the clause; and its live test, given a server in ZS_* variables, passes on
// the replica's doc-literal mode and fails on the upstream mode naming REFRESH-METHOD.
package adoption_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
)

// example is the external module's directory.
func example(t *testing.T) string {
	t.Helper()
	root, err := harness.Root()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "examples", "mock-author")
}

// goTest runs `go test -count=1 pkg` in the example module with env added to an environment
// that holds none of the caller's ZS_* settings nor the example's own switch, and returns its
// exit status and output.
func goTest(t *testing.T, pkg string, env map[string]string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", pkg)
	cmd.Dir = example(t)
	// The example builds against the go.sum it commits: a stale one fails here instead of being
	// rewritten, and no go.work of the caller's joins the two modules.
	cmd.Env = []string{"GOWORK=off", "GOFLAGS=-mod=readonly"}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "ZS_") || k == "MOCK_AUTHOR_FAULT" || k == "GOFLAGS" || k == "GOWORK" {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("go test %s in examples/mock-author did not finish in time:\n%s", pkg, tail(string(out)))
	}
	status := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("go test %s: %v", pkg, err)
		}
		status = ee.ExitCode()
	}
	if strings.Contains(string(out), "missing go.sum entry") || strings.Contains(string(out), "updates to go.mod needed") {
		t.Fatalf("examples/mock-author's go.mod or go.sum is stale: run `go mod tidy` there (GOFLAGS=-mod=mod)\n%s", tail(string(out)))
	}
	return status, string(out)
}

// failureLine is how conformance.Run names a failed clause in go test's output.
func failureLine(id, severity, endpoint string) string {
	return id + " (" + severity + ", " + endpoint + "): fail: "
}

func TestMockAuthorsMockPasses(t *testing.T) {
	status, out := goTest(t, "./...", nil)
	if status != 0 {
		t.Fatalf("go test ./... in examples/mock-author: exit %d, want 0\n%s", status, tail(out))
	}
	for _, want := range []string{"ok  \texample.com/mock-author/mock", "ok  \texample.com/mock-author/live"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, tail(out))
		}
	}
}

func TestMockAuthorsFaultFailsNamingTheClause(t *testing.T) {
	status, out := goTest(t, "./mock/", map[string]string{"MOCK_AUTHOR_FAULT": "refresh-as-access"})
	if status != 1 {
		t.Fatalf("the faulty mock: exit %d, want 1\n%s", status, tail(out))
	}
	if want := failureLine("ME-REFRESH-AS-ACCESS", "MUST", "me"); !strings.Contains(out, want) {
		t.Errorf("the failure does not name the clause as %q\n%s", want, tail(out))
	}
	// The fault breaks one clause: no other is named failed.
	if n := strings.Count(out, "): fail: "); n != 1 {
		t.Errorf("%d clauses named failed, want 1\n%s", n, tail(out))
	}
}

func TestExternalModuleRunsAgainstTheReplica(t *testing.T) {
	if ok, why := harness.ReplicaAvailable(); !ok {
		if os.Getenv("CI") != "" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		mode   string
		status int
		failed []string
	}{
		{"doc-literal", 0, nil},
		{"upstream", 1, []string{"REFRESH-METHOD"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			r, err := harness.StartReplica(dir, tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Stop()
			status, out := goTest(t, "./live/", r.Env)
			if status != tc.status {
				t.Fatalf("the live test against the %s replica: exit %d, want %d\n%s", tc.mode, status, tc.status, tail(out))
			}
			if strings.Contains(out, "--- SKIP") {
				t.Fatalf("the live test skipped: the replica's ZS_* variables did not reach it\n%s", tail(out))
			}
			for _, id := range tc.failed {
				if want := failureLine(id, "MUST", "refresh"); !strings.Contains(out, want) {
					t.Errorf("the failure does not name %s as %q\n%s", id, want, tail(out))
				}
			}
			if n := strings.Count(out, "): fail: "); n != len(tc.failed) {
				t.Errorf("%d clauses named failed, want %d\n%s", n, len(tc.failed), tail(out))
			}
			if strings.Contains(out, r.Env["ZS_PASSWORD"]) {
				t.Error("the output holds the account's password")
			}
		})
	}
}

// tail is the end of a long output, where go test puts its verdict.
func tail(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}
