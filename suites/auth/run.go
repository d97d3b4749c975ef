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
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

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
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
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
	opts := flow.Options{Client: r.client, Config: r.cfg, Email: r.cfg.Email, Password: r.cfg.Password, Target: redact.URL(r.cfg.BaseURL)}
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

// errNotPrepared is what a spec tree built without Prepare reports.
var errNotPrepared = errors.New("the auth suite's tree was built before auth.Prepare: call Prepare, then Run")

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
