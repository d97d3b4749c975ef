package safety

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
)

var staging = account{email: "qa@staging.example", password: "audit-password-3f9c"}

const auditKey = "audit-signing-key-b71e"

// The whole suite, keyed and with every malformed body, against the reference server: only
// GET and POST reach it, and no more wrong-password log-ins than the bound.
func TestTheSuiteSendsOnlyGetAndPostAndBoundsWrongPasswords(t *testing.T) {
	t.Parallel()
	rec, res := audit(t, map[string]string{"ZS_MALFORMED_BODIES": "50"})
	for m := range rec.methods {
		if m != "GET" && m != "POST" {
			t.Errorf("the suite sent %s (%d times): only GET and POST are allowed", m, rec.methods[m])
		}
	}
	if rec.wrongPasswords > 2 {
		t.Errorf("%d wrong-password log-ins; the default bound is 2", rec.wrongPasswords)
	}
	if res.ExitCode != 0 {
		t.Errorf("the reference server should pass every malformed body: exit %d, failing %v\n%s", res.ExitCode, res.Failing(), res.Output)
	}
}

// A default run with the key, every clause judged, stays within the request budget of a shared
// server.
func TestADefaultRunStaysWithinItsRequestBudget(t *testing.T) {
	t.Parallel()
	rec, res := audit(t, nil)
	if rec.requests > 60 || rec.wrongPasswords != 2 {
		t.Errorf("%d requests and %d wrong-password log-ins; the budget is 60 and 2", rec.requests, rec.wrongPasswords)
	}
	if skipped := verdicts(res, "skip"); len(skipped) > 0 || res.ExitCode != 0 {
		t.Errorf("with the key against a live server every clause should pass: exit %d, skipped %v, failing %v\n%s", res.ExitCode, skipped, res.Failing(), res.Output)
	}
}

// audit runs the suite with the key and extra settings against the recorded reference server.
func audit(t *testing.T, extra map[string]string) (*recorder, *harness.Result) {
	t.Helper()
	rec := record(mock(t, staging, auditKey), staging)
	env := target(serve(t, rec), staging)
	env["ZS_SIGNING_KEY"] = auditKey
	for k, v := range extra {
		env[k] = v
	}
	res, _ := runSuite(t, time.Minute, env)
	t.Logf("%d requests (%v): %d wrong-password log-ins, %d log-ins as another email", rec.requests, rec.methods, rec.wrongPasswords, rec.otherFailed)
	return rec, res
}

func TestWrongCredentialsCanBeSwitchedOff(t *testing.T) {
	t.Parallel()
	rec := record(mock(t, staging, auditKey), staging)
	env := target(serve(t, rec), staging)
	env["ZS_WRONG_CREDENTIALS"] = "false"
	res, _ := runSuite(t, time.Minute, env)
	if rec.wrongPasswords != 0 || rec.otherFailed != 0 {
		t.Errorf("with safety.wrong_credentials false the suite sent %d wrong-password log-ins and %d as an unknown email", rec.wrongPasswords, rec.otherFailed)
	}
	for _, id := range []string{"CREATE-WRONG-PASSWORD", "CREATE-UNKNOWN-EMAIL", "CREATE-NO-ENUMERATION"} {
		if v := res.Verdicts()[id]; v != "skip" {
			t.Errorf("%s is %s, want skip", id, v)
		}
	}
	if res.ExitCode != 0 {
		t.Errorf("exit %d, failing %v\n%s", res.ExitCode, res.Failing(), res.Output)
	}
}

func TestTheWrongPasswordBoundIsEnforced(t *testing.T) {
	t.Parallel()
	rec := record(mock(t, staging, auditKey), staging)
	env := target(serve(t, rec), staging)
	env["ZS_WRONG_PASSWORD_ATTEMPTS"] = "1"
	res, _ := runSuite(t, time.Minute, env)
	if rec.wrongPasswords != 1 {
		t.Errorf("%d wrong-password log-ins under a bound of 1", rec.wrongPasswords)
	}
	// The numbering picks the same spec every run: the MUST clause before the SHOULD one.
	if v := res.Verdicts(); v["CREATE-WRONG-PASSWORD"] != "pass" || v["CREATE-NO-ENUMERATION"] != "skip" {
		t.Errorf("verdicts %s, %s", v["CREATE-WRONG-PASSWORD"], v["CREATE-NO-ENUMERATION"])
	}
	if !strings.Contains(res.Output, "ZS_WRONG_PASSWORD_ATTEMPTS") {
		t.Errorf("the skipped spec must name the key that raises the bound:\n%s", res.Output)
	}
}

func verdicts(res *harness.Result, want string) []string {
	var out []string
	for id, v := range res.Verdicts() {
		if v == want {
			out = append(out, id)
		}
	}
	return out
}

// Gomega's HTTP matchers print whole bodies on failure, and gock's DumpRequest prints raw
// headers: neither may judge or show the suite's traffic.
func TestNoRawDumpersInTheSuite(t *testing.T) {
	root, err := harness.Root()
	if err != nil {
		t.Fatal(err)
	}
	banned := []string{"HaveHTTPStatus", "HaveHTTPBody", "HaveHTTPHeaderWithValue", "DumpRequest", "httputil.Dump"}
	for _, dir := range []string{"suites", "helpers"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			// Helpers' own unit tests may use anything; the suite's files are all _test.go.
			if dir == "helpers" && strings.HasSuffix(path, "_test.go") {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, b := range banned {
				if strings.Contains(string(data), b) {
					rel, _ := filepath.Rel(root, path)
					t.Errorf("%s uses %s", rel, b)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
