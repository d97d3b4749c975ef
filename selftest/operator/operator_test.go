package operator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
)

// door is one way in, with the arguments that make it run in parallel or not.
type door struct {
	name string
	door harness.Door
	args []string
}

var (
	cli      = door{"cli", harness.DoorCLI, nil}
	binary   = door{"binary", harness.DoorBinary, nil}
	parallel = door{"cli --procs 2", harness.DoorCLI, []string{"--procs", "2"}}
	doors    = []door{cli, binary, parallel}
)

// run starts the suite through d with env and args, in the test's temporary directory.
func run(t *testing.T, d door, env map[string]string, args ...string) *harness.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := harness.RunDoor(ctx, d.door, t.TempDir(), env, append(append([]string(nil), d.args...), args...)...)
	if err != nil {
		t.Fatalf("%s: %v", d.name, err)
	}
	return res
}

func outcome(res *harness.Result) verdicts.Outcome {
	if res.File == nil {
		return ""
	}
	return res.File.Run.Outcome
}

// The exit code is the outcome's at every door: 0 pass, 1 a clause failed, 2 usage or
// configuration, 3 could not test; and verdicts.json says the same.
func TestExitCodesHoldAtEveryDoor(t *testing.T) {
	_, failing := serve(t, "create-status-201")
	cases := []struct {
		name string
		env  map[string]string
		want int
	}{
		{"pass: the page's own examples", nil, 0},
		{"fail: a server that breaks CREATE-STATUS", live(failing, account.Password), 1},
		{"usage: a mistyped variable", map[string]string{"ZS_BASEURL": failing}, 2},
		{"usage: credentials without a target", map[string]string{"ZS_EMAIL": account.Email, "ZS_PASSWORD": account.Password}, 2},
		{"could not test: nothing listening", live(closedPort(t), account.Password), 3},
	}
	for _, d := range doors {
		for _, c := range cases {
			t.Run(d.name+"/"+c.name, func(t *testing.T) {
				res := run(t, d, c.env)
				if res.ExitCode != c.want {
					t.Fatalf("exit %d, want %d\n%s", res.ExitCode, c.want, res.Output)
				}
				if res.File == nil {
					t.Fatalf("no verdicts.json\n%s", res.Output)
				}
				if res.File.Run.ExitCode != c.want && c.want != 2 {
					t.Errorf("verdicts.json says exit %d, want %d", res.File.Run.ExitCode, c.want)
				}
			})
		}
	}
}

// A target with nothing listening: one line naming what failed and the setting that fixes
// it, nothing sent, fewer than 15 lines in all, exit 3.
func TestNothingListeningIsOneLineAndCouldNotTest(t *testing.T) {
	url := closedPort(t)
	for _, d := range doors {
		t.Run(d.name, func(t *testing.T) {
			res := run(t, d, live(url, account.Password))
			if res.ExitCode != 3 || outcome(res) != verdicts.OutcomeCouldNotTest {
				t.Fatalf("exit %d, outcome %q, want 3 and could-not-test\n%s", res.ExitCode, outcome(res), res.Output)
			}
			if n := len(lines(res.Output)); n >= 15 {
				t.Errorf("%d lines, want fewer than 15:\n%s", n, res.Output)
			}
			if !strings.Contains(res.Output, "nothing answers at") || !strings.Contains(res.Output, "check ZS_BASE_URL") {
				t.Errorf("the output does not say what failed and what fixes it:\n%s", res.Output)
			}
		})
	}
}

// A stale password costs exactly one failed log-in, the flow's own, whatever the door and
// whatever safety.wrong_credentials says; the run says which account and what to check.
func TestAStalePasswordCostsOneFailedLogIn(t *testing.T) {
	for _, d := range doors {
		for _, wrong := range []string{"true", "false"} {
			t.Run(fmt.Sprintf("%s/wrong_credentials=%s", d.name, wrong), func(t *testing.T) {
				srv, url := serve(t)
				res := run(t, d, live(url, "stale-password-0417", "ZS_WRONG_CREDENTIALS", wrong))
				if got := srv.wrongLogIns(); got != 1 {
					t.Errorf("%d log-ins with a wrong password on %s, want exactly 1", got, account.Email)
				}
				if n := srv.total(); n != 1 {
					t.Errorf("%d requests reached the server; after the refused log-in nothing more may be sent", n)
				}
				if res.ExitCode != 3 {
					t.Errorf("exit %d, want 3 (could not test)", res.ExitCode)
				}
				want := "the log-in as " + account.Email + " was refused: 401"
				if !strings.Contains(res.Output, want) || !strings.Contains(res.Output, "check ZS_EMAIL / ZS_PASSWORD") {
					t.Errorf("the output lacks %q and the settings to check:\n%s", want, res.Output)
				}
				if strings.Contains(res.Output, "stale-password-0417") {
					t.Errorf("the output shows the password")
				}
			})
		}
	}
}

// With the right password, the wrong-password log-ins stay within
// safety.wrong_password_attempts, serial and in parallel, and are none with
// safety.wrong_credentials false.
func TestWrongPasswordLogInsStayWithinTheBound(t *testing.T) {
	for _, d := range doors {
		for _, c := range []struct {
			wrong, attempts string
			max             int
		}{{"true", "2", 2}, {"true", "1", 1}, {"false", "2", 0}} {
			t.Run(fmt.Sprintf("%s/wrong_credentials=%s,attempts=%s", d.name, c.wrong, c.attempts), func(t *testing.T) {
				srv, url := serve(t)
				res := run(t, d, live(url, account.Password, "ZS_WRONG_CREDENTIALS", c.wrong, "ZS_WRONG_PASSWORD_ATTEMPTS", c.attempts))
				if got := srv.wrongLogIns(); got > c.max || (c.max == 0 && got != 0) {
					t.Errorf("%d wrong-password log-ins, the bound is %d", got, c.max)
				}
				if res.ExitCode != 0 {
					t.Errorf("the reference server should pass: exit %d\n%s", res.ExitCode, res.Output)
				}
			})
		}
	}
}

// A dry run sends nothing, says so, never says PASS, lists per clause what it would send,
// exits 0 and writes verdicts.json in mode dry-run.
func TestADryRunIsNotAPass(t *testing.T) {
	for _, c := range []struct {
		d    door
		flag string
	}{{cli, "--dry-run"}, {binary, "--ginkgo.dry-run"}, {parallel, "--dry-run"}} {
		t.Run(c.d.name, func(t *testing.T) {
			srv, url := serve(t)
			res := run(t, c.d, live(url, account.Password), c.flag)
			if n := srv.total(); n != 0 {
				t.Errorf("a dry run sent %d requests", n)
			}
			if res.ExitCode != 0 || res.File == nil || res.File.Run.Mode != verdicts.ModeDryRun {
				t.Fatalf("exit %d, verdicts %+v; want 0 and mode dry-run\n%s", res.ExitCode, res.File, res.Output)
			}
			if regexp.MustCompile(`\bPASS\b`).MatchString(res.Output) {
				t.Errorf("a dry run says PASS:\n%s", res.Output)
			}
			for _, want := range []string{"dry run: nothing was sent", "CREATE-WRONG-PASSWORD  MUST     1 request(s), 1 wrong-password log-in(s)"} {
				if !strings.Contains(res.Output, want) {
					t.Errorf("the output lacks %q:\n%s", want, res.Output)
				}
			}
		})
	}
}

// A label filter that selects no spec is a usage error naming the filter and the labels.
func TestALabelFilterThatSelectsNothingIsUsage(t *testing.T) {
	for _, c := range []struct {
		d    door
		args []string
	}{{cli, []string{"--labels", "creat"}}, {binary, []string{"--ginkgo.label-filter=creat"}}, {parallel, []string{"--labels", "creat"}}} {
		t.Run(c.d.name, func(t *testing.T) {
			res := run(t, c.d, nil, c.args...)
			if res.ExitCode != 2 {
				t.Fatalf("exit %d, want 2\n%s", res.ExitCode, res.Output)
			}
			if !strings.Contains(res.Output, `label filter "creat" selects no spec`) || !strings.Contains(res.Output, "create") {
				t.Errorf("the output does not name the filter and the labels:\n%s", res.Output)
			}
		})
	}
}

// A one-clause filter lists that clause alone, and the spec counts are Ginkgo's.
func TestTheSummaryListsTheSelectedClausesAndGinkgosCounts(t *testing.T) {
	for _, c := range []struct {
		d    door
		args []string
	}{{cli, []string{"--labels", "clause:CREATE-STATUS"}}, {binary, []string{"--ginkgo.label-filter=clause:CREATE-STATUS"}}} {
		t.Run(c.d.name, func(t *testing.T) {
			res := run(t, c.d, nil, c.args...)
			if res.ExitCode != 0 {
				t.Fatalf("exit %d\n%s", res.ExitCode, res.Output)
			}
			if strings.Contains(res.Output, "NOT RUN") || !strings.Contains(res.Output, "CREATE-STATUS          MUST   PASS") {
				t.Errorf("the summary should list CREATE-STATUS alone:\n%s", res.Output)
			}
			total := len(res.Report.SpecReports)
			ran := res.Report.PreRunStats.SpecsThatWillRun
			want := fmt.Sprintf("Specs (Ginkgo's count; a clause is judged by all its specs): %d (%d pass, %d not run)", countIts(res), ran, countIts(res)-ran)
			if total == 0 || !strings.Contains(res.Output, want) || !strings.Contains(res.Output, fmt.Sprintf("Ran %d of %d Specs", ran, countIts(res))) {
				t.Errorf("the counts do not add up with Ginkgo's (want %q):\n%s", want, res.Output)
			}
		})
	}
}

func countIts(res *harness.Result) int {
	n := 0
	for _, sr := range res.Report.SpecReports {
		if sr.LeafNodeType.String() == "It" {
			n++
		}
	}
	return n
}

// No colour codes into a pipe, at every door, and none with NO_COLOR either.
func TestNoColourIntoPipes(t *testing.T) {
	_, failing := serve(t, "create-status-201")
	for _, d := range doors {
		for _, env := range []map[string]string{live(failing, account.Password), live(failing, account.Password, "NO_COLOR", "1")} {
			t.Run(d.name, func(t *testing.T) {
				res := run(t, d, env)
				if strings.Contains(res.Output, "\x1b[") {
					t.Errorf("colour codes in a pipe:\n%q", res.Output[:min(len(res.Output), 400)])
				}
			})
		}
	}
}

// The first line says what is tested; the last verdict line repeats it.
func TestTheFirstLineSaysWhatIsTested(t *testing.T) {
	_, url := serve(t)
	root, err := harness.Root()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "fixtures", "page")
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{nil, "conformance: page: the page's own examples (offline)"},
		{live(url, account.Password), "conformance: live: " + url + " as " + account.Email},
		{map[string]string{"ZS_FIXTURES": dir}, "conformance: replay: the fixtures in " + dir},
	} {
		for _, d := range []door{cli, binary} {
			t.Run(d.name+"/"+c.want, func(t *testing.T) {
				res := run(t, d, c.env)
				if first := lines(res.Output)[0]; first != c.want {
					t.Errorf("first line %q, want %q\n%s", first, c.want, res.Output)
				}
				if !regexp.MustCompile(regexp.QuoteMeta(c.want) + ` — .*\(exit \d\)`).MatchString(res.Output) {
					t.Errorf("no verdict line repeats %q:\n%s", c.want, res.Output)
				}
			})
		}
	}
}

// The reports go where the output says, as an absolute path, whichever door and whatever
// relative directory was asked for.
func TestTheReportsAreWhereTheOutputSays(t *testing.T) {
	for _, d := range doors {
		t.Run(d.name, func(t *testing.T) {
			res := run(t, d, map[string]string{"ZS_REPORTS_DIR": "custom-reports"})
			m := regexp.MustCompile(`Conformance reports: (\S+)verdicts\.json|Conformance reports: .*?(/\S+/verdicts\.json)`).FindStringSubmatch(res.Output)
			if m == nil {
				t.Fatalf("the output names no reports:\n%s", res.Output)
			}
			path := m[2]
			if !filepath.IsAbs(path) || !strings.Contains(path, "custom-reports") {
				t.Errorf("reports at %q, want an absolute path in custom-reports", path)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("the output names %s, which is not there: %v", path, err)
			}
		})
	}
}

// An environment failure in the middle of a run (connections dropped after the log-in) marks
// the affected clauses broken, not failed, and the run could not test fully: exit 3. Dropped
// after the flow, the specs' own requests break; dropped inside it, the flow's refusals break
// the clauses judged on them too.
func TestAnEnvironmentFailureMidRunIsBroken(t *testing.T) {
	for _, c := range []struct {
		name     string
		cutAfter int
	}{{"after the flow", flowRequests}, {"inside the flow's refusals", flowRequests - 6}} {
		for _, d := range []door{cli, binary} {
			t.Run(c.name+"/"+d.name, func(t *testing.T) {
				srv, url := serve(t)
				srv.cutAfter = c.cutAfter
				res := run(t, d, live(url, account.Password, "ZS_HTTP_RETRIES", "0"))
				if res.File == nil {
					t.Fatalf("no verdicts.json\n%s", res.Output)
				}
				broken := res.File.IDs(verdicts.Broken)
				if len(broken) == 0 {
					t.Fatalf("no clause is broken; verdicts %v\n%s", res.File.Counts(), res.Output)
				}
				if failed := res.File.Failed(); len(failed) > 0 {
					t.Errorf("clauses the environment broke are counted as failed: %v", failed)
				}
				if res.ExitCode != 3 || res.File.Run.Outcome != verdicts.OutcomeBroken {
					t.Errorf("exit %d, outcome %s; want 3 and broken", res.ExitCode, res.File.Run.Outcome)
				}
			})
		}
	}
}
