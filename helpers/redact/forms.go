package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
)

// Forms returns s in every encoding the suite masks it in: raw; JSON-escaped as Go writes it
// (with and without HTML escaping), as Python's json.dumps writes it (ensure_ascii on and
// off) and with escaped slashes; JSON-escaped twice; Go-quoted (%q, strconv.Quote,
// QuoteToASCII), also of the JSON forms; HTML-escaped (&#34; &quot; &#39; &apos; &#x27;), also
// of the JSON forms, and JSON-escaped after HTML escaping; URL query and path escaped (Go, Python quote and quote_plus,
// JavaScript encodeURIComponent); and base64 and base64url of the raw and JSON forms at each
// of the three alignments, as the secret appears inside an encoded claim. Base64 fragments
// shorter than eight characters are left out: they would mask innocent text. Empty strings
// are never a form.
func Forms(s string) []string {
	if s == "" {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	add(s)
	jsonForms := []string{
		goJSON(s, true), goJSON(s, false),
		pyJSON(s, true, false), pyJSON(s, true, true), pyJSON(s, false, false),
	}
	for _, f := range jsonForms[:len(jsonForms):len(jsonForms)] {
		jsonForms = append(jsonForms, strings.ReplaceAll(f, "/", `\/`))
	}
	for _, f := range jsonForms {
		add(f)
		// Doubly escaped: a JSON document carried in a JSON string.
		add(goJSON(f, true))
		add(goJSON(f, false))
		add(pyJSON(f, true, false))
	}
	for _, f := range append([]string{s}, jsonForms...) {
		add(goQuote(f, false))
		add(goQuote(f, true))
		for _, h := range htmlForms(f) {
			add(h)
		}
	}
	// HTML-escaped, then carried in a JSON string: a server's HTML snippet in a JSON answer.
	for _, h := range htmlForms(s) {
		add(goJSON(h, true))
		add(goJSON(h, false))
		add(pyJSON(h, true, false))
	}
	for _, f := range urlForms(s) {
		add(f)
	}
	for _, f := range append([]string{s}, jsonForms[:5]...) { // a claim holds a JSON form
		for _, b := range base64Forms(f) {
			add(b)
		}
	}
	return out
}

// tokenForms is a token as it may be echoed: its characters are base64 and dots, so only a
// slash, a plus or padding change under escaping.
func tokenForms(tok string) []string {
	forms := []string{tok, strings.ReplaceAll(tok, "/", `\/`)}
	forms = append(forms, urlForms(tok)...)
	forms = append(forms, goJSON(tok, true), pyJSON(tok, true, false))
	return dedupe(forms)
}

// signatureForms is a signature as it may be echoed, alone or encoded inside a claim.
func signatureForms(sig string) []string {
	return dedupe(append(tokenForms(sig), base64Forms(sig)...))
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// goJSON is s as encoding/json writes it inside a string, without the quotes.
func goJSON(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(s); err != nil {
		return ""
	}
	q := strings.TrimSuffix(b.String(), "\n")
	return q[1 : len(q)-1]
}

// pyJSON is s as Python's json.dumps writes it inside a string: with ensure_ascii every
// non-ASCII character becomes \uXXXX (lower-case hex, surrogate pairs beyond the BMP; upper
// case as some other encoders write it).
func pyJSON(s string, ensureASCII, upper bool) string {
	hex := "%04x"
	if upper {
		hex = "%04X"
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\f':
			b.WriteString(`\f`)
		case c < 0x20 || (ensureASCII && c > 0x7e):
			if c > 0xffff {
				c -= 0x10000
				fmt.Fprintf(&b, `\u`+hex+`\u`+hex, 0xd800+(c>>10), 0xdc00+(c&0x3ff))
			} else {
				fmt.Fprintf(&b, `\u`+hex, c)
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func goQuote(s string, ascii bool) string {
	q := strconv.Quote(s)
	if ascii {
		q = strconv.QuoteToASCII(s)
	}
	return q[1 : len(q)-1]
}

// htmlForms is s HTML-escaped as Go's html.EscapeString and html/template do, and with the
// named and hexadecimal references other stacks (Django, Python's html.escape) use.
func htmlForms(s string) []string {
	base := html.EscapeString(s) // &lt; &gt; &amp; &#39; &#34;
	out := []string{base}
	for _, v := range [][2]string{{"&quot;", "&#39;"}, {"&quot;", "&#x27;"}, {"&quot;", "&apos;"}, {"&#x22;", "&#x27;"}} {
		out = append(out, strings.NewReplacer("&#34;", v[0], "&#39;", v[1]).Replace(base))
	}
	return out
}

// urlForms is s percent-encoded as Go's url.QueryEscape and url.PathEscape do, as Python's
// quote and quote_plus do, as JavaScript's encodeURIComponent does, and in lower-case hex.
func urlForms(s string) []string {
	out := []string{
		url.QueryEscape(s), url.PathEscape(s),
		percent(s, "-_.~/", "%20"), percent(s, "-_.~", "+"), percent(s, "-_.!~*'()", "%20"),
	}
	for _, f := range out[:len(out):len(out)] {
		out = append(out, lowerPercent(f))
	}
	return out
}

func percent(s, unreserved, space string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			b.WriteString(space)
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(unreserved, c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func lowerPercent(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerHex(b[i+1]), lowerHex(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lowerHex(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// base64Forms is the part of s's base64 and base64url encodings that depends on s alone, at
// each of the three byte alignments it may have inside a longer encoded text (a claim).
func base64Forms(s string) []string {
	var out []string
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for a := 0; a < 3; a++ {
			full := enc.EncodeToString(append(make([]byte, a), s...))
			from, to := (8*a+5)/6, 8*(a+len(s))/6
			if to-from >= 8 {
				out = append(out, full[from:to])
			}
		}
		if a := enc.EncodeToString([]byte(s)); len(a) >= 8 {
			out = append(out, a) // the whole value encoded, its last character included
		}
	}
	if p := base64.StdEncoding.EncodeToString([]byte(s)); len(p) >= 8 {
		out = append(out, p)
	}
	if p := base64.URLEncoding.EncodeToString([]byte(s)); len(p) >= 8 {
		out = append(out, p)
	}
	return out
}
