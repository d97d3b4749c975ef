package checks

import (
	"net/http"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

// Using the access token: GET /users/me/.
var (
	MeStatus          = Clause{ID: "ME-STATUS", Check: meStatus}
	MeShape           = Clause{ID: "ME-SHAPE", Check: meShape}
	MeFields          = Clause{ID: "ME-FIELDS", Check: meFields}
	MeIdentity        = Clause{ID: "ME-IDENTITY", Check: meIdentity}
	MeAnonRefused     = Clause{ID: "ME-ANON-REFUSED", Check: refusal(flow.MeAnonymous)}
	MeExpiredExample  = Clause{ID: "ME-EXPIRED-EXAMPLE", Check: refusal(flow.MeExampleToken)}
	MeRefreshAsAccess = Clause{ID: "ME-REFRESH-AS-ACCESS", Check: refusal(flow.MeRefreshToken)}
	MeAnonChallenge   = Clause{ID: "ME-ANON-CHALLENGE", Check: meAnonChallenge}
)

func meStatus(f *flow.Flow, e Env) Result {
	ex, r := need(f, flow.Me)
	if r != nil {
		return *r
	}
	return statusAndJSON(ex, http.StatusOK)
}

func meShape(f *flow.Flow, e Env) Result {
	_, obj, r := answer(f, flow.Me, "ME-STATUS")
	if r != nil {
		return *r
	}
	var problems []string
	if id, ok := obj["id"]; !ok {
		problems = append(problems, `has no "id" field`)
	} else if _, err := (&tokens.Token{Claims: obj}).Int("id"); err != nil {
		problems = append(problems, `"id" is `+kind(id)+", not an integer")
	}
	if p := stringField(obj, "email"); p != "" {
		problems = append(problems, p)
	}
	if len(problems) > 0 {
		return fail([]string{flow.Me}, "the /users/me/ answer %s", join(problems))
	}
	return pass(flow.Me)
}

func meFields(f *flow.Flow, e Env) Result {
	ex, obj, r := answer(f, flow.Me, "ME-STATUS")
	if r != nil {
		return *r
	}
	return onlyFields(ex, obj, "id", "email")
}

func meIdentity(f *flow.Flow, e Env) Result {
	_, obj, r := answer(f, flow.Me, "ME-STATUS")
	if r != nil {
		return *r
	}
	access := token(f, "create access token")
	if access == nil {
		return skip("no decodable create access token; see CREATE-SHAPE")
	}
	var problems []string
	if !sameIdentity(obj["id"], access.tok.Claims["user_id"]) {
		problems = append(problems, "id "+show(obj["id"])+" differs from the token's user_id "+show(e.claim(access.tok.Claims["user_id"])))
	}
	if email, _ := obj["email"].(string); email != e.Email {
		problems = append(problems, "email "+show(obj["email"])+" differs from the log-in email "+show(e.Email))
	}
	if len(problems) > 0 {
		return fail([]string{flow.Create, flow.Me}, "%s", join(problems))
	}
	return pass(flow.Me)
}

func meAnonChallenge(f *flow.Flow, e Env) Result {
	ex, r := need(f, flow.MeAnonymous)
	if r != nil {
		return *r
	}
	return challenge(ex, e.Scheme)
}

func refusal(step string) Check {
	return func(f *flow.Flow, e Env) Result {
		ex, r := need(f, step)
		if r != nil {
			return *r
		}
		return refused(ex)
	}
}

// challenge judges "401 with a WWW-Authenticate naming the scheme" (RFC 9110 §11.6.1).
func challenge(ex interface {
	Status() int
	Header(string) string
	Summary() string
}, scheme string) Result {
	var problems []string
	if ex.Status() != http.StatusUnauthorized {
		problems = append(problems, "expected 401, got "+ex.Summary())
	}
	h := ex.Header("WWW-Authenticate")
	first, _, _ := strings.Cut(strings.TrimSpace(h), " ")
	if !strings.EqualFold(first, scheme) {
		problems = append(problems, "WWW-Authenticate is "+show(httpx.Clip(h, shownHeader))+", expected a challenge naming "+scheme)
	}
	if len(problems) > 0 {
		return fail([]string{flow.MeAnonymous}, "%s", join(problems))
	}
	return pass(flow.MeAnonymous)
}
