package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"sort"
	"strings"
)

// The structural scanner finds tokens by their shape, in one left-to-right pass with no
// backtracking: runs of base64 segments of either alphabet (`+/` or `-_`), each with optional
// `=` padding, joined by dots. A run of two or more dots whose first segment decodes to a JSON
// object (optional whitespace, `{`, …, `}`) is a token, whatever its first bytes; PyJWT accepts
// such headers, so a hostile server may send them. When the signing key is known, any triple
// whose third segment is an HMAC of the first two under that key is a token too.

// b64 maps a byte to its 6-bit value in either base64 alphabet, or -1.
var b64 = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for i := 0; i < len(std); i++ {
		t[std[i]] = int8(i)
	}
	t['+'], t['-'] = 62, 62
	t['/'], t['_'] = 63, 63
	return t
}()

func isB64(c byte) bool { return b64[c] >= 0 }

// seg is one segment of a run: data s[start:end], padding up to pad, and dot, the length of
// the separator that follows (0 when the run ends here).
type seg struct{ start, end, pad, dot int }

func (g seg) next() int { return g.pad + g.dot }

func parseSeg(s string, i int) seg {
	g := seg{start: i, end: i}
	for g.end < len(s) && isB64(s[g.end]) {
		g.end++
	}
	g.pad = g.end
	for g.pad < len(s) && s[g.pad] == '=' {
		g.pad++
	}
	if g.pad < len(s) && s[g.pad] == '.' {
		g.dot = 1
	}
	return g
}

// A hit is a token the scanner found: its segments from the first, which starts at start
// (past any base64 text glued in front of it, say "20" of a "%20"), and the index of the
// first segment to mask.
type hit struct {
	start    int
	segs     []seg
	maskFrom int
	verified bool // by the signing key rather than by the header's shape
}

// scan calls found for every token in s, left to right, never overlapping.
func scan(s string, key []byte, found func(hit)) {
	for i := 0; i < len(s); {
		if !isB64(s[i]) {
			i++
			continue
		}
		g0 := parseSeg(s, i)
		if g0.dot == 0 {
			i = g0.pad
			continue
		}
		g1 := parseSeg(s, g0.next())
		if g1.dot == 0 {
			i = max(g1.pad, g0.next())
			continue
		}
		if off := headerOffset(s[g0.start:g0.end]); off >= 0 {
			segs := []seg{g0, g1}
			for g := g1; g.dot != 0; {
				g = parseSeg(s, g.next())
				segs = append(segs, g)
			}
			found(hit{start: g0.start + off, segs: segs, maskFrom: 2})
			i = max(segs[len(segs)-1].pad, g1.next())
			continue
		}
		if len(key) > 0 {
			g2 := parseSeg(s, g1.next())
			if off := verifies(s, key, g0, g1, g2); off >= 0 {
				found(hit{start: g0.start + off, segs: []seg{g0, g1, g2}, maskFrom: 2, verified: true})
				i = max(g2.pad, g1.next())
				continue
			}
		}
		// Not a token from here; one may start at the next segment.
		i = g0.next()
	}
}

// maxLeadingSpace bounds the whitespace looked through before a header's '{', so that the
// scan stays linear on hostile input (PyJWT accepts any amount; a few dozen is plenty).
const maxLeadingSpace = 48

// headerOffset returns where, within seg, base64 text starts that decodes to the start of a
// JSON object (optional whitespace, '{', optional whitespace, then '"' or '}'), or -1. Text
// glued in front of a token (a "20" left of "%20", a "3D" of "%3D", the "n" of an escaped
// newline) shifts the start, so every start is tried; a shifted start must also decode to a
// closing '}' at the end, which keeps dotted words ("index.example.com") out. Each try reads
// only a bounded number of characters at either end.
func headerOffset(seg string) int {
	for off := 0; off+3 <= len(seg); off++ {
		if opensObject(seg[off:]) && (off == 0 || closesObject(seg[off:])) {
			return off
		}
	}
	return -1
}

func opensObject(t string) bool {
	n := min(decodedLen(len(t)), maxLeadingSpace)
	k := 0
	for k < n && isJSONSpace(byteAt(t, k)) {
		k++
	}
	if k == n || byteAt(t, k) != '{' {
		return false
	}
	k++
	for k < n && isJSONSpace(byteAt(t, k)) {
		k++
	}
	return k < n && (byteAt(t, k) == '"' || byteAt(t, k) == '}')
}

func closesObject(t string) bool {
	n := decodedLen(len(t))
	for k := n - 1; k >= 0 && k >= n-maxLeadingSpace; k-- {
		if c := byteAt(t, k); !isJSONSpace(c) {
			return c == '}'
		}
	}
	return false
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// decodedLen is how many whole bytes n base64 characters carry, ignoring a lone trailing one.
func decodedLen(n int) int { return n * 6 / 8 }

// byteAt decodes byte k of unpadded base64 text t.
func byteAt(t string, k int) byte {
	bit := k * 8
	c := bit / 6
	v := uint16(b64[t[c]])<<6 | uint16(b64[t[c+1]])
	return byte(v >> (4 - bit%6))
}

// decode leniently decodes base64 of either alphabet, padding already stripped.
func decode(t string) []byte {
	out := make([]byte, decodedLen(len(t)))
	for k := range out {
		out[k] = byteAt(t, k)
	}
	return out
}

// maxGlued bounds how far into a run's first segment a signed triple may start.
const maxGlued = 16

// verifies returns where in g0 a triple starts whose g2 begins with an HMAC of the first two
// segments under key, or -1. Only a third segment long enough to hold an HS256, HS384 or
// HS512 signature costs anything; text glued after the signature is allowed for.
func verifies(s string, key []byte, g0, g1, g2 seg) int {
	for _, alg := range []struct {
		chars int
		hash  func() hash.Hash
	}{{43, sha256.New}, {64, sha512.New384}, {86, sha512.New}} {
		if g2.end-g2.start < alg.chars {
			break
		}
		sig := decode(s[g2.start : g2.start+alg.chars])
		mac := hmac.New(alg.hash, key)
		for off := 0; off <= maxGlued && g0.start+off < g0.end; off++ {
			mac.Reset()
			mac.Write([]byte(s[g0.start+off : g1.pad]))
			if hmac.Equal(mac.Sum(nil), sig) {
				return off
			}
		}
	}
	return -1
}

// A found token, in the coordinates of the text it was found in.
type found struct {
	text       string // the token, URL escapes decoded
	start, end int
	masks      []span // its segments to mask
	claims     span   // its second segment, which holds the claims of a JWS
	bare       bool   // one of them is not masked yet
	verified   bool   // by the signing key rather than by the header's shape
}

type span struct{ start, end int }

// findTokens scans s as it is and, when it holds URL-escaped token characters (%2B %2F %3D
// %2E, as url.QueryEscape writes a standard-alphabet token), a view of s with those decoded.
// Both are needed: "%2" glued to a header starting with 'e' is not an escaped dot.
func findTokens(s string, key []byte) []found {
	var out []found
	seen := map[span]bool{} // the views often find the same token
	collect := func(v string, at func(int) int) {
		scan(v, key, func(h hit) {
			last := h.segs[len(h.segs)-1]
			f := found{text: strings.TrimRight(v[h.start:last.pad], "."), start: at(h.start), end: at(last.pad), verified: h.verified,
				claims: span{at(h.segs[1].start), at(h.segs[1].pad)}}
			if seen[span{f.start, f.end}] {
				return
			}
			seen[span{f.start, f.end}] = true
			for _, g := range h.segs[h.maskFrom:] {
				if g.end == g.start {
					continue // nothing to hide: alg none
				}
				if v[g.start:g.pad] != SignatureMask {
					f.bare = true
				}
				f.masks = append(f.masks, span{at(g.start), at(g.pad)})
			}
			out = append(out, f)
		})
	}
	collect(s, func(i int) int { return i })
	if !strings.Contains(s, "%") {
		return out
	}
	// A "%2" or "%3" glued to a header starting with 'e' or 'D' (a carriage return) reads
	// as an escaped dot or '=': views that leave each of those alone see that token.
	for _, keep := range []byte{0, '.', '='} {
		if v, idx := percentView(s, keep); idx != nil {
			collect(v, func(i int) int { return idx[i] })
		}
	}
	return out
}

// percentView decodes the URL escapes of token characters in s but keep, and maps each byte of the
// view (and its end) to its offset in s; idx is nil when there is nothing to decode.
func percentView(s string, keep byte) (view string, idx []int) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := tokenEscape(s, i); c != 0 && c != keep {
			if idx == nil {
				idx = make([]int, 0, len(s)+1)
				for k := 0; k < i; k++ {
					idx = append(idx, k)
				}
				b.Grow(len(s))
				b.WriteString(s[:i])
			}
			idx = append(idx, i)
			b.WriteByte(c)
			i += 2
			continue
		}
		if idx != nil {
			idx = append(idx, i)
			b.WriteByte(s[i])
		}
	}
	if idx == nil {
		return s, nil
	}
	return b.String(), append(idx, len(s))
}

func tokenEscape(s string, i int) byte {
	if s[i] != '%' || i+2 >= len(s) {
		return 0
	}
	switch strings.ToUpper(s[i+1 : i+3]) {
	case "2B":
		return '+'
	case "2F":
		return '/'
	case "3D":
		return '='
	case "2E":
		return '.'
	}
	return 0
}

// maskHits returns s with every found token's segments after the second replaced by
// SignatureMask and, when claims is not nil, its claims segment replaced by what claims makes
// of it (a segment whose claims hold a secret or another token); s itself when there is none.
// Public tokens are left as they are.
func maskHits(s string, key []byte, public map[string]bool, claims func(seg string) (string, bool)) string {
	type edit struct {
		span
		with string
	}
	var edits []edit
	for _, f := range findTokens(s, key) {
		if isPublic(public, f.text) {
			continue
		}
		if claims != nil && f.claims.end > f.claims.start {
			if masked, ok := claims(s[f.claims.start:f.claims.end]); ok {
				edits = append(edits, edit{f.claims, masked})
			}
		}
		for _, m := range f.masks {
			if s[m.start:m.end] != SignatureMask {
				edits = append(edits, edit{m, SignatureMask})
			}
		}
	}
	if len(edits) == 0 {
		return s
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	out := make([]byte, 0, len(s))
	last := 0
	for _, m := range edits {
		if m.end <= last {
			continue // inside a span already masked
		}
		out = append(out, s[last:max(last, m.start)]...)
		out = append(out, m.with...)
		last = m.end
	}
	return string(append(out, s[last:]...))
}
