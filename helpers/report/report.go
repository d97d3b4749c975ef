// Package report reads Ginkgo's report back into per-clause verdicts, from labels and report
// entries, never from text output. The summary at the end of a run, the conformance pages and
// the kill matrix are all built from it.
package report

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
)

// Entry names the suite writes into the report.
const (
	EntryVerdict    = "verdict"  // "warn: …" or "waived: …" on a spec that otherwise passed
	EntryRequests   = "requests" // HTTP requests a spec (or the suite set-up) sent
	EntryExchange   = "exchange" // a redacted transcript, attached when a spec fails
	EntryEvidence   = "evidence" // the redacted flow summary, attached to the set-up
	VerdictWarn     = "warn"
	VerdictWaived   = "waived"
	VerdictPass     = "pass"
	VerdictFail     = "fail"
	VerdictSkip     = "skip"
	VerdictNotInRun = "not run"
)

// SpecVerdict is one spec's outcome.
type SpecVerdict struct {
	Clause  string
	Text    string
	Verdict string
	Message string
	// Exchange is the redacted transcript the suite attached to a failure, or "".
	Exchange string
}

// ClauseVerdict gathers a clause's specs into one verdict: the worst of them.
type ClauseVerdict struct {
	clauses.Clause
	Verdict string
	Specs   []SpecVerdict
}

// Summary is a run's outcome, clause by clause.
type Summary struct {
	Clauses  []ClauseVerdict
	Requests int
	Counts   map[string]int
	Other    []string // failures outside any clause (set-up, audit)
}

var rank = map[string]int{VerdictNotInRun: 0, VerdictSkip: 1, VerdictPass: 2, VerdictWaived: 3, VerdictWarn: 4, VerdictFail: 5}

// Summarize reads a Ginkgo report.
func Summarize(r types.Report, cat *clauses.Catalogue) Summary {
	s := Summary{Counts: map[string]int{}}
	bySpec := map[string][]SpecVerdict{}
	for _, sr := range r.SpecReports {
		for _, e := range sr.ReportEntries {
			if e.Name == EntryRequests {
				n, _ := strconv.Atoi(strings.Trim(e.StringRepresentation(), `"`))
				s.Requests += n
			}
		}
		if sr.LeafNodeType != types.NodeTypeIt {
			if sr.State.Is(types.SpecStateFailureStates) {
				s.Other = append(s.Other, fmt.Sprintf("%s: %s", sr.LeafNodeType, firstLine(sr.Failure.Message)))
			}
			continue
		}
		for _, id := range clauses.FromLabels(sr.Labels()) {
			bySpec[id] = append(bySpec[id], SpecVerdict{Clause: id, Text: sr.FullText(), Verdict: specVerdict(sr), Message: specMessage(sr), Exchange: entryText(sr, EntryExchange)})
		}
	}
	for _, cl := range cat.Clauses {
		cv := ClauseVerdict{Clause: cl, Verdict: VerdictNotInRun, Specs: bySpec[cl.ID]}
		for _, sv := range cv.Specs {
			if rank[sv.Verdict] > rank[cv.Verdict] {
				cv.Verdict = sv.Verdict
			}
		}
		s.Counts[cv.Verdict]++
		s.Clauses = append(s.Clauses, cv)
	}
	return s
}

func specVerdict(sr types.SpecReport) string {
	switch {
	case sr.State.Is(types.SpecStateFailureStates):
		return VerdictFail
	case sr.State == types.SpecStateSkipped || sr.State == types.SpecStatePending:
		if sr.Failure.Message == "" {
			return VerdictNotInRun // filtered out by labels or focus
		}
		return VerdictSkip
	}
	for _, e := range sr.ReportEntries {
		if e.Name == EntryVerdict {
			v := strings.Trim(e.StringRepresentation(), `"`)
			if strings.HasPrefix(v, VerdictWaived) {
				return VerdictWaived
			}
			return VerdictWarn
		}
	}
	return VerdictPass
}

// entryText returns the text of the spec's first report entry with the given name, or "".
func entryText(sr types.SpecReport, name string) string {
	for _, e := range sr.ReportEntries {
		if e.Name == name {
			return e.StringRepresentation()
		}
	}
	return ""
}

func specMessage(sr types.SpecReport) string {
	if sr.Failure.Message != "" {
		return sr.Failure.Message
	}
	for _, e := range sr.ReportEntries {
		if e.Name == EntryVerdict {
			v := strings.Trim(e.StringRepresentation(), `"`)
			for _, prefix := range []string{VerdictWarn + ": ", VerdictWaived + ": "} {
				v = strings.TrimPrefix(v, prefix)
			}
			return v
		}
	}
	return ""
}

// WriteText prints the per-clause summary table.
func (s Summary) WriteText(w io.Writer) {
	fmt.Fprintln(w, "\nConformance by clause")
	fmt.Fprintf(w, "  %-22s %-6s %-8s %s\n", "clause", "sev", "verdict", "note")
	for _, c := range s.Clauses {
		note := ""
		for _, sv := range c.Specs {
			if sv.Verdict == c.Verdict && sv.Message != "" {
				note = firstLine(sv.Message)
				break
			}
		}
		if len(note) > 110 {
			note = note[:110] + "…"
		}
		fmt.Fprintf(w, "  %-22s %-6s %-8s %s\n", c.ID, c.Severity, strings.ToUpper(c.Verdict), note)
	}
	var parts []string
	for _, v := range []string{VerdictPass, VerdictFail, VerdictWarn, VerdictWaived, VerdictSkip, VerdictNotInRun} {
		if n := s.Counts[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v))
		}
	}
	sort.Strings(s.Other)
	for _, o := range s.Other {
		fmt.Fprintf(w, "  outside any clause: %s\n", o)
	}
	fmt.Fprintf(w, "Clauses: %s. HTTP requests sent: %d.\n", strings.Join(parts, ", "), s.Requests)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		rest := strings.TrimSpace(s[i+1:])
		// A failure's first line is the clause headline; its finding is the useful part.
		if strings.HasPrefix(rest, "found: ") {
			rest = strings.TrimPrefix(rest, "found: ")
			if j := strings.IndexByte(rest, '\n'); j >= 0 {
				rest = rest[:j]
			}
			return rest
		}
		return s[:i]
	}
	return s
}
