package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/ghaction"
	"github.com/zonesmart/jwt-conformance/helpers/out"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
	"github.com/zonesmart/jwt-conformance/suites/auth"
	"github.com/zonesmart/jwt-conformance/version"
)

// cli is one invocation: its arguments and environment.
type cli struct {
	args    []string
	environ []string
}

// options are the CLI's own flags, beside the configuration keys' (config.Keys).
type options struct {
	config        string
	labels        string
	procs         int
	dryRun        bool
	baseline      string
	githubActions bool
	version       bool
	help          bool
	listClauses   bool
	printConfig   bool
	// keys are the configuration flags given, by flag name (base-url).
	keys map[string]string
}

// keyFlag is a configuration key's flag: it keeps the value as text for config.LoadOptions,
// which validates it with the file's and the environment's values. A boolean key's flag also
// takes no value (--strict), as people write booleans.
type keyFlag struct {
	name   string
	isBool bool
	into   map[string]string
}

func (f keyFlag) String() string { return "" }
func (f keyFlag) Set(v string) error {
	f.into[f.name] = v
	return nil
}
func (f keyFlag) IsBoolFlag() bool { return f.isBool }

// worker reports whether the process was started by Ginkgo's parallel runner as one of the
// suite's processes (it passes --ginkgo.parallel.* and --test.* flags), not by a person.
func worker(args []string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if strings.HasPrefix(a, "ginkgo.parallel.") || strings.HasPrefix(a, "test.") {
			return true
		}
	}
	return false
}

// flags registers the CLI's flags on flag.CommandLine, where Ginkgo's own (--ginkgo.*) are;
// the testing package's (--test.*) are registered too, since Ginkgo's parallel runner passes
// them to every process of the suite.
func (o *options) flags(fs *flag.FlagSet) {
	o.keys = map[string]string{}
	for _, k := range config.Keys {
		fs.Var(keyFlag{name: k.Flag(), isBool: k.Type == "bool", into: o.keys}, k.Flag(), k.Env+": "+k.Doc)
	}
	fs.StringVar(&o.config, "config", "", "YAML configuration file (also ZS_CONFIG)")
	fs.StringVar(&o.labels, "labels", "", "label filter selecting the clauses to run (Ginkgo's syntax: 'create && !fuzz')")
	fs.IntVar(&o.procs, "procs", 1, "run the suite in N parallel processes (one log-in shared by all)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "send nothing: list per clause the requests and wrong-password log-ins a run would send")
	fs.StringVar(&o.baseline, "baseline", "", "an earlier run's verdicts.json: the summary and reports open with what changed since it")
	fs.BoolVar(&o.githubActions, "github-actions", false, "mask the secrets, then write annotations, step outputs and the job summary for GitHub Actions")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVar(&o.help, "help", false, "print this help and exit")
	fs.BoolVar(&o.listClauses, "list-clauses", false, "print the clause catalogue (ID, severity, endpoint, statement) and exit")
	fs.BoolVar(&o.printConfig, "print-config", false, "print the effective configuration, masked, with each value's source, and exit")
}

func (c cli) getenv(name string) string {
	for _, kv := range slices.Backward(c.environ) {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

// main runs the command and returns its exit status.
func (c cli) main() int {
	// Before the run exists, the door knows the secrets the environment holds.
	d := out.Std(c.environmentSecrets())
	testing.Init()
	fs := flag.CommandLine
	var o options
	o.flags(fs)
	fs.SetOutput(d.Stderr())
	fs.Usage = func() { d.Errorf("run jwt-conformance --help for the flags") }
	fs.Init("jwt-conformance", flag.ContinueOnError)
	if err := fs.Parse(c.args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.writeHelp(d, fs)
			return 0
		}
		return verdicts.OutcomeUsage.ExitCode()
	}
	if fs.NArg() > 0 {
		d.Errorf("jwt-conformance: unexpected argument %q: settings are flags (--base-url URL) or ZS_* variables; see --help", fs.Arg(0))
		return verdicts.OutcomeUsage.ExitCode()
	}
	switch {
	case o.help:
		c.writeHelp(d, fs)
		return 0
	case o.version:
		d.Printf("%s", version.String())
		return 0
	case o.listClauses:
		return c.listClauses(d)
	}
	if worker(c.args) {
		return c.worker(d, o)
	}
	if o.githubActions {
		// First of all, before any line can carry them: the runner masks these from here on.
		// The mask lines themselves must hold the values, so they go through a door that
		// knows no secret.
		plain := out.Std(redact.New())
		if err := ghaction.Mask(plain.Stdout(), c.secrets(o)...); err != nil {
			d.Errorf("jwt-conformance: %v", err)
		}
	}
	code, problem := c.run(d, o)
	if o.githubActions {
		c.publish(d, o, code, problem)
	}
	return code
}

// secrets are the secret values the flags and the environment hold.
func (c cli) secrets(o options) []string {
	var s []string
	for _, k := range config.Keys {
		if !k.Secret {
			continue
		}
		if v := o.keys[k.Flag()]; v != "" {
			s = append(s, v)
		}
		if v := c.getenv(k.Env); v != "" {
			s = append(s, v)
		}
	}
	return s
}

func (c cli) environmentSecrets() *redact.Redactor {
	r := redact.New()
	for _, k := range config.Keys {
		if v := c.getenv(k.Env); v != "" && k.Secret {
			r.AddSecret(v)
		}
	}
	return r
}

// run prepares and runs the suite, serially in this process or under Ginkgo's parallel
// runner, and returns the exit status and, for a run that did not judge, the one line why.
func (c cli) run(d *out.Door, o options) (int, string) {
	var baseline *verdicts.File
	if o.baseline != "" {
		b, err := verdicts.Read(o.baseline)
		if err != nil {
			return c.usage(d, o, fmt.Errorf("--baseline: %v", err))
		}
		baseline = b
	}
	if err := auth.Prepare(auth.Setup{ConfigPath: o.config, Flags: o.keys, Baseline: baseline}); err != nil {
		return c.usage(d, o, err)
	}
	cfg := auth.Config()
	d = auth.Door()
	if o.githubActions {
		// A configuration file may name secrets (${VAR}) the flags and the environment did
		// not: mask those too, once.
		var more []string
		for _, v := range cfg.Secrets() {
			if !slices.Contains(c.secrets(o), v) {
				more = append(more, v)
			}
		}
		_ = ghaction.Mask(out.Std(redact.New()).Stdout(), more...)
	}
	if o.printConfig {
		d.Printf("%s", cfg.Describe())
		_, _ = io.WriteString(d.Stdout(), cfg.PrintConfig())
		return 0, ""
	}
	if err := auth.CheckLabelFilter(o.labels); err != nil {
		return c.usage(d, o, err)
	}
	if o.procs < 1 {
		return c.usage(d, o, fmt.Errorf("--procs %d: give a number of processes, 1 or more", o.procs))
	}
	if o.procs > 1 && !o.dryRun {
		// Ginkgo dry-runs only in one process; a dry run sends nothing, so it needs no more.
		return c.parallel(d, o, cfg)
	}
	for name, value := range c.ginkgoFlags(o, cfg.ReportsDir) {
		if err := flag.CommandLine.Set(name, value); err != nil {
			return c.usage(d, o, fmt.Errorf("--%s: %v", name, err))
		}
	}
	auth.Run(&auth.Shim{})
	return outcome()
}

// outcome is the finished run's exit status and problem line, from its verdicts.
func outcome() (int, string) {
	v := auth.Verdicts()
	if v == nil {
		return verdicts.OutcomeBroken.ExitCode(), "the run ended without verdicts"
	}
	return v.Run.ExitCode, auth.Problem()
}

// ginkgoFlags are the Ginkgo settings a run of the CLI takes from its own flags: Ginkgo's
// recommended CI flags, the label filter, the dry run, and the machine reports beside the
// conformance reports. A --ginkgo.* flag given on the command line wins.
func (c cli) ginkgoFlags(o options, reportsDir string) map[string]string {
	f := map[string]string{
		"ginkgo.randomize-all": "true", "ginkgo.fail-on-pending": "true",
		"ginkgo.junit-report": filepath.Join(reportsDir, "junit.xml"), "ginkgo.json-report": filepath.Join(reportsDir, "report.json"),
	}
	if o.labels != "" {
		f["ginkgo.label-filter"] = o.labels
	}
	if o.dryRun {
		f["ginkgo.dry-run"] = "true"
	}
	flag.CommandLine.Visit(func(fl *flag.Flag) { delete(f, fl.Name) })
	return f
}

// usage ends a run refused its flags or configuration: one line per problem, exit 2.
func (c cli) usage(d *out.Door, o options, err error) (int, string) {
	auth.WriteProblems(d.Stderr(), err)
	problem, _, _ := strings.Cut(err.Error(), "\n")
	// Every run past flag parsing leaves a verdicts.json, so a script reads one outcome.
	if _, err := auth.WriteRefused(c.reportsDir(o), firstOf(o.keys["base-url"], c.getenv("ZS_BASE_URL"))); err != nil {
		d.Errorf("jwt-conformance: writing %s: %v", auth.VerdictsFile, err)
	}
	return verdicts.OutcomeUsage.ExitCode(), problem
}

// reportsDir is where the reports go when the configuration did not load.
func (c cli) reportsDir(o options) string {
	dir := firstOf(o.keys["reports-dir"], c.getenv("ZS_REPORTS_DIR"), "reports")
	return config.ResolvePath(dir)
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// publish hands the run to GitHub Actions: annotations on the log, the step's outputs and its
// job summary, each written through the door.
func (c cli) publish(d *out.Door, o options, code int, problem string) {
	if run := auth.Door(); run != nil {
		d = run
	}
	dir := c.reportsDir(o)
	if cfg := auth.Config(); cfg != nil {
		dir = cfg.ReportsDir
	}
	r := ghaction.Result{Verdicts: auth.Verdicts(), Problem: problem, ReportDir: dir}
	if r.Verdicts == nil {
		r.Verdicts = parallelVerdicts
	}
	if r.Verdicts == nil || r.Verdicts.Run.ExitCode != code {
		r.Verdicts = nil
		r.Outcome = outcomeOf(code)
	}
	if md, err := os.ReadFile(filepath.Join(dir, "conformance.md")); err == nil && r.Verdicts != nil {
		r.Markdown = string(md)
	}
	step := ghaction.Step{Log: d.Stdout(), Redact: d.Redact}
	if p := c.getenv("GITHUB_OUTPUT"); p != "" {
		step.Output = appender{d, p}
	}
	if p := c.getenv("GITHUB_STEP_SUMMARY"); p != "" {
		step.Summary = appender{d, p}
	}
	if err := step.Publish(r); err != nil {
		d.Errorf("jwt-conformance: %v", err)
	}
}

func outcomeOf(code int) verdicts.Outcome {
	switch code {
	case 0:
		return verdicts.OutcomePass
	case 1:
		return verdicts.OutcomeFail
	case 2:
		return verdicts.OutcomeUsage
	}
	return verdicts.OutcomeCouldNotTest
}

// appender is a GitHub file (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) that each write appends to,
// redacted, through the door.
type appender struct {
	d    *out.Door
	path string
}

func (a appender) Write(p []byte) (int, error) {
	if err := a.d.AppendFile(a.path, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (c cli) writeHelp(d *out.Door, fs *flag.FlagSet) {
	w := d.Stdout()
	fmt.Fprintf(w, `jwt-conformance: the conformance suite of the Zonesmart API's JWT authentication page

Usage: jwt-conformance [flags]

With no target it judges the page's own examples, offline. --base-url tests a live server;
ZS_FIXTURES (--fixtures) replays a recording. Exit status: 0 pass, 1 a clause failed,
2 usage or configuration, 3 could not test (or the environment broke the run).

Run:
`)
	for _, name := range []string{"config", "labels", "procs", "dry-run", "baseline", "github-actions", "print-config", "list-clauses", "version", "help"} {
		f := fs.Lookup(name)
		fmt.Fprintf(w, "  --%s\n        %s\n", f.Name, f.Usage)
	}
	fmt.Fprintf(w, "\nConfiguration (a flag wins over its variable, which wins over the --config file):\n%s", config.Usage())
	if labels, err := auth.KnownLabels(); err == nil {
		fmt.Fprintf(w, "\nLabels (for --labels): %s, and clause:<ID> for each clause (--list-clauses).\n", strings.Join(labels, ", "))
	}
	fmt.Fprintf(w, "Ginkgo's own flags are accepted as --ginkgo.<flag> (--ginkgo.v, --ginkgo.seed N).\n")
}

func (c cli) listClauses(d *out.Door) int {
	cat, err := clauses.Default()
	if err != nil {
		d.Errorf("jwt-conformance: %v", err)
		return verdicts.OutcomeBroken.ExitCode()
	}
	w := d.Stdout()
	fmt.Fprintf(w, "%-22s %-6s %-8s %s\n", "ID", "SEV", "ENDPOINT", "STATEMENT")
	for _, cl := range cat.Clauses {
		fmt.Fprintf(w, "%-22s %-6s %-8s %s\n", cl.ID, cl.Severity, cl.Endpoint, strings.Join(strings.Fields(cl.Statement), " "))
	}
	fmt.Fprintf(w, "%s clauses\n", strconv.Itoa(len(cat.Clauses)))
	return 0
}
