package checks

import (
	"net/http"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
)

// Obtaining tokens: POST create.
var (
	CreateStatus = Clause{ID: "CREATE-STATUS", Check: createStatus}
	CreateJSON   = Clause{ID: "CREATE-JSON", Check: createJSON}
	CreateShape  = Clause{ID: "CREATE-SHAPE", Check: createShape}
	CreateFields = Clause{ID: "CREATE-FIELDS", Check: createFields}
)

func createStatus(f *flow.Flow, e Env) Result {
	ex, r := need(f, flow.Create)
	if r != nil {
		return *r
	}
	if ex.Status() != http.StatusOK {
		return fail([]string{flow.Create}, "expected 200, got %s", ex.Summary())
	}
	return pass(flow.Create)
}

func createJSON(f *flow.Flow, e Env) Result {
	ex, r := need(f, flow.Create)
	if r != nil {
		return *r
	}
	return jsonAnswer(ex)
}

func createShape(f *flow.Flow, e Env) Result {
	_, obj, r := answer(f, flow.Create, "CREATE-STATUS and CREATE-JSON")
	if r != nil {
		return *r
	}
	var problems []string
	for _, name := range []string{"refresh", "access"} {
		if p := stringField(obj, name); p != "" {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return fail([]string{flow.Create}, "the create answer %s", join(problems))
	}
	return pass(flow.Create)
}

func createFields(f *flow.Flow, e Env) Result {
	ex, obj, r := answer(f, flow.Create, "CREATE-STATUS and CREATE-JSON")
	if r != nil {
		return *r
	}
	return onlyFields(ex, obj, "refresh", "access")
}

// jsonAnswer judges "a JSON object sent with a JSON content type".
func jsonAnswer(ex *httpx.Exchange) Result {
	var problems []string
	if p := jsonContentType(ex); p != "" {
		problems = append(problems, p)
	}
	if _, err := ex.Object(); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return fail([]string{ex.Step}, "%s", join(problems))
	}
	return pass(ex.Step)
}

func join(problems []string) string { return strings.Join(problems, "; ") }
