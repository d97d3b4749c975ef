package verdicts

import (
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
)

func file(run Run, verdicts map[string]Verdict) *File {
	var cls []Clause
	for id, v := range verdicts {
		sev := clauses.Must
		if strings.HasPrefix(id, "S-") {
			sev = clauses.Should
		}
		cls = append(cls, Clause{ID: id, Severity: sev, Endpoint: "create", Verdict: v})
	}
	return New(run, cls)
}

func baselineRun() Run {
	return Run{Mode: ModeLive, Target: "https://api.example.com", Started: started, Finished: started.Add(time.Second), SuiteVersion: "0.2.0", Outcome: OutcomeFail, ExitCode: 1}
}

func TestCompareSortsEveryClauseIntoItsKind(t *testing.T) {
	later := baselineRun()
	later.Started = started.Add(24 * time.Hour)
	old := file(baselineRun(), map[string]Verdict{
		"A-NEW": Pass, "B-FIXED": Fail, "C-STILL": Fail, "D-SKIPPED": Pass, "E-FAIL-SKIPPED": Fail,
		"F-SAME": Pass, "G-GONE": Pass, "S-WARN-FIXED": Fail, "H-WAS-SKIPPED": Skip, "I-BROKEN": Warn,
	})
	now := file(later, map[string]Verdict{
		"A-NEW": Fail, "B-FIXED": Pass, "C-STILL": Fail, "D-SKIPPED": Skip, "E-FAIL-SKIPPED": NotRun,
		"F-SAME": Pass, "S-WARN-FIXED": Warn, "H-WAS-SKIPPED": Fail, "I-BROKEN": Broken, "J-ADDED-FAILS": Fail, "K-ADDED": Pass,
	})
	ch := Compare(old, now)
	check := func(what string, got []Change, want ...string) {
		t.Helper()
		if g := strings.Join(ids(got), " "); g != strings.Join(want, " ") {
			t.Errorf("%s: %q, want %q", what, g, strings.Join(want, " "))
		}
	}
	check("new failures", ch.NewFailures, "A-NEW", "H-WAS-SKIPPED", "J-ADDED-FAILS")
	check("fixed", ch.Fixed, "B-FIXED", "S-WARN-FIXED")
	check("still failing", ch.StillFailing, "C-STILL")
	check("newly skipped", ch.NewlySkipped, "D-SKIPPED", "E-FAIL-SKIPPED", "I-BROKEN")
	check("added", ch.Added, "J-ADDED-FAILS", "K-ADDED")
	check("removed", ch.Removed, "G-GONE")
	if !ch.Changed() {
		t.Error("Changed() is false")
	}
	golden(t, "changes.golden.txt", []byte(ch.Text()+"\n"))
	golden(t, "changes.golden.md", []byte(ch.Markdown()))
}

func TestCompareWithoutChanges(t *testing.T) {
	same := map[string]Verdict{"A": Pass, "B": Fail}
	ch := Compare(file(baselineRun(), same), file(baselineRun(), same))
	if ch.Changed() {
		t.Errorf("a clause that still fails is not a change: %+v", ch)
	}
	if got, want := ch.Text(), "Since the baseline run of 2026-11-27 12:00:00 UTC: no change; 1 still failing (B)."; got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	passing := map[string]Verdict{"A": Pass}
	ch = Compare(file(baselineRun(), passing), file(baselineRun(), passing))
	if got, want := ch.Text(), "Since the baseline run of 2026-11-27 12:00:00 UTC: no change, and no clause fails."; got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	if strings.Contains(ch.Markdown(), "|") {
		t.Errorf("an empty comparison has no table:\n%s", ch.Markdown())
	}
}

func TestCompareSaysWhenTheRunsTestedDifferentThings(t *testing.T) {
	replay := baselineRun()
	replay.Mode, replay.Target, replay.SuiteVersion = ModeReplay, "fixtures/recorded/live", "0.1.0"
	ch := Compare(file(replay, map[string]Verdict{"A": Pass}), file(baselineRun(), map[string]Verdict{"A": Pass}))
	for _, want := range []string{"The baseline tested fixtures/recorded/live (replay); this run tests https://api.example.com (live).", "judged by suite 0.1.0, this run by 0.2.0"} {
		if !strings.Contains(ch.Text(), want) {
			t.Errorf("Text() = %q, missing %q", ch.Text(), want)
		}
	}
}

func TestTextBoundsTheIDsItNames(t *testing.T) {
	old, now := map[string]Verdict{}, map[string]Verdict{}
	for _, c := range "ABCDEFGHIJKL" {
		old["X-"+string(c)], now["X-"+string(c)] = Pass, Fail
	}
	text := Compare(file(baselineRun(), old), file(baselineRun(), now)).Text()
	if !strings.Contains(text, "12 new failures (X-A, X-B, X-C, X-D, X-E, X-F, X-G, X-H and 4 more)") {
		t.Errorf("Text() = %q", text)
	}
}
