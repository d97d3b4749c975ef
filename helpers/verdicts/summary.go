package verdicts

import (
	"fmt"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/report"
)

// FromSummary turns the run's summary into clause entries: each clause's verdict, the first
// line of the message that decided it, and its configured waiver (shown whatever the verdict,
// so that an expired waiver stays visible beside the failure it no longer covers). Every
// string passes redact first; nil keeps them as they are.
func FromSummary(s report.Summary, waivers []config.Waiver, redact func(string) string) ([]Clause, error) {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	byClause := map[string]config.Waiver{}
	for _, w := range waivers {
		byClause[w.Clause] = w
	}
	out := make([]Clause, 0, len(s.Clauses))
	for _, cv := range s.Clauses {
		v, err := ParseVerdict(string(cv.Verdict))
		if err != nil {
			return nil, fmt.Errorf("clause %s: %v", cv.ID, err)
		}
		c := Clause{ID: cv.ID, Severity: cv.Severity, Endpoint: cv.Endpoint, Verdict: v}
		if v != Pass {
			c.Reason = OneLine(redact(reason(cv)), MaxReason)
		}
		if w, ok := byClause[cv.ID]; ok {
			c.Waiver = NewWaiver(redact(w.Reason), w.Expires)
		}
		out = append(out, c)
	}
	return out, nil
}

// reason is the message of the first spec that carries the clause's verdict, as the reports
// lead with it. A failure opens with the clause's headline, which the entry already says by
// its fields: what was found, and what follows it, is the reason.
func reason(cv report.ClauseVerdict) string {
	msg := ""
	for _, sv := range cv.Specs {
		if sv.Message != "" && (msg == "" || sv.Verdict == cv.Verdict) {
			msg = sv.Message
			if sv.Verdict == cv.Verdict {
				break
			}
		}
	}
	head, rest, found := strings.Cut(strings.TrimSpace(msg), "\n")
	if found && strings.HasPrefix(head, "["+cv.ID+" ") {
		return strings.TrimPrefix(strings.TrimSpace(rest), "found: ")
	}
	return msg
}
