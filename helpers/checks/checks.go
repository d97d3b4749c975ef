// Package checks judges each clause of the catalogue on a walked flow. Every clause is one
// exported value (CreateStatus, RefreshMethod, …) that carries its ID and its check, a plain
// function of the evidence; unit tests feed the checks altered examples and see exactly which
// clause breaks, and specs name the values and only report the verdict.
package checks

import (
	"fmt"
	"mime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

// Outcome is a check's verdict before severity and waivers are applied: Pass, Fail or Skip of
// the one verdict vocabulary.
type Outcome = verdict.Kind

const (
	Pass = verdict.Pass
	Fail = verdict.Fail
	// Skip: the clause cannot be judged on this evidence; the message says what is missing.
	Skip = verdict.Skip
)

// Result is one clause's verdict, with the steps whose exchanges are its evidence.
type Result struct {
	Outcome Outcome
	Message string
	Steps   []string
	// Fatal marks a failure of the run itself (the target never answered): it fails whatever
	// the clause's severity or waiver.
	Fatal bool
}

// Finding is the result as the verdict sees it.
func (r Result) Finding() verdict.Finding {
	return verdict.Finding{Kind: r.Outcome, Message: r.Message, Fatal: r.Fatal}
}

func pass(steps ...string) Result { return Result{Outcome: Pass, Steps: steps} }
func skip(format string, a ...any) Result {
	return Result{Outcome: Skip, Message: fmt.Sprintf(format, a...)}
}
func fail(steps []string, format string, a ...any) Result {
	return Result{Outcome: Fail, Message: fmt.Sprintf(format, a...), Steps: steps}
}

// Env is what the checks need from the configuration.
type Env struct {
	Email           string
	AccessLifetime  time.Duration
	RefreshLifetime time.Duration
	Skew            time.Duration
	MaxServerOffset time.Duration // clock.max_server_offset: the most the server's Date widens a window
	Scheme          string
	Algorithm       string
	RefreshMethod   string
	SigningKey      []byte
	// Redactor masks, where a failure quotes a claim, a value that holds a secret or a token
	// (redact.Claims); every other claim is quoted as it is. Nil quotes every claim as it is.
	Redactor *redact.Redactor
}

// claim is a claim's value as a failure message may quote it.
func (e Env) claim(v any) any {
	if e.Redactor == nil {
		return v
	}
	return e.Redactor.Claims(map[string]any{"v": v})["v"]
}

// Check judges one clause.
type Check func(f *flow.Flow, e Env) Result

// Clause is one catalogue clause judged on the walked flow: its ID and its check. Each is an
// exported value (CreateStatus, RefreshMethod, …), so a spec names its clause by a Go value that
// a misspelling fails to compile, and go-to-definition leads from the spec to the check.
type Clause struct {
	ID    string
	Check Check
}

// Judge runs the clause's check. A target that never answered fails every clause with the same
// one-line reason instead of a cascade of guesses.
func (c Clause) Judge(f *flow.Flow, e Env) Result {
	if f.Fatal != "" {
		return Result{Outcome: Fail, Message: f.Fatal, Steps: []string{flow.Create}, Fatal: true}
	}
	return c.Check(f, e)
}

// All lists every clause judged on the flow, in catalogue order.
var All = []Clause{
	CreateStatus, CreateJSON, CreateShape, CreateFields,
	TokenJWS, TokenHeader, ClaimTokenType, ClaimExp, ClaimJTI, ClaimUserID, ClaimEmail, ClaimPhone,
	ClaimUsername, ClaimAccessUntil, ClaimHasAccess, ClaimExtra, KeySignature, JTIDistinct,
	LifetimeAccess, LifetimeRefresh, LifetimePair,
	MeStatus, MeShape, MeFields, MeIdentity, MeAnonRefused, MeAnonChallenge, MeExpiredExample, MeRefreshAsAccess,
	RefreshMethod, RefreshStatus, RefreshShape, RefreshFields, RefreshJTIFresh, RefreshIdentity,
	RefreshLifetime, RefreshAccessWorks, RefreshReusable,
	MeJSON, RefreshJSON, CreateRefusalJSON, CreateErrorShape, MeRefusalJSON, MeErrorShape, MeRefusalConsistent,
	RefreshRefusalJSON, RefreshErrorShape,
}

// For returns the clause with the given ID, for tools that start from a catalogue ID.
func For(id string) (Clause, bool) {
	for _, c := range All {
		if c.ID == id {
			return c, true
		}
	}
	return Clause{}, false
}

// Evaluate judges every clause of the flow.
func Evaluate(f *flow.Flow, e Env) map[string]Result {
	out := map[string]Result{}
	for _, c := range All {
		out[c.ID] = c.Judge(f, e)
	}
	return out
}

// need returns a step's exchange, or the result to give when it is missing or unanswered.
func need(f *flow.Flow, step string) (*httpx.Exchange, *Result) {
	ex := f.Exchanges[step]
	if ex == nil {
		r := skip("%s", notSent(f, step))
		return nil, &r
	}
	if ex.Response == nil {
		r := fail([]string{step}, "%s: no answer: %s", step, ex.Err)
		return nil, &r
	}
	return ex, nil
}

func notSent(f *flow.Flow, step string) string {
	if why := f.NotSent[step]; why != "" {
		return fmt.Sprintf("%s %s", step, why)
	}
	return step + " was not sent"
}

// answer returns a step's exchange and its JSON object, or the result to give instead.
func answer(f *flow.Flow, step, clause string) (*httpx.Exchange, map[string]any, *Result) {
	ex, r := need(f, step)
	if r != nil {
		return nil, nil, r
	}
	obj, r := object(ex, clause)
	if r != nil {
		return nil, nil, r
	}
	return ex, obj, nil
}

// object returns the answer as a JSON object, or the skip that defers to the clause judging it.
// An error answer is not judged as if it were the documented body: its status clause reports it.
func object(ex *httpx.Exchange, clause string) (map[string]any, *Result) {
	if ex.Status() >= 400 {
		r := skip("%s was answered %s, not the documented body; judged by %s", ex.Step, ex.Summary(), clause)
		return nil, &r
	}
	obj, err := ex.Object()
	if err != nil {
		r := skip("%s answer is not a JSON object (%v); judged by %s", ex.Step, err, clause)
		return nil, &r
	}
	return obj, nil
}

// statusAndJSON judges "answers <want> with a JSON object".
func statusAndJSON(ex *httpx.Exchange, want int) Result {
	var problems []string
	if ex.Status() != want {
		problems = append(problems, fmt.Sprintf("expected %d, got %s", want, ex.Summary()))
	}
	if _, err := ex.Object(); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return fail([]string{ex.Step}, "%s", strings.Join(problems, "; "))
	}
	return pass(ex.Step)
}

// shownHeader bounds a header value quoted in a finding: a server may send 64 KiB of one.
const shownHeader = 80

func jsonContentType(ex *httpx.Exchange) string {
	ct := ex.Header("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return fmt.Sprintf("Content-Type is %q, expected application/json", httpx.Clip(ct, shownHeader))
	}
	return ""
}

// onlyFields reports fields beyond the documented ones.
func onlyFields(ex *httpx.Exchange, obj map[string]any, documented ...string) Result {
	var extra []string
	for k := range obj {
		if !slices.Contains(documented, k) {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return fail([]string{ex.Step}, "undocumented fields %s beside %s", strings.Join(extra, ", "), strings.Join(documented, ", "))
	}
	return pass(ex.Step)
}

// stringField judges that obj[name] is a non-empty string.
func stringField(obj map[string]any, name string) string {
	v, ok := obj[name]
	if !ok {
		return fmt.Sprintf("has no %q field", name)
	}
	s, ok := v.(string)
	if !ok {
		return fmt.Sprintf("%q is %s, not a string", name, kind(v))
	}
	if s == "" {
		return fmt.Sprintf("%q is empty", name)
	}
	return ""
}

func refused(ex *httpx.Exchange) Result {
	if s := ex.Status(); s == 401 || s == 403 {
		return pass(ex.Step)
	}
	return fail([]string{ex.Step}, "expected a refusal (401 or 403), got %s", ex.Summary())
}
