// Package verdict turns a check's outcome into what the run reports, applying the clause's
// severity, strict mode and waivers: MUST failures fail, SHOULD failures warn unless strict,
// and a waived clause is an accepted deviation until its waiver expires.
package verdict

import (
	"fmt"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
)

// Kind is the reported verdict of one clause.
type Kind string

const (
	Pass   Kind = "pass"
	Fail   Kind = "fail"
	Warn   Kind = "warn"
	Waived Kind = "waived"
	Skip   Kind = "skip"
)

// Decision is a verdict and the line that explains it.
type Decision struct {
	Kind    Kind
	Message string
}

// Decide applies severity, strict mode and waivers to a result.
func Decide(cl clauses.Clause, r checks.Result, cfg *config.Config, now time.Time) Decision {
	switch r.Outcome {
	case checks.Pass:
		return Decision{Kind: Pass}
	case checks.Skip:
		return Decision{Kind: Skip, Message: r.Message}
	}
	head := Headline(cl)
	if r.Fatal {
		return Decision{Kind: Fail, Message: fmt.Sprintf("%s\n  found: %s", head, r.Message)}
	}
	if w, ok := cfg.WaiverFor(cl.ID); ok {
		if w.Expired(now) {
			return Decision{Kind: Fail, Message: fmt.Sprintf("%s\n  found: %s\n  the waiver (%s) expired on %s: fix the deviation or renew the waiver", head, r.Message, w.Reason, w.Expires.Format("2006-01-02"))}
		}
		return Decision{Kind: Waived, Message: fmt.Sprintf("deviation (accepted: %s; until %s): %s", w.Reason, w.Expires.Format("2006-01-02"), r.Message)}
	}
	if cl.Severity == clauses.Should && !cfg.Strict {
		return Decision{Kind: Warn, Message: fmt.Sprintf("%s (a SHOULD: fails the run only with strict: true)", r.Message)}
	}
	return Decision{Kind: Fail, Message: fmt.Sprintf("%s\n  found: %s", head, r.Message)}
}

// Headline names a clause the way failures start: ID, severity, page section, statement.
func Headline(cl clauses.Clause) string {
	return fmt.Sprintf("[%s · %s · %s] %s", cl.ID, cl.Severity, cl.Section, cl.Statement)
}
