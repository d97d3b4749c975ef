package httpx

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

// A transcript keeps a token's header and claims as evidence, but a claim that holds the
// password or another token is masked, in the body and in the Authorization header alike.
func TestTranscriptMasksSecretClaimsOnly(t *testing.T) {
	const password = `canary "pass" <word>`
	inner := strings.Join([]string{"eyJhbGciOiJIUzI1NiJ9", "eyJqdGkiOiJpbm5lciJ9", "aW5uZXItc2lnbmF0dXJlLW9mLXRoZS10b2tlbg"}, ".") // joined from parts: no token-shaped literal in the sources
	claims, _ := json.Marshal(map[string]any{"email": "qa@example.com", "debug_password": password, "session": inner})
	token := "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(claims) + ".b3V0ZXItc2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
	ex := &Exchange{Step: "me", Request: Request{Method: "GET", URL: "http://api.example/users/me/", Header: http.Header{"Authorization": {"JWT " + token}}},
		Response: &Response{Status: 200, Body: []byte(`{"access":"` + token + `"}`)}}
	got := ex.Transcript(redact.New(password), 4096)
	for _, leak := range []string{"b3V0ZXItc2ln", "aW5uZXItc2ln", base64.RawURLEncoding.EncodeToString(claims)} {
		if strings.Contains(got, leak) {
			t.Errorf("the transcript holds %q:\n%s", leak, got)
		}
	}
	var shown int
	for _, f := range strings.FieldsFunc(got, func(r rune) bool { return r == '"' || r == ' ' || r == '\n' }) {
		segs := strings.Split(f, ".")
		if len(segs) != 3 || segs[2] != redact.SignatureMask {
			continue
		}
		data, err := base64.RawURLEncoding.DecodeString(segs[1])
		if err != nil {
			t.Fatalf("claims no longer decode: %s", f)
		}
		var back map[string]any
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		if back["email"] != "qa@example.com" || back["debug_password"] != redact.Mask || back["session"] != redact.Mask {
			t.Errorf("claims shown as %v", back)
		}
		shown++
	}
	if shown != 2 {
		t.Errorf("want the token shown twice, masked, got %d:\n%s", shown, got)
	}
}
