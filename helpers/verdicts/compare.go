package verdicts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
)

// Change is one clause's verdict in the baseline run and in this one; Was is "" for a clause
// the baseline did not have, Now is "" for one this run does not have.
type Change struct {
	ID       string
	Severity clauses.Severity
	Was, Now Verdict
}

// Changes is what changed since a baseline run, as --baseline reports it. Each list is sorted
// by clause ID.
type Changes struct {
	Baseline Run // the baseline's run, to say which run the changes are since
	Current  Run
	// NewFailures fail now and did not in the baseline, including clauses it did not have.
	NewFailures []Change
	// Fixed failed in the baseline and are judged and not failed now.
	Fixed []Change
	// StillFailing failed in both runs.
	StillFailing []Change
	// NewlySkipped were judged in the baseline and are not now (skip, not-run, broken): the
	// baseline's verdict no longer holds, and this run says nothing in its place.
	NewlySkipped []Change
	Added        []Change // clauses this run has and the baseline had not
	Removed      []Change // clauses the baseline had and this run has not
}

// Compare says what changed from the baseline run old to the run new.
func Compare(old, new *File) Changes {
	ch := Changes{Baseline: old.Run, Current: new.Run}
	was := map[string]Clause{}
	for _, c := range old.Clauses {
		was[c.ID] = c
	}
	now := map[string]Clause{}
	for _, c := range new.Clauses {
		now[c.ID] = c
	}
	for _, c := range new.Clauses {
		o, had := was[c.ID]
		change := Change{ID: c.ID, Severity: c.Severity, Was: o.Verdict, Now: c.Verdict}
		if !had {
			ch.Added = append(ch.Added, change)
		}
		switch {
		case c.Verdict == Fail && o.Verdict == Fail:
			ch.StillFailing = append(ch.StillFailing, change)
		case c.Verdict == Fail:
			ch.NewFailures = append(ch.NewFailures, change)
		case o.Verdict == Fail && c.Verdict.Judged():
			ch.Fixed = append(ch.Fixed, change)
		case o.Verdict.Judged() && !c.Verdict.Judged():
			ch.NewlySkipped = append(ch.NewlySkipped, change)
		}
	}
	for _, o := range old.Clauses {
		if _, ok := now[o.ID]; !ok {
			ch.Removed = append(ch.Removed, Change{ID: o.ID, Severity: o.Severity, Was: o.Verdict})
		}
	}
	for _, l := range []*[]Change{&ch.NewFailures, &ch.Fixed, &ch.StillFailing, &ch.NewlySkipped, &ch.Added, &ch.Removed} {
		slices.SortFunc(*l, func(a, b Change) int { return strings.Compare(a.ID, b.ID) })
	}
	return ch
}

// Changed says whether anything moved since the baseline; clauses that still fail are no
// change.
func (c Changes) Changed() bool {
	return len(c.NewFailures)+len(c.Fixed)+len(c.NewlySkipped)+len(c.Added)+len(c.Removed) > 0
}

// TimeLayout is how the renderings name the baseline run's time.
const TimeLayout = "2006-01-02 15:04:05 UTC"

// maxListed bounds the IDs named inline in the plain text; the Markdown table lists all.
const maxListed = 8

// Text is the one-paragraph plain-text rendering, for terminals and logs: "Since the baseline
// run of 2026-11-27 12:00:00 UTC: 1 new failure (REFRESH-METHOD), 2 fixed (…)."
func (c Changes) Text() string {
	return c.sentence(func(ids []string) string { return listIDs(ids, maxListed) })
}

// Markdown is the section that opens a report: the same sentence, and a table of every
// clause that changed or still fails.
func (c Changes) Markdown() string {
	var b strings.Builder
	b.WriteString("## Since the baseline run\n\n")
	b.WriteString(c.sentence(nil))
	b.WriteString("\n")
	rows := []struct {
		what string
		list []Change
	}{
		{"new failure", c.NewFailures}, {"fixed", c.Fixed}, {"still failing", c.StillFailing},
		{"newly skipped", c.NewlySkipped}, {"added", c.Added}, {"removed", c.Removed},
	}
	if len(c.NewFailures)+len(c.Fixed)+len(c.StillFailing)+len(c.NewlySkipped)+len(c.Added)+len(c.Removed) == 0 {
		return b.String()
	}
	b.WriteString("\n| change | clause | severity | baseline | now |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		for _, ch := range r.list {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", r.what, ch.ID, ch.Severity, orDash(ch.Was), orDash(ch.Now))
		}
	}
	return b.String()
}

// sentence says the changes in one sentence; names renders a list of IDs, or nil for counts
// alone (the Markdown table names them).
func (c Changes) sentence(names func([]string) string) string {
	part := func(n int, one, many string, list []Change) string {
		s := fmt.Sprintf("%d %s", n, one)
		if n != 1 {
			s = fmt.Sprintf("%d %s", n, many)
		}
		if names != nil {
			s += " (" + names(ids(list)) + ")"
		}
		return s
	}
	var moved []string
	if n := len(c.NewFailures); n > 0 {
		moved = append(moved, part(n, "new failure", "new failures", c.NewFailures))
	}
	if n := len(c.Fixed); n > 0 {
		moved = append(moved, part(n, "fixed", "fixed", c.Fixed))
	}
	if n := len(c.StillFailing); n > 0 {
		moved = append(moved, part(n, "still failing", "still failing", c.StillFailing))
	}
	if n := len(c.NewlySkipped); n > 0 {
		moved = append(moved, part(n, "newly skipped", "newly skipped", c.NewlySkipped))
	}
	var catalogue []string
	if n := len(c.Added); n > 0 {
		catalogue = append(catalogue, part(n, "clause added", "clauses added", c.Added))
	}
	if n := len(c.Removed); n > 0 {
		catalogue = append(catalogue, part(n, "clause removed", "clauses removed", c.Removed))
	}
	s := "Since the baseline run of " + c.Baseline.Started.UTC().Format(TimeLayout) + ": "
	switch {
	case !c.Changed() && len(c.StillFailing) == 0:
		s += "no change, and no clause fails"
	case !c.Changed():
		s += "no change; " + strings.Join(moved, ", ")
	default:
		s += strings.Join(moved, ", ")
		if len(catalogue) > 0 {
			if len(moved) > 0 {
				s += "; "
			}
			s += strings.Join(catalogue, ", ")
		}
	}
	s += "."
	// Comparing runs of different targets or modes is allowed, but must not pass unnoticed.
	if c.Baseline.Target != c.Current.Target || c.Baseline.Mode != c.Current.Mode {
		s += fmt.Sprintf(" The baseline tested %s (%s); this run tests %s (%s).", orDash(c.Baseline.Target), c.Baseline.Mode, orDash(c.Current.Target), c.Current.Mode)
	}
	if c.Baseline.SuiteVersion != c.Current.SuiteVersion {
		s += fmt.Sprintf(" The baseline was judged by suite %s, this run by %s.", c.Baseline.SuiteVersion, c.Current.SuiteVersion)
	}
	return s
}

func ids(list []Change) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.ID
	}
	return out
}

func listIDs(ids []string, max int) string {
	if len(ids) <= max {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:max], ", "), len(ids)-max)
}

func orDash[T ~string](s T) string {
	if s == "" {
		return "—"
	}
	return string(s)
}
