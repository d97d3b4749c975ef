// Package redact masks secrets in everything the suite prints or writes. A token keeps its
// header and claims, which are the evidence; its signature and any later segment go.
//
// What it masks:
//   - by value, every registered secret (the password, the signing key, learned opaque
//     credentials) in each encoding Forms lists, and every learned token (AddToken, or the
//     learners LearnJSON, LearnHeader and LearnText) raw, JSON- and URL-escaped, with its
//     signature alone also base64-encoded inside another token;
//   - by shape, in one linear pass, every run of base64 segments (either alphabet, optional
//     padding) joined by two or more dots whose first segment decodes to the start of a JSON
//     object, however it starts (eyJ…, eyAi…, ewo…, IHsi…), also seen through URL escapes
//     of + / = and the dot;
//   - with SetSigningKey, every triple that verifies under the key (HS256/384/512), whatever
//     its header;
//   - password-like JSON and form fields, Authorization credentials and cookies.
//
// What it cannot: a secret the server transforms in another way (reversed, split, encoded
// twice in base64, escaped in a scheme not in Forms), a base64 fragment of a secret shorter
// than eight characters, and a token it has neither learned nor can recognise (an opaque
// value without dots, or a triple signed under an unknown key with a header that is not
// JSON, in an encoding other than raw or URL-escaped).
package redact

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Mask replaces a secret value; SignatureMask replaces a JWT signature.
const (
	Mask          = "***"
	SignatureMask = "REDACTED"
)

var (
	// "password": "…" in JSON, also current_password, new_password and the like.
	jsonSecretField = regexp.MustCompile(`("[A-Za-z_]*(?:password|secret|signing_key)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	formSecretField = regexp.MustCompile(`((?:^|&)[A-Za-z_]*(?:password|secret)=)[^&]*`)
)

// What a registered value is, so that Find can say what it found.
const (
	KindSecret    = "secret"    // a registered secret, in one of its encodings
	KindToken     = "token"     // a token whose signature is still there
	KindSignature = "signature" // a learned token's signature alone
	KindVerifying = "verifying" // a segment triple that verifies under the signing key
	KindField     = "field"     // a password-like field whose value is not masked
)

// Redactor masks known secret values and every token it is told about. It is safe for
// concurrent use.
type Redactor struct {
	mu      sync.Mutex
	values  map[string]value // every form of every registered value → what replaces it
	key     []byte           // the signing key, to find triples it signed
	public  map[string]bool  // signatures printed in public (AddPublic), never masked
	current atomic.Pointer[matcher]
}

type value struct {
	replacement string
	kind        string
}

// matcher is an immutable snapshot of the registered values, rebuilt after each change:
// one strings.Replacer does all the by-value masking in a single pass.
type matcher struct {
	replacer  *strings.Replacer
	finder    *strings.Replacer // each key → a marker naming it, for Find
	keys      []string          // longest first
	multiLine int               // the longest key holding a newline, which a line may cut
	values    map[string]value
	key       []byte
	public    map[string]bool
	// claims caches, for this snapshot of what is known, each token claims segment seen →
	// its masked form, or "" when it holds nothing to mask.
	claims sync.Map
}

// New returns a redactor that masks the given secret values.
func New(secrets ...string) *Redactor {
	r := &Redactor{values: map[string]value{}}
	for _, s := range secrets {
		r.AddSecret(s)
	}
	return r
}

// AddSecret masks a value wherever it appears from now on, in every encoding listed by
// Forms, and so is the value without its surrounding space (when that is eight bytes or
// more). The value itself is used exactly
// as given: a password may begin or end with a space.
func (r *Redactor) AddSecret(s string) {
	if s == "" {
		return
	}
	forms := Forms(s)
	// The secret itself is never trimmed, but a server that trims what it receives (DRF's
	// CharField does) may echo it without its surrounding space: mask that form too, when it
	// is long enough not to mask innocent words.
	if t := strings.TrimSpace(s); len(t) >= minOpaque && t != s {
		forms = append(forms, Forms(t)...)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, f := range forms {
		if r.values[f].kind != KindSecret {
			r.values[f] = value{Mask, KindSecret} // a secret outranks a token of the same text
			changed = true
		}
	}
	if changed {
		r.current.Store(nil)
	}
}

// SetSigningKey makes the redactor mask every segment triple that verifies under key with
// HS256, HS384 or HS512, whatever its header looks like. The key is masked as a secret too.
func (r *Redactor) SetSigningKey(key []byte) {
	r.mu.Lock()
	r.key = append([]byte(nil), key...)
	r.current.Store(nil)
	r.mu.Unlock()
	r.AddSecret(string(key))
}

// AddPublic exempts tokens that are public already (the API page prints its example tokens,
// long expired, and the suite sends them verbatim) from every mask: by value, by shape and by
// the signing key. A three-segment token carrying a public token's signature is exempt too
// (the suite alters the page's claims around it): that signature is printed, and cannot sign
// anything else.
func (r *Redactor) AddPublic(tokens ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	next := make(map[string]bool, len(r.public)+len(tokens))
	for sig := range r.public {
		next[sig] = true
	}
	for _, t := range tokens {
		if segs := strings.Split(t, "."); len(segs) == 3 && len(segs[2]) >= minSignature {
			next[segs[2]] = true
		}
	}
	r.public = next // matchers keep the map they were built with: never changed in place
	r.current.Store(nil)
}

// isPublic reports whether tok carries a public signature (AddPublic).
func isPublic(public map[string]bool, tok string) bool {
	if len(public) == 0 {
		return false
	}
	segs := strings.Split(tok, ".")
	return len(segs) == 3 && public[segs[2]]
}

// AddToken masks a token by value (even where it is not shaped like a JWS, say a token whose
// header does not decode to JSON), keeping its header and claims; its signature is masked
// wherever it appears alone, also base64-encoded inside another token.
func (r *Redactor) AddToken(tok string) {
	if tok == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, known := r.values[tok]; known || isPublic(r.public, tok) {
		return // learners see the same token many times
	}
	changed := false
	for _, f := range tokenForms(tok) {
		changed = r.put(f, Token(f), KindToken) || changed
	}
	for _, sig := range signatures(tok) {
		for _, f := range signatureForms(sig) {
			changed = r.put(f, SignatureMask, KindSignature) || changed
		}
	}
	if changed {
		r.current.Store(nil) // the next use rebuilds the matcher
	}
}

// minSignature is the shortest segment masked by value alone: shorter ones would mask
// innocent text everywhere.
const minSignature = 9

// signatures is what Token masks in tok: every segment after the second, or the second of
// two.
func signatures(tok string) []string {
	segs := strings.Split(tok, ".")
	if len(segs) == 2 {
		segs = segs[1:]
	} else if len(segs) > 2 {
		segs = segs[2:]
	} else {
		return nil
	}
	var out []string
	for _, g := range segs {
		if len(g) >= minSignature && g != SignatureMask {
			out = append(out, g)
		}
	}
	return out
}

// put registers one form unless it is already known or masks nothing, and says whether it
// did.
func (r *Redactor) put(form, replacement, kind string) bool {
	if form == "" || form == replacement {
		return false
	}
	if _, ok := r.values[form]; ok {
		return false // a secret outranks a token; a token's form is already masked
	}
	r.values[form] = value{replacement, kind}
	return true
}

func (r *Redactor) matcher() *matcher {
	if m := r.current.Load(); m != nil {
		return m
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m := r.current.Load(); m != nil {
		return m
	}
	m := &matcher{values: make(map[string]value, len(r.values)), key: r.key, public: r.public}
	for k, v := range r.values {
		m.keys = append(m.keys, k)
		m.values[k] = v
	}
	// Longest first: at any position the Replacer takes the earliest pair that matches, so a
	// token is replaced whole before its signature alone is.
	sort.Slice(m.keys, func(i, j int) bool {
		if len(m.keys[i]) != len(m.keys[j]) {
			return len(m.keys[i]) > len(m.keys[j])
		}
		return m.keys[i] < m.keys[j]
	})
	pairs := make([]string, 0, 2*len(m.keys))
	markers := make([]string, 0, 2*len(m.keys))
	for i, k := range m.keys {
		if strings.IndexByte(k, '\n') >= 0 {
			m.multiLine = max(m.multiLine, len(k))
		}
		pairs = append(pairs, k, m.values[k].replacement)
		markers = append(markers, k, marker+strconv.Itoa(i)+markerEnd)
	}
	m.replacer = strings.NewReplacer(pairs...)
	m.finder = strings.NewReplacer(markers...)
	r.current.Store(m)
	return m
}

// String masks every known secret and token, every token found by its shape or by the
// signing key, and every password-like field in s.
func (r *Redactor) String(s string) string {
	m := r.matcher()
	// Structure first: a secret masked inside a token's claims would break the token's shape
	// and hide its signature from the scan.
	s = maskHits(s, m.key, m.public, m.claimsOf(r))
	if len(m.keys) > 0 {
		s = m.replacer.Replace(s)
	}
	if !mayHoldField(s) {
		return s
	}
	s = jsonSecretField.ReplaceAllString(s, `${1}"`+Mask+`"`)
	return formSecretField.ReplaceAllString(s, "${1}"+Mask)
}

// mayHoldField spares most texts the field patterns, which are slow on large bodies.
func mayHoldField(s string) bool {
	return strings.Contains(s, "password") || strings.Contains(s, "secret") || strings.Contains(s, "signing_key")
}

// Header returns a printable copy of h: Authorization keeps its scheme and the token's header
// and claims; cookies are masked whole.
func (r *Redactor) Header(h http.Header) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		for _, v := range h[k] {
			switch http.CanonicalHeaderKey(k) {
			case "Authorization", "Proxy-Authorization":
				v = authorization(v)
			case "Cookie", "Set-Cookie":
				v = Mask
			}
			fmt.Fprintf(&b, "%s: %s\n", k, r.String(v))
		}
	}
	return b.String()
}

// Body returns a printable body: secrets masked, cut at max bytes.
func (r *Redactor) Body(body []byte, max int) string {
	s := r.String(string(body))
	if len(s) > max {
		return fmt.Sprintf("%s… (%d more bytes)", s[:max], len(s)-max)
	}
	return s
}

func authorization(v string) string {
	scheme, cred, ok := strings.Cut(v, " ")
	if !ok {
		if strings.Count(v, ".") >= 2 {
			return Token(v)
		}
		return v // a bare scheme carries no secret
	}
	return scheme + " " + Token(cred)
}

// Token hides a token's signature and every segment after it, and keeps its header and
// claims. A value that is not dot-separated is masked whole: it cannot be shown to be
// harmless. Empty segments stay empty (an unsigned token has nothing to hide).
func Token(tok string) string {
	if tok == "" {
		return tok
	}
	segs := strings.Split(tok, ".")
	switch len(segs) {
	case 1:
		return Mask
	case 2:
		if segs[1] != "" {
			segs[1] = SignatureMask
		}
	default:
		for i := 2; i < len(segs); i++ {
			if segs[i] != "" {
				segs[i] = SignatureMask
			}
		}
	}
	return strings.Join(segs, ".")
}
