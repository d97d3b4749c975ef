package redact

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// The canaries hold every character that changes under some encoding: a quote, a backslash,
// HTML's < > &, a non-ASCII letter, a character beyond the BMP, and a leading space.
const (
	canaryPassword = ` pä"ss\<w>&ord-é-🔑`
	canaryKey      = `k&"ey<é\signing`
)

// sign returns a compact JWS over header and claims (JSON text), HMAC-signed under key, in
// the URL-safe alphabet without padding or, when std is set, the standard one with padding.
func sign(t testing.TB, header, claims, key string, std bool) string {
	t.Helper()
	enc := base64.RawURLEncoding
	if std {
		enc = base64.StdEncoding
	}
	var h func() hash.Hash
	switch {
	case strings.Contains(header, "HS384"):
		h = sha512.New384
	case strings.Contains(header, "HS512"):
		h = sha512.New
	default:
		h = sha256.New
	}
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(claims))
	mac := hmac.New(h, []byte(key))
	mac.Write([]byte(input))
	return input + "." + enc.EncodeToString(mac.Sum(nil))
}

func sigOf(tok string) string { return tok[strings.LastIndexByte(tok, '.')+1:] }

func headAndClaims(tok string) string { return tok[:strings.LastIndexByte(tok, '.')] }

func goJSONOf(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s)
	q := strings.TrimSpace(b.String())
	return q[1 : len(q)-1]
}

// encodings are the forms a server or a renderer may give a secret, computed by the
// libraries that produce them (and, for Python, written out by hand), not by this package.
func encodings(s string) map[string]string {
	marshal, _ := json.Marshal(s)
	twice, _ := json.Marshal(string(marshal))
	return map[string]string{
		"raw":                 s,
		"json.Marshal":        string(marshal[1 : len(marshal)-1]),
		"json no HTML escape": goJSONOf(s, false),
		"json twice":          string(twice[1 : len(twice)-1]),
		"%q":                  fmt.Sprintf("%q", s),
		"%+q":                 fmt.Sprintf("%+q", s),
		"strconv.Quote":       strconv.Quote(s),
		"QuoteToASCII":        strconv.QuoteToASCII(s),
		"%q of JSON":          fmt.Sprintf("%q", `{"password":"`+goJSONOf(s, true)+`"}`),
		"html.EscapeString":   html.EscapeString(s),
		"html &quot;":         strings.NewReplacer(`"`, "&quot;", "'", "&#x27;", "<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(s),
		"html of JSON":        html.EscapeString(goJSONOf(s, false)),
		"QueryEscape":         url.QueryEscape(s),
		"PathEscape":          url.PathEscape(s),
		"JSON of html":        goJSONOf(html.EscapeString(s), false),
		"JSON of html, Go":    goJSONOf(html.EscapeString(s), true),
		"base64":              base64.StdEncoding.EncodeToString([]byte(s)),
		"base64url":           base64.RawURLEncoding.EncodeToString([]byte(s)),
	}
}

// pythonASCII is json.dumps(canaryPassword) as Python writes it by default, quotes stripped.
const pythonASCII = ` p\u00e4\"ss\\<w>&ord-\u00e9-\ud83d\udd11`

func TestSecretMaskedInEveryEncoding(t *testing.T) {
	r := New(canaryPassword)
	forms := encodings(canaryPassword)
	forms["python ensure_ascii"] = pythonASCII
	forms["python ensure_ascii twice"] = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(pythonASCII)
	for name, form := range forms {
		for _, ctx := range []string{`{"detail":"%s"}`, "<pre>%s</pre>", "x=%s&y=1", "%s", "text before %s and after"} {
			in := fmt.Sprintf(ctx, form)
			got := r.String(in)
			if strings.Contains(got, form) {
				t.Errorf("%s form in %q: leaked: %s", name, ctx, got)
			}
			if f := r.Find(in); len(f) == 0 {
				t.Errorf("%s form in %q: Find saw nothing", name, ctx)
			}
			if f := r.Find(got); len(f) != 0 {
				t.Errorf("%s form in %q: Find still sees %v in %s", name, ctx, f, got)
			}
		}
	}
}

func TestSecretInsideEncodedClaimMasked(t *testing.T) {
	r := New(canaryPassword)
	for pad := 0; pad < 3; pad++ {
		claims := `{"n":"` + strings.Repeat("x", pad) + `","pw":"` + goJSONOf(canaryPassword, false) + `"}`
		tok := sign(t, `{"alg":"HS256"}`, claims, "other", false)
		got := r.String(tok)
		if strings.Contains(got, sigOf(tok)) {
			t.Errorf("signature kept: %s", got)
		}
		inner := base64.RawURLEncoding.EncodeToString([]byte(claims))
		if strings.Contains(got, inner) {
			t.Errorf("alignment %d: claims holding the password kept whole: %s", pad, got)
		}
	}
}

func TestSecretNeverTrimmed(t *testing.T) {
	r := New(" pw ")
	if got := r.String("a pw"); got != "a pw" {
		t.Errorf("a value without the spaces is not the secret: %q", got)
	}
	if got := r.String("[ pw ]"); got != "["+Mask+"]" {
		t.Errorf("got %q", got)
	}
	// A server that trims what it receives may echo a long secret trimmed: that is masked.
	r.AddSecret("  long secret value ")
	if got := r.String("echo long secret value."); got != "echo "+Mask+"." {
		t.Errorf("a long secret echoed trimmed: %q", got)
	}
	r.AddSecret("")
	if got := r.String("anything"); got != "anything" {
		t.Errorf("the empty secret masked something: %q", got)
	}
}
