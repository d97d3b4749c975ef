package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"

	"github.com/onsi/ginkgo/v2/ginkgo/command"
	"github.com/onsi/ginkgo/v2/ginkgo/run"

	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/out"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
	"github.com/zonesmart/jwt-conformance/suites/auth"
)

// suiteBinary is the name Ginkgo's runner needs to take an executable for a precompiled suite.
const suiteBinary = "jwt-conformance.test"

// parallelVerdicts are the verdicts process 1 of a parallel run wrote, read back by the
// process that started the run.
var parallelVerdicts *verdicts.File

// parallel runs the suite in o.procs processes with Ginkgo's own parallel runner. The runner
// lives in Ginkgo's CLI, whose run command takes a precompiled suite: this very executable,
// linked under a name ending in .test, which acts as a suite process when the runner starts it
// (see worker). Process 1 writes verdicts.json; its outcome is the run's exit status, whatever
// status the runner reports (it knows only pass or fail).
func (c cli) parallel(d *out.Door, o options, cfg *config.Config) (int, string) {
	exe, err := os.Executable()
	if err != nil {
		return verdicts.OutcomeBroken.ExitCode(), "cannot find this executable to start the parallel processes: " + err.Error()
	}
	dir, err := os.MkdirTemp("", "jwt-conformance-")
	if err != nil {
		return verdicts.OutcomeBroken.ExitCode(), "cannot make a temporary directory for the parallel processes: " + err.Error()
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, suiteBinary)
	if err := os.Symlink(exe, bin); err != nil {
		return verdicts.OutcomeBroken.ExitCode(), "cannot link this executable for the parallel processes: " + err.Error()
	}
	verdictsPath := filepath.Join(cfg.ReportsDir, auth.VerdictsFile)
	// A verdicts.json left by an earlier run must not pass for this one's.
	if err := os.Remove(verdictsPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return verdicts.OutcomeBroken.ExitCode(), "cannot remove the earlier " + verdictsPath + ": " + err.Error()
	}
	if err := os.MkdirAll(cfg.ReportsDir, 0o755); err != nil {
		return verdicts.OutcomeBroken.ExitCode(), "cannot make the reports directory: " + err.Error()
	}
	auth.Announce()
	if !auth.Preflight() {
		return outcome()
	}
	args := []string{"--procs", strconv.Itoa(o.procs), "--randomize-all", "--fail-on-pending", "--silence-skips",
		"--junit-report=junit.xml", "--json-report=report.json", "--output-dir=" + cfg.ReportsDir}
	if !auth.ColourWanted() {
		args = append(args, "--no-color")
	}
	if o.labels != "" {
		args = append(args, "--label-filter="+o.labels)
	}
	args = append(args, bin)
	func() {
		defer func() {
			if r := recover(); r != nil {
				details, ok := r.(command.AbortDetails)
				if !ok {
					panic(r)
				}
				if details.Error != nil {
					d.Errorf("ginkgo: %v", details.Error)
				}
			}
		}()
		run.BuildRunCommand().Run(args, c.passThrough(o, cfg))
	}()
	v, err := verdicts.Read(verdictsPath)
	if err != nil {
		return verdicts.OutcomeBroken.ExitCode(), "the parallel run ended without its verdicts (" + err.Error() + ")"
	}
	parallelVerdicts = v
	d.Printf("%s", auth.VerdictLine(cfg, v))
	problem := ""
	if v.Run.Outcome == verdicts.OutcomeCouldNotTest || v.Run.Outcome == verdicts.OutcomeBroken {
		problem = firstReason(v)
	}
	return v.Run.ExitCode, problem
}

// firstReason is the reason of the first clause that has one: for a run that could not test,
// every clause's reason is the problem line.
func firstReason(v *verdicts.File) string {
	for _, cl := range v.Clauses {
		if cl.Reason != "" {
			return cl.Reason
		}
	}
	return ""
}

// passThrough are the settings every suite process gets: the configuration flags given, with
// every path made absolute, since Ginkgo's runner starts the processes in the directory of the
// suite's executable.
func (c cli) passThrough(o options, cfg *config.Config) []string {
	var args []string
	file := o.config
	if file == "" {
		file = c.getenv("ZS_CONFIG")
	}
	if file != "" {
		args = append(args, "--config="+config.ResolvePath(file))
	}
	for _, s := range cfg.Effective() {
		k := s.Key
		if k.Env == "" {
			continue
		}
		v, given := o.keys[k.Flag()]
		if k.Type == "path" {
			v, given = pathValue(cfg, k.Path), true
			if v == "" {
				continue
			}
		}
		if given {
			args = append(args, "--"+k.Flag()+"="+v)
		}
	}
	return args
}

// pathValue is a path key's effective, absolute value.
func pathValue(cfg *config.Config, path string) string {
	switch path {
	case "reports.dir":
		return cfg.ReportsDir
	case "target.fixtures":
		return cfg.Fixtures
	case "record.dir":
		return cfg.RecordDir
	case "tls.ca_file":
		return cfg.TLSCAFile
	}
	return ""
}

// worker is this executable run by Ginkgo's parallel runner as one process of the suite: the
// runner's --ginkgo.* and --test.* flags are parsed already, the CLI's configuration flags come
// after them. Process 1 writes verdicts.json and exits with the outcome's status.
func (c cli) worker(d *out.Door, o options) int {
	if err := auth.Prepare(auth.Setup{ConfigPath: o.config, Flags: o.keys}); err != nil {
		auth.WriteProblems(d.Stderr(), err)
		return verdicts.OutcomeUsage.ExitCode()
	}
	shim := &auth.Shim{}
	auth.Run(shim)
	if v := auth.Verdicts(); v != nil {
		return v.Run.ExitCode
	}
	if shim.Failed() {
		return 1
	}
	return 0
}
