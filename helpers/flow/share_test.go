package flow

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

// What process 1 shares holds neither the password nor a token in any form a reader of
// Ginkgo's server could use; the other processes open it with the same secrets and get the
// evidence whole, but for the create request's password.
func TestSharedEvidenceIsSealedAndMasksThePassword(t *testing.T) {
	const password, key = ` pä"ss\<w>&rd`, "signing-key-0123"
	access := strings.Join([]string{"eyJhbGciOiJIUzI1NiJ9", "eyJqdGkiOiJ4In0", "c2lnbmF0dXJlLW9mLXRoZS1hY2Nlc3MtdG9rZW4"}, ".") // joined from parts: no token-shaped literal in the sources
	f := &Flow{Email: "a@example.com", Exchanges: map[string]*httpx.Exchange{
		Create: {Step: Create, Request: httpx.Request{Method: "POST", Body: []byte(`{"email":"a@example.com","password":` + jsonString(password) + `}`)},
			Response: &httpx.Response{Status: 200, Body: []byte(`{"access":"` + access + `","echo":"` + key + `"}`)}},
	}}
	data, err := f.Share(password, password, key)
	if err != nil {
		t.Fatal(err)
	}
	for _, view := range []string{string(data), decodeAll(string(data))} {
		for _, leak := range []string{password, key, access, "a@example.com"} {
			if strings.Contains(view, leak) {
				t.Errorf("the shared data holds %q", leak)
			}
		}
	}
	got, err := Receive(data, password, key)
	if err != nil {
		t.Fatal(err)
	}
	if body := string(got.Exchanges[Create].Request.Body); strings.Contains(body, "pä") || !strings.Contains(body, redact.Mask) {
		t.Errorf("create request body %s: want the password masked", body)
	}
	if _, a := got.Exchanges[Create].Issued(); a != access || got.Email != f.Email {
		t.Errorf("the evidence lost its token or email: %q %q", a, got.Email)
	}
	if strings.Contains(string(f.Exchanges[Create].Request.Body), redact.Mask) {
		t.Error("sharing changed process 1's own evidence")
	}
	if _, err := Receive(data, password, "another key"); err == nil || !strings.Contains(err.Error(), "same ZS_PASSWORD and ZS_SIGNING_KEY") {
		t.Errorf("opened with other secrets: %v", err)
	}
}

func jsonString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// decodeAll decodes every base64 run of s, as a reader of the shared bytes might.
func decodeAll(s string) string {
	var b strings.Builder
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '"' }) {
		if d, err := base64.StdEncoding.DecodeString(f); err == nil {
			b.Write(d)
		}
	}
	return b.String()
}
