package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Claims returns a copy of claims, at any depth, in which every value that holds a secret or
// a token is Mask; every other claim, the email included, stays visible as evidence.
func (r *Redactor) Claims(claims map[string]any) map[string]any {
	if claims == nil {
		return nil
	}
	out := make(map[string]any, len(claims))
	for k, v := range claims {
		out[k] = r.claim(v)
	}
	return out
}

func (r *Redactor) claim(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return r.Claims(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = r.claim(e)
		}
		return out
	case string:
		if r.String(x) != x || len(Tokens(x, r.matcher().key)) > 0 {
			return Mask
		}
		return x
	case json.Number, float64, int, int64:
		if s := fmt.Sprint(x); r.String(s) != s {
			return Mask
		}
	}
	return v
}

// maxClaimsSegment bounds the claims segments decoded and masked: a longer one is left to the
// by-value masking, so that a hostile body cannot make every line cost a large decode.
const maxClaimsSegment = 64 << 10

// claimsOf is what String does with a token's claims segment: when its claims hold a secret or
// another token (Claims), the segment is written again, in its own alphabet, with those
// values Mask and every other claim as it was; the header and the rest of the evidence stay
// readable.
func (m *matcher) claimsOf(r *Redactor) func(seg string) (string, bool) {
	return func(seg string) (string, bool) {
		if len(seg) > maxClaimsSegment {
			return "", false
		}
		if v, ok := m.claims.Load(seg); ok {
			return v.(string), v.(string) != ""
		}
		masked := r.maskClaimsSegment(seg)
		m.claims.Store(seg, masked)
		return masked, masked != ""
	}
}

// maskClaimsSegment returns seg re-encoded with its secret-holding claims masked, or "" when
// seg is not an encoded JSON object or holds nothing to mask.
func (r *Redactor) maskClaimsSegment(seg string) string {
	data := strings.TrimRight(seg, "=")
	for i := 0; i < len(data); i++ {
		if !isB64(data[i]) {
			return ""
		}
	}
	dec := json.NewDecoder(bytes.NewReader(decode(data)))
	dec.UseNumber()
	var claims map[string]any
	if dec.Decode(&claims) != nil || claims == nil {
		return ""
	}
	masked := r.Claims(claims)
	if reflect.DeepEqual(masked, claims) {
		return ""
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(masked) != nil {
		return ""
	}
	text := bytes.TrimSpace(b.Bytes())
	alphabet := base64.RawURLEncoding
	switch {
	case strings.HasSuffix(seg, "=") && strings.ContainsAny(seg, "-_"):
		alphabet = base64.URLEncoding
	case strings.HasSuffix(seg, "="):
		alphabet = base64.StdEncoding
	case strings.ContainsAny(seg, "+/"):
		alphabet = base64.RawStdEncoding
	}
	return alphabet.EncodeToString(text)
}

// DefaultBound is how many characters of quoted server bytes BoundError keeps when asked for
// none: enough to recognise what the server sent, too few to carry much of it.
const DefaultBound = 40

// BoundError renders err in one line for a report: its text redacted, and every Go-quoted
// string in it (Go's transport quotes the bytes it could not parse: malformed HTTP version
// "…", malformed MIME header: missing colon: "…", failed to parse Location header "…") cut
// to at most n redacted characters. A quoted URL is kept whole, without userinfo.
func (r *Redactor) BoundError(err error, n int) string {
	if err == nil {
		return ""
	}
	return r.Bound(err.Error(), n)
}

// Bound is BoundError for an error's text.
func (r *Redactor) Bound(msg string, n int) string {
	if n <= 0 {
		n = DefaultBound
	}
	// Whole first: a secret holding a quote would otherwise be cut into pieces at it.
	msg = r.String(msg)
	var b strings.Builder
	for msg != "" {
		i := strings.IndexByte(msg, '"')
		if i < 0 {
			b.WriteString(r.String(msg))
			break
		}
		b.WriteString(r.String(msg[:i]))
		msg = msg[i:]
		q, err := strconv.QuotedPrefix(msg)
		if err != nil {
			// An unterminated quote: the rest is server bytes.
			b.WriteString(bound(r.String(msg), n))
			break
		}
		msg = msg[len(q):]
		unq, _ := strconv.Unquote(q)
		if u, err := url.Parse(unq); err == nil && u.Scheme != "" && u.Host != "" && !strings.ContainsAny(unq, " \"") {
			b.WriteString(strconv.Quote(r.URL(unq)))
			continue
		}
		red := r.String(unq)
		cut := bound(red, n)
		b.WriteString(strconv.Quote(cut))
		if len(cut) < len(red) {
			fmt.Fprintf(&b, "… (%d more bytes)", len(red)-len(cut))
		}
	}
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(b.String())
}

// bound cuts s to at most n runes.
func bound(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := 0; k < n; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// URL renders a URL without its userinfo (user and password are dropped, not masked) and,
// through url.URL.Redacted, without any password left in it.
func URL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return stripUserinfo(s)
	}
	u.User = nil
	return u.Redacted()
}

// URL is the package's URL with every known secret and token masked too.
func (r *Redactor) URL(s string) string { return r.String(URL(s)) }

// stripUserinfo drops "user:pass@" from text that does not parse as a URL.
func stripUserinfo(s string) string {
	scheme := strings.Index(s, "://")
	if scheme < 0 {
		return s
	}
	rest := s[scheme+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
		return s[:scheme+3] + rest[at+1:]
	}
	return s
}

// Finding is something Find still sees in a text: its kind (KindSecret, KindToken,
// KindSignature, KindVerifying or KindField), where it starts, and its length.
type Finding struct {
	Kind   string
	Offset int
	Len    int
}

func (f Finding) String() string { return fmt.Sprintf("%s at byte %d", f.Kind, f.Offset) }

// Find reports every secret or token the redactor would mask in text: every registered form
// of a secret or learned token, every token found by its shape whose signature is still
// there, every triple that verifies under the signing key, and every password-like field
// whose value is not Mask. On text the redactor produced it finds nothing; a recorder or a
// leak test refuses text in which it finds anything. Registered values come first, then
// tokens, then fields, each in order of offset.
func (r *Redactor) Find(text string) []Finding {
	m := r.matcher()
	var out []Finding
	out = m.findValues(text)
	for _, f := range findTokens(text, m.key) {
		if f.bare && !isPublic(m.public, f.text) {
			kind := KindToken
			if f.verified {
				kind = KindVerifying
			}
			out = append(out, Finding{kind, f.start, f.end - f.start})
		}
	}
	if !mayHoldField(text) {
		return out
	}
	for _, loc := range jsonSecretField.FindAllStringSubmatchIndex(text, -1) {
		if text[loc[3]:loc[1]] != `"`+Mask+`"` {
			out = append(out, Finding{KindField, loc[0], loc[1] - loc[0]})
		}
	}
	for _, loc := range formSecretField.FindAllStringSubmatchIndex(text, -1) {
		if text[loc[3]:loc[1]] != Mask && loc[3] < loc[1] {
			out = append(out, Finding{KindField, loc[0], loc[1] - loc[0]})
		}
	}
	return out
}

// Find's markers: bytes no text the suite prints holds, around the index of a key.
const (
	marker    = "\x00\xffredact:"
	markerEnd = "\x00"
)

// findValues reports every registered value in text, in one pass of the finder (the same
// leftmost-longest matching that String does), or by searching key after key when the
// text itself holds a marker.
func (m *matcher) findValues(text string) []Finding {
	var out []Finding
	if len(m.keys) == 0 {
		return nil
	}
	if strings.Contains(text, marker) {
		for _, k := range m.keys {
			for from := 0; ; {
				i := strings.Index(text[from:], k)
				if i < 0 {
					break
				}
				out = append(out, Finding{m.values[k].kind, from + i, len(k)})
				from += i + 1
			}
		}
		return out
	}
	marked := m.finder.Replace(text)
	offset := 0 // in text
	for {
		i := strings.Index(marked, marker)
		if i < 0 {
			return out
		}
		offset += i
		rest := marked[i+len(marker):]
		end := strings.Index(rest, markerEnd)
		k := m.keys[atoi(rest[:end])]
		out = append(out, Finding{m.values[k].kind, offset, len(k)})
		offset += len(k)
		marked = rest[end+len(markerEnd):]
	}
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// maxLine bounds what a Writer holds while it waits for a newline; a longer line is written
// redacted when it reaches this size.
const maxLine = 1 << 20

// LineWriter redacts what passes through it a line at a time, so that a secret or a token
// split across two Write calls is still masked. Close and Sync write a pending partial line.
// It is safe for concurrent use.
type LineWriter struct {
	r   *Redactor
	w   io.Writer
	mu  sync.Mutex
	buf []byte
}

// Writer returns a LineWriter that writes to w everything it is given, redacted.
func (r *Redactor) Writer(w io.Writer) *LineWriter { return &LineWriter{r: r, w: w} }

// Write buffers p and writes every complete line, redacted. It reports len(p) written unless
// the underlying writer fails.
func (lw *LineWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.buf = append(lw.buf, p...)
	// A secret that holds a newline may straddle the last one: hold back as much as the
	// longest such secret, up to an earlier newline.
	hold := lw.r.matcher().multiLine
	i := bytes.LastIndexByte(lw.buf[:max(0, len(lw.buf)-hold)], '\n')
	if i < 0 && len(lw.buf) < maxLine {
		return len(p), nil
	}
	if i < 0 {
		i = len(lw.buf) - 1
	}
	line := lw.buf[:i+1]
	if _, err := io.WriteString(lw.w, lw.r.String(string(line))); err != nil {
		return 0, err
	}
	lw.buf = append(lw.buf[:0], lw.buf[i+1:]...)
	return len(p), nil
}

// Sync writes a pending partial line, redacted, and syncs the underlying writer if it can.
func (lw *LineWriter) Sync() error {
	if err := lw.flush(); err != nil {
		return err
	}
	if s, ok := lw.w.(interface{ Sync() error }); ok {
		return s.Sync()
	}
	return nil
}

// Close writes a pending partial line, redacted. It does not close the underlying writer,
// which is usually the process's standard output.
func (lw *LineWriter) Close() error { return lw.flush() }

func (lw *LineWriter) flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if len(lw.buf) == 0 {
		return nil
	}
	_, err := io.WriteString(lw.w, lw.r.String(string(lw.buf)))
	lw.buf = lw.buf[:0]
	return err
}
