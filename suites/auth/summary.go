// The end of a run: the verdicts of every process, the outcome and its exit status,
// verdicts.json, the console summary and the conformance reports.

package auth

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/out"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/report"
	"github.com/zonesmart/jwt-conformance/helpers/timing"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
	"github.com/zonesmart/jwt-conformance/version"
)

// The summary and the conformance reports read the whole report, on process 1 only, after every
// process has finished.
var _ = ReportAfterSuite("conformance summary", func(r Report) { suite.summarize(r) })

func (r *run) summarize(rep Report) {
	dryRun := rep.SuiteConfig.DryRun
	s := report.Summarize(rep, r.cat)
	problems := r.auditProblems
	if len(problems) == 0 && !dryRun && len(rep.SpecReports) > 0 {
		// The tree as Ginkgo ran it, in case a spec was declared without clause or entry.
		var specs []clauses.SpecInfo
		for _, sr := range rep.SpecReports {
			if sr.LeafNodeType == types.NodeTypeIt {
				specs = append(specs, clauses.SpecInfo{FullText: sr.FullText(), Labels: sr.Labels()})
			}
		}
		problems = r.cat.Audit(specs)
	}
	if len(problems) > 0 {
		s.Other = append(s.Other, "the clause catalogue and the specs disagree: "+strings.Join(problems, "; "))
	}
	vrun := verdicts.Run{Mode: verdicts.Mode(r.cfg.Mode()), Target: r.target(), Started: rep.StartTime, Finished: rep.EndTime,
		SuiteVersion: version.Current(), Requests: int(r.client.Requests())}
	if vrun.Finished.IsZero() {
		vrun.Finished = time.Now()
	}
	if r.problem == "" {
		// The requests of every process, as the specs counted them.
		vrun.Requests = s.Requests
	}
	cls, err := verdicts.FromSummary(s, r.cfg.Waivers, r.redactor.String)
	if err != nil {
		r.out.Fail("reading the verdicts: " + err.Error())
	}
	switch {
	case dryRun:
		vrun.Mode, vrun.Outcome, vrun.Requests = verdicts.ModeDryRun, verdicts.OutcomePass, 0
		for i := range cls {
			cls[i].Verdict, cls[i].Reason = verdicts.NotRun, "dry run: nothing was sent"
		}
		r.writePlan(rep)
	case rep.SuiteConfig.LabelFilter != "" && len(rep.SpecReports) > 0 && s.Specs[verdict.NotRun] == s.Specs.Total():
		// The filter selected no spec of the tree as Ginkgo built it (the doors check it
		// against the catalogue first; this holds for a label only the tree knows).
		vrun.Outcome = verdicts.OutcomeUsage
		r.problem = fmt.Sprintf("label filter %q selects no spec; the labels are %s", rep.SuiteConfig.LabelFilter, strings.Join(treeLabels(rep), ", "))
		r.out.Printf("%s", r.problem)
		for i := range cls {
			cls[i].Reason = "not run: " + r.problem
		}
	case r.problem != "":
		vrun.Outcome = verdicts.OutcomeCouldNotTest
		for i := range cls {
			cls[i].Verdict, cls[i].Reason = verdicts.NotRun, "not run: "+r.problem
		}
	default:
		vrun.Outcome = verdicts.OutcomeOf(cls)
		if vrun.Outcome == verdicts.OutcomePass && (!rep.SuiteSucceeded || len(s.Other) > 0) {
			// Ginkgo failed the run outside any clause (a set-up node, the audit, an interrupt):
			// nothing the target did, and not a pass.
			vrun.Outcome = verdicts.OutcomeBroken
			if len(s.Other) > 0 {
				r.problem = s.Other[0]
			} else {
				r.problem = "the run ended before every selected clause was judged (interrupted, or a set-up node failed)"
			}
		}
	}
	vrun.ExitCode = vrun.Outcome.ExitCode()
	r.verdicts = verdicts.New(vrun, cls)
	changes := ""
	if r.baseline != nil {
		// What changed since the baseline opens the summary: it is what a reader after a
		// deploy looks for first.
		c := verdicts.Compare(r.baseline, r.verdicts)
		r.out.Printf("\n%s", c.Text())
		changes = c.Text()
	}
	if !dryRun && r.problem == "" || vrun.Outcome == verdicts.OutcomeBroken {
		s.WriteText(r.out.Stdout())
		if w := r.clockWarning(r.evidence); w != "" {
			r.out.Printf("warning: %s", w)
		}
	}
	for _, sr := range rep.SpecReports {
		for _, e := range sr.ReportEntries {
			if e.Name == entryRecording {
				r.out.Printf("%s", e.StringRepresentation())
			}
		}
	}
	var paths []string
	if !dryRun {
		// What changed since the baseline opens the reports: the action puts conformance.md into
		// the job summary.
		run := r.reportRun(rep)
		run.Changes = changes
		paths, err = report.WriteFiles(r.cfg.ReportsDir, s, run, r.out.WriteFile)
		if err != nil {
			r.out.Fail("writing the conformance reports: " + err.Error())
		}
	}
	data, err := r.verdicts.Marshal()
	if err == nil {
		path := filepath.Join(r.cfg.ReportsDir, VerdictsFile)
		if err = r.out.WriteFile(path, data); err == nil {
			paths = append(paths, path)
		}
	}
	if err != nil {
		r.out.Fail("writing " + VerdictsFile + ": " + err.Error())
	}
	r.out.Printf("Conformance reports: %s", strings.Join(paths, ", "))
	if rep.SuiteConfig.ParallelTotal > 1 {
		// Alone, Run prints it after Ginkgo's own summary, as the run's last line; the door
		// that started the processes does that under ginkgo -p.
		r.out.Printf("%s", r.verdictLine())
	}
	if len(problems) > 0 && len(r.auditProblems) == 0 {
		r.out.Fail("the clause catalogue and the specs disagree:\n  " + strings.Join(problems, "\n  "))
	}
}

// clockWarning names a server clock further from ours than clock.skew, "" otherwise: a SHOULD-
// level note printed even when every clause passes.
func (r *run) clockWarning(f *flow.Flow) string {
	if f == nil {
		return ""
	}
	off, ok := timing.ServerSkew(slices.Collect(maps.Values(f.Exchanges))...)
	if !ok {
		return ""
	}
	return timing.SkewWarning(off, r.cfg.Skew, r.cfg.MaxServerOffset)
}

// notices are the run's warnings about itself, for the reports as for the console.
func (r *run) notices() []string {
	n := r.cfg.Warnings()
	if w := r.clockWarning(r.evidence); w != "" {
		n = append(n, w)
	}
	return n
}

// VerdictsFile is the machine-readable result every run writes into the reports directory.
const VerdictsFile = "verdicts.json"

// verdictLine is the run's last line: what was tested, beside the verdict and its exit status.
func (r *run) verdictLine() string { return VerdictLine(r.cfg, r.verdicts) }

// VerdictLine is the last line of a run of cfg that ended with f: what was tested, beside the
// verdict and its exit status.
func VerdictLine(cfg *config.Config, f *verdicts.File) string {
	v := f.Run
	what := map[verdicts.Outcome]string{
		verdicts.OutcomePass: "PASS: no clause failed", verdicts.OutcomeFail: "FAIL: the target failed " + fmt.Sprint(len(f.Failed())) + " clause(s)",
		verdicts.OutcomeCouldNotTest: "COULD NOT TEST", verdicts.OutcomeBroken: "BROKEN: the environment failed; the target was not fully tested",
	}[v.Outcome]
	if v.Mode == verdicts.ModeDryRun {
		what = "dry run: nothing was sent"
	}
	return fmt.Sprintf("conformance: %s — %s (exit %d)", cfg.Describe(), what, v.ExitCode)
}

// target is what verdicts.json names as tested.
func (r *run) target() string {
	switch {
	case r.fixtures != nil && r.cfg.Fixtures != "":
		return r.cfg.Fixtures
	case r.fixtures != nil:
		return "the page's own examples"
	}
	return redact.URL(r.cfg.BaseURL)
}

// reportRun is what the conformance reports state beside the verdicts. The text that specs put
// into the report is redacted already; the redactor runs over all of it once more, now knowing
// every configured secret.
func (r *run) reportRun(rep Report) report.Run {
	cfg := r.cfg
	out := report.Run{Target: redact.URL(cfg.BaseURL), Started: rep.StartTime, Finished: rep.EndTime, Version: report.Version(),
		Config: report.Settings(cfg), Redact: r.redactor.String, RedactClaims: r.redactor.Claims, Notices: r.notices(), Endpoints: map[string]string{
			"create": cfg.Create.Method + " " + cfg.Create.Path, "me": cfg.Me.Method + " " + cfg.Me.Path,
			"refresh": cfg.Refresh.Method + " " + cfg.Refresh.Path, "tokens": "every issued token"}}
	if out.Finished.IsZero() {
		out.Finished = time.Now()
	}
	if r.fixtures != nil {
		out.Target = "replay of " + r.fixtures.Source
		for _, fx := range r.fixtures.Fixtures {
			if !fx.SentAt.IsZero() && (out.Recorded.IsZero() || fx.SentAt.Before(out.Recorded)) {
				out.Recorded = fx.SentAt
			}
		}
	}
	return out
}

// WriteRefused writes the verdicts.json of a run refused its flags or configuration (outcome
// usage, exit 2), so that every run leaves one: into reportsDir, or where ZS_REPORTS_DIR or the
// default says when it is "". baseURL, if any, names the target. It returns the file's path.
func WriteRefused(reportsDir, baseURL string) (string, error) {
	if reportsDir == "" {
		reportsDir = os.Getenv("ZS_REPORTS_DIR")
	}
	if strings.TrimSpace(reportsDir) == "" {
		reportsDir = "reports"
	}
	if baseURL == "" {
		baseURL = os.Getenv("ZS_BASE_URL")
	}
	mode, target := verdicts.ModePage, "the page's own examples"
	if baseURL != "" {
		mode, target = verdicts.ModeLive, baseURL
	}
	now := time.Now()
	f := verdicts.New(verdicts.Run{Mode: mode, Target: target, Started: now, Finished: now, SuiteVersion: version.Current(),
		Outcome: verdicts.OutcomeUsage, ExitCode: verdicts.OutcomeUsage.ExitCode()}, nil)
	data, err := f.Marshal()
	if err != nil {
		return "", err
	}
	path := filepath.Join(config.ResolvePath(reportsDir), VerdictsFile)
	return path, out.Std(environmentSecrets()).WriteFile(path, data)
}

// treeLabels are the labels of the tree's specs besides clause:<ID>, sorted.
func treeLabels(rep Report) []string {
	var known []string
	for _, sr := range rep.SpecReports {
		for _, l := range sr.Labels() {
			if !strings.HasPrefix(l, clauses.LabelPrefix) && !slices.Contains(known, l) {
				known = append(known, l)
			}
		}
	}
	slices.Sort(known)
	return known
}
