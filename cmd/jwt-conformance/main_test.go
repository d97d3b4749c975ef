package main

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/version"
)

// cmd runs the built CLI with env on an environment without ZS_* variables, in a temporary
// directory, and returns its output and exit status.
func cmd(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	bin, err := harness.CLI()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, bin, args...)
	c.Dir = t.TempDir()
	c.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + c.Dir, "ZS_REPORTS_DIR=" + c.Dir}, env...)
	out, err := c.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// --help lists every ZS_* variable with its flag and default, the CLI's own flags, and the
// labels a filter can name.
func TestHelpListsEveryVariableWithItsFlagAndDefault(t *testing.T) {
	out, code := cmd(t, nil, "--help")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, k := range config.Keys {
		want := "--" + k.Flag() + " " + k.Type + "\n        " + k.Env + ", " + k.Path
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
		if k.Default != "" && !strings.Contains(out, "(default "+k.Default+")") {
			t.Errorf("--help lacks the default of %s (%s)", k.Env, k.Default)
		}
	}
	for _, want := range []string{"--config", "--labels", "--procs", "--dry-run", "--baseline", "--github-actions", "--print-config", "--list-clauses", "--version",
		"Labels (for --labels): MUST, SHOULD, create, fuzz, live-only, lockout-risk, me, needs-key, refresh, tokens", "ZS_CONFIG"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

func TestVersionIsTheModuleVersion(t *testing.T) {
	out, code := cmd(t, nil, "--version")
	if code != 0 || !strings.HasPrefix(out, "jwt-conformance "+version.Current()+" (") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

// --list-clauses prints every clause of the catalogue: ID, severity, endpoint, statement.
func TestListClausesPrintsTheCatalogue(t *testing.T) {
	out, code := cmd(t, nil, "--list-clauses")
	cat, err := clauses.Default()
	if err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	for _, cl := range cat.Clauses {
		if !strings.Contains(out, cl.ID+strings.Repeat(" ", 23-len(cl.ID))+string(cl.Severity)) {
			t.Errorf("--list-clauses lacks %s", cl.ID)
		}
	}
}

// A flag wins over its variable; --print-config says so, and masks the secrets.
func TestFlagsWinOverTheEnvironmentAndPrintConfigSaysWhere(t *testing.T) {
	out, code := cmd(t, []string{"ZS_EMAIL=env@example.com", "ZS_PASSWORD=pw-from-env-91c2", "ZS_STRICT=false"},
		"--base-url", "https://staging.example.com", "--email", "flag@example.com", "--strict", "--print-config")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"live: https://staging.example.com as flag@example.com", "flag@example.com", "--email", "--strict", "***", "ZS_PASSWORD"} {
		if !strings.Contains(out, want) {
			t.Errorf("--print-config lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "pw-from-env-91c2") || strings.Contains(out, "env@example.com") {
		t.Errorf("--print-config shows the password or the overridden email:\n%s", out)
	}
}

// Usage errors are exit 2 with one line that says what to do.
func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"stray-argument"}, {"--procs", "0"}, {"--strict=perhaps"}} {
		out, code := cmd(t, nil, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, out)
		}
		if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") {
			t.Errorf("%v: a stack trace:\n%s", args, out)
		}
	}
}
