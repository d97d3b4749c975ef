package negative

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

// Judge judges the answers to a case's requests, in the order they were sent.
type Judge func(answers []*httpx.Exchange) checks.Result

// Answer judges one answer: "" when it is right, else what is wrong with it.
type Answer func(ex *httpx.Exchange) string

// Each judges every answer alike; the failure names each wrong answer, and only those
// exchanges are attached to the report.
func Each(judge Answer) Judge {
	return func(answers []*httpx.Exchange) checks.Result {
		var problems, steps []string
		for _, ex := range answers {
			if p := judge(ex); p != "" {
				problems = append(problems, p)
				steps = append(steps, ex.Step)
			}
		}
		if len(problems) == 0 {
			return pass(answers)
		}
		msg := strings.Join(problems, "; ")
		if len(answers) > 1 {
			msg = fmt.Sprintf("%d of %d answers are wrong: %s", len(problems), len(answers), msg)
		}
		return checks.Result{Outcome: checks.Fail, Message: msg, Steps: steps}
	}
}

func pass(answers []*httpx.Exchange) checks.Result {
	r := checks.Result{Outcome: checks.Pass}
	for _, ex := range answers {
		r.Steps = append(r.Steps, ex.Step)
	}
	return r
}

// All applies several answer judgements; the first that finds a problem speaks.
func All(judges ...Answer) Answer {
	return func(ex *httpx.Exchange) string {
		for _, j := range judges {
			if p := j(ex); p != "" {
				return p
			}
		}
		return ""
	}
}

// Refused: 401 or 403, the same rule as the flow's refusals.
func Refused(ex *httpx.Exchange) string {
	if r := checks.Refused(ex); r.Outcome != checks.Pass {
		return ex.Step + ": " + r.Message
	}
	return ""
}

// Status wants exactly one status.
func Status(want int) Answer {
	return func(ex *httpx.Exchange) string {
		if ex.Status() != want {
			return fmt.Sprintf("%s: expected %d, got %s", ex.Step, want, ex.Summary())
		}
		return ""
	}
}

// ClientError wants a 4xx: the request was the client's fault, and the server saw it.
func ClientError(ex *httpx.Exchange) string {
	if s := ex.Status(); s < 400 || s > 499 {
		return fmt.Sprintf("%s: expected a 4xx refusal, got %s", ex.Step, ex.Summary())
	}
	return ""
}

// JSONBody wants an answer whose body is a JSON value, as an API's error answers are.
func JSONBody(ex *httpx.Exchange) string {
	if ex.Response == nil {
		return ex.Step + ": no answer: " + ex.Err
	}
	if ex.Response.Truncated || !json.Valid(ex.Response.Body) {
		return fmt.Sprintf("%s: the %d answer's body is not JSON (Content-Type %q)", ex.Step, ex.Status(), httpx.Clip(ex.Header("Content-Type"), 80))
	}
	return ""
}

// jwsLike finds anything shaped like a compact JWS, wherever it is in a body.
var jwsLike = regexp.MustCompile(`[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)

// NoToken wants no token anywhere in the answer's body: a refusal that hands out a token is
// no refusal.
func NoToken(ex *httpx.Exchange) string {
	if ex.Response == nil {
		return ""
	}
	for _, m := range jwsLike.FindAll(ex.Response.Body, -1) {
		if _, err := tokens.Parse(string(m)); err == nil {
			return fmt.Sprintf("%s: answered %s with a token in its body", ex.Step, ex.Summary())
		}
	}
	return ""
}

// FieldErrors wants 400 with a JSON body that names every given field: the client is told
// what to fix.
func FieldErrors(fields ...string) Answer {
	return func(ex *httpx.Exchange) string {
		if p := Status(http.StatusBadRequest)(ex); p != "" {
			return p
		}
		var v any
		if ex.Response.Truncated || json.Unmarshal(ex.Response.Body, &v) != nil {
			return fmt.Sprintf("%s: the 400 answer's body is not JSON, so it names no field", ex.Step)
		}
		var missing []string
		for _, f := range fields {
			if !names(v, f) {
				missing = append(missing, f)
			}
		}
		if len(missing) > 0 {
			return fmt.Sprintf("%s: the 400 answer names no error for %s", ex.Step, strings.Join(missing, ", "))
		}
		return ""
	}
}

// names reports whether a decoded JSON value names a field: as a key at any depth
// ({"password": [...]}, {"errors": {"password": ...}}), or as a string value that is the
// field or a pointer to it ({"field": "password"}, {"pointer": "/password"}).
func names(v any, field string) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k == field || names(val, field) {
				return true
			}
		}
	case []any:
		for _, val := range x {
			if names(val, field) {
				return true
			}
		}
	case string:
		return x == field || strings.HasSuffix(x, "/"+field)
	}
	return false
}

// SameAnswer wants the two answers indistinguishable: the same status and the same body
// (compared as JSON when both are JSON, so key order and spacing do not count).
func SameAnswer(answers []*httpx.Exchange) checks.Result {
	a, b := answers[0], answers[1]
	steps := []string{a.Step, b.Step}
	switch {
	case a.Response == nil || b.Response == nil:
		return checks.Result{Outcome: checks.Fail, Steps: steps,
			Message: fmt.Sprintf("cannot compare: %s got %s, %s got %s", a.Step, a.Summary(), b.Step, b.Summary())}
	case a.Status() != b.Status():
		return checks.Result{Outcome: checks.Fail, Steps: steps,
			Message: fmt.Sprintf("the answers differ in status: %s got %s, %s got %s", a.Step, a.Summary(), b.Step, b.Summary())}
	case !sameBody(a.Response.Body, b.Response.Body):
		return checks.Result{Outcome: checks.Fail, Steps: steps,
			Message: fmt.Sprintf("the answers differ in body (both %d): an unknown email can be told from a wrong password", a.Status())}
	}
	return pass(answers)
}

func sameBody(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil {
		return reflect.DeepEqual(x, y)
	}
	return bytes.Equal(a, b)
}
