package ghaction

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeCLI stands in for jwt-conformance: it records its arguments and environment, and
// exits with FAKE_STATUS, setting the outputs first when FAKE_OUTPUTS is set.
const fakeCLI = `#!/usr/bin/env bash
printf '%s\n' "$@" > "$FAKE_LOG.args"
env > "$FAKE_LOG.env"
pwd > "$FAKE_LOG.pwd"
if [ -n "${FAKE_OUTPUTS:-}" ]; then printf 'verdict<<D\npass\nD\n' >> "$GITHUB_OUTPUT"; fi
echo "fake run"
exit "${FAKE_STATUS:-0}"
`

type scriptRun struct {
	status                    int
	stdout, args, env, output string
}

// runScript runs action/run.sh as the runner would, with its files in a temporary directory.
func runScript(t *testing.T, inputs map[string]string, extra ...string) scriptRun {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run action/run.sh with")
	}
	dir := t.TempDir()
	cli := filepath.Join(dir, "jwt-conformance")
	if err := os.WriteFile(cli, []byte(fakeCLI), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, filepath.Join("..", "..", "action", "run.sh"))
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"GITHUB_WORKSPACE=" + dir, "RUNNER_TEMP=" + dir,
		"GITHUB_OUTPUT=" + filepath.Join(dir, "output"), "GITHUB_STEP_SUMMARY=" + filepath.Join(dir, "summary"),
		"JWT_CONFORMANCE_BIN=" + cli, "FAKE_LOG=" + filepath.Join(dir, "fake"),
	}
	for k, v := range inputs {
		cmd.Env = append(cmd.Env, "INPUT_"+strings.ToUpper(strings.ReplaceAll(k, "-", "_"))+"="+v)
	}
	cmd.Env = append(cmd.Env, extra...)
	out, err := cmd.Output()
	r := scriptRun{stdout: string(out)}
	if exit, ok := err.(*exec.ExitError); ok {
		r.status = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string { b, _ := os.ReadFile(filepath.Join(dir, name)); return string(b) }
	r.args, r.env, r.output = read("fake.args"), read("fake.env"), read("output")
	return r
}

var scriptInputs = map[string]string{
	"base-url": "http://127.0.0.1:8000", "email": "admin@zonesmart.ru", "password": "pa%ss word",
	"signing-key": "line-one\r\nline-two\n", "labels": "endpoint:create", "strict": "true",
	"wrong-credentials": "false", "reports-dir": "out/reports", "baseline": "old/verdicts.json",
}

func TestRunScriptMasksFirstAndPassesSecretsOnlyInTheEnvironment(t *testing.T) {
	r := runScript(t, scriptInputs)
	if r.status != 0 {
		t.Fatalf("exit %d:\n%s", r.status, r.stdout)
	}
	lines := strings.Split(r.stdout, "\n")
	if want := []string{"::add-mask::pa%25ss word", "::add-mask::line-one", "::add-mask::line-two"}; strings.Join(lines[:3], "\n") != strings.Join(want, "\n") {
		t.Errorf("the output does not open with the masks:\n%s", r.stdout)
	}
	for _, secret := range []string{"pa%ss word", "line-one", "line-two"} {
		if strings.Contains(strings.Join(lines[3:], "\n"), secret) || strings.Contains(r.args, secret) {
			t.Errorf("the secret %q reached the log or the command line:\n%s\n%s", secret, r.stdout, r.args)
		}
	}
	wantArgs := []string{"--github-actions", "--reports-dir", "", "--base-url", "http://127.0.0.1:8000", "--strict=true", "--wrong-credentials=false", "--email", "admin@zonesmart.ru", "--labels", "endpoint:create", "--baseline", "old/verdicts.json"}
	gotArgs := strings.Split(strings.TrimSuffix(r.args, "\n"), "\n")
	if len(gotArgs) != len(wantArgs) || !strings.HasSuffix(gotArgs[2], "/out/reports") || !filepath.IsAbs(gotArgs[2]) {
		t.Fatalf("arguments:\n%s", r.args)
	}
	gotArgs[2] = ""
	if strings.Join(gotArgs, " ") != strings.Join(wantArgs, " ") {
		t.Errorf("arguments:\n got %q\nwant %q", gotArgs, wantArgs)
	}
	if !strings.Contains(r.env, "ZS_PASSWORD=pa%ss word\n") || !strings.Contains(r.env, "ZS_SIGNING_KEY=line-one\r\nline-two\n") {
		t.Errorf("the secrets did not reach the CLI's environment:\n%s", r.env)
	}
	if strings.Contains(r.env, "INPUT_PASSWORD") || strings.Contains(r.env, "INPUT_SIGNING_KEY") {
		t.Errorf("copies of the secrets were left in the CLI's environment")
	}
	// The fake did not set outputs: the script gives the step a verdict from the status.
	got := parseOutputs(t, r.output)
	if got[OutputVerdict] != "pass" || got[OutputFailedClauses] != "" || !strings.HasSuffix(got[OutputReportDir], "/out/reports") {
		t.Errorf("fallback outputs: %q", got)
	}
}

func TestRunScriptPassesTheStatusOnAndLeavesTheCLIsOutputs(t *testing.T) {
	inputs := map[string]string{"base-url": "http://127.0.0.1:8000"}
	r := runScript(t, inputs, "FAKE_STATUS=1", "FAKE_OUTPUTS=1")
	if r.status != 1 {
		t.Errorf("exit %d, want the CLI's 1", r.status)
	}
	if strings.Contains(r.args, "--strict") || strings.Contains(r.args, "--wrong-credentials") || strings.Contains(r.args, "--email") {
		t.Errorf("inputs left empty became flags, which would override the config file:\n%s", r.args)
	}
	if strings.Count(r.output, "verdict") != 1 {
		t.Errorf("the script added outputs beside the CLI's own:\n%s", r.output)
	}
	if strings.Contains(r.stdout, "::add-mask::") || strings.Contains(r.env, "ZS_PASSWORD") {
		t.Errorf("no secrets given, yet masks or an empty ZS_PASSWORD:\n%s", r.stdout)
	}
	for status, verdict := range map[string]string{"1": "fail", "2": "usage", "3": "could-not-test", "137": "broken"} {
		r := runScript(t, inputs, "FAKE_STATUS="+status)
		if got := parseOutputs(t, r.output)[OutputVerdict]; got != verdict || r.status == 0 {
			t.Errorf("status %s: verdict %q (want %q), exit %d", status, got, verdict, r.status)
		}
	}
}

func TestRunScriptMasksCredentialsInTheBaseURL(t *testing.T) {
	r := runScript(t, map[string]string{"base-url": "https://qa:s3cret@api.example.com/v1/"})
	if want := "::add-mask::qa:s3cret\n::add-mask::s3cret\n"; !strings.HasPrefix(r.stdout, want) {
		t.Errorf("the output does not open with masks for the URL's credentials:\n%s", r.stdout)
	}
}

func TestRunScriptRefusesBadInputsInOneLine(t *testing.T) {
	for name, c := range map[string]struct {
		inputs map[string]string
		extra  []string
		want   string
	}{
		"no base URL": {map[string]string{"password": "p"}, nil, "the base-url input is empty"},
		"strict yes":  {map[string]string{"base-url": "http://x", "strict": "yes"}, nil, `the strict input is "yes": use true or false`},
		"wrong-creds": {map[string]string{"base-url": "http://x", "wrong-credentials": "0"}, nil, `the wrong-credentials input is "0"`},
		"upload":      {map[string]string{"base-url": "http://x", "upload-reports": "y"}, nil, `the upload-reports input is "y"`},
		"an input that would start a workflow command": {map[string]string{"base-url": "http://x", "strict": "no\n::add-mask::x %"}, nil, `the strict input is "no%0A::add-mask::x %25": use true or false`},
		"missing binary": {map[string]string{"base-url": "http://x"}, []string{"JWT_CONFORMANCE_BIN=/nonexistent/cli"}, `JWT_CONFORMANCE_BIN is "/nonexistent/cli", which is not an executable file`},
	} {
		t.Run(name, func(t *testing.T) {
			r := runScript(t, c.inputs, c.extra...)
			if r.status != 2 || !strings.Contains(r.stdout, "::error title=jwt-conformance::"+c.want) {
				t.Errorf("exit %d, output:\n%s\nwant exit 2 and %q", r.status, r.stdout, c.want)
			}
			if r.args != "" {
				t.Errorf("the CLI ran anyway")
			}
		})
	}
}
