package leakserver

import (
	"encoding/base64"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/fixtures"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

var canaries = DefaultCanaries()

func scan(text string) []Hit { return NewScanner(canaries).Scan("out.txt", []byte(text)) }

func hitsOf(hits []Hit, what string) []Hit {
	var out []Hit
	for _, h := range hits {
		if h.What == what {
			out = append(out, h)
		}
	}
	return out
}

// Every encoding of each secret is found, in the class that decodes it, and no hit repeats it.
func TestEveryEncodingOfEachSecretIsFound(t *testing.T) {
	for _, secret := range []struct{ name, value string }{{"password", canaries.Password}, {"key", canaries.Key}} {
		for _, enc := range Encodings {
			for _, wrap := range []struct{ name, before, after string }{
				{"in a JSON string", `{"detail":"`, `"}`},
				{"in a sentence", "the server said ", " and stopped"},
			} {
				text := wrap.before + enc.Encode(secret.value) + wrap.after
				hits := hitsOf(scan(text), secret.name)
				if len(hits) != 1 {
					t.Errorf("%s %s %s: %d hits, want 1: %v", secret.name, enc.Name, wrap.name, len(hits), hits)
					continue
				}
				if enc.Name == "raw" && hits[0].Class != "raw" {
					t.Errorf("a raw %s was found as %s", secret.name, hits[0].Class)
				}
				if piece := pieceOfASecret(hits[0].String()); piece != "" {
					t.Errorf("the hit shows %q of a secret: %s", piece, hits[0])
				}
			}
		}
	}
}

// A trimmed password is still the password.
func TestATrimmedSecretIsFound(t *testing.T) {
	if hits := hitsOf(scan("timeout "+strings.TrimSpace(canaries.Password)), "password"); len(hits) != 1 {
		t.Fatalf("the trimmed password was not found: %v", hits)
	}
}

// Base64 of a secret is found, in either alphabet, padded or not, aligned or glued to text.
func TestBase64OfASecretIsFound(t *testing.T) {
	userinfo := base64.StdEncoding.EncodeToString([]byte("canary:" + canaries.Password))
	claims := base64.RawURLEncoding.EncodeToString([]byte(`{"debug":"` + jsonInner(canaries.Key, true) + `"}`))
	for name, text := range map[string]string{
		"Basic authorization":   "Authorization: Basic " + userinfo,
		"a claims segment":      "eyJhbGciOiJub25lIn0." + claims + ".",
		"glued to other text":   "xyz" + base64.RawURLEncoding.EncodeToString([]byte("--"+canaries.Password)),
		"URL-encoded base64":    "token=" + url.QueryEscape(userinfo),
		"JSON-escaped, slashed": `{"b":"` + strings.ReplaceAll(userinfo, "/", `\/`) + `"}`,
	} {
		if hits := scan(text); len(hits) == 0 || !strings.Contains(hits[0].Class, "base64") {
			t.Errorf("%s: %v", name, hits)
		}
	}
}

// Every token shape that verifies under the key is found, wherever it stands.
func TestVerifyingTokensAreFoundInEveryShape(t *testing.T) {
	claims := map[string]any{"user_id": 7, "email": canaries.Email}
	for _, shape := range Shapes {
		tok := canaries.Mint(shape, claims)
		for name, text := range map[string]string{
			"alone":                  tok,
			"in a header":            "X-Debug-Token: " + tok,
			"with a fourth segment":  tok + ".ZXh0cmE",
			"URL-encoded":            "<http://h/?t=" + url.QueryEscape(tok) + ">",
			"Go-quoted in an error":  `malformed HTTP version "HTTP/1.1;` + tok + `"`,
			"inside another's claim": "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"session":"`+tok+`"}`)) + ".c2ln",
		} {
			hits := hitsOf(scan(text), "token")
			if len(hits) != 1 || !strings.HasSuffix(hits[0].Class, "verifying-token") {
				t.Errorf("%s token %s: %v", shape, name, hits)
				continue
			}
			if strings.Contains(hits[0].String(), tok[strings.LastIndexByte(tok, '.')+1:]) {
				t.Errorf("the hit repeats the signature: %s", hits[0])
			}
		}
	}
	// The shapes are what they claim to be.
	for shape, prefix := range map[TokenShape]string{ShapeCompact: "eyJ", ShapeSpaceHeader: "eyAi", ShapeNewlineHeader: "ewo"} {
		if tok := canaries.Mint(shape, claims); !strings.HasPrefix(tok, prefix) {
			t.Errorf("%s starts %.6s, want %s", shape, tok, prefix)
		}
	}
	if tok := canaries.Mint(ShapePaddedStd, claims); !strings.Contains(tok, "=") || !strings.ContainsAny(tok, "+/") {
		t.Errorf("padded-std has no padding or standard alphabet: %.20s…", tok)
	}
}

// The page's example tokens are public and signed with another key; a redacted token no longer
// verifies; the email is evidence. None of them is a hit.
func TestNoFalsePositives(t *testing.T) {
	page, err := fs.ReadFile(fixtures.Page, "page/auth.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tok := canaries.Mint(ShapeCompact, map[string]any{"user_id": 7})
	r := redact.New(canaries.Password, canaries.Key)
	r.AddToken(tok)
	for name, text := range map[string]string{
		"the page's examples": string(page),
		"a redacted token":    r.String(`{"access":"` + tok + `"}`),
		"the email":           `{"email":"` + canaries.Email + `"}`,
		"a masked signature":  tok[:strings.LastIndexByte(tok, '.')+1] + redact.SignatureMask,
		"a near password":     strings.TrimSpace(canaries.Password)[:len(strings.TrimSpace(canaries.Password))-1],
	} {
		if hits := scan(text); len(hits) > 0 {
			t.Errorf("%s: %v", name, hits)
		}
	}
}

// Markdown images and links are live outside code spans and fences, inert inside them, and a
// server's own backtick that closes a span makes what follows live.
func TestLiveMarkdownIsFound(t *testing.T) {
	link := "![x](http://" + MarkdownHost + "/p.png)"
	for text, live := range map[string]bool{
		"- note: " + link:                       true,
		"- note: `" + link + "`":                false,
		"- note: `" + markdownText + "`":        true,
		"- note: ``" + markdownText + "``":      false,
		"```text\n" + link + "\n```":            false,
		"````text\n```\n" + link + "\n````":     false,
		"| `ID` | " + link + " |":               true,
		"| `ID` | &lt;" + link[1:] + "&gt; |":   true,
		"- [x](http://example.invalid/ok) done": false,
	} {
		got := len(NewScanner(canaries).Scan("conformance.md", []byte(text))) > 0
		if got != live {
			t.Errorf("%q: live %v, want %v", text, got, live)
		}
	}
	if hits := NewScanner(canaries).Scan("report.json", []byte(link)); len(hits) != 0 {
		t.Errorf("Markdown outside a .md file is not rendered: %v", hits)
	}
}

// The server answers the flow with tokens that verify and fires the classes it is given.
func TestServerAnswersTheFlowAndLeaks(t *testing.T) {
	s, err := Start(Options{Canaries: canaries, Classes: Loud})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	body := jsonValue(map[string]string{"email": canaries.Email, "password": strings.TrimSpace(canaries.Password)})
	resp, err := http.Post(s.URL+"/v1/zonesmart/auth/jwt/create/", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !s.SawPassword() || !s.SawTrimmedPassword() {
		t.Fatalf("create: %d, saw password %v, trimmed %v", resp.StatusCode, s.SawPassword(), s.SawTrimmedPassword())
	}
	text := string(data) + "\n" + resp.Header.Get("X-Debug-Token") + "\n" + resp.Header.Get("X-Debug-Password") + "\n" + resp.Header.Get("X-Debug-Key")
	hits := NewScanner(canaries).Scan("create", []byte(text))
	classes := map[string]bool{}
	for _, h := range hits {
		classes[h.What+" "+h.Class] = true
		classes[h.What+" "+h.Chain] = true
		if h.What == "token" && strings.Contains(h.Place, "(4 segments") {
			classes["token of 4 segments"] = true
		}
	}
	for _, want := range []string{"password raw", "key raw", "token verifying-token", "password base64", "token base64+verifying-token", "token of 4 segments"} {
		if !classes[want] {
			t.Errorf("no %q among %v", want, classes)
		}
	}
	for _, c := range []Class{EchoJSON, EchoPython, TokenFields, DuplicateAccess, SecretClaims, FourSegments} {
		if s.Applied()[c] == 0 {
			t.Errorf("%s did not fire on create", c)
		}
	}
	// A raw answer makes Go's transport quote the secret.
	_, err = http.Get(s.URL + "/users/me/")
	if err == nil || len(hitsOf(NewScanner(canaries).Scan("error", []byte(err.Error())), "password")) == 0 {
		t.Errorf("the malformed header did not carry the password into the error: %v", err)
	}
	if _, err := Start(Options{Canaries: canaries, Classes: []Class{"no-such-class"}}); err == nil {
		t.Error("an unknown class was accepted")
	}
}

// pieceOfASecret is the first six bytes of a canary secret found in text, or "".
func pieceOfASecret(text string) string {
	for _, secret := range []string{canaries.Password, canaries.Key} {
		for i := 0; i+6 <= len(secret); i++ {
			if strings.Contains(text, secret[i:i+6]) {
				return secret[i : i+6]
			}
		}
	}
	return ""
}

// A context cut through a second secret shows no piece of it.
func TestContextsShowNoPieceOfASecret(t *testing.T) {
	text := `{"k":"` + canaries.Key + `","pw":"` + canaries.Password + `"}`
	for _, h := range scan(text) {
		if piece := pieceOfASecret(h.String()); piece != "" {
			t.Errorf("%q shows in %s", piece, h)
		}
	}
}

// A line holding a secret in several encodings names each of them, also when the line is
// itself escaped again, as report.json escapes what the suite printed.
func TestEachEncodingOnALineIsNamed(t *testing.T) {
	pw := canaries.Password
	body := jsonValue(map[string]string{"j": pw, "h": "<p>" + html.EscapeString(pw) + "</p>", "u": url.QueryEscape(pw)})
	for name, text := range map[string]string{"once": body, "twice": jsonValue(body)} {
		classes := map[string]bool{}
		for _, h := range scan(text) {
			classes[h.Class] = true
		}
		for _, want := range []string{"json", "html", "url"} {
			if !classes[want] {
				t.Errorf("%s: no %s hit among %v", name, want, classes)
			}
		}
	}
}
