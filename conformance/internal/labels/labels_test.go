// Package labels_test holds the Go API's second suite run (Ginkgo runs one per test binary, so
// it needs a package of its own): a label filter selects the clauses, and a stray filter in
// the process environment does not.
package labels_test

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/zonesmart/jwt-conformance/conformance"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

func TestLabelsSelectTheClauses(t *testing.T) {
	mock, err := mockserver.New(mockserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mock)
	defer srv.Close()
	user := mockserver.DefaultUser()
	dir := t.TempDir()
	conformance.Run(t, conformance.Target{BaseURL: srv.URL, Email: user.Email, Password: user.Password, ReportsDir: dir,
		Labels: "create", Settings: map[string]string{"ZS_WRONG_CREDENTIALS": "false"}})
	f, err := verdicts.Read(filepath.Join(dir, verdicts.FileName))
	if err != nil {
		t.Fatal(err)
	}
	judged := 0
	for _, c := range f.Clauses {
		switch {
		case c.Endpoint != "create" && c.Verdict != verdicts.NotRun:
			t.Errorf("%s (%s) is %s: the label filter create should leave it out", c.ID, c.Endpoint, c.Verdict)
		case c.ID == "CREATE-WRONG-PASSWORD" || c.ID == "CREATE-UNKNOWN-EMAIL" || c.ID == "CREATE-NO-ENUMERATION":
			// ZS_WRONG_CREDENTIALS=false, from Settings, skips the wrong-password log-ins.
			if c.Verdict != verdicts.Skip {
				t.Errorf("%s is %s: Settings[ZS_WRONG_CREDENTIALS]=false should skip it", c.ID, c.Verdict)
			}
		case c.Endpoint == "create" && c.Verdict == verdicts.Pass:
			judged++
		}
	}
	if judged == 0 {
		t.Error("no create clause passed: the filter selected nothing")
	}
}
