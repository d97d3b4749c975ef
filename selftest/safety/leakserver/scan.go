package leakserver

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
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Hit is one leak: where it is and how it was written, never the secret itself.
type Hit struct {
	File string // the stream or the file, relative to the scanned directory
	What string // "password", "key", "token" (a triple that verifies under the key) or "markdown"
	// Class is the encoding that hid it: "raw", "json" (JSON or Go-quote escapes), "html",
	// "url", "base64"; "verifying-token" for a token; "markdown" for live Markdown.
	Class string
	// Chain is every decoder applied, in order ("json+json+url"): a file's own format adds
	// some (report.json escapes what the suite printed).
	Chain string
	Place string // "line N: " and a short context with every secret masked
}

func (h Hit) String() string {
	return fmt.Sprintf("%s: %s [%s] at %s (decoded by %s)", h.File, h.What, h.Class, h.Place, h.Chain)
}

// classOf is the encoding a chain of decoders undid to find a secret: base64 if it took part
// (what it hid was escaped inside it, perhaps), else the last decoder, the one the secret
// itself was written in.
func classOf(chain string) string {
	if strings.Contains(chain, "base64") {
		return "base64"
	}
	return chain[strings.LastIndexByte(chain, '+')+1:]
}

// Scanner finds the canaries in what a run wrote.
type Scanner struct {
	needles []needle
	key     []byte
	// markdownHost is the host whose links must not be live in Markdown files.
	markdownHost string
}

type needle struct{ name, value string }

// NewScanner scans for c's password and key, and tokens that verify under c.Key. A secret is
// also looked for without its surrounding space: a trimmed secret is still the secret.
func NewScanner(c Canaries) *Scanner {
	s := &Scanner{key: []byte(c.Key), markdownHost: MarkdownHost}
	for _, n := range []needle{{"password", c.Password}, {"key", c.Key}} {
		if v := strings.TrimSpace(n.value); v != "" {
			s.needles = append(s.needles, needle{n.name, v})
		}
	}
	return s
}

// maxDepth bounds how many decoders are stacked on one line: enough for a doubly escaped
// secret inside an HTML-escaped report.
const maxDepth = 3

type decoder struct {
	name   string
	decode func(string) string
}

var decoders = []decoder{{"json", unescapeJSON}, {"html", html.UnescapeString}, {"url", unescapeURL}}

// A view is a line as one chain of decoders reads it. parent is the view it was decoded from:
// -1 for the line itself and for a decoded base64 segment, which is new text.
type view struct {
	class, text string
	parent      int
}

// views is every reading of one line, each text once.
type views struct {
	list []view
	seen map[string]bool
}

// add keeps v unless its text was read already, and says whether it did.
func (vs *views) add(v view) bool {
	if vs.seen[v.text] {
		return false
	}
	vs.seen[v.text] = true
	vs.list = append(vs.list, v)
	return true
}

// expand applies every decoder, up to depth times in a row, to the view at start.
func (vs *views) expand(start, depth int) {
	for from, to := start, start+1; depth > 0 && from < to; depth-- {
		for i, v := range vs.list[from:to] {
			for _, d := range decoders {
				vs.add(view{join(v.class, d.name), d.decode(v.text), from + i})
			}
		}
		from, to = to, len(vs.list)
	}
}

// Scan reports every leak in data, read as the named stream or file.
func (s *Scanner) Scan(file string, data []byte) []Hit {
	var hits []Hit
	for i, line := range bytes.Split(data, []byte("\n")) {
		hits = append(hits, s.scanLine(file, i+1, string(line))...)
	}
	if strings.HasSuffix(file, ".md") {
		hits = append(hits, s.scanMarkdown(file, string(data))...)
	}
	return hits
}

func (s *Scanner) scanLine(file string, lineNo int, line string) []Hit {
	vs := &views{seen: map[string]bool{}}
	vs.add(view{"raw", line, -1})
	vs.expand(0, maxDepth)
	// Base64 segments of every view, decoded, and those decoded again.
	for _, v := range snapshot(vs.list) {
		for _, dec := range base64Segments(v.text) {
			if vs.add(view{join(v.class, "base64"), dec, -1}) {
				vs.expand(len(vs.list)-1, maxDepth-1)
			}
		}
	}
	views := vs.list

	var hits []Hit
	place := func(v view, at, n int) string {
		return fmt.Sprintf("line %d: %s", lineNo, s.context(v.text, at, n))
	}
	found := map[string]bool{}
	for _, n := range s.needles {
		// A decoded view holds its parent's occurrences too: only more of them are new. Two
		// chains may find the same new ones; a line names each class once.
		named := map[string]bool{}
		for _, v := range views {
			count, before := strings.Count(v.text, n.value), 0
			if v.parent >= 0 {
				before = strings.Count(views[v.parent].text, n.value)
			}
			if class := classOf(v.class); count > before && !named[class] {
				named[class] = true
				hits = append(hits, Hit{file, n.name, class, v.class, place(v, nthIndex(v.text, n.value, before), len(n.value))})
			}
		}
	}
	for _, v := range views {
		for _, tok := range s.verifying(v.text) {
			if found[tok.signature] {
				continue
			}
			found[tok.signature] = true
			hits = append(hits, Hit{file, "token", "verifying-token", join(v.class, "verifying-token"),
				fmt.Sprintf("line %d: %s jti %q (%d segments from %s, verifies under %s)", lineNo, shorten(tok.head), s.jtiShown(tok.jti), tok.segments, ordinal(tok.first), tok.alg)})
		}
	}
	return hits
}

// nthIndex is where the n-th (from 0) occurrence of sub in text starts: in a decoded view,
// the first occurrence past those its parent already showed.
func nthIndex(text, sub string, n int) int {
	at := 0
	for ; n > 0; n-- {
		i := strings.Index(text[at:], sub)
		if i < 0 {
			break
		}
		at += i + len(sub)
	}
	if i := strings.Index(text[at:], sub); i >= 0 {
		return at + i
	}
	return strings.Index(text, sub)
}

// snapshot returns views as they are now, so that appending to the original does not loop.
func snapshot(v []view) []view { return append([]view(nil), v...) }

func join(class, next string) string {
	if class == "raw" {
		return next
	}
	return class + "+" + next
}

// context is a few characters around text[at:at+n] with every secret masked and long base64
// runs shortened, so that a hit can be placed without repeating what leaked.
func (s *Scanner) context(text string, at, n int) string {
	const around = 24
	lo, hi := max(0, at-around), min(len(text), at+n+around)
	for lo > 0 && !utf8.RuneStart(text[lo]) {
		lo--
	}
	for hi < len(text) && !utf8.RuneStart(text[hi]) {
		hi++
	}
	return strconv.Quote(s.mask(text[lo:at]) + "«SECRET»" + s.mask(text[at+n:hi]))
}

var longRun = regexp.MustCompile(`[A-Za-z0-9+/_=-]{16,}`)

// mask hides every secret in text, and every piece of one (four bytes or more), which a
// context cut at its edges would otherwise show.
func (s *Scanner) mask(text string) string {
	for _, n := range s.needles {
		text = strings.ReplaceAll(text, n.value, "«"+n.name+"»")
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		longest := 0
		for _, n := range s.needles {
			for j := len(text); j-i >= 4 && j-i > longest; j-- {
				if strings.Contains(n.value, text[i:j]) {
					longest = j - i
					break
				}
			}
		}
		if longest > 0 {
			b.WriteString("…")
			i += longest
			continue
		}
		b.WriteByte(text[i])
		i++
	}
	return longRun.ReplaceAllStringFunc(b.String(), shorten)
}

func shorten(run string) string {
	if len(run) <= 12 {
		return run
	}
	return run[:8] + "…"
}

func ordinal(i int) string {
	return [...]string{"the first", "the second", "the third", "the fourth"}[min(i, 3)] + " segment"
}

// ScanDir scans every file under dir, named relative to it.
func (s *Scanner) ScanDir(dir string) ([]Hit, error) {
	var hits []Hit
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		hits = append(hits, s.Scan(filepath.ToSlash(rel), data)...)
		return nil
	})
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].File < hits[j].File })
	return hits, err
}

// --- decoders ---

// unescapeJSON decodes every JSON (and Go-quote) escape in s, wherever it stands: \" \\ \/ \b
// \f \n \r \t, \uXXXX with surrogate pairs, and Go's \xNN. Other backslashes stay.
func unescapeJSON(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/', '\'':
			b.WriteByte(e)
			i++
		case 'b', 'f', 'n', 'r', 't':
			b.WriteByte(map[byte]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}[e])
			i++
		case 'u':
			r, ok := hex4(s, i+2)
			if !ok {
				b.WriteByte(c)
				continue
			}
			i += 5
			if utf16.IsSurrogate(r) {
				if lo, ok := hex4(s, i+3); ok && i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					r = utf16.DecodeRune(r, lo)
					i += 6
				}
			}
			b.WriteRune(r)
		case 'x':
			if i+3 < len(s) {
				if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
					b.WriteByte(byte(v))
					i += 3
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func hex4(s string, at int) (rune, bool) {
	if at+4 > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[at:at+4], 16, 16)
	return rune(v), err == nil
}

// unescapeURL decodes every valid %XX and reads + as a space, as a query does; an invalid
// escape stays as it is instead of failing the whole line.
func unescapeURL(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%' && i+2 < len(s):
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
			b.WriteByte(c)
		case c == '+':
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var base64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{8,}={0,2}`)

// base64Segments decodes every base64 run of text, in either alphabet, padded or not, from each
// of the four offsets a run glued to other text may start at.
func base64Segments(text string) []string {
	var out []string
	for _, run := range base64Run.FindAllString(text, -1) {
		for off := 0; off < 4 && off < len(run)-4; off++ {
			if b, ok := lenientBase64(run[off:]); ok && len(b) >= 6 {
				out = append(out, string(b))
			}
		}
	}
	return out
}

// lenientBase64 decodes s in either alphabet, with or without padding, dropping a trailing
// partial quantum.
func lenientBase64(s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	s = strings.NewReplacer("-", "+", "_", "/").Replace(s)
	if len(s)%4 == 1 {
		s = s[:len(s)-1]
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	return b, err == nil
}

// --- tokens ---

type foundToken struct {
	head      string // the first segment of the triple, for naming it
	jti       string // its jti claim, if any: evidence that tells one token from another
	signature string // decoded, for counting a token once per line
	segments  int
	first     int
	alg       string
}

var dottedRun = regexp.MustCompile(`[A-Za-z0-9+/_=-]+(?:\.[A-Za-z0-9+/_=-]+){2,}`)

var algs = []struct {
	name string
	hash func() hash.Hash
}{{"HS256", sha256.New}, {"HS384", sha512.New384}, {"HS512", sha512.New}}

// verifying finds every dot-separated triple in text whose third segment is the HMAC of the
// first two under the key: a token someone could use, whatever its shape.
func (s *Scanner) verifying(text string) []foundToken {
	if len(s.key) == 0 || !strings.Contains(text, ".") {
		return nil
	}
	var out []foundToken
	for _, run := range dottedRun.FindAllString(text, -1) {
		segs := strings.Split(run, ".")
		for i := 0; i+2 < len(segs); i++ {
			sig, ok := lenientBase64(segs[i+2])
			if !ok || (len(sig) != 32 && len(sig) != 48 && len(sig) != 64) {
				continue
			}
			// The run may have swallowed what stands before the token (t=, a path): try
			// every start after a character that cannot begin a compact segment's text.
			for _, head := range starts(segs[i]) {
				input := head + "." + segs[i+1]
				for _, a := range algs {
					m := hmac.New(a.hash, s.key)
					m.Write([]byte(input))
					if hmac.Equal(m.Sum(nil), sig) {
						out = append(out, foundToken{head, jtiOf(segs[i+1]), string(sig), len(segs), i, a.name})
					}
				}
			}
		}
	}
	return out
}

// jtiShown is a jti as a hit may show it: whole unless it holds a secret or looks like a token.
func (s *Scanner) jtiShown(jti string) string {
	if masked := s.mask(jti); masked != longRun.ReplaceAllStringFunc(jti, shorten) || strings.Count(jti, ".") >= 2 {
		return masked
	}
	return jti
}

// jtiOf is the jti claim of a claims segment, or "".
func jtiOf(seg string) string {
	data, ok := lenientBase64(seg)
	if !ok {
		return ""
	}
	var claims struct {
		JTI any `json:"jti"`
	}
	if json.Unmarshal(data, &claims) != nil {
		return ""
	}
	if j, ok := claims.JTI.(string); ok {
		return j
	}
	return ""
}

// starts lists seg and each of its suffixes that follows a '=', '/' or '+'.
func starts(seg string) []string {
	out := []string{seg}
	for i := 0; i < len(seg)-1; i++ {
		if strings.IndexByte("=/+", seg[i]) >= 0 {
			out = append(out, seg[i+1:])
		}
	}
	return out
}

// --- Markdown ---

var fenceLine = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")

// scanMarkdown reports links and images to the Markdown canary host that a renderer would make
// live: outside fences and code spans. It follows CommonMark's rules for backtick runs: a span
// closes only on a run of the same length.
func (s *Scanner) scanMarkdown(file, text string) []Hit {
	var hits []Hit
	fence := ""
	for i, line := range strings.Split(text, "\n") {
		if m := fenceLine.FindStringSubmatch(line); m != nil {
			switch {
			case fence == "":
				fence = m[1]
				continue
			case m[1][0] == fence[0] && len(m[1]) >= len(fence) && strings.TrimSpace(line) == m[1]:
				fence = ""
				continue
			}
		}
		if fence != "" {
			continue
		}
		live := outsideCodeSpans(line)
		if at := strings.Index(live, "](http://"+s.markdownHost); at >= 0 {
			hits = append(hits, Hit{file, "markdown", "markdown", "markdown", fmt.Sprintf("line %d: %s", i+1, strconv.Quote(s.mask(live[max(0, at-24):min(len(live), at+40)])))})
		}
	}
	return hits
}

// outsideCodeSpans blanks every code span of line, leaving the text a renderer would parse.
func outsideCodeSpans(line string) string {
	b := []byte(line)
	for i := 0; i < len(b); {
		if b[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(b) && b[i+n] == '`' {
			n++
		}
		closeAt := -1
		for j := i + n; j < len(b); {
			if b[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(b) && b[j+m] == '`' {
				m++
			}
			if m == n {
				closeAt = j
				break
			}
			j += m
		}
		if closeAt < 0 {
			i += n
			continue
		}
		for k := i; k < closeAt+n; k++ {
			b[k] = ' '
		}
		i = closeAt + n
	}
	return string(b)
}
