package killmatrix_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/helpers/report"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// The matrix runs in strict mode: a SHOULD clause a fault breaks then fails the run instead of
// warning, so every kill shows in the exit status as well as in the clause's verdict.
var (
	keyedEnv   = map[string]string{"ZS_STRICT": "true", "ZS_SIGNING_KEY": mockserver.DefaultSigningKey}
	unkeyedEnv = map[string]string{"ZS_STRICT": "true"}
)

// parallelRuns is how many suite runs share the machine at once. A run mostly waits on process
// start-up and loopback round trips, so twice the 2 cores keeps them busy.
const parallelRuns = 4

// The matrix's target is 60 s on a 2-core machine. It is measured, not asserted: the wall time
// is printed and written to KILLMATRIX_REPORT (make killmatrix: reports/killmatrix.md), so a slow machine cannot
// turn a correct matrix red.

// judgement is the verdict on one run of the suite against one server.
type judgement struct {
	expected   []string // the clauses that had to fail
	survived   []string // expected clauses that did not fail, with their verdict
	unexpected []string // failures nobody declared, with their message
	exitCode   int
	exitWanted int
	err        error
	elapsed    time.Duration
}

func (j judgement) ok() bool {
	return j.err == nil && len(j.survived) == 0 && len(j.unexpected) == 0 && j.exitCode == j.exitWanted
}

// judge checks a run against the clauses that must fail, and no others: a fault's declared set
// is both what it must break and all it may break.
func judge(res *harness.Result, cat *clauses.Catalogue, expected []string) judgement {
	j := judgement{expected: expected, exitCode: res.ExitCode, exitWanted: 0}
	if len(expected) > 0 {
		j.exitWanted = 1
	}
	verdicts := res.Kinds()
	for _, id := range expected {
		if _, known := cat.Get(id); !known {
			j.survived = append(j.survived, id+" (not in the clause catalogue: no spec checks it)")
			continue
		}
		if v := verdicts[id]; v != verdict.Fail {
			j.survived = append(j.survived, fmt.Sprintf("%s (%s)", id, v))
		}
	}
	for _, c := range res.Summary.Clauses {
		if c.Verdict == verdict.Fail && !slices.Contains(expected, c.ID) {
			j.unexpected = append(j.unexpected, fmt.Sprintf("%s: %s", c.ID, finding(c)))
		}
	}
	for _, o := range res.Summary.Other {
		j.unexpected = append(j.unexpected, "outside any clause: "+o)
	}
	if res.ExitCode == 2 {
		j.err = fmt.Errorf("the run stopped on its configuration: %s", lastLine(res.Output))
	}
	return j
}

// problems says what is wrong with a run, one sentence each.
func (j judgement) problems() []string {
	var out []string
	if j.err != nil {
		out = append(out, j.err.Error())
	}
	if len(j.survived) > 0 {
		out = append(out, "survived: these clauses should have caught it and did not: "+strings.Join(j.survived, ", "))
	}
	if len(j.unexpected) > 0 {
		out = append(out, "over-broad: clauses outside its declared set failed:\n    "+strings.Join(j.unexpected, "\n    "))
	}
	if j.exitCode != j.exitWanted && j.err == nil {
		out = append(out, fmt.Sprintf("the run exited %d, expected %d", j.exitCode, j.exitWanted))
	}
	return out
}

// finding is the useful line of a clause's failure: what was found, not the clause headline.
func finding(c report.ClauseVerdict) string {
	for _, s := range c.Specs {
		if s.Verdict != c.Verdict {
			continue
		}
		msg := s.Message
		for _, line := range strings.Split(msg, "\n") {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "found: "); ok {
				msg = rest
				break
			}
		}
		msg = strings.TrimSpace(msg)
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if len(msg) > 240 {
			msg = msg[:240] + "…"
		}
		return msg
	}
	return "(no message)"
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// keyedClauses are the clauses that only specs needing the signing key judge, read from the
// specs' labels: a clause with an unkeyed spec as well can fail without the key.
func keyedClauses(res *harness.Result) map[string]bool {
	keyed, unkeyed := map[string]bool{}, map[string]bool{}
	for _, sr := range res.Report.SpecReports {
		needsKey := slices.Contains(sr.Labels(), "needs-key")
		for _, id := range clauses.FromLabels(sr.Labels()) {
			if needsKey {
				keyed[id] = true
			} else {
				unkeyed[id] = true
			}
		}
	}
	for id := range unkeyed {
		delete(keyed, id)
	}
	return keyed
}

// faultRow is one fault's line of the matrix.
type faultRow struct {
	fault          mockserver.Fault
	keyed, unkeyed judgement
}

// killed says whether the suite caught the fault as declared, with the key and without it.
func (r faultRow) killed() bool {
	return r.keyed.ok() && r.unkeyed.ok() && (r.fault.NeedsKey || len(r.unkeyed.expected) > 0)
}

func TestKillMatrix(t *testing.T) {
	started := time.Now()
	cat, err := clauses.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx := context.Background()

	// The clean server first: if it does not pass, no fault's verdict means anything.
	clean, err := runAgainstMock(ctx, dir, mockserver.Options{}, keyedEnv)
	if err != nil {
		t.Fatal(err)
	}
	if j := judge(clean.res, cat, nil); !j.ok() || clean.res.Summary.Counts[verdict.Pass] != len(cat.Clauses) {
		t.Fatalf("the clean mock, with the key, in strict mode: every clause must pass; got %v\n%s",
			clean.res.Summary.Counts, strings.Join(j.problems(), "\n"))
	}
	cleanUnkeyed, err := runAgainstMock(ctx, dir, mockserver.Options{}, unkeyedEnv)
	if err != nil {
		t.Fatal(err)
	}
	keyed := keyedClauses(cleanUnkeyed.res)
	for _, c := range cleanUnkeyed.res.Summary.Clauses {
		want := verdict.Pass
		if keyed[c.ID] {
			want = verdict.Skip
		}
		if c.Verdict != want {
			t.Errorf("the clean mock, without the key: %s is %q, expected %q", c.ID, c.Verdict, want)
		}
	}
	if cleanUnkeyed.res.ExitCode != 0 {
		t.Fatalf("the clean mock, without the key: exit %d\n%s", cleanUnkeyed.res.ExitCode, lastLine(cleanUnkeyed.res.Output))
	}

	// Every fault runs with the key, where it must break its whole declared set, and without:
	// a fault that needs no key must be caught by the unkeyed clauses it breaks, and one that
	// needs the key must pass unnoticed, or its NeedsKey is wrong.
	faults := mockserver.Faults()
	rows := make([]faultRow, len(faults))
	sem := make(chan struct{}, parallelRuns)
	var wg sync.WaitGroup
	for i, f := range faults {
		var unkeyedExpected []string
		if !f.NeedsKey {
			for _, id := range f.Breaks {
				if !keyed[id] {
					unkeyedExpected = append(unkeyedExpected, id)
				}
			}
		}
		rows[i].fault = f
		for _, run := range []struct {
			env      map[string]string
			expected []string
			into     *judgement
		}{
			{keyedEnv, f.Breaks, &rows[i].keyed},
			{unkeyedEnv, unkeyedExpected, &rows[i].unkeyed},
		} {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				r, err := runAgainstMock(ctx, dir, mockserver.Options{Faults: []string{f.Name}}, run.env)
				if err != nil {
					*run.into = judgement{expected: run.expected, err: err}
					return
				}
				*run.into = judge(r.res, cat, run.expected)
				run.into.elapsed = r.elapsed
			})
		}
	}
	wg.Wait()
	elapsed := time.Since(started)

	for _, row := range rows {
		t.Run(row.fault.Name, func(t *testing.T) {
			switch {
			case row.unkeyed.ok():
			case row.fault.NeedsKey:
				t.Errorf("declared NeedsKey, yet without the key: %s", strings.Join(row.unkeyed.problems(), "; "))
			default:
				t.Errorf("without the signing key: %s", strings.Join(row.unkeyed.problems(), "; "))
			}
			if !row.fault.NeedsKey && len(row.unkeyed.expected) == 0 {
				t.Errorf("declared catchable without the key, but every clause it breaks (%s) needs the key: set NeedsKey",
					strings.Join(row.fault.Breaks, ", "))
			}
			if !row.keyed.ok() {
				t.Errorf("with the signing key: %s", strings.Join(row.keyed.problems(), "; "))
			}
		})
	}

	killers := clauseKillers(rows)
	for _, c := range cat.Clauses {
		if len(killers[c.ID]) == 0 {
			t.Errorf("no fault kills %s: its check is not shown to be able to fail; add a fault to mockserver/faults.go that breaks it", c.ID)
		}
	}

	// make killmatrix names the file (KILLMATRIX_REPORT); any other run keeps the user's reports/
	// untouched and writes into its own temporary folder.
	path := os.Getenv("KILLMATRIX_REPORT")
	if path == "" {
		path = filepath.Join(t.TempDir(), "killmatrix.md")
	} else if !filepath.IsAbs(path) {
		path = filepath.Join(root(t), path)
	}
	if err := writeMatrix(path, cat, rows, killers, keyed, elapsed); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d faults, %d suite runs, %v; matrix written to %s; slowest runs: %s", len(faults), 2*len(faults)+2, elapsed.Round(time.Millisecond), path, slowest(rows, 5))
}

// clauseKillers lists, for each clause, the faults whose runs failed it as declared.
func clauseKillers(rows []faultRow) map[string][]string {
	out := map[string][]string{}
	for _, row := range rows {
		if row.keyed.err != nil {
			continue
		}
		for _, id := range row.keyed.expected {
			if !survivedAmong(id, row.keyed.survived) {
				out[id] = append(out[id], row.fault.Name)
			}
		}
	}
	return out
}

func survivedAmong(id string, survived []string) bool {
	for _, s := range survived {
		if s == id || strings.HasPrefix(s, id+" ") {
			return true
		}
	}
	return false
}

// cell renders one run of a fault: each expected clause marked killed or survived.
func cell(j judgement, needsKey bool) string {
	if j.err != nil {
		return "error: " + j.err.Error()
	}
	if len(j.expected) == 0 {
		if needsKey {
			if j.ok() {
				return "passes (needs the key)"
			}
			return "**caught without the key**"
		}
		return "—"
	}
	var parts []string
	for _, id := range j.expected {
		if survivedAmong(id, j.survived) {
			parts = append(parts, id+" ✗ survived")
		} else {
			parts = append(parts, id+" ✓")
		}
	}
	if j.exitCode != j.exitWanted {
		parts = append(parts, fmt.Sprintf("exit %d", j.exitCode))
	}
	return strings.Join(parts, ", ")
}

func writeMatrix(path string, cat *clauses.Catalogue, rows []faultRow, killers map[string][]string, keyed map[string]bool, elapsed time.Duration) error {
	var b strings.Builder
	killed, survivors, broad := 0, 0, 0
	for _, row := range rows {
		switch {
		case row.killed():
			killed++
		case len(row.keyed.unexpected) > 0 || len(row.unkeyed.unexpected) > 0:
			broad++
		default:
			survivors++
		}
	}
	fmt.Fprintf(&b, "# Kill matrix\n\n")
	fmt.Fprintf(&b, "Written by the kill-matrix self-test (`make killmatrix`; `make test` runs it too). The compiled suite ran in strict mode "+
		"(`ZS_STRICT=true`) against the reference mock (`mockserver/`): clean, then with each fault of its catalogue, "+
		"each time with the signing key and again without it. A fault is killed when every clause it declares fails, "+
		"no other clause fails, and the run exits 1; a fault that needs the key must pass unnoticed without it.\n\n")
	fmt.Fprintf(&b, "**%d faults: %d killed, %d survived, %d over-broad.** %d suite runs in %.1f s (%d at a time, on %d cores).\n\n",
		len(rows), killed, survivors, broad, 2*len(rows)+2, elapsed.Seconds(), parallelRuns, runtime.NumCPU())
	fmt.Fprintf(&b, "## By fault\n\n")
	fmt.Fprintf(&b, "| fault | needs key | with the key | without the key | unexpected failures |\n|---|---|---|---|---|\n")
	for _, row := range rows {
		var unexpected []string
		for _, run := range []struct {
			name string
			j    judgement
		}{{"with the key", row.keyed}, {"without", row.unkeyed}} {
			for _, u := range run.j.unexpected {
				unexpected = append(unexpected, run.name+": "+u)
			}
		}
		needsKey := "no"
		if row.fault.NeedsKey {
			needsKey = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", row.fault.Name, needsKey,
			mdCell(cell(row.keyed, false)), mdCell(cell(row.unkeyed, row.fault.NeedsKey)), mdCell(orDash(strings.Join(unexpected, "; "))))
	}
	fmt.Fprintf(&b, "\n## By clause\n\nEvery clause must be killed by at least one fault: a clause no fault breaks is a check "+
		"nothing shows can fail.\n\n")
	fmt.Fprintf(&b, "| clause | severity | needs key | killed by |\n|---|---|---|---|\n")
	for _, c := range cat.Clauses {
		needsKey := "no"
		if keyed[c.ID] {
			needsKey = "yes"
		}
		names := killers[c.ID]
		sort.Strings(names)
		by := "**none**"
		if len(names) > 0 {
			by = "`" + strings.Join(names, "`, `") + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.ID, c.Severity, needsKey, by)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// slowest names the longest runs, so that a fault that makes the suite wait shows.
func slowest(rows []faultRow, n int) string {
	type timed struct {
		name string
		d    time.Duration
	}
	var all []timed
	for _, row := range rows {
		all = append(all, timed{row.fault.Name + " (with the key)", row.keyed.elapsed}, timed{row.fault.Name + " (without)", row.unkeyed.elapsed})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].d > all[j].d })
	var parts []string
	for _, t := range all[:min(n, len(all))] {
		parts = append(parts, fmt.Sprintf("%s %.2f s", t.name, t.d.Seconds()))
	}
	return strings.Join(parts, ", ")
}
