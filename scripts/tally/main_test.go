package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// report writes a Ginkgo JSON report with one spec per given leaf type and state.
func report(t *testing.T, name string, specs ...[2]string) string {
	t.Helper()
	var parts []string
	for _, s := range specs {
		parts = append(parts, `{"LeafNodeType":"`+s[0]+`","State":"`+s[1]+`"}`)
	}
	path := filepath.Join(t.TempDir(), name, "report.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`[{"SpecReports":[`+strings.Join(parts, ",")+`]}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSumsTheRunsAndClosesOnTheTotal(t *testing.T) {
	offline := report(t, "offline", [2]string{"It", "passed"}, [2]string{"It", "skipped"}, [2]string{"BeforeSuite", "passed"})
	replica := report(t, "replica", [2]string{"It", "passed"}, [2]string{"It", "passed"})
	var out, errs bytes.Buffer
	if code := run([]string{offline, replica}, &out, &errs); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], "offline: 1 passed, 0 failed, 1 skipped") ||
		lines[2] != "conformance: 3 passed, 0 failed, 1 skipped" {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestFailedOrPendingSpecsFailTheTally(t *testing.T) {
	for _, state := range []string{"failed", "panicked", "timedout", "interrupted", "pending"} {
		var out, errs bytes.Buffer
		path := report(t, "run", [2]string{"It", "passed"}, [2]string{"It", state})
		if code := run([]string{path}, &out, &errs); code != 1 {
			t.Errorf("%s: exit %d, want 1", state, code)
		}
		if last := strings.TrimSpace(out.String()); !strings.HasSuffix(last, "conformance: 1 passed, 1 failed, 0 skipped") {
			t.Errorf("%s: output %q", state, last)
		}
	}
}

func TestUnreadableReportsAreOneLineErrors(t *testing.T) {
	garbage := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(garbage, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(empty, []byte("[]"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(t.TempDir(), "missing.json"), garbage, empty} {
		var out, errs bytes.Buffer
		if code := run([]string{path}, &out, &errs); code != 1 {
			t.Errorf("%s: exit %d, want 1", path, code)
		}
		if msg := errs.String(); strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "tally: ") {
			t.Errorf("%s: stderr %q", path, msg)
		}
		if strings.Contains(out.String(), "conformance:") {
			t.Errorf("%s: closed with a count although a report was unreadable: %q", path, out.String())
		}
	}
}

func TestNoReportsIsAUsageError(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run(nil, &out, &errs); code != 2 || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
}
