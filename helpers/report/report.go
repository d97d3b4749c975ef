// Package report reads Ginkgo's report back into per-clause verdicts, from labels and report
// entries, never from text output. The summary at the end of a run, the conformance pages and
// the kill matrix are all built from it.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

// Entry names the suite writes into the report.
const (
	EntryVerdict  = "verdict"  // a Verdict: what the spec decided on its clause
	EntryRequests = "requests" // HTTP requests a spec (or the suite set-up) sent
	EntryExchange = "exchange" // a redacted transcript, attached when a spec fails
	EntryEvidence = "evidence" // the redacted flow summary, attached to the set-up
	EntryBroken   = "broken"   // why a failed spec's failure is the environment's (no answer came), not the target's
)

// Verdict is the value of a spec's EntryVerdict report entry: Ginkgo keeps it as JSON in its
// report, and Summarize decodes it, so no verdict is ever parsed back out of text.
type Verdict struct {
	Clause  string       `json:"clause"`
	Kind    verdict.Kind `json:"kind"`
	Message string       `json:"message,omitempty"` // redacted already
}

// String is how Ginkgo prints the entry on the console: "warn: …".
func (v Verdict) String() string {
	if v.Message == "" {
		return string(v.Kind)
	}
	return string(v.Kind) + ": " + v.Message
}

// verdictOf decodes a spec's verdict entry, whether the report is the running suite's own (the
// Go value) or one read back from JSON (another process's, or report.json).
func verdictOf(sr types.SpecReport) (Verdict, bool) {
	for _, e := range sr.ReportEntries {
		if e.Name != EntryVerdict {
			continue
		}
		if v, ok := e.Value.GetRawValue().(Verdict); ok {
			return v, true
		}
		var v Verdict
		if err := json.Unmarshal([]byte(e.Value.AsJSON), &v); err == nil && v.Kind != "" {
			return v, true
		}
		// An entry that reached Ginkgo as its String form ("warn: …"): a door that redacts a
		// fmt.Stringer as text keeps no JSON, so the kind is read back from the form String
		// writes, and only a known kind is taken.
		str, ok := e.Value.GetRawValue().(string)
		if !ok {
			ok = json.Unmarshal([]byte(e.Value.AsJSON), &str) == nil
		}
		if ok {
			kind, msg, _ := strings.Cut(str, ": ")
			if k := verdict.Kind(kind); slices.Contains(verdict.Kinds, k) {
				return Verdict{Kind: k, Message: msg}, true
			}
		}
	}
	return Verdict{}, false
}

// SpecVerdict is one spec's outcome.
type SpecVerdict struct {
	Clause  string
	Text    string
	Verdict verdict.Kind
	Message string
	// Exchange is the redacted transcript the suite attached to a failure, or "".
	Exchange string
}

// ClauseVerdict gathers a clause's specs into one verdict: the worst of them.
type ClauseVerdict struct {
	clauses.Clause
	Verdict verdict.Kind
	Specs   []SpecVerdict
}

// Summary is a run's outcome, clause by clause.
type Summary struct {
	Clauses  []ClauseVerdict
	Requests int
	Counts   map[verdict.Kind]int
	Other    []string // failures outside any clause (set-up, audit)
	// Specs counts the specs by verdict, as Ginkgo counts them: a clause may have several
	// specs (a table's entries), so these add up to Ginkgo's totals and Counts to the clauses.
	Specs SpecCounts
}

// Summarize reads a Ginkgo report.
func Summarize(r types.Report, cat *clauses.Catalogue) Summary {
	s := Summary{Counts: map[verdict.Kind]int{}, Specs: SpecCounts{}}
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
		s.Specs[specVerdict(sr)]++
		for _, id := range clauses.FromLabels(sr.Labels()) {
			bySpec[id] = append(bySpec[id], SpecVerdict{Clause: id, Text: sr.FullText(), Verdict: specVerdict(sr), Message: specMessage(sr), Exchange: entryText(sr, EntryExchange)})
		}
	}
	for _, cl := range cat.Clauses {
		cv := ClauseVerdict{Clause: cl, Verdict: verdict.NotRun, Specs: bySpec[cl.ID]}
		for _, sv := range cv.Specs {
			if sv.Verdict.Rank() > cv.Verdict.Rank() {
				cv.Verdict = sv.Verdict
			}
		}
		s.Counts[cv.Verdict]++
		s.Clauses = append(s.Clauses, cv)
	}
	return s
}

// specVerdict is the spec's state where Ginkgo decided (a failure, an interrupt, a skip, a
// filter), else the verdict the spec attached (pass, warn, waived).
func specVerdict(sr types.SpecReport) verdict.Kind {
	switch {
	case sr.State.Is(types.SpecStateInterrupted | types.SpecStateAborted):
		// The run was stopped under it: that says nothing of the target.
		return verdict.Broken
	case sr.State.Is(types.SpecStateFailureStates) && entryText(sr, EntryBroken) != "":
		return verdict.Broken
	case sr.State.Is(types.SpecStateFailureStates):
		return verdict.Fail
	case sr.State == types.SpecStateSkipped || sr.State == types.SpecStatePending:
		if sr.Failure.Message == "" {
			return verdict.NotRun // filtered out by labels or focus
		}
		return verdict.Skip
	}
	if v, ok := verdictOf(sr); ok && v.Kind != verdict.Fail && v.Kind != verdict.Skip {
		return v.Kind
	}
	return verdict.Pass
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
	v, _ := verdictOf(sr)
	return v.Message
}

// WriteText prints the per-clause summary table: the clauses the run selected, then the counts
// of clauses and of specs (Ginkgo's unit), which differ where a clause has several specs.
func (s Summary) WriteText(w io.Writer) {
	fmt.Fprintln(w, "\nConformance by clause")
	fmt.Fprintf(w, "  %-22s %-6s %-8s %s\n", "clause", "sev", "verdict", "note")
	for _, c := range s.Clauses {
		if c.Verdict == verdict.NotRun {
			continue // left out by the label filter: counted below, not listed
		}
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
		fmt.Fprintf(w, "  %-22s %-6s %-8s %s\n", c.ID, c.Severity, strings.ToUpper(c.Verdict.Words()), note)
	}
	sort.Strings(s.Other)
	for _, o := range s.Other {
		fmt.Fprintf(w, "  outside any clause: %s\n", o)
	}
	fmt.Fprintf(w, "Clauses: %s. Specs (Ginkgo's count; a clause is judged by all its specs): %s. HTTP requests sent: %d.\n",
		counts(s.Counts), counts(s.Specs), s.Requests)
}

// SpecCounts counts specs by verdict.
type SpecCounts map[verdict.Kind]int

func (c SpecCounts) total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Total is the number of specs counted.
func (c SpecCounts) Total() int { return c.total() }

func counts(by map[verdict.Kind]int) string {
	var parts []string
	total := 0
	for _, v := range verdict.Kinds {
		if n := by[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v.Words()))
			total += n
		}
	}
	return fmt.Sprintf("%d (%s)", total, strings.Join(parts, ", "))
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
