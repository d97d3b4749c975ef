package redact

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

const claimsJSON = `{"token_type":"access","user_id":1,"email":"admin@zonesmart.ru"}`

// assertMasked fails unless got lost tok's signature and kept its header and claims.
func assertMasked(t *testing.T, name, tok, got string) {
	t.Helper()
	if strings.Contains(got, sigOf(tok)) {
		t.Errorf("%s: signature leaked: %s", name, got)
	}
	if !strings.Contains(got, headAndClaims(tok)+"."+SignatureMask) {
		t.Errorf("%s: header and claims should stay, signature masked: %s", name, got)
	}
}

func TestTokensFoundByStructure(t *testing.T) {
	headers := map[string]string{
		"eyJ":             `{"alg":"HS256","typ":"JWT"}`,
		"space inside":    `{ "alg": "HS256" }`,         // eyAi…
		"newline inside":  "{\n  \"alg\": \"HS256\"\n}", // ewo…
		"leading space":   ` {"alg":"HS256"}`,           // IHsi…
		"leading newline": "\n\t{\"alg\":\"HS512\"}\n",
		"HS384":           `{"alg":"HS384"}`,
	}
	for name, h := range headers {
		for _, std := range []bool{false, true} {
			tok := sign(t, h, claimsJSON, "k", std)
			for _, ctx := range []string{
				"%s",
				`{"access":"%s"}`,
				"Authorization: JWT %s\r\n",
				"<html><body><pre>token=%s</pre></body></html>",
				"Location: /cb?token=%s&x=1",
				"JWT%%20%s",
				"JWT+%s",
				`"\n%s"`,
				"after text:%s.",
				"(%s)",
			} {
				in := fmt.Sprintf(ctx, tok)
				assertMasked(t, fmt.Sprintf("%s std=%v in %q", name, std, ctx), tok, New().String(in))
			}
		}
	}
}

// url.QueryEscape turns a standard-alphabet token's + / = into %2B %2F %3D, as in a Link
// header or a redirect; the scan sees through those escapes.
func TestURLEscapedStandardAlphabetToken(t *testing.T) {
	tok := sign(t, `{"alg":"HS256"}`, `{"jti":"?>?>?>~~~"}`, "k", true)
	if !strings.ContainsAny(tok, "+/=") {
		t.Fatalf("the test token should hold + / or =: %s", tok)
	}
	esc := url.QueryEscape(tok)
	got := New().String(`Link: <https://x/next?t=` + esc + `>; rel="next"`)
	if strings.Contains(got, url.QueryEscape(sigOf(tok))) || !strings.Contains(got, url.QueryEscape(headAndClaims(tok))+"."+SignatureMask) {
		t.Fatalf("escaped token: %s", got)
	}
	if f := New().Find(esc); len(f) != 1 || f[0].Kind != KindToken || f[0].Len != len(esc) {
		t.Fatalf("Find: %v", f)
	}
}

func TestLongerRunsMaskEverySegmentAfterTheSecond(t *testing.T) {
	tok := sign(t, `{"alg":"HS256"}`, claimsJSON, "k", false)
	four := tok + ".c2Vjb25kLXNpZ25hdHVyZS1zZWdtZW50"
	got := New().String(`{"access":"` + four + `"}`)
	if strings.Contains(got, sigOf(tok)) || strings.Contains(got, "c2Vjb25k") {
		t.Fatalf("a later segment leaked: %s", got)
	}
	if !strings.Contains(got, headAndClaims(tok)+"."+SignatureMask+"."+SignatureMask) {
		t.Fatalf("header and claims should stay: %s", got)
	}
	if Token("a.b.c.d") != "a.b."+SignatureMask+"."+SignatureMask || Token("a.b.") != "a.b." || Token("a.b") != "a."+SignatureMask {
		t.Fatalf("Token: %q %q %q", Token("a.b.c.d"), Token("a.b."), Token("a.b"))
	}
}

func TestInnocentDottedTextKept(t *testing.T) {
	for _, s := range []string{
		"index.example.com", "v1.2.3", "https://api.zonesmart.ru/api/v1/auth/jwt/create/",
		"file.tar.gz", "a.b.c", "eyJ.eyJ", "e30.e30.", "report.json and junit.xml",
		"example.co.uk", "https://ezproxy.lib.example/", "exe.tar.gz",
	} {
		if got := New().String(s); got != s {
			t.Errorf("%q became %q", s, got)
		}
	}
}

// What the old pattern masked (eyJ, two dots, a signature) stays masked, even where the
// header is cut short or is not valid JSON: over-masking a token costs no evidence.
func TestEyJRunsStillMasked(t *testing.T) {
	for _, s := range []string{"eyJ.eyJ.c2lnbmF0dXJl", "eyJhbGciOiJ.eyJzdWIi.c2lnbmF0dXJl", "eyJhbGciOiJIUzI1NiJ9x.e30.c2lnbmF0dXJl"} {
		if got := New().String(s); strings.Contains(got, "c2lnbmF0dXJl") {
			t.Errorf("%q became %q", s, got)
		}
	}
}

func TestSigningKeyFindsTriplesWithAnyHeader(t *testing.T) {
	r := New()
	r.SetSigningKey([]byte(canaryKey))
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		tok := sign(t, "not json "+alg, "opaque claims", canaryKey, false)
		for _, ctx := range []string{"%s", "x=%s", "JWT%%20%s", "%s.more"} {
			in := fmt.Sprintf(ctx, tok)
			got := r.String(in)
			assertMasked(t, alg+" in "+ctx, tok, got)
			if f := r.Find(in); len(f) == 0 || f[0].Kind != KindVerifying {
				t.Errorf("%s: Find should report a verifying triple: %v", alg, f)
			}
			if f := r.Find(got); len(f) != 0 {
				t.Errorf("%s: Find still sees %v in %s", alg, f, got)
			}
		}
	}
	other := sign(t, "not json", "opaque claims", "another key", false)
	if got := r.String(other); got != other {
		t.Errorf("a triple signed by another key is not known to be a token: %s", got)
	}
}

// opaque is a token the structural scan cannot see: its header is not JSON.
func opaque(t *testing.T, claims string) string {
	return sign(t, "opaque-header", claims, "server side", false)
}

func TestLearnJSONAtAnyDepthAndEveryDuplicate(t *testing.T) {
	first, second, nested, inString, after := opaque(t, "1"), opaque(t, "2"), opaque(t, "3"), opaque(t, "4"), opaque(t, "5")
	body := `{"access":"` + first + `","access":"` + second + `","user":{"tokens":[{"id_token":"` + nested +
		`"}]},"raw":"{\"t\":\"` + inString + `\"}"} trailing ` + after
	r := New()
	r.LearnJSON([]byte(body))
	for i, tok := range []string{first, second, nested, inString, after} {
		// Printed elsewhere, and in forms the scan cannot see.
		for _, form := range []string{tok, url.QueryEscape(tok), "sig=" + sigOf(tok)} {
			got := r.String("echo: " + form)
			if strings.Contains(got, sigOf(tok)) {
				t.Errorf("token %d as %q: signature leaked: %s", i, form, got)
			}
		}
	}
}

// A JSON string may escape a token's characters; only a JSON decoder sees the token then.
func TestLearnJSONSeesEscapedTokens(t *testing.T) {
	std := sign(t, "opaque?>?>", "claims~~~?>", "server side", true)
	if !strings.Contains(std, "/") {
		t.Fatalf("the test token should hold a slash: %s", std)
	}
	// Escape a character in the middle of the signature too, so that no raw run holds it.
	mid := strings.LastIndexByte(std, '.') + 22
	escaped := strings.ReplaceAll(std[:mid], "/", `\/`) + fmt.Sprintf(`\u%04x`, std[mid]) + std[mid+1:]
	r := New()
	r.LearnJSON([]byte(`{"access":"` + escaped + `"}`))
	if got := r.String("echo " + std); strings.Contains(got, sigOf(std)) {
		t.Fatalf("token escaped in JSON was not learned: %s", got)
	}
}

func TestLearnHeaderValues(t *testing.T) {
	debug, link := opaque(t, "debug"), opaque(t, "link")
	r := New()
	r.LearnHeader(http.Header{
		"X-Debug-Token": {debug},
		"Link":          {`<https://x/next?t=` + link + `>; rel="next"`},
		"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("user:pass-word"))},
		"Set-Cookie":    {"sessionid=abcdefgh12345678; Path=/; HttpOnly"},
	})
	got := r.String("body " + debug + " " + link + " sessionid abcdefgh12345678 " + base64.StdEncoding.EncodeToString([]byte("user:pass-word")))
	for _, leak := range []string{sigOf(debug), sigOf(link), "abcdefgh12345678", "dXNlcjpw"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q leaked: %s", leak, got)
		}
	}
	if strings.Contains(got, "Path") || !strings.Contains(got, "body ") {
		t.Errorf("evidence lost: %s", got)
	}
}

func TestWriterMasksAcrossWrites(t *testing.T) {
	tok := sign(t, `{"alg":"HS256"}`, claimsJSON, "k", false)
	var out strings.Builder
	r := New(canaryPassword)
	w := r.Writer(&out)
	whole := "token " + tok + " password " + canaryPassword + "\nsecond line " + canaryPassword
	for i := 0; i < len(whole); i += 7 {
		fmt.Fprint(w, whole[i:min(i+7, len(whole))])
	}
	if strings.Contains(out.String(), "second line") {
		t.Errorf("a partial line was written before its newline: %q", out.String())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, sigOf(tok)) || strings.Contains(got, canaryPassword) {
		t.Fatalf("leak across writes: %s", got)
	}
	if !strings.Contains(got, "second line "+Mask) {
		t.Fatalf("Close should write the pending line: %q", got)
	}
}

func TestWriterMasksASecretHoldingANewline(t *testing.T) {
	var out strings.Builder
	w := New("first line\nsecond").Writer(&out)
	fmt.Fprint(w, "a first line\n")
	fmt.Fprint(w, "second half\n")
	w.Close()
	if strings.Contains(out.String(), "first line") || strings.Contains(out.String(), "second") {
		t.Fatalf("a secret across a newline leaked: %q", out.String())
	}
}

func TestBoundError(t *testing.T) {
	tok := sign(t, `{"alg":"HS256"}`, claimsJSON, "k", false)
	r := New(canaryPassword)
	server := "HTTP/1.1 " + canaryPassword + " " + tok + strings.Repeat("x", 500)
	for _, tmpl := range []string{
		`Post "https://user:pw@api.example/api/v1/auth/jwt/create/": net/http: HTTP/1.x transport connection broken: malformed HTTP version %q`,
		`Post "https://api.example/": net/http: HTTP/1.x transport connection broken: malformed MIME header: missing colon: %q`,
		`Get "https://api.example/": failed to parse Location header %q: parse error`,
	} {
		msg := fmt.Sprintf(tmpl, server)
		got := r.BoundError(errors.New(msg), 40)
		class := tmpl[strings.Index(tmpl, ": ")+2 : strings.Index(tmpl, "%q")]
		if !strings.Contains(got, class) {
			t.Errorf("class lost: %s", got)
		}
		if strings.Contains(got, sigOf(tok)) || strings.Contains(got, canaryPassword) || strings.Contains(got, "pä") || strings.Contains(got, "user:pw") {
			t.Errorf("leak: %s", got)
		}
		if len(got) > len(tmpl)+120 || strings.Contains(got, "xxxxxxxxxx") {
			t.Errorf("server bytes not bounded (%d bytes): %s", len(got), got)
		}
		if strings.Contains(got, "\n") {
			t.Errorf("not one line: %q", got)
		}
	}
	if got := r.Bound(`unterminated "`+canaryPassword+strings.Repeat("y", 100), 10); strings.Contains(got, "pä") || strings.Contains(got, "yyyyyyyyyyy") {
		t.Errorf("an unterminated quote is server bytes too: %s", got)
	}
}

func TestURLDropsUserinfo(t *testing.T) {
	for in, want := range map[string]string{
		"http://user:secret@host:8000/api/?q=1": "http://host:8000/api/?q=1",
		"http://user@host/":                     "http://host/",
		"http://host/path":                      "http://host/path",
		"http://us er:sec ret@host/%zz":         "http://host/%zz",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
	if got := New("s3cret-value").URL("http://h/?p=s3cret-value"); strings.Contains(got, "s3cret") {
		t.Errorf("secret in query kept: %s", got)
	}
}

func TestClaimsMaskOnlySecretsAndTokens(t *testing.T) {
	tok := sign(t, `{"alg":"HS256"}`, claimsJSON, "k", false)
	r := New(canaryPassword)
	got := r.Claims(map[string]any{
		"email":   "admin@zonesmart.ru",
		"user_id": 1.0,
		"note":    "pw is " + canaryPassword,
		"inner":   tok,
		"nested":  map[string]any{"list": []any{"ok", opaque(t, "x")}},
	})
	if got["email"] != "admin@zonesmart.ru" || got["user_id"] != 1.0 {
		t.Errorf("evidence lost: %v", got)
	}
	if got["note"] != Mask || got["inner"] != Mask {
		t.Errorf("secret or token kept: %v", got)
	}
	list := got["nested"].(map[string]any)["list"].([]any)
	if list[0] != "ok" || list[1] != Mask {
		t.Errorf("nested: %v", list)
	}
}

func TestConcurrentUse(t *testing.T) {
	r := New("base-secret")
	tok := sign(t, `{"alg":"HS256"}`, claimsJSON, "k", false)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				r.AddSecret(fmt.Sprintf("secret-%d-%d", i, j))
				r.AddToken(opaque(t, fmt.Sprint(i, j)))
				if got := r.String("base-secret " + tok); strings.Contains(got, "base-secret") || strings.Contains(got, sigOf(tok)) {
					t.Errorf("leak under concurrency: %s", got)
					return
				}
			}
		}(i)
	}
	wg.Wait()
}

// A token whose claims hold the password or another signed token keeps its header and every
// other claim readable; those two claims are masked.
func TestClaimsHoldingSecretsMaskedInsideTheToken(t *testing.T) {
	r := New(canaryPassword)
	inner := sign(t, `{"alg":"HS256","typ":"JWT"}`, `{"jti":"inner"}`, canaryKey, false)
	claims, _ := json.Marshal(map[string]any{"email": "a@example.com", "pw": canaryPassword, "session": inner, "user_id": 7})
	outer := sign(t, `{"alg":"HS256","typ":"JWT"}`, string(claims), canaryKey, false)
	got := r.String("token " + outer + " end")
	for _, leak := range []string{sigOf(inner), sigOf(outer), base64.RawURLEncoding.EncodeToString([]byte(inner))[8:40]} {
		if strings.Contains(got, leak) {
			t.Errorf("still holds %q: %s", leak, got)
		}
	}
	segs := strings.Split(strings.Fields(got)[1], ".")
	if len(segs) != 3 || segs[2] != SignatureMask {
		t.Fatalf("the token lost its shape: %s", got)
	}
	data, err := base64.RawURLEncoding.DecodeString(segs[1])
	if err != nil {
		t.Fatalf("claims no longer decode: %v", err)
	}
	var back map[string]any
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("claims no longer JSON: %v", err)
	}
	if back["email"] != "a@example.com" || back["pw"] != Mask || back["session"] != Mask || back["user_id"] != float64(7) {
		t.Errorf("claims = %v, want email and user_id kept, pw and session masked", back)
	}
}

// A public token (the page's examples) stays whole, even once learned; so does one carrying its
// signature, but not a longer run.
func TestPublicTokensStayWhole(t *testing.T) {
	pub := sign(t, `{"alg":"HS256","typ":"JWT"}`, `{"jti":"page"}`, canaryKey, false)
	r := New()
	r.SetSigningKey([]byte(canaryKey))
	r.AddPublic(pub)
	r.LearnText("learned " + pub)
	if got := r.String("page " + pub); got != "page "+pub {
		t.Errorf("a public token was masked: %s", got)
	}
	if f := r.Find("page " + pub); len(f) != 0 {
		t.Errorf("Find reports a public token: %v", f)
	}
	if alt := "eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0." + sigOf(pub); r.String(alt) != alt {
		t.Errorf("a token carrying the public signature was masked: %s", r.String(alt))
	}
	derived := pub + ".eyJ4IjoxfQ"
	if got := r.String(derived); strings.Contains(got, sigOf(pub)) {
		t.Errorf("a token derived from a public one kept its signature: %s", got)
	}
}

// An unsigned token has nothing to learn: its claims must not be taken for a signature and
// masked in the signed token that carries them.
func TestUnsignedTokenLearnsNothing(t *testing.T) {
	signed := sign(t, `{"alg":"HS256","typ":"JWT"}`, `{"jti":"claims-shared-by-both"}`, canaryKey, false)
	unsigned := headAndClaims(signed) + "."
	r := New()
	r.LearnText("JWT " + unsigned)
	if got := r.String(signed); got != headAndClaims(signed)+"."+SignatureMask {
		t.Errorf("the signed token lost its claims: %s", got)
	}
}
