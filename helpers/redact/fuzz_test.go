package redact

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
)

// pyDumps is Python's json.dumps(s) (ensure_ascii on), quotes stripped, written here apart
// from the package's own encoder so that the fuzz test checks it.
func pyDumps(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteRune(c)
		default:
			for _, u := range utf16.Encode([]rune{c}) {
				fmt.Fprintf(&b, `\u%04x`, u)
			}
		}
	}
	return b.String()
}

// An encoder is a way a server or a renderer may give a value back. structural says whether
// a token's shape survives it (so the scan alone must find an unlearned token in it).
type encoder struct {
	name       string
	structural bool
	encode     func(string) string
}

var encoders = []encoder{
	{"raw", true, func(s string) string { return s }},
	{"json.Marshal", true, func(s string) string { b, _ := json.Marshal(s); return string(b) }},
	{"json no HTML", true, func(s string) string { return `"` + goJSONOf(s, false) + `"` }},
	{"python ensure_ascii", true, func(s string) string { return `"` + pyDumps(s) + `"` }},
	{"json twice", true, func(s string) string { b, _ := json.Marshal(s); b, _ = json.Marshal(string(b)); return string(b) }},
	{"%q", true, func(s string) string { return fmt.Sprintf("%q", s) }},
	{"QuoteToASCII", true, strconv.QuoteToASCII},
	{"html.EscapeString", true, html.EscapeString},
	{"html &quot;", true, func(s string) string { return strings.ReplaceAll(html.EscapeString(s), "&#34;", "&quot;") }},
	{"QueryEscape", true, url.QueryEscape},
	{"PathEscape", true, url.PathEscape},
	{"base64", false, func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }},
	{"base64url", false, func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }},
}

// fuzzSubject is one value the fuzz test hides in its input.
type fuzzSubject struct {
	name    string
	value   string
	token   bool // keep header and claims readable
	learned bool // registered by value, so every encoding must be masked
}

var (
	fuzzOnce     sync.Once
	fuzzRedactor *Redactor
	fuzzSubjects []fuzzSubject
)

func fuzzSetup(t testing.TB) {
	fuzzOnce.Do(func() {
		learned := sign(t, `{"alg":"HS256","typ":"JWT"}`, claimsJSON, canaryKey, false)
		learnedStd := sign(t, `{ "alg": "HS512" }`, `{"jti":"?>?>?>~~~"}`, canaryKey, true)
		fromBody := sign(t, "opaque-header", "opaque-claims", "server side", false)
		structural := sign(t, "{\n \"alg\": \"HS384\"\n}", claimsJSON, "not known", false)
		structuralStd := sign(t, `{ "alg": "HS256" }`, `{"jti":"?>?>?>~~~"}`, "not known", true)
		verifying := sign(t, "not json", "claims", canaryKey, false)
		fuzzRedactor = New(canaryPassword)
		fuzzRedactor.SetSigningKey([]byte(canaryKey))
		fuzzRedactor.AddToken(learned)
		fuzzRedactor.LearnJSON([]byte(`{"access":"x","access":"` + learnedStd + `","n":{"t":["` + fromBody + `"]}}`))
		fuzzSubjects = []fuzzSubject{
			{"password", canaryPassword, false, true},
			{"signing key", canaryKey, false, true},
			{"learned token", learned, true, true},
			{"learned standard-alphabet token", learnedStd, true, true},
			{"token learned from a body", fromBody, true, true},
			{"unlearned token", structural, true, false},
			{"triple verifying under the key", verifying, true, false},
			{"unlearned standard-alphabet token", structuralStd, true, false},
		}
	})
}

// FuzzRedact hides a canary (the password, the key, or a token) in one encoding between
// arbitrary text, and checks that the output holds the canary in none of the encodings while
// a token's header and claims stay readable.
func FuzzRedact(f *testing.F) {
	f.Add("", "", uint8(0), uint8(0))
	f.Add(`{"detail":`, `}`, uint8(2), uint8(1))
	fuzzSetup(f)
	f.Fuzz(func(t *testing.T, prefix, suffix string, which, enc uint8) {
		sub := fuzzSubjects[int(which)%len(fuzzSubjects)]
		e := encoders[int(enc)%len(encoders)]
		if !sub.learned && !e.structural {
			return // not promised: only its shape gives such a token away
		}
		if !sub.learned && trailingRun(prefix) > maxGlued {
			return // a signed triple glued to this much base64 text is not looked for
		}
		out := fuzzRedactor.String(prefix + e.encode(sub.value) + suffix)
		secret := sub.value
		if sub.token {
			secret = sigOf(sub.value)
		}
		for _, other := range encoders {
			if form := other.encode(secret); len(form) >= 8 && strings.Contains(out, form) {
				t.Fatalf("%s given %s: its %s form %q is in the output: %q", sub.name, e.name, other.name, form, out)
			}
		}
		if sub.token && readable(e.name) && innocentContext(prefix, suffix) {
			evidence := e.encode(headAndClaims(sub.value))
			if e.name != "raw" {
				evidence = strings.Trim(evidence, `"\`) // the quotes an encoder adds
			}
			if !strings.Contains(out, evidence) {
				t.Fatalf("%s given %s: header and claims %q are no longer readable: %q", sub.name, e.name, evidence, out)
			}
		}
	})
}

// readable says whether a token's header and claims stay as they are under an encoding.
func readable(enc string) bool { return !strings.HasPrefix(enc, "base64") }

// trailingRun is how many base64 characters end s.
func trailingRun(s string) int {
	n := 0
	for n < len(s) && isB64(s[len(s)-1-n]) {
		n++
	}
	return n
}

// innocentContext says whether the text around a token leaves its claims alone: a password
// field's value is masked whole, and a dot in front makes the token's header a claims
// segment of a longer run.
func innocentContext(prefix, suffix string) bool {
	around := strings.ToLower(prefix + suffix)
	for _, w := range []string{"password", "secret", "signing_key"} {
		if strings.Contains(around, w) {
			return false
		}
	}
	p := strings.TrimRight(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
	return !strings.HasSuffix(p, ".") && !strings.HasSuffix(strings.ToUpper(p), "%2E") && !strings.HasSuffix(p, "=")
}

// TestFuzzSubjectsEveryEncoding runs the fuzz property on every subject and encoding
// between plain text, so that a plain `go test` covers each pair.
func TestFuzzSubjectsEveryEncoding(t *testing.T) {
	fuzzSetup(t)
	for w := range fuzzSubjects {
		for e := range encoders {
			for _, ctx := range [][2]string{{"", ""}, {"error: ", " at end"}, {`{"k":`, `}`}, {"<p>", "</p>"}} {
				out := fuzzRedactor.String(ctx[0] + encoders[e].encode(fuzzSubjects[w].value) + ctx[1])
				sub := fuzzSubjects[w]
				secret := sub.value
				if sub.token {
					secret = sigOf(secret)
				}
				if !sub.learned && !encoders[e].structural {
					continue
				}
				for _, other := range encoders {
					if form := other.encode(secret); len(form) >= 8 && strings.Contains(out, form) {
						t.Errorf("%s given %s: %s form in %q", sub.name, encoders[e].name, other.name, out)
					}
				}
			}
		}
	}
}
