// What a run would do before it does it: the label filter checked against the tree, and the
// dry run's plan of requests and wrong-password log-ins per clause.

package auth

import (
	"fmt"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/zonesmart/jwt-conformance/fixtures"
	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/negative"
)

// writePlan is what a dry run prints instead of verdicts: per selected clause, the requests it
// would send and how many of them carry a wrong password. Negative cases are built from
// placeholder evidence (the page's tokens), so their counts are those of a live run.
func (r *run) writePlan(rep Report) {
	selected := map[string]bool{}
	for _, sr := range rep.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt && sr.State == types.SpecStatePassed {
			for _, id := range clauses.FromLabels(sr.Labels()) {
				selected[id] = true
			}
		}
	}
	ev := negative.Evidence{Email: r.cfg.Email, Password: "placeholder", Access: fixtures.PageAccessToken, Refresh: fixtures.PageRefreshToken,
		Create: r.cfg.Create, Me: r.cfg.Me, RefreshAt: r.cfg.Refresh, Scheme: r.cfg.Scheme, Algorithm: r.cfg.Algorithm,
		Key: []byte(r.cfg.SigningKey), Live: !r.cfg.Offline(), Skew: r.cfg.Skew, AccessLifetime: r.cfg.AccessLifetime,
		RefreshLifetime: r.cfg.RefreshLifetime, Now: time.Now(), Malformed: r.cfg.MalformedBodies}
	if ev.Email == "" {
		ev.Email = "placeholder@invalid.example"
	}
	w := r.out.Stdout()
	fmt.Fprintln(w, "\nDry run: what a run would send")
	fmt.Fprintf(w, "  the documented flow, once before every clause: up to %d requests, one log-in with the configured password\n", len(flow.Steps))
	total, wrong := len(flow.Steps), 0
	for _, cl := range r.cat.Clauses {
		if !selected[cl.ID] {
			continue
		}
		reqs, wp, note := 0, 0, "judged on the flow's answers: no request of its own"
		for _, c := range negative.Cases() {
			if c.Clause != cl.ID {
				continue
			}
			built, err := c.Build(ev)
			switch {
			case err != nil:
				note = "would skip: " + err.Error()
				continue
			case c.Lockout && !r.cfg.WrongCredentials:
				note = "would skip: safety.wrong_credentials is false"
				continue
			case negative.WrongPasswords(built) > 0 && c.FirstWrongPassword+negative.WrongPasswords(built)-1 > r.cfg.WrongPasswordAttempts:
				note = "would skip: beyond safety.wrong_password_attempts"
				continue
			case slices.Contains(c.Labels(), negative.LabelLiveOnly) && r.cfg.Offline():
				note = "would skip: needs a live target (ZS_BASE_URL)"
				continue
			case r.fixtures != nil && !r.recordsAll(built):
				note = "would skip: the fixtures do not record its requests"
				continue
			}
			reqs += len(built)
			wp += negative.WrongPasswords(built)
			note = ""
		}
		total, wrong = total+reqs, wrong+wp
		line := fmt.Sprintf("  %-22s %-6s %3d request(s), %d wrong-password log-in(s)", cl.ID, cl.Severity, reqs, wp)
		if note != "" && reqs == 0 {
			line = fmt.Sprintf("  %-22s %-6s %s", cl.ID, cl.Severity, note)
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "In all: at most %d requests, %d wrong-password log-in(s) (safety.wrong_password_attempts: %d).\n", total, wrong, r.cfg.WrongPasswordAttempts)
	fmt.Fprintln(w, "dry run: nothing was sent")
}

// CheckLabelFilter refuses, before anything runs, a label filter that selects no spec of the
// tree (a mistyped label would otherwise run nothing and pass). The error is one line naming
// the filter and the labels the tree knows.
func CheckLabelFilter(filter string) error {
	if strings.TrimSpace(filter) == "" || suite == nil {
		return nil
	}
	match, err := types.ParseLabelFilter(filter)
	if err != nil {
		return fmt.Errorf("label filter %q does not parse (%v)", filter, strings.TrimSpace(firstLineOf(err.Error())))
	}
	sets, known := labelSets(suite.cat)
	for _, ls := range sets {
		if match(ls) {
			return nil
		}
	}
	return fmt.Errorf("label filter %q selects no spec; the labels are %s, and clause:<ID> for each clause (--list-clauses)", filter, strings.Join(known, ", "))
}

func firstLineOf(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// labelSets are the label sets the tree's specs carry, one per clause (a clause's specs share
// its cases' mode labels), and the labels other than clause:<ID>. They come from the catalogue
// and the negative cases, so the filter is checked before the tree is built.
func labelSets(cat *clauses.Catalogue) ([][]string, []string) {
	caseLabels := map[string][]string{}
	for _, c := range negative.Cases() {
		caseLabels[c.Clause] = append(caseLabels[c.Clause], c.Labels()...)
	}
	var sets [][]string
	seen := map[string]bool{}
	var known []string
	for _, cl := range cat.Clauses {
		ls := append([]string{clauses.Label(cl.ID), string(cl.Severity), cl.Endpoint}, caseLabels[cl.ID]...)
		for _, l := range ls[1:] {
			if !seen[l] {
				seen[l] = true
				known = append(known, l)
			}
		}
		sets = append(sets, ls)
	}
	slices.Sort(known)
	return sets, known
}

// KnownLabels are the labels of the tree besides clause:<ID>, for --help and the label filter's
// error.
func KnownLabels() ([]string, error) {
	cat, err := clauses.Default()
	if err != nil {
		return nil, err
	}
	_, known := labelSets(cat)
	return known, nil
}

// recordsAll reports whether the replayed fixtures record every request of a case.
func (r *run) recordsAll(reqs []negative.Request) bool {
	for _, q := range reqs {
		if !r.fixtures.Has(q.Call.Step) {
			return false
		}
	}
	return true
}
