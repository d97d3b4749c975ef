package checks

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

// Using the refresh token.
var (
	RefreshMethod      = Clause{ID: "REFRESH-METHOD", Check: refreshMethod}
	RefreshStatus      = Clause{ID: "REFRESH-STATUS", Check: refreshStatus}
	RefreshShape       = Clause{ID: "REFRESH-SHAPE", Check: refreshShape}
	RefreshFields      = Clause{ID: "REFRESH-FIELDS", Check: refreshFields}
	RefreshJTIFresh    = Clause{ID: "REFRESH-JTI-FRESH", Check: refreshJTIFresh}
	RefreshIdentity    = Clause{ID: "REFRESH-IDENTITY", Check: refreshIdentity}
	RefreshAccessWorks = Clause{ID: "REFRESH-ACCESS-WORKS", Check: refreshAccessWorks}
	RefreshReusable    = Clause{ID: "REFRESH-REUSABLE", Check: refreshReusable}
	KeySignature       = Clause{ID: "KEY-SIGNATURE", Check: keySignature}
)

func refreshMethod(f *flow.Flow, e Env) Result {
	ex, r := need(f, flow.Refresh)
	if r != nil {
		return *r
	}
	if s := ex.Status(); s == http.StatusMethodNotAllowed || s == http.StatusNotImplemented {
		allow := ex.Header("Allow")
		if allow == "" {
			allow = "(no Allow header)"
		}
		return fail([]string{flow.Refresh}, "%s %s answered %s, Allow: %s. The page documents GET with a JSON body; if the server is meant to take another method, set endpoints.refresh.method (ZS_REFRESH_METHOD) to it, or waive REFRESH-METHOD",
			ex.Request.Method, pathOf(ex.Request.URL), ex.Summary(), httpx.Clip(allow, shownHeader))
	}
	return pass(flow.Refresh)
}

func refreshStatus(f *flow.Flow, e Env) Result {
	ex, r := refreshed(f)
	if r != nil {
		return *r
	}
	return statusAndJSON(ex, http.StatusOK)
}

func refreshShape(f *flow.Flow, e Env) Result {
	ex, obj, r := answer(f, refreshedStep(f), "REFRESH-STATUS")
	if r != nil {
		return *r
	}
	if p := stringField(obj, "access"); p != "" {
		return fail([]string{ex.Step}, "the refresh answer %s", p)
	}
	return pass(ex.Step)
}

func refreshFields(f *flow.Flow, e Env) Result {
	ex, obj, r := answer(f, refreshedStep(f), "REFRESH-STATUS")
	if r != nil {
		return *r
	}
	return onlyFields(ex, obj, "access")
}

func refreshJTIFresh(f *flow.Flow, e Env) Result {
	seen := map[string]string{}
	var problems, steps []string
	judged := 0
	for _, it := range issuedTokens(f) {
		if it.tok == nil {
			continue
		}
		jti := show(it.tok.Claims["jti"])
		if it.tok.Claims["jti"] == nil {
			continue
		}
		if it.kind == "access" && it.step != flow.Create {
			judged++
			if first, dup := seen[jti]; dup {
				problems = append(problems, fmt.Sprintf("%s reuses jti %s of the %s", it.label, jti, first))
				steps = appendOnce(steps, it.step)
			}
		}
		if _, dup := seen[jti]; !dup {
			seen[jti] = it.label
		}
	}
	if judged == 0 {
		return skip("no refreshed access token with a jti; see REFRESH-SHAPE and CLAIM-JTI")
	}
	if len(problems) > 0 {
		return fail(steps, "%s", join(problems))
	}
	return pass()
}

func refreshIdentity(f *flow.Flow, e Env) Result {
	source := token(f, "create refresh token")
	if source == nil {
		return skip("no decodable create refresh token; see CREATE-SHAPE")
	}
	return judgeTokens(f, refreshedOnly, "no decodable refreshed access token; see REFRESH-SHAPE", func(it issued) (string, bool) {
		var drift []string
		for _, c := range identityClaims {
			if !same(it.tok.Claims[c], source.tok.Claims[c]) {
				drift = append(drift, fmt.Sprintf("%s %s where the refresh token has %s", c, show(it.tok.Claims[c]), show(source.tok.Claims[c])))
			}
		}
		return join(drift), true
	})
}

func refreshAccessWorks(f *flow.Flow, e Env) Result {
	ex, r := need(f, flow.MeRefreshed)
	if r != nil {
		return *r
	}
	if ex.Status() != http.StatusOK {
		return fail([]string{flow.MeRefreshed}, "/users/me/ with the refreshed access token: expected 200, got %s", ex.Summary())
	}
	obj, err := ex.Object()
	it := token(f, "refreshed access token")
	if err == nil && it != nil && !sameIdentity(obj["id"], it.tok.Claims["user_id"]) {
		return fail([]string{flow.MeRefreshed}, "/users/me/ with the refreshed token names id %s, the token's user_id is %s", show(obj["id"]), show(it.tok.Claims["user_id"]))
	}
	return pass(flow.MeRefreshed)
}

func refreshReusable(f *flow.Flow, e Env) Result {
	ex, r := need(f, flow.RefreshAgain)
	if r != nil {
		return *r
	}
	if ex.Status() != http.StatusOK {
		return fail([]string{flow.RefreshAgain}, "a second refresh with the same refresh token: expected 200, got %s", ex.Summary())
	}
	obj, err := ex.Object()
	if err != nil || stringField(obj, "access") != "" {
		return fail([]string{flow.RefreshAgain}, "a second refresh answered 200 without an access token")
	}
	return pass(flow.RefreshAgain)
}

func keySignature(f *flow.Flow, e Env) Result {
	if len(e.SigningKey) == 0 {
		return skip("needs the signing key: set ZS_SIGNING_KEY (target.signing_key) to verify signatures")
	}
	return eachToken(f, func(it issued) string {
		if err := tokens.Verify(it.raw, e.SigningKey, e.Algorithm); err != nil {
			return err.Error()
		}
		return ""
	})
}

// refreshedStep names the refresh exchange the other refresh clauses judge.
func refreshedStep(f *flow.Flow) string {
	if f.Exchanges[flow.RefreshFallback] != nil {
		return flow.RefreshFallback
	}
	return flow.Refresh
}

// refreshed returns the refresh exchange the other refresh clauses judge.
func refreshed(f *flow.Flow) (*httpx.Exchange, *Result) { return need(f, refreshedStep(f)) }

func pathOf(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.RequestURI()
	}
	return u
}
