package redact

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// The learners register, by value, every token a server sent, wherever it sent it: a token
// printed later in another place or another encoding (a transport error, a decoded claim, a
// URL-encoded link) is masked even where its shape alone would not give it away.

// maxNesting bounds how deep JSON carried inside JSON strings is followed.
const maxNesting = 4

// LearnJSON registers every token-like string at any depth of body: values and keys, every
// duplicate key (the body is read as a token stream, never into a map), JSON carried inside
// strings, and whatever follows or replaces the JSON (an HTML page, trailing text).
func (r *Redactor) LearnJSON(body []byte) {
	r.learnJSON(body, 0)
	r.LearnText(string(body))
}

func (r *Redactor) learnJSON(body []byte, depth int) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for {
		t, err := dec.Token()
		if err != nil {
			return
		}
		s, ok := t.(string)
		if !ok {
			continue
		}
		r.LearnText(s)
		if trimmed := strings.TrimSpace(s); depth < maxNesting && (strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[")) {
			r.learnJSON([]byte(trimmed), depth+1)
		}
	}
}

// LearnHeader registers every token in every header value, and the credential of an
// Authorization header and every cookie value as secrets when they are not tokens.
func (r *Redactor) LearnHeader(h http.Header) {
	for k, vs := range h {
		for _, v := range vs {
			r.LearnText(v)
			switch http.CanonicalHeaderKey(k) {
			case "Authorization", "Proxy-Authorization":
				if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
					r.learnCredential(strings.TrimSpace(cred))
				}
			case "Cookie", "Set-Cookie":
				pairs := strings.Split(v, ";")
				if http.CanonicalHeaderKey(k) == "Set-Cookie" {
					pairs = pairs[:1] // the rest are attributes: Path, Expires, …
				}
				for _, p := range pairs {
					if _, val, ok := strings.Cut(p, "="); ok {
						r.learnCredential(strings.Trim(strings.TrimSpace(val), `"`))
					}
				}
			}
		}
	}
}

// minOpaque is the shortest opaque credential learned as a secret: shorter values (a cookie
// flag, "1") would mask innocent text everywhere.
const minOpaque = 8

func (r *Redactor) learnCredential(c string) {
	switch {
	case strings.Count(c, ".") >= 2:
		r.AddToken(c)
	case len(c) >= minOpaque:
		r.AddSecret(c)
	}
}

// LearnText registers every token in s: every run the structural scan finds, every triple
// that verifies under the signing key, and every opaque token-like run (see TokenLike).
func (r *Redactor) LearnText(s string) {
	r.mu.Lock()
	key := r.key
	r.mu.Unlock()
	for _, t := range Tokens(s, key) {
		r.AddToken(t)
	}
}

// Tokens returns every token in s: runs whose first segment decodes to a JSON object, triples
// that verify under key (when key is not empty), and opaque runs TokenLike accepts.
func Tokens(s string, key []byte) []string {
	var out []string
	for _, f := range findTokens(s, key) {
		if len(f.masks) == 0 {
			// Unsigned ("h.c."): nothing to mask, and learning "h.c" would take its claims
			// for a signature and mask them in every token that carries them.
			continue
		}
		out = append(out, f.text)
	}
	// Opaque runs: dot-joined base64 segments, each with optional padding.
	for i := 0; i < len(s); {
		if !isB64(s[i]) {
			i++
			continue
		}
		g := parseSeg(s, i)
		for g.dot != 0 {
			g = parseSeg(s, g.next())
		}
		if run := strings.TrimRight(s[i:g.pad], "."); TokenLike(run) && !contains(out, run) {
			out = append(out, run)
		}
		i = max(g.pad, i+1)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, t := range list {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// minOpaqueSignature is the shortest third segment of an opaque token: 16 bytes of MAC. A
// dotted name (a host, a version, a file) has no such segment.
const minOpaqueSignature = 22

// TokenLike reports whether t looks like a token although its header may not decode: three
// or more dot-separated base64 segments, the third at least 22 characters long and mixing
// cases or digits as encoded bytes do.
func TokenLike(t string) bool {
	segs := strings.Split(t, ".")
	if len(segs) < 3 || len(segs[2]) < minOpaqueSignature {
		return false
	}
	for _, g := range segs {
		g = strings.TrimRight(g, "=")
		for i := 0; i < len(g); i++ {
			if !isB64(g[i]) {
				return false
			}
		}
	}
	return strings.ContainsAny(segs[2], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.ContainsAny(segs[2], "abcdefghijklmnopqrstuvwxyz0123456789-_+/")
}
