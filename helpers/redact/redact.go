// Package redact masks secrets in everything the suite prints or writes: structurally
// (Authorization headers, password fields, JWT signatures) and by value (the configured
// password and signing key, and every token seen). A token keeps its header and claims, which
// are the evidence; only its signature goes.
package redact

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a secret value; SignatureMask replaces a JWT signature.
const (
	Mask          = "***"
	SignatureMask = "REDACTED"
)

var (
	// A compact JWS: base64url header starting with '{"' (eyJ…), payload and signature.
	jwsPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+`)
	// "password": "…" in JSON, also current_password, new_password and the like.
	jsonSecretField = regexp.MustCompile(`("[A-Za-z_]*(?:password|secret|signing_key)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	formSecretField = regexp.MustCompile(`((?:^|&)[A-Za-z_]*(?:password|secret)=)[^&]*`)
)

// Redactor masks known secret values and every token it is told about.
type Redactor struct {
	mu      sync.RWMutex
	secrets map[string]string // value → replacement
}

// New returns a redactor that masks the given secret values.
func New(secrets ...string) *Redactor {
	r := &Redactor{secrets: map[string]string{}}
	for _, s := range secrets {
		r.AddSecret(s)
	}
	return r
}

// AddSecret masks a value wherever it appears from now on.
func (r *Redactor) AddSecret(s string) {
	if s == "" {
		return
	}
	r.mu.Lock()
	r.secrets[s] = Mask
	r.mu.Unlock()
}

// AddToken masks a token by value (even where it is not shaped like a JWS, say a token whose
// header does not start with '{"'), keeping its header and claims.
func (r *Redactor) AddToken(tok string) {
	if tok == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets[tok] = Token(tok)
	if i := strings.LastIndexByte(tok, '.'); i >= 0 && len(tok)-i > 8 {
		r.secrets[tok[i+1:]] = SignatureMask
	}
}

// String masks every known secret and every JWS signature in s.
func (r *Redactor) String(s string) string {
	r.mu.RLock()
	keys := make([]string, 0, len(r.secrets))
	for k := range r.secrets {
		keys = append(keys, k)
	}
	// Longest first, so a token is replaced whole before its signature alone is.
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, r.secrets[k])
	}
	r.mu.RUnlock()
	s = jwsPattern.ReplaceAllStringFunc(s, Token)
	s = jsonSecretField.ReplaceAllString(s, `${1}"`+Mask+`"`)
	return formSecretField.ReplaceAllString(s, "${1}"+Mask)
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
		if strings.Count(v, ".") == 2 {
			return Token(v)
		}
		return v // a bare scheme carries no secret
	}
	return scheme + " " + Token(cred)
}

// Token hides a token's signature and keeps its header and claims. A value that is not
// dot-separated is masked whole: it cannot be shown to be harmless.
func Token(tok string) string {
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		if tok == "" {
			return tok
		}
		return Mask
	}
	if i == len(tok)-1 {
		return tok // no signature to hide (alg none, or stripped)
	}
	return tok[:i+1] + SignatureMask
}
