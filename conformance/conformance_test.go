// The package's one suite run (Ginkgo runs one per process): the reference mock passes.
package conformance_test

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/conformance"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// TestRunPassesTheReferenceMock runs the whole suite against the reference mock, with ZS_*
// variables in the process environment that would break the run if they were read: the run
// is configured from its Target alone. The reports land in the directory given.
func TestRunPassesTheReferenceMock(t *testing.T) {
	t.Setenv("ZS_BASE_URL", "http://127.0.0.1:1")
	t.Setenv("ZS_REFRESH_METHOD", "DELETE")
	t.Setenv("ZS_PASSWORD", "not-the-password")
	t.Setenv("ZS_REPORTS_DIR", filepath.Join(t.TempDir(), "not-here"))
	mock, err := mockserver.New(mockserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mock)
	defer srv.Close()
	user := mockserver.DefaultUser()
	dir := filepath.Join(t.TempDir(), "reports")
	conformance.Run(t, conformance.Target{BaseURL: srv.URL, Email: user.Email, Password: user.Password,
		SigningKey: mockserver.DefaultSigningKey, ReportsDir: dir})
	for _, name := range []string{"conformance.md", "conformance.html", "verdicts.json"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("the run wrote no %s into Target.ReportsDir: %v", name, err)
			continue
		}
		if strings.Contains(string(data), user.Password) {
			t.Errorf("%s holds the password", name)
		}
	}
	if n := len(mock.Requests()); n == 0 {
		t.Error("the mock was sent nothing: the run did not test the Target's URL")
	}
}
