package harness

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestOfflineRunPasses(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Run(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 || len(res.Failing()) != 0 {
		t.Fatalf("offline run: exit %d, failing %v\n%s", res.ExitCode, res.Failing(), res.Output)
	}
	if res.Verdicts()["CREATE-SHAPE"] != "pass" || res.Verdicts()["ME-ANON-REFUSED"] != "skip" {
		t.Fatalf("unexpected verdicts %v", res.Verdicts())
	}
}

func TestBadConfigExitsTwoBeforeAnySpec(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Run(ctx, t.TempDir(), map[string]string{"ZS_BASE_URL": "nope", "ZS_STRICT": "perhaps"})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 2 || len(res.Report.SpecReports) != 0 {
		t.Fatalf("exit %d with %d specs\n%s", res.ExitCode, len(res.Report.SpecReports), res.Output)
	}
	lines := strings.Split(strings.TrimSpace(res.Output), "\n")
	if !strings.Contains(lines[len(lines)-1], "target.password: required") || strings.Contains(res.Output, "goroutine") {
		t.Fatalf("the problems must end the output, without a stack trace:\n%s", res.Output)
	}
}

// An unreachable target is found by the preflight: the run could not test (exit 3), says so
// in one line, and judges no clause.
func TestUnreachableTargetCouldNotTest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A hang would run into the context's deadline and fail the run; no wall time is asserted.
	res, err := Run(ctx, t.TempDir(), map[string]string{"ZS_BASE_URL": "http://127.0.0.1:9", "ZS_EMAIL": "a@b", "ZS_PASSWORD": "pw-unreachable"})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 3 || !strings.Contains(res.Output, "could not test: nothing answers at 127.0.0.1:9") {
		t.Fatalf("exit %d, expected 3 and the preflight's line\n%s", res.ExitCode, res.Output)
	}
	if len(res.Report.SpecReports) != 0 {
		t.Errorf("%d specs ran against an unreachable target", len(res.Report.SpecReports))
	}
}
