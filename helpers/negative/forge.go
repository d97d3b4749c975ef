package negative

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

// The forgeries below change one thing of a real token and keep the rest byte for byte, so a
// refusal can only be for that one thing. Every one is a pure function of the token: a replay
// sends exactly what was recorded.

// segments splits a token the server issued, refusing what is not a compact JWS: a forgery of
// something that was never a token proves nothing.
func segments(raw string) ([]string, error) {
	if _, err := tokens.Parse(raw); err != nil {
		return nil, fmt.Errorf("the token %s", err)
	}
	return strings.Split(raw, "."), nil
}

// Tamper changes the claims and keeps the header and signature segments as they were: the
// token a client would send after granting itself access. has_access is flipped, so the forged
// token still names a real user and only its signature can give it away.
func Tamper(raw string) (string, error) {
	parts, err := segments(raw)
	if err != nil {
		return "", err
	}
	t, _ := tokens.Parse(raw)
	granted, _ := t.Claims["has_access"].(bool)
	t.Claims["has_access"] = !granted
	claims, err := json.Marshal(t.Claims)
	if err != nil {
		return "", fmt.Errorf("the token's claims cannot be re-encoded: %v", err)
	}
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(claims) + "." + parts[2], nil
}

// StripSignature keeps header and claims and drops the signature, keeping its dot.
func StripSignature(raw string) (string, error) {
	parts, err := segments(raw)
	if err != nil {
		return "", err
	}
	return parts[0] + "." + parts[1] + ".", nil
}

// AlgNone declares alg (a spelling of "none") in the header and sends no signature, the
// classic downgrade; the claims segment is the original one.
func AlgNone(raw, alg string) (string, error) {
	parts, err := withAlg(raw, alg)
	if err != nil {
		return "", err
	}
	return parts[0] + "." + parts[1] + ".", nil
}

// WithHeaderAlg declares another algorithm in the header and keeps the claims and the
// signature segments: a server that trusts the header's alg may verify it the wrong way.
func WithHeaderAlg(raw, alg string) (string, error) {
	parts, err := withAlg(raw, alg)
	if err != nil {
		return "", err
	}
	return strings.Join(parts, "."), nil
}

func withAlg(raw, alg string) ([]string, error) {
	parts, err := segments(raw)
	if err != nil {
		return nil, err
	}
	t, _ := tokens.Parse(raw)
	t.Header["alg"] = alg
	header, err := json.Marshal(t.Header)
	if err != nil {
		return nil, fmt.Errorf("the token's header cannot be re-encoded: %v", err)
	}
	parts[0] = base64.RawURLEncoding.EncodeToString(header)
	return parts, nil
}

// Resign mints, with the key, a token carrying raw's claims as edit leaves them: a token only a
// key holder can make, valid in every way but the one edit breaks.
func Resign(raw string, key []byte, alg string, edit func(claims map[string]any)) (string, error) {
	if len(key) == 0 {
		return "", fmt.Errorf("needs the signing key (target.signing_key, ZS_SIGNING_KEY)")
	}
	t, err := tokens.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("the token %s", err)
	}
	edit(t.Claims)
	return tokens.Mint(t.Claims, key, alg)
}

// OtherHMAC is an HMAC algorithm other than alg, for the alg-changed forgeries.
func OtherHMAC(alg string) string {
	if alg == "HS512" {
		return "HS384"
	}
	return "HS512"
}
