package tokens

import (
	"encoding/json"
	"github.com/zonesmart/jwt-conformance/fixtures"
	"strings"
	"testing"
)

const pageRefresh = fixtures.PageRefreshToken

func TestParsePageToken(t *testing.T) {
	tok, err := Parse(pageRefresh)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Header["alg"] != "HS256" || tok.Header["typ"] != "JWT" || tok.Claims["token_type"] != "refresh" {
		t.Fatalf("unexpected %s", tok.Describe())
	}
	exp, err := tok.Int("exp")
	if err != nil || exp != 1599647635 {
		t.Fatalf("exp %d %v", exp, err)
	}
	if !IsJTI(tok.Claims["jti"].(string)) {
		t.Fatal("page jti should be 32 lowercase hex")
	}
	if strings.Contains(tok.Describe(), "QxvdJNq") {
		t.Fatal("Describe must not print the signature")
	}
}

func TestParseNamesStructuralProblems(t *testing.T) {
	cases := map[string]string{
		"a.b":                            "2 dot-separated segments",
		"a.b.c.d":                        "4 dot-separated segments",
		"!!!.eyJ9.c2ln":                  "header segment is not unpadded base64url",
		"eyJ0eXAiOiJKV1QifQ.bm9wZQ.c2ln": "claims segment is not a JSON object",
		"eyJ0eXAiOiJKV1QifQ.e30.":        "empty signature",
	}
	for in, want := range cases {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestIntRejectsNonIntegers(t *testing.T) {
	tok := &Token{Claims: map[string]any{"a": json.Number("1.5"), "b": "12", "c": nil}}
	for _, k := range []string{"a", "b", "c", "missing"} {
		if _, err := tok.Int(k); err == nil {
			t.Errorf("Int(%q) accepted a non-integer", k)
		}
	}
}

func TestMintVerifyAlter(t *testing.T) {
	key := []byte("k")
	raw, err := Mint(map[string]any{"token_type": "access", "exp": 1}, key, "HS256")
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(raw, key, "HS256"); err != nil {
		t.Fatalf("own token does not verify (expiry must not be judged here): %v", err)
	}
	if Verify(raw, []byte("other"), "HS256") == nil {
		t.Fatal("wrong key verified")
	}
	if Verify(raw, key, "HS512") == nil {
		t.Fatal("an algorithm other than the configured one was accepted")
	}
	tampered, _ := Alter(raw, func(_, c map[string]any) { c["user_id"] = 2 })
	if Verify(tampered, key, "HS256") == nil {
		t.Fatal("tampered token verified")
	}
	none, _ := Alter(raw, func(h, _ map[string]any) { h["alg"] = "none" })
	if Verify(none, key, "HS256") == nil {
		t.Fatal("alg none accepted")
	}
}
