package auth

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/negative"
	"github.com/zonesmart/jwt-conformance/helpers/replay"
	"github.com/zonesmart/jwt-conformance/helpers/report"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

// maxBody bounds each body in a failure transcript.
const maxBody = 4 << 10

// clause declares the spec of one clause judged on the shared flow evidence. The spec is
// labelled with its clause, severity and endpoint, so reports and label filters need nothing
// else, and it is declared to the audit with where it stands. It sends nothing, so it takes no
// context.
func clause(c checks.Clause, text string, args ...any) bool {
	at := types.NewCodeLocation(1)
	declare(c.ID, nil, text, at)
	return It(text, append(labelsOf(c.ID, append([]any{at}, args...)...), func() {
		suite.judge(c.ID, c.Judge(suite.evidence, suite.env))
	})...)
}

// row is one negative case and the sentence that says what it sends and what it must get.
type row struct {
	c    negative.Case
	text string
	at   types.CodeLocation
}

// entry declares a negative case's spec: text says the request and the answer it must get.
func entry(c negative.Case, text string) row {
	return row{c: c, text: text, at: types.NewCodeLocation(1)}
}

// refusals is the table of a container's negative cases: each row is a spec labelled with its
// clause, severity and endpoint, and with the modes (needs-key, live-only, lockout-risk, fuzz)
// the BeforeEach gates on.
func refusals(text string, rows ...row) bool {
	args := []any{refuse}
	for _, r := range rows {
		declare(r.c.Clause, []string{text}, r.text, r.at)
		decorations := labelsOf(r.c.Clause, r.at)
		if ls := r.c.Labels(); len(ls) > 0 {
			decorations = append(decorations, Label(ls...))
		}
		args = append(args, Entry(r.text, append(decorations, r.c)...))
	}
	return DescribeTable(text, args...)
}

// declare records a spec of the tree for the audit, with its full name as Ginkgo will form it.
func declare(id string, inner []string, text string, at types.CodeLocation) {
	if suite == nil {
		panic(errNotPrepared)
	}
	hierarchy := append(append([]string(nil), CurrentTreeConstructionNodeReport().ContainerHierarchyTexts...), inner...)
	suite.declared = append(suite.declared, clauses.SpecInfo{
		FullText: strings.Join(append(hierarchy, text), " "),
		Labels:   []string{clauses.Label(id)},
		Text:     text,
		Location: fmt.Sprintf("suites/auth/%s:%d", filepath.Base(at.FileName), at.LineNumber),
	})
}

func labelsOf(id string, extra ...any) []any {
	cl, ok := suite.cat.Get(id)
	if !ok {
		// An unknown ID is reported by the audit before the first request.
		return append([]any{Label(clauses.Label(id))}, extra...)
	}
	return append([]any{Label(clauses.Label(id), string(cl.Severity), cl.Endpoint)}, extra...)
}

// judge reports a clause's verdict as a structured report entry; the exchanges behind a failure
// are attached, redacted; a skip says what is missing.
func (r *run) judge(id string, res checks.Result) {
	cl, _ := r.cat.Get(id)
	d := verdict.Decide(cl, res.Finding(), r.cfg, time.Now())
	v := report.Verdict{Clause: id, Kind: d.Kind, Message: d.Message}
	switch d.Kind {
	case verdict.Warn, verdict.Waived:
		// Shown on the console as before: "warn: …".
		r.out.Entry(report.EntryVerdict, v)
		return
	case verdict.Pass:
		r.out.Entry(report.EntryVerdict, v, ReportEntryVisibilityNever)
		return
	case verdict.Skip:
		skip(v.Message)
	}
	r.out.Entry(report.EntryVerdict, v, ReportEntryVisibilityNever)
	r.out.Entry(report.EntryExchange, r.transcript(res.Steps), ReportEntryVisibilityFailureOrVerbose)
	if why := r.unanswered(res.Steps); why != "" {
		r.noteBroken(why)
	}
	r.out.Fail(v.Message)
}

// unanswered is the error of the first of steps, the flow's or the spec's own, that got no
// answer at all in a live run, or "".
func (r *run) unanswered(steps []string) string {
	if r.fixtures != nil {
		return ""
	}
	for _, s := range steps {
		exs := r.sent
		if ex := r.evidence.Exchanges[s]; ex != nil {
			exs = append([]*httpx.Exchange{ex}, exs...)
		}
		for _, ex := range exs {
			if ex.Step == s && ex.Response == nil && ex.Err != "" {
				return ex.Err
			}
		}
	}
	return ""
}

// noteBroken marks the running spec's failure as the environment's (no answer came: the
// connection was lost, the run budget was spent, the run was interrupted): it says nothing of
// the target, and its clause is reported broken.
func (r *run) noteBroken(why string) {
	if !r.brokenNoted {
		r.brokenNoted = true
		r.out.Entry(report.EntryBroken, why, ReportEntryVisibilityNever)
	}
}

func (r *run) transcript(steps []string) string {
	var b strings.Builder
	for _, s := range steps {
		if ex := r.evidence.Exchanges[s]; ex != nil {
			b.WriteString(ex.Transcript(r.redactor, maxBody))
		}
		for _, ex := range r.sent {
			if ex.Step == s {
				b.WriteString(ex.Transcript(r.redactor, maxBody))
			}
		}
	}
	if b.Len() == 0 {
		return "(no exchange)"
	}
	return b.String()
}

// send makes a request of the running spec under ctx. Live, it goes to the target. In replay,
// the fixtures must record this step, and the request must match the recorded one exactly; a
// step the fixtures lack skips the spec, saying what would provide it.
func (r *run) send(ctx context.Context, call httpx.Call) *httpx.Exchange {
	if r.fixtures != nil {
		recorded := r.fixtures.ForStep(call.Step)
		if len(recorded) == 0 {
			skip(notRecorded(call.Step))
		}
		s := replay.Start(r.client.HTTP, offlineBase, recorded)
		r.client.Times = s.Times
		defer func() {
			r.client.Times = nil
			problems := s.Problems()
			s.Stop()
			if len(problems) > 0 {
				r.out.Fail("replay: " + strings.Join(problems, "; "))
			}
		}()
	}
	ex := r.client.Do(ctx, call)
	r.sent = append(r.sent, ex)
	return ex
}

// skip ends the running spec as a skip, attaching the verdict like every other, with msg saying
// what is missing and how to provide it. Every skip of the suite goes through here.
func skip(msg string) {
	id := ""
	if ids := clauses.FromLabels(CurrentSpecReport().Labels()); len(ids) == 1 {
		id = ids[0]
	}
	suite.out.Entry(report.EntryVerdict, report.Verdict{Clause: id, Kind: verdict.Skip, Message: msg}, ReportEntryVisibilityNever)
	suite.out.Skip(msg)
}

func notRecorded(step string) string {
	return fmt.Sprintf("the fixtures record no %q exchange (the page shows none); record a live server with make record, or set ZS_BASE_URL", step)
}

// judgeSent reports a clause judged on the running spec's own exchanges.
func (r *run) judgeSent(id string, res checks.Result) {
	if res.Outcome == checks.Fail && len(res.Steps) == 0 {
		for _, ex := range r.sent {
			res.Steps = append(res.Steps, ex.Step)
		}
	}
	r.judge(id, res)
}

// refuse runs one negative case: it builds the case's requests from the flow's evidence, sends
// them under the spec's context and judges every answer.
func refuse(ctx SpecContext, c negative.Case) {
	r := suite
	if r.evidence.Fatal != "" {
		// The target never answered the log-in: every request here would fail the same way.
		r.judgeSent(c.Clause, checks.Result{Outcome: checks.Fail, Message: r.evidence.Fatal, Fatal: true})
		return
	}
	reqs, err := c.Build(r.negativeEvidence())
	if err != nil {
		skip(r.redactor.String("cannot build the request: " + err.Error()))
	}
	if r.fixtures != nil {
		// Check every step first, so a replay never sends half a case.
		for _, q := range reqs {
			if !r.fixtures.Has(q.Call.Step) {
				skip(notRecorded(q.Call.Step))
			}
		}
	}
	if err := r.wrongPasswords.Reserve(c, negative.WrongPasswords(reqs), r.cfg.WrongPasswordAttempts); err != nil {
		skip(err.Error())
	}
	bounded, cancel := r.budget(ctx)
	defer cancel()
	answers := make([]*httpx.Exchange, 0, len(reqs))
	for _, q := range reqs {
		answers = append(answers, r.send(bounded, q.Call))
	}
	r.judgeSent(c.Clause, c.Judge(answers))
}

// negativeEvidence is the flow's evidence with a replay's credentials in place of the
// configured ones, so a replay sends exactly what was recorded.
func (r *run) negativeEvidence() negative.Evidence {
	ev := negative.EvidenceFrom(r.evidence, r.cfg, time.Now())
	ev.Email = r.env.Email
	if r.fixtures != nil {
		_, ev.Password, _ = r.fixtures.Credentials()
	}
	return ev
}
