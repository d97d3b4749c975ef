package checks

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

// The page's nine claims; anything else is undocumented.
var documentedClaims = []string{"token_type", "exp", "jti", "user_id", "email", "phone", "username", "access_until", "has_access"}

// identityClaims are copied from the refresh token into every access token it refreshes.
var identityClaims = []string{"user_id", "email", "phone", "username", "access_until", "has_access"}

// Obtaining tokens: what every token carries.
var (
	TokenJWS       = Clause{ID: "TOKEN-JWS", Check: tokenJWS}
	TokenHeader    = Clause{ID: "TOKEN-HEADER", Check: tokenHeader}
	ClaimTokenType = Clause{ID: "CLAIM-TOKEN-TYPE", Check: claimTokenType}
	ClaimExp       = Clause{ID: "CLAIM-EXP", Check: intClaim("exp")}
	ClaimUserID    = Clause{ID: "CLAIM-USER-ID", Check: intClaim("user_id")}
	ClaimJTI       = Clause{ID: "CLAIM-JTI", Check: claimJTI}
	ClaimEmail     = Clause{ID: "CLAIM-EMAIL", Check: claimEmail}
	ClaimPhone     = Clause{ID: "CLAIM-PHONE", Check: claimOf("phone", "a string or null", func(v any) bool {
		_, isString := v.(string)
		return v == nil || isString
	})}
	ClaimUsername = Clause{ID: "CLAIM-USERNAME", Check: claimOf("username", "a string", func(v any) bool {
		_, ok := v.(string)
		return ok
	})}
	ClaimAccessUntil = Clause{ID: "CLAIM-ACCESS-UNTIL", Check: claimOf("access_until", "null or a time", isTime)}
	ClaimHasAccess   = Clause{ID: "CLAIM-HAS-ACCESS", Check: claimOf("has_access", "a boolean", func(v any) bool {
		_, ok := v.(bool)
		return ok
	})}
	ClaimExtra  = Clause{ID: "CLAIM-EXTRA", Check: claimExtra}
	JTIDistinct = Clause{ID: "JTI-DISTINCT", Check: jtiDistinct}
)

func tokenJWS(f *flow.Flow, e Env) Result {
	all := issuedTokens(f)
	if len(all) == 0 {
		return skip("no token was issued; see CREATE-SHAPE and REFRESH-SHAPE")
	}
	var problems, steps []string
	for _, it := range all {
		if it.err != nil {
			problems = append(problems, fmt.Sprintf("%s %v", it.label, it.err))
			steps = appendOnce(steps, it.step)
		}
	}
	if len(problems) > 0 {
		return fail(steps, "%s", join(problems))
	}
	return pass()
}

func tokenHeader(f *flow.Flow, e Env) Result {
	return eachToken(f, func(it issued) string {
		var p []string
		if alg := it.tok.Header["alg"]; alg != e.Algorithm {
			p = append(p, fmt.Sprintf("alg is %s, expected %q", kind(e.claim(alg)), e.Algorithm))
		}
		if typ := it.tok.Header["typ"]; typ != "JWT" {
			p = append(p, fmt.Sprintf("typ is %s, expected \"JWT\"", e.kindOrAbsent(it.tok.Header, "typ")))
		}
		return join(p)
	})
}

func claimTokenType(f *flow.Flow, e Env) Result {
	return eachToken(f, func(it issued) string {
		if v := it.tok.Claims["token_type"]; v != it.kind {
			return fmt.Sprintf("token_type is %s, expected %q", e.kindOrAbsent(it.tok.Claims, "token_type"), it.kind)
		}
		return ""
	})
}

func claimJTI(f *flow.Flow, e Env) Result {
	return eachToken(f, func(it issued) string {
		s, ok := it.tok.Claims["jti"].(string)
		if !ok || !tokens.IsJTI(s) {
			return fmt.Sprintf("jti is %s, expected 32 lowercase hex characters", e.kindOrAbsent(it.tok.Claims, "jti"))
		}
		return ""
	})
}

func claimEmail(f *flow.Flow, e Env) Result {
	return eachToken(f, func(it issued) string {
		if s, ok := it.tok.Claims["email"].(string); !ok || s != e.Email {
			return fmt.Sprintf("email is %s, expected the log-in email %q", e.kindOrAbsent(it.tok.Claims, "email"), e.Email)
		}
		return ""
	})
}

func claimExtra(f *flow.Flow, e Env) Result {
	return eachToken(f, func(it issued) string {
		var extra []string
		for k := range it.tok.Claims {
			if !slices.Contains(documentedClaims, k) {
				extra = append(extra, k)
			}
		}
		if len(extra) > 0 {
			return fmt.Sprintf("undocumented claims %v", sorted(extra))
		}
		return ""
	})
}

func jtiDistinct(f *flow.Flow, e Env) Result {
	r, a := token(f, "create refresh token"), token(f, "create access token")
	if r == nil || a == nil {
		return skip("create did not issue two decodable tokens; see CREATE-SHAPE and TOKEN-JWS")
	}
	rj, aj := r.tok.Claims["jti"], a.tok.Claims["jti"]
	if rj == nil || aj == nil {
		return skip("a token has no jti; see CLAIM-JTI")
	}
	if same(rj, aj) {
		return fail([]string{flow.Create}, "both tokens of one create carry jti %s", show(e.claim(rj)))
	}
	return pass(flow.Create)
}

func intClaim(name string) Check {
	return func(f *flow.Flow, e Env) Result {
		return eachToken(f, func(it issued) string {
			if _, err := it.tok.Int(name); err != nil {
				return err.Error()
			}
			return ""
		})
	}
}

func claimOf(name, want string, ok func(any) bool) Check {
	return func(f *flow.Flow, e Env) Result {
		return eachToken(f, func(it issued) string {
			v, present := it.tok.Claims[name]
			if !present || !ok(v) {
				return fmt.Sprintf("%s is %s, expected %s", name, e.kindOrAbsent(it.tok.Claims, name), want)
			}
			return ""
		})
	}
}

// isTime accepts null, a NumericDate, or an ISO 8601 / RFC 3339 string.
func isTime(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case json.Number:
		_, err := x.Float64()
		return err == nil
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02T15:04:05", "2006-01-02"} {
			if _, err := time.Parse(layout, x); err == nil {
				return true
			}
		}
	}
	return false
}

func (e Env) kindOrAbsent(m map[string]any, name string) string {
	v, ok := m[name]
	if !ok {
		return "absent"
	}
	return kind(e.claim(v))
}
