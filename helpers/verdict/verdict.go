// Package verdict turns a check's outcome into what the run reports, applying the clause's
// severity, strict mode and waivers: MUST failures fail, SHOULD failures warn unless strict,
// and a waived clause is an accepted deviation until its waiver expires.
package verdict

import (
	"fmt"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
)

// Kind is the one vocabulary of verdicts: what a check finds (pass, fail, skip), what a clause
// is reported as once severity and waivers apply (warn, waived), and a clause no spec judged
// (not-run). Checks, specs, reports and the kill matrix all carry this type, never their own
// strings; a new kind (such as one for a broken environment) is added here and ranked in Rank.
type Kind string

const (
	Pass   Kind = "pass"
	Fail   Kind = "fail"
	Warn   Kind = "warn"
	Waived Kind = "waived"
	Skip   Kind = "skip"
	NotRun Kind = "not-run"
	// Broken: the environment failed while the clause was judged (the target went away, the
	// run budget ran out, an interrupt): it says nothing of the target.
	Broken Kind = "broken"
)

// Kinds lists every verdict, in the order summaries count them.
var Kinds = []Kind{Pass, Fail, Warn, Waived, Skip, NotRun, Broken}

// Judged says whether the verdict says something about the target.
func (k Kind) Judged() bool { return k == Pass || k == Fail || k == Warn || k == Waived }

// Rank orders verdicts from least to most severe: a clause judged by several specs takes the
// worst of them.
func (k Kind) Rank() int {
	switch k {
	case Skip:
		return 1
	case Pass:
		return 2
	case Waived:
		return 3
	case Warn:
		return 4
	case Broken:
		return 5
	case Fail:
		return 6
	}
	return 0 // NotRun and anything unknown
}

// Words is the verdict as prose ("not run"), for summaries and tables.
func (k Kind) Words() string {
	if k == NotRun {
		return "not run"
	}
	return string(k)
}

// Finding is a check's result as far as the verdict cares: its kind (Pass, Fail or Skip), the
// line that explains it, and whether it is a failure of the run itself (the target never
// answered), which fails whatever the clause's severity or waiver.
type Finding struct {
	Kind    Kind
	Message string
	Fatal   bool
}

// Decision is a verdict and the line that explains it.
type Decision struct {
	Kind    Kind
	Message string
}

// Decide applies severity, strict mode and waivers to a result.
func Decide(cl clauses.Clause, r Finding, cfg *config.Config, now time.Time) Decision {
	switch r.Kind {
	case Pass:
		return Decision{Kind: Pass}
	case Skip:
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
