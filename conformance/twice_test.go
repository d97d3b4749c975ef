package conformance_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/conformance"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// TestASecondRunIsRefused: Ginkgo would end the process on a second suite run in one binary;
// Run refuses it first, as a test failure that says what to do. The two runs happen in a child
// process (this test binary again), so that this one keeps its single run.
func TestASecondRunIsRefused(t *testing.T) {
	if os.Getenv("CONFORMANCE_RUN_TWICE") == "1" {
		mock, err := mockserver.New(mockserver.Options{})
		if err != nil {
			t.Fatal(err)
		}
		user := mockserver.DefaultUser()
		account := conformance.Account{Email: user.Email, Password: user.Password}
		conformance.RunHandler(t, mock, account)
		conformance.RunHandler(t, mock, account)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestASecondRunIsRefused$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CONFORMANCE_RUN_TWICE=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("two runs in one binary passed:\n%s", out)
	}
	if !strings.Contains(string(out), "conformance: Run was called a second time in this test binary") {
		t.Errorf("the second run did not say why it was refused:\n%s", out)
	}
	if strings.Contains(string(out), "RerunningSuite") || strings.Contains(string(out), "Ginkgo detected an issue") {
		t.Errorf("Ginkgo's own refusal came first:\n%s", out)
	}
}
