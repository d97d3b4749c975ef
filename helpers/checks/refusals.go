package checks

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
)

// The families the coverage matrix applies to every endpoint (helpers/coverage/matrix.yaml):
// the success answers' content type, and the content type, body and status of every refusal
// the flow walks. A refusal family judges the 4xx answers only: a 5xx or a 2xx is for the
// clauses that name the status, and one wrong status must not fail every family beside it.
var (
	MeJSON              = Clause{ID: "ME-JSON", Check: successJSON(flow.Me, "ME-STATUS")}
	RefreshJSON         = Clause{ID: "REFRESH-JSON", Check: refreshJSON}
	CreateRefusalJSON   = Clause{ID: "CREATE-REFUSAL-JSON", Check: refusalJSON(flow.CreateRefusals...)}
	CreateErrorShape    = Clause{ID: "CREATE-ERROR-SHAPE", Check: errorShape(drfError, flow.CreateRefusals...)}
	MeRefusalJSON       = Clause{ID: "ME-REFUSAL-JSON", Check: refusalJSON(flow.MeRefusals...)}
	MeErrorShape        = Clause{ID: "ME-ERROR-SHAPE", Check: errorShape(drfDetail, flow.MeRefusals...)}
	MeRefusalConsistent = Clause{ID: "ME-REFUSAL-CONSISTENT", Check: meRefusalConsistent}
	RefreshRefusalJSON  = Clause{ID: "REFRESH-REFUSAL-JSON", Check: refusalJSON(flow.RefreshRefusals...)}
	RefreshErrorShape   = Clause{ID: "REFRESH-ERROR-SHAPE", Check: errorShape(drfError, flow.RefreshRefusals...)}
)

// successJSON judges "the success answer is sent with a JSON content type"; an error answer is
// the status clause's to report.
func successJSON(step, statusClause string) Check {
	return func(f *flow.Flow, e Env) Result {
		ex, r := need(f, step)
		if r != nil {
			return *r
		}
		return contentTypeOfSuccess(ex, statusClause)
	}
}

func refreshJSON(f *flow.Flow, e Env) Result {
	ex, r := refreshed(f)
	if r != nil {
		return *r
	}
	return contentTypeOfSuccess(ex, "REFRESH-STATUS")
}

func contentTypeOfSuccess(ex *httpx.Exchange, statusClause string) Result {
	if ex.Status() >= 400 {
		return skip("%s was answered %s, not the documented answer; judged by %s", ex.Step, ex.Summary(), statusClause)
	}
	if p := jsonContentType(ex); p != "" {
		return fail([]string{ex.Step}, "the %d answer's %s", ex.Status(), p)
	}
	return pass(ex.Step)
}

// refusals returns the 4xx answers among the steps, or the skip to give when there is none.
func refusals(f *flow.Flow, steps []string) ([]*httpx.Exchange, *Result) {
	var out []*httpx.Exchange
	var why []string
	for _, s := range steps {
		ex := f.Exchanges[s]
		switch {
		case ex == nil:
			why = append(why, notSent(f, s))
		case ex.Status() >= 400 && ex.Status() <= 499:
			out = append(out, ex)
		default:
			why = append(why, fmt.Sprintf("%s was answered %s", s, ex.Summary()))
		}
	}
	if len(out) == 0 {
		r := skip("no 4xx refusal to judge (%s); each step's own clause judges its status", strings.Join(why, "; "))
		return nil, &r
	}
	return out, nil
}

// judgeEach fails with every refusal that judge finds wrong, naming each step.
func judgeEach(answers []*httpx.Exchange, judge func(*httpx.Exchange) string) Result {
	var problems, steps, all []string
	for _, ex := range answers {
		all = append(all, ex.Step)
		if p := judge(ex); p != "" {
			problems = append(problems, ex.Step+": "+p)
			steps = append(steps, ex.Step)
		}
	}
	if len(problems) > 0 {
		return fail(steps, "%s", strings.Join(problems, "; "))
	}
	return pass(all...)
}

// refusalJSON judges "every refusal carries a JSON body under a JSON content type".
func refusalJSON(steps ...string) Check {
	return func(f *flow.Flow, e Env) Result {
		answers, r := refusals(f, steps)
		if r != nil {
			return *r
		}
		return judgeEach(answers, func(ex *httpx.Exchange) string {
			var problems []string
			if p := jsonContentType(ex); p != "" {
				problems = append(problems, fmt.Sprintf("the %d answer's %s", ex.Status(), p))
			}
			if ex.Response.Truncated || !json.Valid(ex.Response.Body) {
				problems = append(problems, fmt.Sprintf("the %d answer's body is not JSON", ex.Status()))
			}
			return strings.Join(problems, "; ")
		})
	}
}

// errorShape judges every refusal's body with shape (drfError or drfDetail).
func errorShape(shape func(body []byte) string, steps ...string) Check {
	return func(f *flow.Flow, e Env) Result {
		answers, r := refusals(f, steps)
		if r != nil {
			return *r
		}
		return judgeEach(answers, func(ex *httpx.Exchange) string {
			if p := shape(ex.Response.Body); p != "" {
				return fmt.Sprintf("the %d answer %s", ex.Status(), p)
			}
			return ""
		})
	}
}

// drfDetail wants DRF's refusal body: an object whose "detail" is a string (simplejwt adds
// "code" and "messages", which are allowed).
func drfDetail(body []byte) string {
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return "is not a JSON object, so not DRF's {\"detail\": …}"
	}
	d, ok := obj["detail"]
	if !ok {
		return "has no \"detail\" (keys " + keys(obj) + "), expected DRF's {\"detail\": …}"
	}
	if _, ok := d.(string); !ok {
		return "has \"detail\" as " + kind(d) + ", not a string"
	}
	return ""
}

// drfError wants DRF's error body: {"detail": a string}, or field errors mapping each field
// (non_field_errors included) to a non-empty list of strings.
func drfError(body []byte) string {
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return "is not a JSON object, so neither DRF's {\"detail\": …} nor its field errors"
	}
	if _, ok := obj["detail"]; ok {
		return drfDetail(body)
	}
	if len(obj) == 0 {
		return "is an empty object, naming no error"
	}
	for _, k := range sortedKeys(obj) {
		list, ok := obj[k].([]any)
		if !ok || len(list) == 0 {
			return fmt.Sprintf("maps %q to %s, expected DRF's list of messages", k, kind(obj[k]))
		}
		for _, m := range list {
			if _, ok := m.(string); !ok {
				return fmt.Sprintf("lists a message of %q that is %s, not a string", k, kind(m))
			}
		}
	}
	return ""
}

func meRefusalConsistent(f *flow.Flow, e Env) Result {
	answers, r := refusals(f, flow.MeRefusals)
	if r != nil {
		return *r
	}
	statuses := map[int]bool{}
	var seen, steps []string
	for _, ex := range answers {
		statuses[ex.Status()] = true
		seen = append(seen, fmt.Sprintf("%s → %d", ex.Step, ex.Status()))
		steps = append(steps, ex.Step)
	}
	if len(statuses) > 1 {
		return fail(steps, "the refusals differ in status (%s): a client cannot tell what to do next from the status", strings.Join(seen, ", "))
	}
	return pass(steps...)
}

func sortedKeys(obj map[string]any) []string {
	out := make([]string, 0, len(obj))
	for k := range obj {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keys(obj map[string]any) string {
	if len(obj) == 0 {
		return "none"
	}
	return strings.Join(sortedKeys(obj), ", ")
}
