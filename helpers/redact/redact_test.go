package redact

import (
	"net/http"
	"strings"
	"testing"
)

const pageAccess = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNTkxODc4ODM1LCJqdGkiOiIzM2VjNWMyMmZmMTc0MmY5YmVlZTk2ZGUwYTZkYjcwNyIsInVzZXJfaWQiOjEsImVtYWlsIjoiYWRtaW5Aem9uZXNtYXJ0LnJ1IiwicGhvbmUiOm51bGwsInVzZXJuYW1lIjoiYWRtaW4iLCJhY2Nlc3NfdW50aWwiOm51bGwsImhhc19hY2Nlc3MiOmZhbHNlfQ.oTSKvSgI8hd5k_5t1LsedEgo2_rS53m5uuhuVw2hCro"

func TestTokensKeepHeaderAndClaims(t *testing.T) {
	got := New().String(`{"access":"` + pageAccess + `"}`)
	if strings.Contains(got, "oTSKvSgI8hd5k") {
		t.Fatalf("signature leaked: %s", got)
	}
	if !strings.Contains(got, pageAccess[:strings.LastIndexByte(pageAccess, '.')+1]+SignatureMask) {
		t.Fatalf("header and claims should stay: %s", got)
	}
}

func TestSecretsByValueAndStructure(t *testing.T) {
	r := New("s3cret-pass", "signing-key-123")
	in := `{"email":"a@b","password":"other-pass","current_password":"x\"y"} s3cret-pass signing-key-123 email=a&password=p4ss&x=1`
	got := r.String(in)
	for _, leak := range []string{"s3cret-pass", "signing-key-123", "other-pass", `x\"y`, "p4ss"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q leaked in %s", leak, got)
		}
	}
	if !strings.Contains(got, `"email":"a@b"`) || !strings.Contains(got, "x=1") {
		t.Errorf("harmless data lost: %s", got)
	}
}

func TestTokenSeenByValueEvenIfOddlyShaped(t *testing.T) {
	r := New()
	odd := "abc.def.ghijklmnopqrstuvwxyz"
	r.AddToken(odd)
	got := r.String("token " + odd + " and signature alone ghijklmnopqrstuvwxyz")
	if strings.Contains(got, "ghijklmnopqrstuvwxyz") {
		t.Fatalf("signature leaked: %s", got)
	}
}

func TestAuthorizationHeader(t *testing.T) {
	h := http.Header{"Authorization": {"JWT " + pageAccess}, "Cookie": {"sessionid=abc"}, "Accept": {"*/*"}}
	got := New().Header(h)
	if strings.Contains(got, "oTSKvSgI8hd5k") || strings.Contains(got, "sessionid") {
		t.Fatalf("leak: %s", got)
	}
	if !strings.Contains(got, "Authorization: JWT eyJ0eXAi") || !strings.Contains(got, "Accept: */*") {
		t.Fatalf("evidence lost: %s", got)
	}
	if got := New().Header(http.Header{"Authorization": {"JWT opaque-token-without-dots"}}); strings.Contains(got, "opaque") {
		t.Fatalf("opaque token leaked: %s", got)
	}
}

func TestBodyTruncates(t *testing.T) {
	got := New().Body([]byte(strings.Repeat("a", 100)), 10)
	if !strings.HasPrefix(got, "aaaaaaaaaa…") || !strings.Contains(got, "90 more bytes") {
		t.Fatalf("got %q", got)
	}
}
