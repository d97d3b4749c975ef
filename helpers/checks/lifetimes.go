package checks

import (
	"fmt"
	"sort"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/timing"
)

// Token lifetimes. A live run (or a recording) knows when each request was made; the page's
// examples do not, and are judged by the pair invariant alone.
var (
	LifetimeAccess  = Clause{ID: "LIFETIME-ACCESS", Check: lifetime("create access token", func(e Env) time.Duration { return e.AccessLifetime })}
	LifetimeRefresh = Clause{ID: "LIFETIME-REFRESH", Check: lifetime("create refresh token", func(e Env) time.Duration { return e.RefreshLifetime })}
	LifetimePair    = Clause{ID: "LIFETIME-PAIR", Check: lifetimePair}
	RefreshLifetime = Clause{ID: "REFRESH-LIFETIME", Check: refreshLifetime}
)

func lifetimePair(f *flow.Flow, e Env) Result {
	r, a := token(f, "create refresh token"), token(f, "create access token")
	if r == nil || a == nil {
		return skip("create did not issue two decodable tokens; see CREATE-SHAPE and TOKEN-JWS")
	}
	rexp, err1 := r.tok.Int("exp")
	aexp, err2 := a.tok.Int("exp")
	if err1 != nil || err2 != nil {
		return skip("a token has no integer exp; see CLAIM-EXP")
	}
	want := e.RefreshLifetime - e.AccessLifetime
	if got := time.Duration(rexp-aexp) * time.Second; got != want {
		return fail([]string{flow.Create}, "refresh.exp − access.exp is %s (%d s), expected %s (%d s): the two tokens were not issued at the same instant with lifetimes %s and %s",
			timing.Human(got), rexp-aexp, timing.Human(want), int64(want/time.Second), timing.Human(e.RefreshLifetime), timing.Human(e.AccessLifetime))
	}
	riat, err1 := r.tok.Int("iat")
	aiat, err2 := a.tok.Int("iat")
	if err1 == nil && err2 == nil && riat != aiat {
		return fail([]string{flow.Create}, "the tokens of one create carry different iat values (%d and %d)", riat, aiat)
	}
	return pass(flow.Create)
}

func refreshLifetime(f *flow.Flow, e Env) Result {
	return judgeTokens(f, refreshedOnly, "no refreshed access token with an integer exp; see REFRESH-SHAPE and CLAIM-EXP",
		func(it issued) (string, bool) {
			exp, err := it.tok.Int("exp")
			if err != nil {
				return "", false
			}
			return refreshedLifetime(f, e, &it, exp), true
		})
}

// clockOf returns the issue window of an exchange, or false when it carries no time (the page's
// examples). The server's Date widens it by at most clock.max_server_offset.
func clockOf(ex *httpx.Exchange, e Env) (timing.Window, bool) {
	if ex == nil || ex.Sent.IsZero() {
		return timing.Window{}, false
	}
	return timing.Around(ex.Sent, ex.Received, ex.Date(), e.Skew, e.MaxServerOffset), true
}

func lifetime(label string, want func(Env) time.Duration) Check {
	return func(f *flow.Flow, e Env) Result {
		it := token(f, label)
		if it == nil {
			return skip("no decodable %s; see CREATE-SHAPE and TOKEN-JWS", label)
		}
		exp, err := it.tok.Int("exp")
		if err != nil {
			return skip("the %s has no integer exp; see CLAIM-EXP", label)
		}
		life := want(e)
		judged := false
		if iat, err := it.tok.Int("iat"); err == nil {
			judged = true
			if err := timing.ExactLifetime(exp, iat, life); err != nil {
				return fail([]string{flow.Create}, "%s: %v", label, err)
			}
		}
		if w, ok := clockOf(f.Exchanges[flow.Create], e); ok {
			judged = true
			if err := timing.IssuedWithin(exp, life, w); err != nil {
				return fail([]string{flow.Create}, "%s: %v", label, err)
			}
		}
		if !judged {
			return skip("the fixtures carry no time and the %s no iat, so its lifetime is judged by LIFETIME-PAIR alone", label)
		}
		return pass(flow.Create)
	}
}

// refreshedLifetime judges a refreshed access token: exp = refresh time + access lifetime. Its
// iat may be copied from the refresh token (simplejwt up to 5.5.0 does), so iat is only held
// to the exact lifetime when it is the token's own.
func refreshedLifetime(f *flow.Flow, e Env, it *issued, exp int64) string {
	if iat, err := it.tok.Int("iat"); err == nil && !copiedIAT(f, iat) {
		if err := timing.ExactLifetime(exp, iat, e.AccessLifetime); err != nil {
			return err.Error()
		}
	}
	if w, ok := clockOf(f.Exchanges[it.step], e); ok {
		if err := timing.IssuedWithin(exp, e.AccessLifetime, w); err != nil {
			return err.Error()
		}
		return ""
	}
	// No clock: the refresh came after the log-in, so the new token cannot be older than it.
	// The log-in instant is read off both create tokens and the earlier taken, so that a
	// create token's own lifetime error is reported by its clause, not here too.
	createdAt, ok := loginInstant(f, e)
	if !ok {
		return ""
	}
	if issuedAt := exp - int64(e.AccessLifetime/time.Second); issuedAt < createdAt {
		return fmt.Sprintf("exp %d less %s puts its issue at %s, before the log-in that issued its refresh token (%s)",
			exp, timing.Human(e.AccessLifetime), timing.Unix(issuedAt).Format(time.RFC3339), timing.Unix(createdAt).Format(time.RFC3339))
	}
	return ""
}

func loginInstant(f *flow.Flow, e Env) (int64, bool) {
	var at []int64
	for label, life := range map[string]time.Duration{"create access token": e.AccessLifetime, "create refresh token": e.RefreshLifetime} {
		if it := token(f, label); it != nil {
			if exp, err := it.tok.Int("exp"); err == nil {
				at = append(at, exp-int64(life/time.Second))
			}
		}
	}
	if len(at) == 0 {
		return 0, false
	}
	return min(at[0], at[len(at)-1]), true
}

func copiedIAT(f *flow.Flow, iat int64) bool {
	r := token(f, "create refresh token")
	if r == nil {
		return false
	}
	riat, err := r.tok.Int("iat")
	return err == nil && riat == iat
}

func sorted(s []string) []string { sort.Strings(s); return s }
