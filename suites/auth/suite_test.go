// The conformance suite of the Zonesmart API's JWT authentication page. Configuration is
// loaded and validated before any spec runs; the documented flow is walked once, in
// SynchronizedBeforeSuite, and every spec judges one clause on that shared evidence.
package auth_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
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
	"github.com/zonesmart/jwt-conformance/helpers/record"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/replay"
	"github.com/zonesmart/jwt-conformance/helpers/report"
)

// offlineBase is where replayed requests "go": a reserved name that can never resolve, so
// nothing leaks to the network even if interception failed.
const offlineBase = "http://zonesmart.invalid"

var (
	configPath = flag.String("config", "", "YAML configuration file (also ZS_CONFIG)")

	cfg            *config.Config
	cat            *clauses.Catalogue
	redactor       *redact.Redactor
	client         *httpx.Client
	fixtureSet     *replay.Set
	session        *replay.Session
	env            checks.Env
	evidence       *flow.Flow
	requestsBefore int64
	recorder       *record.Recorder // set by record.dir (make record)
)

// TestMain validates everything a run depends on before Ginkgo starts: a bad configuration or
// fixture set ends the run with one line per problem and exit status 2, and runs no spec.
func TestMain(m *testing.M) {
	flag.Parse()
	if err := setUp(); err != nil {
		lines := strings.Split(err.Error(), "\n")
		fmt.Fprintf(os.Stderr, "conformance: %d configuration problem(s); no spec was run:\n", len(lines))
		for _, l := range lines {
			fmt.Fprintln(os.Stderr, "  "+l)
		}
		os.Exit(2)
	}
	os.Exit(m.Run())
}

func setUp() error {
	var err error
	if cat, err = clauses.Default(); err != nil {
		return err
	}
	path := *configPath
	if path == "" {
		path = os.Getenv("ZS_CONFIG")
	}
	known := func(id string) bool { _, ok := cat.Get(id); return ok }
	if cfg, err = config.Load(path, os.LookupEnv, known); err != nil {
		return err
	}
	redactor = redact.New(cfg.Secrets()...)
	base := cfg.BaseURL
	if cfg.Offline() {
		base = offlineBase
		if cfg.Fixtures != "" {
			fixtureSet, err = replay.Load(os.DirFS(cfg.Fixtures), ".")
		} else {
			fixtureSet, err = replay.Load(fixtures.Page, "page")
		}
		if err != nil {
			return err
		}
	}
	client = httpx.New(base, cfg.Timeout)
	client.Retries, client.MaxRetryAfter = cfg.Retries, cfg.MaxRetryAfter
	client.Deadline = time.Now().Add(cfg.RunBudget)
	// Every token that crosses the wire is masked by value from then on.
	client.Observe = func(ex *httpx.Exchange) {
		for _, t := range (&flow.Flow{Exchanges: map[string]*httpx.Exchange{"x": ex}}).Tokens() {
			redactor.AddToken(t)
		}
	}
	env = checks.Env{Email: cfg.Email, AccessLifetime: cfg.AccessLifetime, RefreshLifetime: cfg.RefreshLifetime,
		Skew: cfg.Skew, Scheme: cfg.Scheme, Algorithm: cfg.Algorithm, RefreshMethod: cfg.Refresh.Method, SigningKey: []byte(cfg.SigningKey)}
	if cfg.RecordDir != "" {
		// Each process writes its own exchanges, redacted, as soon as each completes.
		recorder, err = record.New(record.Options{Dir: cfg.RecordDir, Process: GinkgoParallelProcess(), Target: cfg.BaseURL,
			Password: cfg.Password, Secrets: []string{cfg.SigningKey}})
		if err != nil {
			return err
		}
		observe := client.Observe
		client.Observe = func(ex *httpx.Exchange) {
			observe(ex)
			recorder.Record(ex)
		}
	}
	return nil
}

func TestAuth(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Zonesmart JWT authentication")
}

// The documented flow runs once, on process 1; every process gets its evidence, so the run
// logs in exactly once even under ginkgo -p.
var _ = SynchronizedBeforeSuite(func() []byte {
	opts := flow.Options{Client: client, Config: cfg, Email: cfg.Email, Password: cfg.Password, Target: cfg.BaseURL}
	if fixtureSet != nil {
		email, password, err := fixtureSet.Credentials()
		Expect(err).NotTo(HaveOccurred())
		opts.Email, opts.Password, opts.Recorded, opts.Target = email, password, fixtureSet.Has, "replay of "+fixtureSet.Source
		redactor.AddSecret(password)
		s := replay.Start(client.HTTP, offlineBase, flowFixtures(fixtureSet))
		client.Times = s.Times
		defer func() {
			// A request no fixture matched already fails its clauses; a fixture the flow never
			// asked for means the recording and this suite disagree, which the user should see.
			if p := s.Problems(); len(p) > 0 {
				AddReportEntry("replay", strings.Join(p, "\n"))
			}
			client.Times = nil
			s.Stop()
		}()
	}
	f := flow.Run(opts)
	AddReportEntry(report.EntryRequests, fmt.Sprint(f.Requests), ReportEntryVisibilityNever)
	data, err := json.Marshal(f)
	Expect(err).NotTo(HaveOccurred())
	return data
}, func(data []byte) {
	evidence = &flow.Flow{}
	Expect(json.Unmarshal(data, evidence)).To(Succeed())
	for _, t := range evidence.Tokens() {
		redactor.AddToken(t)
	}
	env.Email = evidence.Email
	if fixtureSet != nil {
		email, password, _ := fixtureSet.Credentials()
		env.Email = email
		redactor.AddSecret(password)
	}
})

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

// Modes are label filters, not ifs around specs: a spec that cannot run here is skipped with
// what is missing and how to provide it.
var _ = BeforeEach(func() {
	// Counted from before any skip, so a skipped spec never re-counts its predecessor's requests.
	requestsBefore = client.Requests()
	labels := CurrentSpecReport().Labels()
	switch {
	case slices.Contains(labels, "needs-key") && cfg.SigningKey == "":
		Skip("needs the signing key: set ZS_SIGNING_KEY (target.signing_key)")
	case slices.Contains(labels, "live-only") && cfg.Offline():
		Skip("sends a freshly minted token, which no fixture can record: needs a live target (ZS_BASE_URL)")
	case slices.Contains(labels, "lockout-risk") && !cfg.WrongCredentials:
		Skip("sends a wrong password: disabled by safety.wrong_credentials (ZS_WRONG_CREDENTIALS)")
	}
})

var _ = AfterEach(func() {
	if n := client.Requests() - requestsBefore; n > 0 {
		AddReportEntry(report.EntryRequests, fmt.Sprint(n), ReportEntryVisibilityNever)
	}
})

// A recording learns the flow's tokens on every process, so it masks them wherever they go. Its
// replay carries no real signature (each became REDACTED), so keyed specs, which verify or mint
// signatures, skip there instead of failing.
var _ = BeforeEach(func() {
	if recorder != nil {
		recorder.Learn(evidence.Tokens()...)
	}
	if fixtureSet != nil && cfg.SigningKey != "" && slices.Contains(CurrentSpecReport().Labels(), "needs-key") && signaturesRedacted() {
		Skip("the replayed tokens are a recording's, whose signatures were replaced with REDACTED: no key can verify them; run against the live target (ZS_BASE_URL) to check signatures")
	}
})

// Every process reports what it recorded; a fixture that could not be written fails the run.
var _ = AfterSuite(func() {
	if recorder != nil {
		AddReportEntry(entryRecording, recorder.Summary(), ReportEntryVisibilityNever)
		Expect(recorder.Err()).NotTo(HaveOccurred())
	}
})

const entryRecording = "recording"

func signaturesRedacted() bool {
	for _, t := range evidence.Tokens() {
		if strings.HasSuffix(t, "."+redact.SignatureMask) {
			return true
		}
	}
	return false
}

// The summary, the conformance reports and the catalogue audit read the whole report, on
// process 1 only, after every process has finished.
var _ = ReportAfterSuite("conformance summary", func(r Report) {
	s := report.Summarize(r, cat)
	var specs []clauses.SpecInfo
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt {
			specs = append(specs, clauses.SpecInfo{FullText: sr.FullText(), Labels: sr.Labels()})
		}
	}
	problems := cat.Audit(specs)
	if len(problems) > 0 {
		s.Other = append(s.Other, "the clause catalogue and the specs disagree: "+strings.Join(problems, "; "))
	}
	s.WriteText(os.Stdout)
	for _, sr := range r.SpecReports {
		for _, e := range sr.ReportEntries {
			if e.Name == entryRecording {
				fmt.Println(e.StringRepresentation())
			}
		}
	}
	paths, err := report.WriteFiles(cfg.ReportsDir, s, reportRun(r))
	if err != nil {
		Fail("writing the conformance reports: " + err.Error())
	}
	fmt.Printf("Conformance reports: %s\n", strings.Join(paths, ", "))
	if len(problems) > 0 {
		Fail("the clause catalogue and the specs disagree:\n  " + strings.Join(problems, "\n  "))
	}
})

// reportRun is what the conformance reports state beside the verdicts. The text that specs put
// into the report is redacted already; the redactor runs over all of it once more, now knowing
// every configured secret.
func reportRun(r Report) report.Run {
	run := report.Run{Target: cfg.BaseURL, Started: r.StartTime, Finished: r.EndTime, Version: report.Version(),
		Config: report.Settings(cfg), Redact: redactor.String, Endpoints: map[string]string{
			"create": cfg.Create.Method + " " + cfg.Create.Path, "me": cfg.Me.Method + " " + cfg.Me.Path,
			"refresh": cfg.Refresh.Method + " " + cfg.Refresh.Path, "tokens": "every issued token"}}
	if run.Finished.IsZero() {
		run.Finished = time.Now()
	}
	if fixtureSet != nil {
		run.Target = "replay of " + fixtureSet.Source
		for _, fx := range fixtureSet.Fixtures {
			if !fx.SentAt.IsZero() && (run.Recorded.IsZero() || fx.SentAt.Before(run.Recorded)) {
				run.Recorded = fx.SentAt
			}
		}
	}
	return run
}
