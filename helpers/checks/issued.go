package checks

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

// issued is one token the server handed out, with where it came from.
type issued struct {
	label string // "create access token", for messages
	kind  string // the token_type it must carry
	step  string
	raw   string
	tok   *tokens.Token // nil when it does not parse (TOKEN-JWS reports that)
	err   error
}

// issuedTokens lists every token of the flow in order: create's pair, then each refreshed
// access token.
func issuedTokens(f *flow.Flow) []issued {
	var out []issued
	add := func(step, field, label, kind string) {
		ex := f.Exchanges[step]
		if ex == nil || ex.Response == nil {
			return
		}
		obj, err := ex.Object()
		if err != nil {
			return
		}
		raw, ok := obj[field].(string)
		if !ok || raw == "" {
			return
		}
		t, err := tokens.Parse(raw)
		out = append(out, issued{label: label, kind: kind, step: step, raw: raw, tok: t, err: err})
	}
	add(flow.Create, "refresh", "create refresh token", "refresh")
	add(flow.Create, "access", "create access token", "access")
	add(refreshedStep(f), "access", "refreshed access token", "access")
	add(flow.RefreshAgain, "access", "second refreshed access token", "access")
	return out
}

// token returns the parsed token with the given label, if the flow has it.
func token(f *flow.Flow, label string) *issued {
	for _, it := range issuedTokens(f) {
		if it.label == label && it.tok != nil {
			return &it
		}
	}
	return nil
}

// eachToken applies a per-token judgement to every parsed token and gathers the problems.
func eachToken(f *flow.Flow, judge func(it issued) string) Result {
	return judgeTokens(f, func(issued) bool { return true }, "no decodable token was issued; see CREATE-SHAPE and TOKEN-JWS",
		func(it issued) (string, bool) { return judge(it), true })
}

// refreshedOnly selects the access tokens a refresh issued.
func refreshedOnly(it issued) bool { return it.step != flow.Create }

// judgeTokens applies judge to the parsed tokens which selects. judge returns a problem, or
// false when this clause cannot judge the token (another clause reports why); with nothing
// judged the clause is skipped with the reason none.
func judgeTokens(f *flow.Flow, which func(issued) bool, none string, judge func(it issued) (string, bool)) Result {
	var problems, steps []string
	judged := 0
	for _, it := range issuedTokens(f) {
		if it.tok == nil || !which(it) {
			continue
		}
		p, ok := judge(it)
		if !ok {
			continue
		}
		judged++
		if p != "" {
			problems = append(problems, it.label+": "+p)
			steps = appendOnce(steps, it.step)
		}
	}
	if judged == 0 {
		return skip("%s", none)
	}
	if len(problems) > 0 {
		return fail(steps, "%s", join(problems))
	}
	return pass()
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func kind(v any) string { return tokens.Kind(v) }

// same compares two decoded JSON values exactly (numbers by their text).
func same(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sameIdentity compares two ids by their text: whether an id is a number or a string is the
// business of the shape and claim clauses, not of the identity ones.
func sameIdentity(a, b any) bool {
	if a == nil || b == nil {
		return a == b
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}
