package leakserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"unicode/utf16"
)

// Encoding is one way a server or a renderer writes a secret.
type Encoding struct {
	Name   string
	Encode func(string) string
}

// Encodings are the forms of a secret the issue lists, each as it appears inside a JSON string
// or a text line (the surrounding quotes are not part of it).
var Encodings = []Encoding{
	{"raw", func(s string) string { return s }},
	{"json", func(s string) string { return jsonInner(s, false) }},
	{"json-html-escaped", func(s string) string { return jsonInner(s, true) }},
	{"python-ensure-ascii", pythonASCII},
	{"double-json", func(s string) string { return jsonInner(jsonInner(s, false), false) }},
	{"go-quoted", func(s string) string { q := strconv.Quote(s); return q[1 : len(q)-1] }},
	{"go-quoted-ascii", func(s string) string { q := strconv.QuoteToASCII(s); return q[1 : len(q)-1] }},
	{"html", html.EscapeString},
	{"url-query", url.QueryEscape},
	{"url-path", url.PathEscape},
	{"json-of-html", func(s string) string { return jsonInner(html.EscapeString(s), true) }},
}

// jsonInner is s as encoding/json writes it, without the quotes.
func jsonInner(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s)
	out := bytes.TrimSpace(b.Bytes())
	return string(out[1 : len(out)-1])
}

// pythonASCII is s as Python's json.dumps writes it by default (ensure_ascii=True), without
// the quotes: every non-ASCII character as \uXXXX, in surrogate pairs above the BMP.
func pythonASCII(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// jsonValue is v as a JSON value, without HTML escaping, as Python and most stacks write it.
func jsonValue(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return string(bytes.TrimSpace(b.Bytes()))
}
