package record_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/fixtures"
)

// The compiled suite's exit status, as the README documents it, is what a CI job acts on:
//
//	0  no MUST clause fails (SHOULD findings are warnings)
//	1  a MUST clause fails, or a SHOULD clause in strict mode
//	2  a usage or configuration error: nothing ran
//
// Each is shown on the page's own examples, altered where a failure is needed.
func TestExitCodes(t *testing.T) {
	page, err := fixtures.Page.ReadFile("page/auth.yaml")
	if err != nil {
		t.Fatal(err)
	}
	altered := func(old, new string) string {
		t.Helper()
		if !strings.Contains(string(page), old) {
			t.Fatalf("the page fixture no longer holds %q", old)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "auth.yaml"), []byte(strings.Replace(string(page), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	// The create answer gains a field: CREATE-FIELDS, a SHOULD, breaks.
	extraField := altered("      body:\n        refresh: ", "      body:\n        user: admin\n        refresh: ")
	// The create answer is 201: CREATE-STATUS, a MUST, breaks.
	created := altered("    response:\n      status: 200", "    response:\n      status: 201")

	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		exit int
		says string
	}{
		{"the page's examples pass", nil, nil, 0, "SUCCESS!"},
		{"a SHOULD failure only warns", map[string]string{"ZS_FIXTURES": extraField}, nil, 0, "CREATE-FIELDS          SHOULD WARN"},
		{"a SHOULD failure fails in strict mode", map[string]string{"ZS_FIXTURES": extraField, "ZS_STRICT": "true"}, nil, 1, "CREATE-FIELDS          SHOULD FAIL"},
		{"a MUST failure fails", map[string]string{"ZS_FIXTURES": created}, nil, 1, "CREATE-STATUS          MUST   FAIL"},
		{"a bad configuration value", map[string]string{"ZS_HTTP_TIMEOUT": "soon"}, nil, 2, `http.timeout: "soon" is not a duration`},
		{"a configuration that is incomplete", map[string]string{"ZS_BASE_URL": "https://staging.example.com"}, nil, 2, "target.email: required"},
		{"a missing config file", nil, []string{"--config", "no-such.yaml"}, 2, "config file no-such.yaml: cannot be read"},
		{"an unknown flag", nil, []string{"--no-such-flag"}, 2, "flag provided but not defined: -no-such-flag"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := run(t, c.env, c.args...)
			if res.ExitCode != c.exit || !strings.Contains(res.Output, c.says) {
				t.Errorf("exit %d, want %d; output should say %q:\n%s", res.ExitCode, c.exit, c.says, res.Output)
			}
		})
	}
}
