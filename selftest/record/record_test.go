// Package record_test proves recording and replay end to end: the compiled suite records the
// replica of the real stack, and its replay, offline, reaches the live run's verdicts. It also
// checks what a broken recording says, and that the recording holds no usable credential.
package record_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"go.yaml.in/yaml/v3"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/helpers/record"
	"github.com/zonesmart/jwt-conformance/helpers/replay"
	"github.com/zonesmart/jwt-conformance/helpers/report"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

// startReplica starts the replica in doc-literal mode (refresh answers the page's GET), with its
// own state directory so that other runs on the machine do not collide with it.
func startReplica(t *testing.T) *harness.Replica {
	t.Helper()
	if ok, why := harness.ReplicaAvailable(); !ok {
		if os.Getenv("CI") != "" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	r, err := harness.StartReplica(t.TempDir(), "doc-literal")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// recording is one recorded live run, shared by the tests that only read or copy it.
type recording struct {
	dir  string
	live *harness.Result
	key  string
	pw   string
}

var (
	recordOnce sync.Once
	recorded   *recording
	recordErr  string
	recordSkip string
	sharedDir  string
)

func sharedRecording(t *testing.T) *recording {
	t.Helper()
	recordOnce.Do(func() {
		// A sub-test of its own, so that a skip or failure of the set-up is reported once and
		// the tests sharing it skip or fail with the same reason.
		t.Run("record the replica", func(t *testing.T) {
			defer func() {
				if t.Skipped() {
					recordSkip = "the replica is not available here"
				}
			}()
			rep := startReplica(t)
			// Kept until TestMain ends: the tests sharing the recording read the live run's reports.
			base, err := os.MkdirTemp("", "zs-recording-")
			if err != nil {
				recordErr = err.Error()
				return
			}
			sharedDir = base
			dir := filepath.Join(base, "fixtures")
			live := runIn(t, base, rep.With(map[string]string{"ZS_RECORD_DIR": dir}))
			recorded = &recording{dir: dir, live: live, key: rep.Env["ZS_SIGNING_KEY"], pw: rep.Env["ZS_PASSWORD"]}
		})
	})
	switch {
	case recordSkip != "":
		t.Skip(recordSkip)
	case recorded == nil:
		t.Fatalf("recording the replica failed: %s", recordErr)
	}
	return recorded
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// run runs the compiled suite with env alone, as a CI job would, its reports in a temporary
// directory of the test.
func run(t *testing.T, env map[string]string, args ...string) *harness.Result {
	t.Helper()
	return runIn(t, t.TempDir(), env, args...)
}

func runIn(t *testing.T, dir string, env map[string]string, args ...string) *harness.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := harness.Run(ctx, dir, env, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, output(res))
	}
	return res
}

func output(res *harness.Result) string {
	if res == nil {
		return ""
	}
	return res.Output
}

// TestRecordingReplaysWithTheLiveVerdicts is the promise of make record: every spec's replayed
// verdict is its live verdict, except specs that need what no recording keeps (a freshly minted
// token, a real signature), which skip and say why.
func TestRecordingReplaysWithTheLiveVerdicts(t *testing.T) {
	rec := sharedRecording(t)
	if rec.live.ExitCode == 2 || len(rec.live.Report.SpecReports) == 0 {
		t.Fatalf("the live run did not run: exit %d\n%s", rec.live.ExitCode, rec.live.Output)
	}
	// With the signing key, as the live run had it: keyed specs must skip for the right reason.
	replayed := run(t, map[string]string{"ZS_FIXTURES": rec.dir, "ZS_SIGNING_KEY": rec.key})
	sameVerdicts(t, rec.live, replayed)
	if replayed.ExitCode != rec.live.ExitCode {
		t.Errorf("exit status: live %d, replay %d\n%s", rec.live.ExitCode, replayed.ExitCode, replayed.Output)
	}
	files, _ := filepath.Glob(filepath.Join(rec.dir, "*.yaml"))
	if len(files) != rec.live.Summary.Requests {
		t.Errorf("%d fixture files for %d requests sent live", len(files), rec.live.Summary.Requests)
	}
	// Both runs wrote their conformance reports, and neither shows a secret.
	for _, res := range []*harness.Result{rec.live, replayed} {
		for _, name := range []string{report.MarkdownFile, report.HTMLFile} {
			data, err := os.ReadFile(filepath.Join(res.Dir, name))
			if err != nil {
				t.Fatalf("no %s: %v", name, err)
			}
			for _, secret := range []string{rec.key, rec.pw, record.Placeholder} {
				if strings.Contains(string(data), secret) {
					t.Errorf("%s shows the secret %q", name, secret)
				}
			}
		}
	}
	md, _ := os.ReadFile(filepath.Join(replayed.Dir, report.MarkdownFile))
	if !strings.Contains(string(md), "| Target | replay of recording of http://127.0.0.1:") || !strings.Contains(string(md), "| Recorded | ") {
		t.Errorf("the replay's report must name the recording and its time:\n%.600s", md)
	}
}

// sameVerdicts compares two runs spec by spec.
func sameVerdicts(t *testing.T, live, replayed *harness.Result) {
	t.Helper()
	labels := map[string][]string{}
	for _, sr := range live.Report.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt {
			labels[sr.FullText()] = sr.Labels()
		}
	}
	got := map[string]report.SpecVerdict{}
	for _, c := range replayed.Summary.Clauses {
		for _, s := range c.Specs {
			got[s.Text] = s
		}
	}
	compared, skipped := 0, 0
	for _, c := range live.Summary.Clauses {
		for _, want := range c.Specs {
			g, ok := got[want.Text]
			switch {
			case !ok:
				t.Errorf("%s: not in the replay", want.Text)
			case slices.Contains(labels[want.Text], "live-only") || slices.Contains(labels[want.Text], "needs-key"):
				// Live-only behaviour: a minted token, or a signature the recording replaced.
				if g.Verdict != verdict.Skip || g.Message == "" {
					t.Errorf("%s: %s in replay; it cannot replay and must skip with a reason", want.Text, g.Verdict)
				}
				skipped++
			case g.Verdict != want.Verdict:
				t.Errorf("%s [%s]: live %s, replay %s: %s", want.Text, c.ID, want.Verdict, g.Verdict, firstLine(g.Message))
			default:
				compared++
			}
		}
	}
	if compared == 0 || skipped == 0 {
		t.Errorf("compared %d specs and saw %d skip; expected both", compared, skipped)
	}
	t.Logf("%d specs replayed with their live verdict; %d live-only specs skipped", compared, skipped)
}

// Under ginkgo -p each process records what it sends: all of it, once.
func TestParallelRecordingLosesNothing(t *testing.T) {
	rep := startReplica(t)
	bin, err := harness.Binary()
	if err != nil {
		t.Fatal(err)
	}
	root, _ := harness.Root()
	dir, out := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "tool", "ginkgo", "-p", "--procs=3", "--no-color",
		"--json-report=report.json", "--output-dir="+out, bin)
	cmd.Dir = root
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range rep.With(map[string]string{"ZS_RECORD_DIR": dir, "ZS_REPORTS_DIR": out}) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	combined, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("ginkgo -p did not finish: %s", combined)
	}
	live := readReport(t, filepath.Join(out, "report.json"))
	if len(live.Report.SpecReports) == 0 {
		t.Fatalf("ginkgo -p ran nothing (%v):\n%s", err, combined)
	}

	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	processes := map[string]int{}
	seen := map[string]string{}
	for _, f := range files {
		processes[strings.SplitN(filepath.Base(f), "-", 2)[0]]++
		fx := loadOne(t, f)
		key := fx.Step + " " + fx.SentAt.String()
		if other, dup := seen[key]; dup {
			t.Errorf("%s duplicates %s", filepath.Base(f), other)
		}
		seen[key] = filepath.Base(f)
	}
	if len(files) != live.Summary.Requests {
		t.Errorf("%d fixture files for the %d requests the processes sent", len(files), live.Summary.Requests)
	}
	// Every process that sent a request recorded it, and no other did.
	senders := map[string]int{}
	for _, sr := range live.Report.SpecReports {
		for _, e := range sr.ReportEntries {
			if e.Name == report.EntryRequests {
				n, _ := strconv.Atoi(strings.Trim(e.StringRepresentation(), `"`))
				senders[fmt.Sprintf("p%d", sr.ParallelProcess)] += n
			}
		}
	}
	if !maps.Equal(processes, senders) {
		t.Errorf("fixtures per process %v; requests per process %v", processes, senders)
	}
	t.Logf("%d exchanges recorded by processes %v", len(files), processes)
	sameVerdicts(t, live, run(t, map[string]string{"ZS_FIXTURES": dir, "ZS_SIGNING_KEY": rep.Env["ZS_SIGNING_KEY"]}))
}

func readReport(t *testing.T, path string) *harness.Result {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil || len(reports) != 1 {
		t.Fatalf("%s: %v", path, err)
	}
	cat, err := clauses.Default()
	if err != nil {
		t.Fatal(err)
	}
	return &harness.Result{Report: reports[0], Summary: report.Summarize(reports[0], cat)}
}

// No fixture holds the password, the signing key or a live token's signature.
func TestRecordingHoldsNoCredential(t *testing.T) {
	rec := sharedRecording(t)
	jws := regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)
	files, _ := filepath.Glob(filepath.Join(rec.dir, "*.yaml"))
	tokens, redacted := 0, 0
	for _, f := range files {
		data, _ := os.ReadFile(f)
		text := string(data)
		if strings.Contains(text, rec.pw) || strings.Contains(text, rec.key) {
			t.Errorf("%s holds the password or the signing key", filepath.Base(f))
		}
		for _, tok := range jws.FindAllString(text, -1) {
			tokens++
			sig := tok[strings.LastIndexByte(tok, '.')+1:]
			switch {
			case sig == "REDACTED":
				redacted++
			case sig == "" || pageSignature(sig):
			default:
				t.Errorf("%s holds a live signature: %s", filepath.Base(f), tok)
			}
		}
	}
	if redacted == 0 || tokens == 0 {
		t.Errorf("%d tokens, %d redacted: the recording should hold the issued tokens, redacted", tokens, redacted)
	}
	create := readFixture(t, rec.dir, "create")
	if pw := create.Request.Body.(map[string]any)["password"]; pw != record.Placeholder {
		t.Errorf("the log-in is recorded with password %v", pw)
	}
	if auth := readFixture(t, rec.dir, "me").Request.Headers["Authorization"]; !strings.HasPrefix(auth, "JWT eyJ") || !strings.HasSuffix(auth, ".REDACTED") {
		t.Errorf("Authorization recorded as %q", auth)
	}
	if create.SentAt.IsZero() || create.ReceivedAt.Before(create.SentAt) {
		t.Errorf("the create fixture's time: %v → %v", create.SentAt, create.ReceivedAt)
	}
}

// pageSignature: the page prints its tokens, signatures included; the suite sends its expired
// access token verbatim.
func pageSignature(sig string) bool {
	for _, s := range []string{"oTSKvSgI8hd5k_5t1LsedEgo2_rS53m5uuhuVw2hCro", "QxvdJNqDUWopTYJDoRMy5tdmv6lXxaDpZ02EO8ekH5Q", "OnO5lxDEhM_JVEL2bt0ewZMWVlkikjicT_p7mSv5WOo"} {
		if sig == s {
			return true
		}
	}
	return false
}

func readFixture(t *testing.T, dir, step string) *replay.Fixture {
	t.Helper()
	set, err := replay.Load(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	fx := set.ForStep(step)
	if len(fx) == 0 {
		t.Fatalf("no %s fixture", step)
	}
	return fx[0]
}

// Time-based clauses are judged against the recording's time: the same recording moved a day
// later (request times and the server's Date alike) no longer holds its lifetimes.
func TestTimeIsTheRecordingsTime(t *testing.T) {
	rec := sharedRecording(t)
	dir := copyDir(t, rec.dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		editFixture(t, f, func(fx *replay.Fixture) {
			fx.SentAt, fx.ReceivedAt = fx.SentAt.Add(24*time.Hour), fx.ReceivedAt.Add(24*time.Hour)
			if d, err := time.Parse(time.RFC1123, fx.Response.Headers["Date"]); err == nil {
				fx.Response.Headers["Date"] = d.Add(24 * time.Hour).Format(time.RFC1123)
			}
		})
	}
	res := run(t, map[string]string{"ZS_FIXTURES": dir})
	v := res.Kinds()
	if rec.live.Kinds()["LIFETIME-ACCESS"] != "pass" {
		t.Skipf("the live run did not pass LIFETIME-ACCESS (%s); nothing to compare", rec.live.Kinds()["LIFETIME-ACCESS"])
	}
	for _, id := range []string{"LIFETIME-ACCESS", "LIFETIME-REFRESH"} {
		if v[id] != verdict.Fail {
			t.Errorf("%s: %s with every recorded time a day late; the replay must judge by the recorded time", id, v[id])
		}
	}
}

// A recording that is broken, or that no longer matches what the suite sends, fails with the
// file and the difference named.
func TestBrokenRecordingsNameTheFileAndTheMismatch(t *testing.T) {
	rec := sharedRecording(t)
	me := fileOf(t, rec.dir, "me")

	t.Run("not YAML", func(t *testing.T) {
		dir := copyDir(t, rec.dir)
		appendTo(t, filepath.Join(dir, me), "  - step: [unclosed\n")
		res := run(t, map[string]string{"ZS_FIXTURES": dir})
		wantExit(t, res, 2, me+": is not a fixture file")
	})
	t.Run("unknown field", func(t *testing.T) {
		dir := copyDir(t, rec.dir)
		appendTo(t, filepath.Join(dir, me), "colour: red\n")
		res := run(t, map[string]string{"ZS_FIXTURES": dir})
		wantExit(t, res, 2, me+": is not a fixture file")
		wantExit(t, res, 2, "field colour not found")
	})
	t.Run("invalid exchange", func(t *testing.T) {
		dir := copyDir(t, rec.dir)
		editFixture(t, filepath.Join(dir, me), func(fx *replay.Fixture) { fx.Response.Status = 42 })
		res := run(t, map[string]string{"ZS_FIXTURES": dir})
		wantExit(t, res, 2, me+" exchanges[0] (me): response.status 42 is not an HTTP status")
	})
	t.Run("flow request differs", func(t *testing.T) {
		dir := copyDir(t, rec.dir)
		editFixture(t, filepath.Join(dir, me), func(fx *replay.Fixture) { fx.Request.Headers["Content-Type"] = "text/plain" })
		res := run(t, map[string]string{"ZS_FIXTURES": dir})
		wantFailure(t, res, "ME-STATUS", "nearest is "+me+" exchanges[0] (me): header Content-Type differs")
	})
	t.Run("a spec's own request differs", func(t *testing.T) {
		file, step := specFixture(t, rec.dir)
		if file == "" {
			t.Skip("the recording has no spec-sent exchange with an Authorization header")
		}
		dir := copyDir(t, rec.dir)
		editFixture(t, filepath.Join(dir, file), func(fx *replay.Fixture) { fx.Request.Headers["Authorization"] = "JWT recorded-something-else" })
		res := run(t, map[string]string{"ZS_FIXTURES": dir})
		found := false
		for _, c := range res.Summary.Clauses {
			for _, s := range c.Specs {
				if s.Verdict == verdict.Fail && strings.Contains(s.Message, file+" exchanges[0] ("+step+"): header Authorization differs") {
					found = true
				}
			}
		}
		if !found || res.ExitCode != 1 {
			t.Errorf("exit %d; no failure names %s and its Authorization header:\n%s", res.ExitCode, file, res.Output)
		}
	})
}

// specFixture finds a fixture that a spec sends itself (not the shared flow), with a token.
func specFixture(t *testing.T, dir string) (string, string) {
	t.Helper()
	flowSteps := []string{"create", "me", "me-anonymous", "me-example-token", "me-refresh-token", "refresh", "refresh-fallback", "me-refreshed", "refresh-again"}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		fx := loadOne(t, f)
		if !slices.Contains(flowSteps, fx.Step) && strings.Contains(fx.Request.Headers["Authorization"], ".REDACTED") {
			return filepath.Base(f), fx.Step
		}
	}
	return "", ""
}

func wantExit(t *testing.T, res *harness.Result, code int, says string) {
	t.Helper()
	if res.ExitCode != code || !strings.Contains(res.Output, says) {
		t.Errorf("exit %d (want %d); output should say %q:\n%s", res.ExitCode, code, says, res.Output)
	}
}

func wantFailure(t *testing.T, res *harness.Result, clause, says string) {
	t.Helper()
	for _, c := range res.Summary.Clauses {
		if c.ID != clause {
			continue
		}
		for _, s := range c.Specs {
			if s.Verdict == verdict.Fail && strings.Contains(s.Message, says) {
				return
			}
		}
		t.Errorf("%s is %s; its failure should say %q: %+v", clause, c.Verdict, says, c.Specs)
		return
	}
	t.Errorf("no clause %s in the run", clause)
}

// fileOf names the fixture file of a step.
func fileOf(t *testing.T, dir, step string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		if loadOne(t, f).Step == step {
			return filepath.Base(f)
		}
	}
	t.Fatalf("no fixture file for step %s in %s", step, dir)
	return ""
}

// loadOne reads one fixture file on its own, through the replay's loader.
func loadOne(t *testing.T, path string) *replay.Fixture {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	set, err := replay.Load(fstest.MapFS{filepath.Base(path): {Data: data}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	return set.Fixtures[0]
}

// editFixture rewrites a one-exchange fixture file after edit.
func editFixture(t *testing.T, path string, edit func(*replay.Fixture)) {
	t.Helper()
	fx := loadOne(t, path)
	edit(fx)
	var file replay.File
	file.Exchanges = []*replay.Fixture{fx}
	data, err := yaml.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(src, "*.yaml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
