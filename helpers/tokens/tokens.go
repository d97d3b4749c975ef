// Package tokens inspects JWTs as evidence: it decodes the header and claims without trusting
// them, verifies signatures only when a key is configured, and mints or alters tokens for the
// specs that test what a server must refuse.
package tokens

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Token is a decoded compact JWS. Raw is the token as sent; print Describe(), never Raw.
type Token struct {
	Raw    string
	Header map[string]any
	Claims map[string]any // numbers are json.Number, so integers and floats stay apart
}

// Parse decodes a compact JWS without verifying it, naming the first structural problem.
func Parse(raw string) (*Token, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("has %d dot-separated segments; a compact JWS has 3", len(parts))
	}
	t := &Token{Raw: raw}
	for i, dst := range []*map[string]any{&t.Header, &t.Claims} {
		name := [...]string{"header", "claims"}[i]
		data, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return nil, fmt.Errorf("%s segment is not unpadded base64url", name)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil || *dst == nil {
			return nil, fmt.Errorf("%s segment is not a JSON object", name)
		}
	}
	if parts[2] == "" {
		return nil, fmt.Errorf("has an empty signature segment")
	}
	if _, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil {
		return nil, fmt.Errorf("signature segment is not unpadded base64url")
	}
	return t, nil
}

// Describe prints the header and claims, never the signature.
func (t *Token) Describe() string {
	h, _ := json.Marshal(t.Header)
	c, _ := json.Marshal(t.Claims)
	return fmt.Sprintf("header %s claims %s", h, c)
}

// Int returns an integer claim, or an error naming what it is instead.
func (t *Token) Int(name string) (int64, error) {
	v, ok := t.Claims[name]
	if !ok {
		return 0, fmt.Errorf("has no %q claim", name)
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%q is %s, not an integer", name, Kind(v))
	}
	i, err := n.Int64()
	if err != nil {
		return 0, fmt.Errorf("%q is %s, not an integer", name, n)
	}
	return i, nil
}

// Kind names a decoded JSON value's type for messages.
func Kind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + x.String()
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

var lowerHex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// IsJTI reports whether s has the page's jti form: 32 lowercase hex characters (uuid4().hex).
func IsJTI(s string) bool { return lowerHex32.MatchString(s) }

// Verify checks the signature with key, allowing only alg. It does not judge exp: expiry is
// judged by the specs against the right clock (the fixture's, in replay).
func Verify(raw string, key []byte, alg string) error {
	_, err := jwt.Parse(raw, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{alg}), jwt.WithoutClaimsValidation())
	if err != nil {
		return fmt.Errorf("signature does not verify with the configured key and %s: %v", alg, err)
	}
	return nil
}

// Mint signs claims with key and alg, for specs that need a token only a key holder can make.
func Mint(claims map[string]any, key []byte, alg string) (string, error) {
	m := jwt.GetSigningMethod(alg)
	if m == nil {
		return "", fmt.Errorf("unknown algorithm %q", alg)
	}
	return jwt.NewWithClaims(m, jwt.MapClaims(claims)).SignedString(key)
}

// Alter re-encodes header and claims after mutate, keeping the original signature: the token a
// tamperer would send. Keys are encoded in sorted order.
func Alter(raw string, mutate func(header, claims map[string]any)) (string, error) {
	t, err := Parse(raw)
	if err != nil {
		return "", err
	}
	mutate(t.Header, t.Claims)
	sig := raw[strings.LastIndexByte(raw, '.')+1:]
	return Encode(t.Header, t.Claims) + "." + sig, nil
}

// Encode returns the base64url "header.claims" part of a token.
func Encode(header, claims map[string]any) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
}
