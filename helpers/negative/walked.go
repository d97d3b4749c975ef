package negative

import (
	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
)

// Refusals the flow walks (helpers/flow), judged on its shared evidence like a flow clause:
// their answers are judged by the refusal families too (checks.CreateRefusalJSON, …), so they
// are sent once in a run, by the flow, rather than once per spec or per process.
var (
	CreateMissingField  = walked("CREATE-MISSING-FIELD", Each(FieldErrors("email", "password")), flow.CreateMissingField, flow.CreateMissingEmail)
	CreateNotJSON       = walked("CREATE-NOT-JSON", clientErrorNoToken, flow.CreateNotJSON)
	CreateContentType   = walked("CREATE-CONTENT-TYPE", clientErrorNoToken, flow.CreateContentType)
	MeSchemeOnly        = walked("ME-SCHEME-ONLY", refusedEach, flow.MeSchemeOnly)
	RefreshMissingField = walked("REFRESH-MISSING-FIELD", Each(FieldErrors("refresh")), flow.RefreshMissingField)
	RefreshGarbage      = walked("REFRESH-GARBAGE", unauthorizedNoToken, flow.RefreshGarbage)
	RefreshNotJSON      = walked("REFRESH-NOT-JSON", clientErrorNoToken, flow.RefreshNotJSON)
	RefreshContentType  = walked("REFRESH-CONTENT-TYPE", clientErrorNoToken, flow.RefreshContentType)
)

// Walked lists the refusal clauses judged on the flow's walked refusals.
var Walked = []checks.Clause{CreateMissingField, CreateNotJSON, CreateContentType, MeSchemeOnly,
	RefreshMissingField, RefreshGarbage, RefreshNotJSON, RefreshContentType}

// walked judges the answers to the given flow steps: a step the flow did not send skips the
// clause with the flow's reason (a replay that lacks it), an unanswered one fails it.
func walked(id string, judge Judge, steps ...string) checks.Clause {
	return checks.Clause{ID: id, Check: func(f *flow.Flow, _ checks.Env) checks.Result {
		answers := make([]*httpx.Exchange, 0, len(steps))
		for _, s := range steps {
			ex := f.Exchanges[s]
			if ex == nil {
				why := f.NotSent[s]
				if why == "" {
					why = "was not sent"
				}
				return checks.Result{Outcome: checks.Skip, Message: s + " " + why}
			}
			answers = append(answers, ex)
		}
		return judge(answers)
	}}
}
