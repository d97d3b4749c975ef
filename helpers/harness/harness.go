// Package harness runs the compiled conformance suite as a user would — a separate process,
// configured by environment variables — and reads its verdicts back from Ginkgo's JSON report.
// The self-tests (kill matrix, secret canary, replica runs) are built on it.
package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/report"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
)

// Root returns the module's root directory.
func Root() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the module")
	}
	return filepath.Dir(mod), nil
}

// Binary compiles the suite once per process and returns its path.
func Binary() (string, error) { return suiteBuild.path() }

// CLI compiles the jwt-conformance command once per process and returns its path.
func CLI() (string, error) { return cliBuild.path() }

// build is a program the self-tests run as a user would, compiled once per process.
type build struct {
	what, name string
	goCommand  []string // the go command that compiles it, before -o
	pkg        string
	once       sync.Once
	bin        string
	err        error
}

var (
	suiteBuild = &build{what: "the suite", name: "conformance.test", goCommand: []string{"test", "-c"}, pkg: "./suites/auth"}
	cliBuild   = &build{what: "the CLI", name: "jwt-conformance", goCommand: []string{"build"}, pkg: "./cmd/jwt-conformance"}
)

func (b *build) path() (string, error) {
	b.once.Do(func() {
		root, err := Root()
		if err != nil {
			b.err = err
			return
		}
		dir, err := os.MkdirTemp("", "zs-"+b.name+"-")
		if err != nil {
			b.err = err
			return
		}
		bin := filepath.Join(dir, b.name)
		cmd := exec.Command("go", append(append([]string(nil), b.goCommand...), "-o", bin, b.pkg)...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("building %s: %v\n%s", b.what, err, out)
			return
		}
		b.bin = bin
	})
	return b.bin, b.err
}

// Door is how a run is started: the doors whose exit codes the README promises.
type Door string

const (
	DoorCLI    Door = "cli"    // jwt-conformance, in one process
	DoorBinary Door = "binary" // the compiled suite, bin/conformance.test
)

// RunDoor runs the suite through a door as a user would: no flag added but args (so colour,
// reports and label filters are the door's own), env on a clean environment, the working
// directory and ZS_REPORTS_DIR a fresh directory under dir. The result holds the run's
// verdicts.json, and its Ginkgo report when the door wrote one.
func RunDoor(ctx context.Context, door Door, dir string, env map[string]string, args ...string) (*Result, error) {
	var bin string
	var err error
	switch door {
	case DoorCLI:
		bin, err = CLI()
	case DoorBinary:
		bin, err = Binary()
	default:
		err = fmt.Errorf("unknown door %q", door)
	}
	if err != nil {
		return nil, err
	}
	out, err := os.MkdirTemp(dir, "run-")
	if err != nil {
		return nil, err
	}
	p := &Process{out: out, jsonReport: filepath.Join(out, "report.json")}
	if door == DoorBinary {
		args = append([]string{"--ginkgo.json-report=" + p.jsonReport}, args...)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = out
	cmd.Env = append(cleanEnv(), "ZS_REPORTS_DIR="+out)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = &p.output, &p.output
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %v", bin, err)
	}
	p.cmd = cmd
	res, err := p.Wait()
	if err != nil {
		return res, err
	}
	if data, err := os.ReadFile(filepath.Join(out, "verdicts.json")); err == nil {
		if res.File, err = verdicts.Parse("verdicts.json", data); err != nil {
			return res, err
		}
	}
	return res, nil
}

// Result is one run of the suite.
type Result struct {
	ExitCode int
	Output   string // stdout and stderr together
	Report   types.Report
	Summary  report.Summary
	Dir      string // where the run's reports were written
	// File is the run's verdicts.json (RunDoor), or nil when the run wrote none.
	File *verdicts.File
}

// Run executes the suite with env added to a clean environment (no ZS_* from the caller) and
// extra arguments, with reports written into a fresh directory under dir.
func Run(ctx context.Context, dir string, env map[string]string, args ...string) (*Result, error) {
	p, err := Start(ctx, dir, env, args...)
	if err != nil {
		return nil, err
	}
	return p.Wait()
}

// Process is a run of the compiled suite that has started and not yet been waited for.
type Process struct {
	cmd        *exec.Cmd
	out        string
	jsonReport string
	output     syncBuffer
}

// Start starts the suite as Run does, without waiting for it: a test can signal it mid-run.
func Start(ctx context.Context, dir string, env map[string]string, args ...string) (*Process, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	out, err := os.MkdirTemp(dir, "run-")
	if err != nil {
		return nil, err
	}
	p := &Process{out: out, jsonReport: filepath.Join(out, "report.json")}
	argv := append([]string{"--ginkgo.no-color", "--ginkgo.json-report=" + p.jsonReport,
		"--ginkgo.junit-report=" + filepath.Join(out, "junit.xml")}, args...)
	cmd := exec.CommandContext(ctx, bin, argv...)
	cmd.Dir = out
	cmd.Env = cleanEnv()
	cmd.Env = append(cmd.Env, "ZS_REPORTS_DIR="+out)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = &p.output, &p.output
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the suite: %v", err)
	}
	p.cmd = cmd
	return p, nil
}

// Signal sends sig to the running suite.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Wait waits for the suite to end and reads its report.
func (p *Process) Wait() (*Result, error) {
	cat, err := clauses.Default()
	if err != nil {
		return nil, err
	}
	runErr := p.cmd.Wait()
	out, jsonReport := p.out, p.jsonReport
	res := &Result{Output: p.output.String(), Dir: out}
	var exitErr *exec.ExitError
	switch {
	case runErr == nil:
	case errors.As(runErr, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	default:
		return res, fmt.Errorf("running the suite: %v", runErr)
	}
	data, err := os.ReadFile(jsonReport)
	if err != nil {
		// A configuration error ends the run before Ginkgo writes a report.
		return res, nil
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil || len(reports) != 1 {
		return res, fmt.Errorf("reading %s: %v", jsonReport, err)
	}
	res.Report = reports[0]
	res.Summary = report.Summarize(res.Report, cat)
	return res, nil
}

// Kinds maps clause ID to verdict.
func (r *Result) Kinds() map[string]verdict.Kind {
	out := map[string]verdict.Kind{}
	for _, c := range r.Summary.Clauses {
		out[c.ID] = c.Verdict
	}
	return out
}

// Verdicts maps clause ID to verdict, as the verdict's string ("pass", "not-run").
func (r *Result) Verdicts() map[string]string {
	out := map[string]string{}
	for _, c := range r.Summary.Clauses {
		out[c.ID] = string(c.Verdict)
	}
	return out
}

// Failing lists the clauses that failed, in catalogue order.
func (r *Result) Failing() []string {
	var out []string
	for _, c := range r.Summary.Clauses {
		if c.Verdict == verdict.Fail {
			out = append(out, c.ID)
		}
	}
	return out
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZS_") {
			env = append(env, kv)
		}
	}
	return env
}

// syncBuffer is a bytes.Buffer that the process writes while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
