package auth_test

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/replay"
	"github.com/zonesmart/jwt-conformance/helpers/report"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

// maxBody bounds each body in a failure transcript.
const maxBody = 4 << 10

// clause declares the spec of one catalogue clause, judged on the shared flow evidence. The
// spec is labelled with its clause, severity and endpoint, so reports and label filters need
// nothing else.
func clause(id, text string, args ...any) bool {
	return It(text, append(labelsOf(id, append([]any{Offset(1)}, args...)...), func() {
		judge(id, checks.Judge(id, evidence, env))
	})...)
}

func labelsOf(id string, extra ...any) []any {
	cl, ok := cat.Get(id)
	if !ok {
		// An unknown ID is reported by the catalogue audit at the end of the run.
		return append([]any{Label(clauses.Label(id))}, extra...)
	}
	return append([]any{Label(clauses.Label(id), string(cl.Severity), cl.Endpoint)}, extra...)
}

// judge reports a clause's result: the exchanges behind a failure are attached, redacted; a
// warning or an accepted deviation is recorded on a passing spec; a skip says what is missing.
func judge(id string, r checks.Result) {
	cl, _ := cat.Get(id)
	d := verdict.Decide(cl, r, cfg, time.Now())
	switch d.Kind {
	case verdict.Pass:
		return
	case verdict.Skip:
		Skip(redactor.String(d.Message))
	case verdict.Warn, verdict.Waived:
		AddReportEntry(report.EntryVerdict, redactor.String(fmt.Sprintf("%s: %s", d.Kind, d.Message)))
		return
	}
	AddReportEntry(report.EntryExchange, transcript(r.Steps), ReportEntryVisibilityFailureOrVerbose)
	Fail(redactor.String(d.Message))
}

func transcript(steps []string) string {
	var b strings.Builder
	for _, s := range steps {
		if ex := evidence.Exchanges[s]; ex != nil {
			b.WriteString(ex.Transcript(redactor, maxBody))
		}
		for _, ex := range specExchanges {
			if ex.Step == s {
				b.WriteString(ex.Transcript(redactor, maxBody))
			}
		}
	}
	if b.Len() == 0 {
		return "(no exchange)"
	}
	return b.String()
}

// specExchanges are the exchanges the running spec sent itself, for its failure transcript.
var specExchanges []*httpx.Exchange

var _ = BeforeEach(func() { specExchanges = nil })

// send makes a request of the running spec. Live, it goes to the target. In replay, the
// fixtures must record this step, and the request must match the recorded one exactly; a
// step the fixtures lack skips the spec, saying what would provide it.
func send(call httpx.Call) *httpx.Exchange {
	if fixtureSet != nil {
		recorded := fixtureSet.ForStep(call.Step)
		if len(recorded) == 0 {
			Skip(fmt.Sprintf("the fixtures record no %q exchange (the page shows none); record a live server with make record, or set ZS_BASE_URL", call.Step))
		}
		s := replay.Start(client.HTTP, offlineBase, recorded)
		client.Times = s.Times
		defer func() {
			client.Times = nil
			problems := s.Problems()
			s.Stop()
			if len(problems) > 0 {
				Fail("replay: " + strings.Join(problems, "; "))
			}
		}()
	}
	ex := client.Do(call)
	specExchanges = append(specExchanges, ex)
	return ex
}

// judgeSent reports a clause judged on the running spec's own exchanges.
func judgeSent(id string, r checks.Result) {
	if r.Outcome == checks.Fail && len(r.Steps) == 0 {
		for _, ex := range specExchanges {
			r.Steps = append(r.Steps, ex.Step)
		}
	}
	judge(id, r)
}
