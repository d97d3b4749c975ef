package leakserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// Canaries are the secrets of a hostile run: values that appear nowhere else, so that any trace
// of them in what a run wrote is a leak.
type Canaries struct {
	// Email is evidence, not a secret: it may stay visible.
	Email string
	// Password holds every character an encoder treats specially (" \ < > &), a non-ASCII
	// letter, and a leading space, which a trimming config loader would lose.
	Password string
	// Key is the HS256 signing key.
	Key string
}

// DefaultCanaries are the canaries the whole-suite test runs with.
func DefaultCanaries() Canaries {
	return Canaries{
		Email:    "leak-canary-3e91@canary.example",
		Password: ` pä"ss\<w>&rd-canary-41c7`,
		Key:      `kéy"\<&>-canary-signing-9b2d05`,
	}
}

// TokenShape is how a minted token is written. PyJWT, under simplejwt, accepts all of them, so
// a hostile or buggy server can issue any of them validly signed.
type TokenShape int

const (
	// ShapeCompact is the usual form: {"typ":"JWT","alg":"HS256"}, base64url, no padding (eyJ…).
	ShapeCompact TokenShape = iota
	// ShapeSpaceHeader has a header JSON that starts with a space: `{ "alg"…` encodes as eyAi….
	ShapeSpaceHeader
	// ShapeNewlineHeader has an indented header JSON: "{\n…" encodes as ewo….
	ShapeNewlineHeader
	// ShapePaddedStd uses the standard alphabet (+ and /) with = padding in every segment.
	ShapePaddedStd
)

// Shapes lists every TokenShape.
var Shapes = []TokenShape{ShapeCompact, ShapeSpaceHeader, ShapeNewlineHeader, ShapePaddedStd}

func (s TokenShape) String() string {
	switch s {
	case ShapeCompact:
		return "compact"
	case ShapeSpaceHeader:
		return "space-header"
	case ShapeNewlineHeader:
		return "newline-header"
	case ShapePaddedStd:
		return "padded-std"
	}
	return "shape-" + strconv.Itoa(int(s))
}

// Mint signs claims under the canary key with HS256, written in the given shape.
func (c Canaries) Mint(shape TokenShape, claims map[string]any) string {
	body, _ := json.Marshal(claims)
	header := `{"typ":"JWT","alg":"HS256"}`
	enc := base64.RawURLEncoding
	switch shape {
	case ShapeSpaceHeader:
		header = `{ "alg": "HS256", "typ": "JWT" }`
	case ShapeNewlineHeader:
		header = "{\n  \"alg\": \"HS256\",\n  \"typ\": \"JWT\"\n}"
	case ShapePaddedStd:
		enc = base64.StdEncoding
		// Claims that make the standard alphabet show: '>' and '?' encode to + and /.
		claims = withClaim(claims, "pad", ">>>???~~~")
		body, _ = json.Marshal(claims)
	}
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString(body)
	return input + "." + enc.EncodeToString(sign(input, []byte(c.Key)))
}

// Resign keeps tok's header segment and signs new claims under it: the token a server would
// have issued with those claims.
func (c Canaries) Resign(tok string, claims map[string]any) string {
	head, _, ok := strings.Cut(tok, ".")
	if !ok {
		return tok
	}
	body, _ := json.Marshal(claims)
	input := head + "." + base64.RawURLEncoding.EncodeToString(body)
	return input + "." + base64.RawURLEncoding.EncodeToString(sign(input, []byte(c.Key)))
}

func withClaim(claims map[string]any, k string, v any) map[string]any {
	out := map[string]any{k: v}
	for name, value := range claims {
		out[name] = value
	}
	return out
}

func sign(input string, key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(input))
	return m.Sum(nil)
}
