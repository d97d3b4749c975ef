package operator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
)

// --github-actions: the secrets are masked before anything else, each failed clause is an
// annotation, the step's outputs and job summary are written, and no secret is in any of them.
func TestGitHubActionsPublishesTheRun(t *testing.T) {
	_, failing := serve(t, "create-status-201")
	for _, c := range []struct {
		name, url, verdict string
		exit               int
		annotation         string
	}{
		{"a clause fails", failing, "fail", 1, "::error title=CREATE-STATUS::failed (MUST, create)"},
		{"nothing listening", closedPort(t), "could-not-test", 3, "::error title=jwt-conformance%3A could-not-test::could not test: nothing answers at"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			output, summary := filepath.Join(dir, "output"), filepath.Join(dir, "summary")
			env := live(c.url, account.Password, "GITHUB_OUTPUT", output, "GITHUB_STEP_SUMMARY", summary, "GITHUB_ACTIONS", "true")
			res := run(t, cli, env, "--github-actions")
			if res.ExitCode != c.exit {
				t.Fatalf("exit %d, want %d\n%s", res.ExitCode, c.exit, res.Output)
			}
			if first := lines(res.Output)[0]; first != "::add-mask::"+account.Password {
				t.Errorf("the first line is %q, not the password's mask", first)
			}
			out, _ := os.ReadFile(output)
			sum, _ := os.ReadFile(summary)
			if !strings.Contains(string(out), "verdict<<") || !strings.Contains(string(out), "\n"+c.verdict+"\n") {
				t.Errorf("the outputs do not set verdict %s:\n%s", c.verdict, out)
			}
			if len(sum) == 0 {
				t.Errorf("no job summary")
			}
			if !strings.Contains(res.Output, c.annotation) {
				t.Errorf("no annotation %q:\n%s", c.annotation, res.Output)
			}
			var kept []string
			for _, l := range lines(res.Output) {
				if !strings.HasPrefix(l, "::add-mask::") {
					kept = append(kept, l)
				}
			}
			rest := strings.Join(kept, "\n")
			for what, text := range map[string]string{"the log besides the masks": rest, "the outputs": string(out), "the job summary": string(sum)} {
				if strings.Contains(text, account.Password) || strings.Contains(text, signingKey) {
					t.Errorf("%s hold a secret", what)
				}
			}
		})
	}
}

// --baseline opens the summary and the Markdown report with what changed since that run, and
// leaves the exit code alone.
func TestABaselineRunShowsTheChanges(t *testing.T) {
	_, clean := serve(t)
	_, failing := serve(t, "create-status-201")
	first := run(t, cli, live(clean, account.Password))
	if first.ExitCode != 0 || first.File == nil {
		t.Fatalf("the clean run: exit %d\n%s", first.ExitCode, first.Output)
	}
	baseline := filepath.Join(first.Dir, "verdicts.json")
	res := run(t, cli, live(failing, account.Password), "--baseline", baseline)
	if res.ExitCode != 1 || res.File.Run.Outcome != verdicts.OutcomeFail {
		t.Fatalf("exit %d, want 1: a baseline never changes it\n%s", res.ExitCode, res.Output)
	}
	if !strings.Contains(res.Output, "1 new failure (CREATE-STATUS)") {
		t.Errorf("the summary does not say what changed:\n%s", res.Output)
	}
	if strings.Index(res.Output, "new failure") > strings.Index(res.Output, "Conformance by clause") {
		t.Errorf("the changes do not open the summary:\n%s", res.Output)
	}
	md, err := os.ReadFile(filepath.Join(res.Dir, "conformance.md"))
	if at := strings.Index(string(md), "## Since the baseline"); err != nil || at < 0 || at > strings.Index(string(md), "**") ||
		!strings.Contains(string(md), "1 new failure (CREATE-STATUS)") {
		t.Errorf("conformance.md does not open with the changes (%v):\n%.600s", err, md)
	}
	bad := run(t, cli, nil, "--baseline", filepath.Join(t.TempDir(), "missing.json"))
	if bad.ExitCode != 2 || !strings.Contains(bad.Output, "--baseline") {
		t.Errorf("a baseline that cannot be read: exit %d, want 2 naming --baseline\n%s", bad.ExitCode, bad.Output)
	}
}
