package auth_test

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/clauses"
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
	}
	if b.Len() == 0 {
		return "(no exchange)"
	}
	return b.String()
}
