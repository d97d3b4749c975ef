// Package drift_test proves that a spec tree that has drifted from the clause catalogue fails
// the run before its first request: it runs the suite in this process, through the package's
// own entry points, against a catalogue altered the ways a tree drifts.
package drift_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/suites/auth"
)

// failed records a Ginkgo run's verdict instead of failing this test with it.
type failed struct{ yes bool }

func (f *failed) Fail() { f.yes = true }

func TestADriftedTreeFailsBeforeAnyRequest(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()

	dir := t.TempDir()
	env := map[string]string{"ZS_BASE_URL": srv.URL, "ZS_EMAIL": "drift@invalid.example", "ZS_PASSWORD": "drift-password", "ZS_REPORTS_DIR": dir}
	err := auth.Prepare(auth.Setup{Catalogue: drifted(t), LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		t.Fatal(err)
	}
	var run failed
	if auth.Run(&run) || !run.yes {
		t.Error("a drifted tree passed")
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("a drifted tree sent %d request(s); it must send none", n)
	}
	md, err := os.ReadFile(filepath.Join(dir, "conformance.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"no request was sent",
		"clause CREATE-DRIFTED has no spec",
		`spec "MUST answer 200" (suites/auth/create.go:`, "of CREATE-STATUS says MUST; the clause is a SHOULD",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report does not say %q:\n%s", want, md)
		}
	}
}

// drifted is the catalogue with CREATE-STATUS made a SHOULD (its spec says MUST) and a clause no
// spec judges.
func drifted(t *testing.T) *clauses.Catalogue {
	cat, err := clauses.Default()
	if err != nil {
		t.Fatal(err)
	}
	list := append([]clauses.Clause(nil), cat.Clauses...)
	for i := range list {
		if list[i].ID == "CREATE-STATUS" {
			list[i].Severity = clauses.Should
		}
	}
	list = append(list, clauses.Clause{ID: "CREATE-DRIFTED", Severity: clauses.Must, Section: "Obtaining tokens", Endpoint: "create", Statement: "A clause added to the catalogue alone."})
	data, err := yaml.Marshal(map[string]any{"clauses": list})
	if err != nil {
		t.Fatal(err)
	}
	out, err := clauses.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
