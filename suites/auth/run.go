// Package auth is the conformance suite of the Zonesmart API's JWT authentication page, as a
// Ginkgo spec tree that any test binary can run. Importing the package registers the tree;
// a door (this directory's bootstrap test, a command, another module's test) runs it in two
// calls:
//
//	func TestMain(m *testing.M) {
//		flag.Parse()
//		if err := auth.Prepare(auth.Setup{ConfigPath: *configPath}); err != nil {
//			auth.WriteProblems(os.Stderr, err) // one line per problem
//			os.Exit(2)
//		}
//		m.Run()
//		os.Exit(auth.Verdicts().Run.ExitCode) // 0 pass, 1 fail, 3 could not test or broken
//	}
//
//	func TestAuth(t *testing.T) { auth.Run(t) }
//
// Prepare loads and validates everything a run depends on (configuration, catalogue, fixtures)
// before Ginkgo starts, so a bad configuration runs no spec; CheckLabelFilter refuses a filter
// that selects nothing. Run says what the run tests, proves a live target reachable
// (Preflight), builds the tree, audits it against the catalogue before any request is sent,
// walks the documented flow once (a refused log-in ends the run there), judges every clause on
// that shared evidence, and writes the conformance reports and verdicts.json. Verdicts is the
// finished run's outcome, the same at every door.
package auth

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/zonesmart/jwt-conformance/fixtures"
	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/negative"
	"github.com/zonesmart/jwt-conformance/helpers/out"
	"github.com/zonesmart/jwt-conformance/helpers/record"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/replay"
	"github.com/zonesmart/jwt-conformance/helpers/report"
	"github.com/zonesmart/jwt-conformance/helpers/timing"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
	"github.com/zonesmart/jwt-conformance/version"
)

// SuiteName is the Ginkgo suite's description.
const SuiteName = "Zonesmart JWT authentication"

// offlineBase is where replayed requests "go": a reserved name that can never resolve, so
// nothing leaks to the network even if interception failed.
const offlineBase = "http://zonesmart.invalid"

// Setup says where a run's configuration comes from.
type Setup struct {
	// ConfigPath is a YAML configuration file; "" reads the one ZS_CONFIG names, if any.
	ConfigPath string
	// LookupEnv reads the ZS_* variables; nil reads the process environment.
	LookupEnv func(string) (string, bool)
	// Catalogue is the clause catalogue to judge against; nil is the embedded one. Tests of the
	// suite's own audit pass a drifted one.
	Catalogue *clauses.Catalogue
	// Flags are a command line's settings by flag name (config.Key.Flag: "base-url"); they win
	// over the file and the environment.
	Flags map[string]string
	// Baseline is an earlier run's verdicts: the run's summary and reports open with what
	// changed since it. It never changes the outcome.
	Baseline *verdicts.File
}

// Prepare loads and validates the configuration, the catalogue and the fixtures, and makes the
// run that Run executes. Every problem is in the error, one per line (see WriteProblems).
func Prepare(s Setup) error {
	r, err := prepare(s)
	if err != nil {
		return err
	}
	suite = r
	return nil
}

// Run runs the prepared suite under Ginkgo and reports whether it passed. args are passed to
// Ginkgo's RunSpecs (a types.SuiteConfig, a types.ReporterConfig); without them Ginkgo reads its
// command-line flags.
func Run(t GinkgoTestingT, args ...any) bool {
	if suite == nil {
		out.Std(redact.New()).Errorf("conformance: auth.Run was called before auth.Prepare: prepare the run first (see the package documentation)")
		t.Fail()
		return false
	}
	RegisterFailHandler(suite.out.FailHandler())
	suiteConfig, reporterConfig := GinkgoConfiguration()
	if suiteConfig.ParallelTotal <= 1 {
		suite.announce()
		// Alone, the run proves the target reachable before Ginkgo starts, so that a target
		// with nothing listening costs a few lines; under ginkgo -p, process 1 does it first
		// thing instead.
		if !suiteConfig.DryRun && !Preflight() {
			t.Fail()
			return false
		}
	}
	if len(args) == 0 {
		reporterConfig.NoColor = reporterConfig.NoColor || !colourWanted()
		if !reporterConfig.Verbose && !reporterConfig.VeryVerbose {
			// The clause table says which specs skipped and why; a row of S says nothing.
			reporterConfig.SilenceSkips = true
		}
		args = []any{suiteConfig, reporterConfig}
	}
	passed := RunSpecs(t, SuiteName, args...)
	if suiteConfig.ParallelTotal <= 1 && suite.verdicts != nil {
		suite.out.Printf("%s", suite.verdictLine())
	}
	return passed
}

// Preflight proves a live target reachable (resolve, connect, TLS handshake; no HTTP request)
// before Ginkgo starts. If it is not, the run ends here: one line naming what failed and the
// setting that fixes it, the reports and verdicts.json of a run that could not test, and
// false. Run calls it when the suite runs in one process; a door that starts the suite's
// processes itself (ginkgo -p) calls it first. Offline, it has nothing to prove.
func Preflight() bool {
	r := suite
	if r == nil || r.cfg.Offline() || r.preflown {
		return true
	}
	ctx, cancel := context.WithDeadline(context.Background(), r.budgetEnd)
	problem := r.preflight(ctx)
	cancel()
	if problem == "" {
		r.preflown = true
		return true
	}
	r.problem = r.redactor.String(problem)
	r.out.Printf("%s", r.problem)
	now := time.Now()
	suiteConfig, _ := GinkgoConfiguration()
	r.summarize(Report{StartTime: now, EndTime: now, SuiteConfig: suiteConfig})
	r.out.Printf("%s", r.verdictLine())
	return false
}

// Verdicts is the finished run's verdicts, as verdicts.json holds them; nil before a run has
// finished on this process (under ginkgo -p, only process 1 has them).
func Verdicts() *verdicts.File {
	if suite == nil {
		return nil
	}
	return suite.verdicts
}

// Problem is the one line that says why the finished run could not test or broke; "" for a
// run that judged every selected clause.
func Problem() string {
	if suite == nil {
		return ""
	}
	return suite.problem
}

// Tested is what the prepared run tests, as its first line says it (config.Config.Describe).
func Tested() string {
	if suite == nil {
		return ""
	}
	return suite.cfg.Describe()
}

// WriteProblems prints a Prepare error the way the suite ends on one: a count, then one
// indented line per problem.
func WriteProblems(w io.Writer, err error) {
	d := out.New(environmentSecrets(), w, w)
	lines := strings.Split(err.Error(), "\n")
	d.Printf("conformance: %d configuration problem(s); no spec was run:", len(lines))
	for _, l := range lines {
		d.Printf("  %s", l)
	}
}

// environmentSecrets is a redactor that knows the secret values the environment holds, for the
// problems of a configuration that did not load (so no run, and no run's redactor, exists).
func environmentSecrets() *redact.Redactor {
	r := redact.New()
	for _, k := range config.Keys {
		if v, ok := os.LookupEnv(k.Env); ok && k.Secret {
			r.AddSecret(v)
		}
	}
	return r
}

// suite is the one run value: Prepare makes it, every node of the tree reads it.
var suite *run

// run is everything one run of the suite holds: what Prepare loaded, the tree's declarations,
// the flow's evidence, and the state of the spec running now.
type run struct {
	cfg      *config.Config
	cat      *clauses.Catalogue
	redactor *redact.Redactor
	// out is the one door every byte of the run leaves by, through redactor.
	out      *out.Door
	client   *httpx.Client
	fixtures *replay.Set      // the replayed fixtures; nil for a live target
	recorder *record.Recorder // set by record.dir (make record)
	env      checks.Env
	// budgetEnd is the run budget's end: every node's context carries it as its deadline.
	budgetEnd time.Time

	// declared is the spec tree as clause and entry declared it, audited before any request.
	declared []clauses.SpecInfo
	// auditProblems are what that audit found; the summary lists them instead of auditing again.
	auditProblems []string

	evidence *flow.Flow
	// wrongPasswords counts this process's wrong-password log-ins against the configured bound.
	wrongPasswords negative.Lockout

	// baseline is an earlier run's verdicts to compare with (Setup.Baseline).
	baseline *verdicts.File
	// announced is set once the run's first line (what is tested) is out; preflown once the
	// target was proved reachable.
	announced, preflown bool
	// problem is the one line that ended the run before its clauses (preflight), or that
	// names what the environment broke during it; verdicts is the finished run's result.
	problem  string
	verdicts *verdicts.File

	// sent are the exchanges the running spec sent itself, for its failure transcript.
	sent []*httpx.Exchange
	// brokenNoted: the running spec's failure is already marked as the environment's.
	brokenNoted bool
	// requestsBefore is the request count when the running spec began.
	requestsBefore int64
}

func prepare(s Setup) (*run, error) {
	r := &run{cat: s.Catalogue, baseline: s.Baseline}
	var err error
	if r.cat == nil {
		if r.cat, err = clauses.Default(); err != nil {
			return nil, err
		}
	}
	known := func(id string) bool { _, ok := r.cat.Get(id); return ok }
	opts := config.Options{File: s.ConfigPath, Lookup: s.LookupEnv, Known: known, Flags: s.Flags}
	if s.LookupEnv == nil {
		// The process environment is read whole, so that a mistyped ZS_* variable is named.
		opts.Environ = os.Environ()
	}
	if r.cfg, err = config.LoadOptions(opts); err != nil {
		return nil, err
	}
	cfg := r.cfg
	r.redactor = redact.New(cfg.Secrets()...)
	if cfg.SigningKey != "" {
		r.redactor.SetSigningKey([]byte(cfg.SigningKey))
	}
	r.out = out.Std(r.redactor)
	base := cfg.BaseURL
	if cfg.Offline() {
		base = offlineBase
		if cfg.Fixtures != "" {
			r.fixtures, err = replay.Load(os.DirFS(cfg.Fixtures), ".")
		} else {
			r.fixtures, err = replay.Load(fixtures.Page, "page")
		}
		if err != nil {
			return nil, err
		}
	}
	if r.client, err = httpx.NewFor(base, cfg, r.redactor); err != nil {
		return nil, err
	}
	r.budgetEnd = time.Now().Add(cfg.RunBudget)
	// Every token and credential that crosses the wire is masked by value from then on.
	r.client.Observe = func(ex *httpx.Exchange) { flow.Learn(r.redactor, ex) }
	r.env = checks.Env{Email: cfg.Email, AccessLifetime: cfg.AccessLifetime, RefreshLifetime: cfg.RefreshLifetime,
		Skew: cfg.Skew, MaxServerOffset: cfg.MaxServerOffset, Scheme: cfg.Scheme, Algorithm: cfg.Algorithm, RefreshMethod: cfg.Refresh.Method, SigningKey: []byte(cfg.SigningKey), Redactor: r.redactor}
	if cfg.RecordDir != "" {
		// Each process writes its own exchanges, redacted, as soon as each completes.
		r.recorder, err = record.New(record.Options{Dir: cfg.RecordDir, Process: GinkgoParallelProcess(), Target: cfg.BaseURL,
			Password: cfg.Password, Secrets: []string{cfg.SigningKey}, Door: r.out})
		if err != nil {
			return nil, err
		}
		observe := r.client.Observe
		r.client.Observe = func(ex *httpx.Exchange) {
			observe(ex)
			r.recorder.Record(ex)
		}
	}
	return r, nil
}

// budget is ctx bounded by the run budget: a request or a wait past it ends as "run budget
// spent", and cancelling ctx (an interrupt) ends it at once.
func (r *run) budget(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, r.budgetEnd)
}

// The tree is audited and the documented flow walked once, on process 1, before any spec; every
// process gets the flow's evidence, so the run logs in exactly once even under ginkgo -p.
var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	for _, w := range suite.cfg.Warnings() {
		suite.out.Printf("warning: %s", w)
	}
	suite.audit()
	ctx2, cancel := suite.budget(ctx)
	defer cancel()
	if !suite.cfg.Offline() && !suite.preflown {
		if problem := suite.preflight(ctx2); problem != "" {
			suite.couldNotTest(problem)
		}
	}
	f := suite.walk(ctx2)
	suite.out.Entry(report.EntryRequests, fmt.Sprint(f.Requests), ReportEntryVisibilityNever)
	if w := suite.clockWarning(f); w != "" {
		suite.out.Entry(entryClock, w, ReportEntryVisibilityNever)
	}
	if problem := suite.loginProblem(f); problem != "" {
		suite.couldNotTest(problem)
	}
	data, err := f.Share(suite.cfg.Password, suite.cfg.Secrets()...) // sealed: no password, no usable token
	Expect(err).NotTo(HaveOccurred())
	return data
}, func(_ SpecContext, data []byte) {
	suite.receive(data)
})

// audit fails the run before its first request when the spec tree and the catalogue disagree:
// a clause without a spec, a spec of an unknown clause, two specs of one name, or a spec whose
// MUST or SHOULD is not its clause's severity.
func (r *run) audit() {
	if problems := r.cat.Audit(r.declared); len(problems) > 0 {
		r.auditProblems = problems
		r.out.Fail("the clause catalogue and the specs disagree; no request was sent:\n  " + strings.Join(problems, "\n  "))
	}
}

// walk runs the documented flow, live or replayed.
func (r *run) walk(ctx context.Context) *flow.Flow {
	opts := flow.Options{Client: r.client, Config: r.cfg, Email: r.cfg.Email, Password: r.cfg.Password, Target: r.cfg.BaseURL}
	if set := r.fixtures; set != nil {
		email, password, err := set.Credentials()
		Expect(err).NotTo(HaveOccurred())
		opts.Email, opts.Password, opts.Recorded, opts.Target = email, password, set.Has, "replay of "+set.Source
		r.redactor.AddSecret(password)
		s := replay.Start(r.client.HTTP, offlineBase, flowFixtures(set))
		r.client.Times = s.Times
		defer func() {
			// A request no fixture matched already fails its clauses; a fixture the flow never
			// asked for means the recording and this suite disagree, which the user should see.
			if p := s.Problems(); len(p) > 0 {
				r.out.Entry("replay", strings.Join(p, "\n"))
			}
			r.client.Times = nil
			s.Stop()
		}()
	}
	if r.fixtures == nil {
		// A refused log-in ends the run (loginProblem): the flow's other requests must not be
		// sent, so its context ends with that answer.
		var stop context.CancelFunc
		ctx, stop = context.WithCancel(ctx)
		defer stop()
		observe := r.client.Observe
		r.client.Observe = func(ex *httpx.Exchange) {
			observe(ex)
			if ex.Step == flow.Create && ex.Status() >= 400 && ex.Status() < 500 {
				stop()
			}
		}
		defer func() { r.client.Observe = observe }()
	}
	return flow.Run(ctx, opts)
}

// receive takes the flow's evidence on every process.
func (r *run) receive(data []byte) {
	var err error
	r.evidence, err = flow.Receive(data, r.cfg.Secrets()...)
	Expect(err).NotTo(HaveOccurred())
	r.evidence.Learn(r.redactor)
	r.env.Email = r.evidence.Email
	if r.fixtures != nil {
		email, password, _ := r.fixtures.Credentials()
		r.env.Email = email
		r.redactor.AddSecret(password)
	}
}

// flowFixtures are the fixtures of the documented flow's steps, in order.
func flowFixtures(set *replay.Set) []*replay.Fixture {
	var out []*replay.Fixture
	for _, fx := range set.Fixtures {
		for _, s := range flow.Steps {
			if fx.Step == s {
				out = append(out, fx)
			}
		}
	}
	return out
}

// Before every spec: its own state starts empty, and a spec that cannot run here is skipped with
// what is missing and how to provide it. Modes are label filters, not ifs around specs.
var _ = BeforeEach(func() { suite.beforeSpec(CurrentSpecReport().Labels()) })

// After every spec: what it sent is counted into the report.
var _ = AfterEach(func() { suite.afterSpec() })

func (r *run) beforeSpec(labels []string) {
	r.sent, r.brokenNoted = nil, false
	// Counted from before any skip, so a skipped spec never re-counts its predecessor's requests.
	r.requestsBefore = r.client.Requests()
	// A recording learns the flow's tokens on every process, so it masks them wherever they go.
	if r.recorder != nil {
		r.recorder.Learn(r.evidence.Tokens()...)
	}
	keyed := slices.Contains(labels, negative.LabelNeedsKey)
	switch {
	case keyed && r.cfg.SigningKey == "":
		skip("needs the signing key: set ZS_SIGNING_KEY (target.signing_key)")
	case slices.Contains(labels, negative.LabelLiveOnly) && r.cfg.Offline():
		skip("sends a freshly minted token, which no fixture can record: needs a live target (ZS_BASE_URL)")
	case slices.Contains(labels, negative.LabelLockoutRisk) && !r.cfg.WrongCredentials:
		skip("sends a wrong password: disabled by safety.wrong_credentials (ZS_WRONG_CREDENTIALS)")
	case slices.Contains(labels, negative.LabelExhaustive) && !r.cfg.Exhaustive:
		skip("sends a request beyond the default run's: enabled by safety.exhaustive (ZS_EXHAUSTIVE=true)")
	case keyed && r.fixtures != nil && r.signaturesRedacted():
		// A recording's replay carries no real signature (each became REDACTED), so keyed specs,
		// which verify or mint signatures, skip there instead of failing.
		skip("the replayed tokens are a recording's, whose signatures were replaced with REDACTED: no key can verify them; run against the live target (ZS_BASE_URL) to check signatures")
	}
}

func (r *run) afterSpec() {
	if n := r.client.Requests() - r.requestsBefore; n > 0 {
		r.out.Entry(report.EntryRequests, fmt.Sprint(n), ReportEntryVisibilityNever)
	}
	// A spec that failed outside its judgement (an interrupt, a Gomega assertion) after a request
	// of its own got no answer is broken too. A replay's unmatched request has no answer either,
	// but that is the recording's disagreement with the suite, which the failure names: only a
	// live run breaks.
	if CurrentSpecReport().Failed() {
		var steps []string
		for _, ex := range r.sent {
			steps = append(steps, ex.Step)
		}
		if why := r.unanswered(steps); why != "" {
			r.noteBroken(why)
		}
	}
}

func (r *run) signaturesRedacted() bool {
	for _, t := range r.evidence.Tokens() {
		if strings.HasSuffix(t, "."+redact.SignatureMask) {
			return true
		}
	}
	return false
}

// Every process reports what it recorded; a fixture that could not be written fails the run.
var _ = AfterSuite(func() {
	if suite.recorder != nil {
		suite.out.Entry(entryRecording, suite.recorder.Summary(), ReportEntryVisibilityNever)
		Expect(suite.recorder.Err()).NotTo(HaveOccurred())
	}
})

const (
	entryRecording = "recording"
	// entryClock carries the clock warning into report.json and junit.xml.
	entryClock = "clock"
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
	return r.cfg.BaseURL
}

// reportRun is what the conformance reports state beside the verdicts. The text that specs put
// into the report is redacted already; the redactor runs over all of it once more, now knowing
// every configured secret.
func (r *run) reportRun(rep Report) report.Run {
	cfg := r.cfg
	out := report.Run{Target: cfg.BaseURL, Started: rep.StartTime, Finished: rep.EndTime, Version: report.Version(),
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

// errNotPrepared is what a spec tree built without Prepare reports.
var errNotPrepared = errors.New("the auth suite's tree was built before auth.Prepare: call Prepare, then Run")

// preflight proves the target reachable before any spec: one resolve, connect and TLS
// handshake with the client's own TLS settings, and no HTTP request. It returns the one line
// that says what failed and which setting fixes it, or "".
func (r *run) preflight(ctx context.Context) string {
	u, err := url.Parse(r.cfg.BaseURL)
	if err != nil || u.Host == "" {
		return "could not test: target.base_url names no host: check ZS_BASE_URL"
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"https": "443"}[u.Scheme]
		if port == "" {
			port = "80"
		}
	}
	addr := net.JoinHostPort(host, port)
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			return fmt.Sprintf("could not test: the name %s does not resolve (%v); check ZS_BASE_URL (target.base_url)", host, dnsErr.Err)
		}
		return fmt.Sprintf("could not test: nothing answers at %s (%v); check ZS_BASE_URL (target.base_url), or start the server", addr, rootCause(err))
	}
	defer conn.Close()
	if u.Scheme != "https" {
		return ""
	}
	tlsCfg, err := r.cfg.TLSConfig()
	if err != nil {
		return "could not test: " + err.Error() + "; check ZS_TLS_CA_FILE (tls.ca_file)"
	}
	tlsCfg.ServerName = host
	tc := tls.Client(conn, tlsCfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return fmt.Sprintf("could not test: the TLS handshake with %s failed (%v); trust its CA with ZS_TLS_CA_FILE (tls.ca_file), or check ZS_BASE_URL", addr, rootCause(err))
	}
	return ""
}

// rootCause is an error without the operation and address net wraps around it, which the
// line around it already names.
func rootCause(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// maxAnswer bounds the body quoted in a refused log-in's line.
const maxAnswer = 200

// loginProblem is the one line a live run ends on when the flow's log-in got no answer or was
// refused (4xx): nothing else can be tested without the account's tokens, and every further
// wrong-password log-in could lock it.
func (r *run) loginProblem(f *flow.Flow) string {
	if r.fixtures != nil {
		return ""
	}
	ex := f.Exchanges[flow.Create]
	if f.Fatal != "" || ex == nil || ex.Response == nil {
		why := f.Fatal
		if why == "" && ex != nil {
			why = ex.Err
		}
		return fmt.Sprintf("could not test: the log-in as %s got no answer (%s); check ZS_BASE_URL", r.cfg.Email, why)
	}
	// A 4xx is the account refused; any other answer (a 5xx, a 200 without tokens) is the
	// target's own failure, which its clauses judge.
	status := ex.Response.Status
	if status >= 400 && status < 500 {
		body := strings.Join(strings.Fields(r.redactor.String(string(ex.Response.Body))), " ")
		if len(body) > maxAnswer {
			body = body[:maxAnswer] + "…"
		}
		return fmt.Sprintf("could not test: the log-in as %s was refused: %d %s; check ZS_EMAIL / ZS_PASSWORD", r.cfg.Email, status, body)
	}
	return ""
}

// couldNotTest ends the run before its clauses: the one line, then every spec is skipped (a
// skipped set-up skips the whole tree on every process) and nothing more is sent.
func (r *run) couldNotTest(problem string) {
	r.problem = r.redactor.String(problem)
	r.out.Printf("%s", r.problem)
	r.out.Skip(r.problem)
}

// announce prints the run's first lines: what is tested, and the settings that weaken it.
func (r *run) announce() {
	if r.announced {
		return
	}
	r.announced = true
	r.out.Printf("conformance: %s", r.cfg.Describe())
	for _, w := range r.cfg.Warnings() {
		r.out.Printf("warning: %s", w)
	}
}

// Announce prints what the prepared run tests and its warnings, once: a door that starts the
// suite in other processes (ginkgo -p) says it first itself.
func Announce() {
	if suite != nil {
		suite.announce()
	}
}

// colourWanted says whether the console may carry colour codes: not into a pipe or a file,
// and never when NO_COLOR is set (https://no-color.org).
func colourWanted() bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	info, err := stdoutForStat.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// stdoutForStat is the standard output's descriptor, only ever stat'ed: nothing is written
// around the door. It is a package variable so that it is never collected, since the
// finalizer of an *os.File closes its descriptor.
var stdoutForStat = os.NewFile(1, "stdout")

// ColourWanted is colourWanted for the doors that build Ginkgo's reporter configuration
// themselves.
func ColourWanted() bool { return colourWanted() }

// writePlan is what a dry run prints instead of verdicts: per selected clause, the requests it
// would send and how many of them carry a wrong password. Negative cases are built from
// placeholder evidence (the page's tokens), so their counts are those of a live run.
func (r *run) writePlan(rep Report) {
	selected := map[string]bool{}
	for _, sr := range rep.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt && sr.State == types.SpecStatePassed {
			for _, id := range clauses.FromLabels(sr.Labels()) {
				selected[id] = true
			}
		}
	}
	ev := negative.Evidence{Email: r.cfg.Email, Password: "placeholder", Access: fixtures.PageAccessToken, Refresh: fixtures.PageRefreshToken,
		Create: r.cfg.Create, Me: r.cfg.Me, RefreshAt: r.cfg.Refresh, Scheme: r.cfg.Scheme, Algorithm: r.cfg.Algorithm,
		Key: []byte(r.cfg.SigningKey), Live: !r.cfg.Offline(), Skew: r.cfg.Skew, AccessLifetime: r.cfg.AccessLifetime,
		RefreshLifetime: r.cfg.RefreshLifetime, Now: time.Now(), Malformed: r.cfg.MalformedBodies}
	if ev.Email == "" {
		ev.Email = "placeholder@invalid.example"
	}
	w := r.out.Stdout()
	fmt.Fprintln(w, "\nDry run: what a run would send")
	fmt.Fprintf(w, "  the documented flow, once before every clause: up to %d requests, one log-in with the configured password\n", len(flow.Steps))
	total, wrong := len(flow.Steps), 0
	for _, cl := range r.cat.Clauses {
		if !selected[cl.ID] {
			continue
		}
		reqs, wp, note := 0, 0, "judged on the flow's answers: no request of its own"
		for _, c := range negative.Cases() {
			if c.Clause != cl.ID {
				continue
			}
			built, err := c.Build(ev)
			switch {
			case err != nil:
				note = "would skip: " + err.Error()
				continue
			case c.Lockout && !r.cfg.WrongCredentials:
				note = "would skip: safety.wrong_credentials is false"
				continue
			case negative.WrongPasswords(built) > 0 && c.FirstWrongPassword+negative.WrongPasswords(built)-1 > r.cfg.WrongPasswordAttempts:
				note = "would skip: beyond safety.wrong_password_attempts"
				continue
			case slices.Contains(c.Labels(), negative.LabelLiveOnly) && r.cfg.Offline():
				note = "would skip: needs a live target (ZS_BASE_URL)"
				continue
			case r.fixtures != nil && !r.recordsAll(built):
				note = "would skip: the fixtures do not record its requests"
				continue
			}
			reqs += len(built)
			wp += negative.WrongPasswords(built)
			note = ""
		}
		total, wrong = total+reqs, wrong+wp
		line := fmt.Sprintf("  %-22s %-6s %3d request(s), %d wrong-password log-in(s)", cl.ID, cl.Severity, reqs, wp)
		if note != "" && reqs == 0 {
			line = fmt.Sprintf("  %-22s %-6s %s", cl.ID, cl.Severity, note)
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "In all: at most %d requests, %d wrong-password log-in(s) (safety.wrong_password_attempts: %d).\n", total, wrong, r.cfg.WrongPasswordAttempts)
	fmt.Fprintln(w, "dry run: nothing was sent")
}

// CheckLabelFilter refuses, before anything runs, a label filter that selects no spec of the
// tree (a mistyped label would otherwise run nothing and pass). The error is one line naming
// the filter and the labels the tree knows.
func CheckLabelFilter(filter string) error {
	if strings.TrimSpace(filter) == "" || suite == nil {
		return nil
	}
	match, err := types.ParseLabelFilter(filter)
	if err != nil {
		return fmt.Errorf("label filter %q does not parse (%v)", filter, strings.TrimSpace(firstLineOf(err.Error())))
	}
	sets, known := labelSets(suite.cat)
	for _, ls := range sets {
		if match(ls) {
			return nil
		}
	}
	return fmt.Errorf("label filter %q selects no spec; the labels are %s, and clause:<ID> for each clause (--list-clauses)", filter, strings.Join(known, ", "))
}

func firstLineOf(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// labelSets are the label sets the tree's specs carry, one per clause (a clause's specs share
// its cases' mode labels), and the labels other than clause:<ID>. They come from the catalogue
// and the negative cases, so the filter is checked before the tree is built.
func labelSets(cat *clauses.Catalogue) ([][]string, []string) {
	caseLabels := map[string][]string{}
	for _, c := range negative.Cases() {
		caseLabels[c.Clause] = append(caseLabels[c.Clause], c.Labels()...)
	}
	var sets [][]string
	seen := map[string]bool{}
	var known []string
	for _, cl := range cat.Clauses {
		ls := append([]string{clauses.Label(cl.ID), string(cl.Severity), cl.Endpoint}, caseLabels[cl.ID]...)
		for _, l := range ls[1:] {
			if !seen[l] {
				seen[l] = true
				known = append(known, l)
			}
		}
		sets = append(sets, ls)
	}
	slices.Sort(known)
	return sets, known
}

// KnownLabels are the labels of the tree besides clause:<ID>, for --help and the label filter's
// error.
func KnownLabels() ([]string, error) {
	cat, err := clauses.Default()
	if err != nil {
		return nil, err
	}
	_, known := labelSets(cat)
	return known, nil
}

// Config is the prepared run's configuration; nil before Prepare.
func Config() *config.Config {
	if suite == nil {
		return nil
	}
	return suite.cfg
}

// Door is the prepared run's one output, redacting every configured secret; nil before Prepare.
func Door() *out.Door {
	if suite == nil {
		return nil
	}
	return suite.out
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

// recordsAll reports whether the replayed fixtures record every request of a case.
func (r *run) recordsAll(reqs []negative.Request) bool {
	for _, q := range reqs {
		if !r.fixtures.Has(q.Call.Step) {
			return false
		}
	}
	return true
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
