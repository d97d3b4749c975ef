// The door of the compiled suite (go test -c ./suites/auth, bin/conformance.test): its one flag,
// and the run. Its exit status is the outcome's, as at every door: 0 pass, 1 a clause failed,
// 2 usage or configuration, 3 could not test (or the environment broke the run).
package auth_test

import (
	"flag"
	"os"
	"testing"

	"github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
	"github.com/zonesmart/jwt-conformance/suites/auth"
)

var configPath = flag.String("config", "", "YAML configuration file (also ZS_CONFIG)")

// TestMain validates everything a run depends on before Ginkgo starts: a bad configuration,
// fixture set or label filter ends the run with one line per problem and exit status 2, and
// runs no spec. After the run, the status is the outcome's, not the testing package's 0 or 1.
func TestMain(m *testing.M) {
	flag.Parse()
	if err := auth.Prepare(auth.Setup{ConfigPath: *configPath}); err != nil {
		refuse(err)
	}
	suiteConfig, _ := ginkgo.GinkgoConfiguration()
	if err := auth.CheckLabelFilter(suiteConfig.LabelFilter); err != nil {
		refuse(err)
	}
	if suiteConfig.DryRun {
		// Run outside the testing package, which would close a dry run with "PASS".
		auth.Run(&auth.Shim{})
		os.Exit(exitCode(0))
	}
	os.Exit(exitCode(m.Run()))
}

// refuse ends a run refused its configuration: one line per problem, a verdicts.json that
// says so, exit 2.
func refuse(err error) {
	auth.WriteProblems(os.Stderr, err)
	if _, werr := auth.WriteRefused("", ""); werr != nil {
		auth.WriteProblems(os.Stderr, werr)
	}
	os.Exit(verdicts.OutcomeUsage.ExitCode())
}

// exitCode is the finished run's status: the outcome's on the process that judged the run;
// elsewhere (a parallel worker, a run that ended before its report) a failure is 3, since no
// clause verdict says the target failed.
func exitCode(testing int) int {
	if v := auth.Verdicts(); v != nil {
		return v.Run.ExitCode
	}
	if testing != 0 {
		return verdicts.OutcomeBroken.ExitCode()
	}
	return 0
}

func TestAuth(t *testing.T) {
	auth.Run(t)
	// The testing package's own verdict follows the outcome, so go test says FAIL for a run
	// that could not test or broke, not PASS.
	if v := auth.Verdicts(); v != nil && v.Run.Outcome != verdicts.OutcomePass {
		t.Fail()
	}
}
