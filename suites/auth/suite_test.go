// The door of the compiled suite (go test -c ./suites/auth, bin/conformance.test): its one flag,
// and the run.
package auth_test

import (
	"flag"
	"os"
	"testing"

	"github.com/zonesmart/jwt-conformance/suites/auth"
)

var configPath = flag.String("config", "", "YAML configuration file (also ZS_CONFIG)")

// TestMain validates everything a run depends on before Ginkgo starts: a bad configuration or
// fixture set ends the run with one line per problem and exit status 2, and runs no spec.
func TestMain(m *testing.M) {
	flag.Parse()
	if err := auth.Prepare(auth.Setup{ConfigPath: *configPath}); err != nil {
		auth.WriteProblems(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

func TestAuth(t *testing.T) { auth.Run(t) }
