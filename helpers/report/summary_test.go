package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

func spec(id string, state types.SpecState, msg string, entries ...types.ReportEntry) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "spec " + id, LeafNodeLabels: []string{clauses.Label(id)},
		State: state, Failure: types.Failure{Message: msg}, ReportEntries: entries}
}

func entry(name, value string) types.ReportEntry {
	return types.ReportEntry{Name: name, Value: types.WrapEntryValue(value)}
}

// verdictEntry is a spec's verdict entry as the running suite holds it: the Go value.
func verdictEntry(kind verdict.Kind, msg string) types.ReportEntry {
	return types.ReportEntry{Name: EntryVerdict, Value: types.WrapEntryValue(Verdict{Kind: kind, Message: msg})}
}

// decodedEntry is the same entry read back from another process or report.json: JSON only.
func decodedEntry(t *testing.T, kind verdict.Kind, msg string) types.ReportEntry {
	data, err := json.Marshal(verdictEntry(kind, msg))
	if err != nil {
		t.Fatal(err)
	}
	var e types.ReportEntry
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	if e.Value.GetRawValue() == nil || e.Value.AsJSON == "" {
		t.Fatalf("the entry did not come back as JSON: %+v", e.Value)
	}
	return e
}

func TestSummarizeTakesTheWorstVerdictPerClause(t *testing.T) {
	cat, err := clauses.Parse([]byte(`clauses:
  - {id: A-PASS, severity: MUST, section: s, endpoint: me, statement: x}
  - {id: A-FAIL, severity: MUST, section: s, endpoint: me, statement: x}
  - {id: A-WARN, severity: SHOULD, section: s, endpoint: me, statement: x}
  - {id: A-WAIVE, severity: MUST, section: s, endpoint: me, statement: x}
  - {id: A-SKIP, severity: MUST, section: s, endpoint: me, statement: x}
  - {id: A-NONE, severity: MUST, section: s, endpoint: me, statement: x}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := types.Report{SpecReports: types.SpecReports{
		{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed, ReportEntries: []types.ReportEntry{entry(EntryRequests, "9")}},
		spec("A-PASS", types.SpecStatePassed, "", entry(EntryRequests, "2")),
		spec("A-FAIL", types.SpecStatePassed, ""),
		spec("A-FAIL", types.SpecStateFailed, "[A-FAIL · MUST · s] x\n  found: 405"),
		spec("A-PASS", types.SpecStatePassed, "", verdictEntry(verdict.Pass, "")),
		spec("A-WARN", types.SpecStatePassed, "", verdictEntry(verdict.Warn, "extra claim iat")),
		spec("A-WAIVE", types.SpecStatePassed, "", decodedEntry(t, verdict.Waived, "deviation (accepted: r)")),
		spec("A-SKIP", types.SpecStateSkipped, "needs the signing key"),
		spec("A-NONE", types.SpecStateSkipped, ""),
	}}
	s := Summarize(r, cat)
	want := map[string]verdict.Kind{"A-PASS": verdict.Pass, "A-FAIL": verdict.Fail, "A-WARN": verdict.Warn, "A-WAIVE": verdict.Waived, "A-SKIP": verdict.Skip, "A-NONE": verdict.NotRun}
	for _, c := range s.Clauses {
		if c.Verdict != want[c.ID] {
			t.Errorf("%s: %s, want %s", c.ID, c.Verdict, want[c.ID])
		}
	}
	if s.Requests != 11 {
		t.Errorf("requests %d, want 11", s.Requests)
	}
	var b bytes.Buffer
	s.WriteText(&b)
	for _, w := range []string{"A-FAIL                 MUST   FAIL     405", "extra claim iat", "A-WAIVE                MUST   WAIVED   deviation (accepted: r)", "1 not run", "Clauses: 6 (", "Specs (Ginkgo's count; a clause is judged by all its specs): 8 (", "HTTP requests sent: 11"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("text summary lacks %q:\n%s", w, b.String())
		}
	}
	// A clause the label filter left out is counted, never listed.
	if strings.Contains(b.String(), "A-NONE") {
		t.Errorf("text summary lists a clause that was not run:\n%s", b.String())
	}
}

// A verdict entry that reached Ginkgo as its String form (the door redacts a fmt.Stringer as
// text) still decides its clause, in the running suite and read back as JSON; text that is
// not a verdict's form decides nothing.
func TestAVerdictEntryInItsStringFormStillDecides(t *testing.T) {
	cat, err := clauses.Parse([]byte(`clauses:
  - {id: A-WARN, severity: SHOULD, section: s, endpoint: me, statement: x}
  - {id: B-WARN, severity: SHOULD, section: s, endpoint: me, statement: x}
  - {id: C-TEXT, severity: SHOULD, section: s, endpoint: me, statement: x}
`))
	if err != nil {
		t.Fatal(err)
	}
	decoded := entry(EntryVerdict, "warn: read back")
	data, _ := json.Marshal(decoded)
	decoded = types.ReportEntry{}
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatal(err)
	}
	r := types.Report{SpecReports: types.SpecReports{
		spec("A-WARN", types.SpecStatePassed, "", entry(EntryVerdict, "warn: extra field")),
		spec("B-WARN", types.SpecStatePassed, "", decoded),
		spec("C-TEXT", types.SpecStatePassed, "", entry(EntryVerdict, "whatever: not a kind")),
	}}
	s := Summarize(r, cat)
	want := map[string]verdict.Kind{"A-WARN": verdict.Warn, "B-WARN": verdict.Warn, "C-TEXT": verdict.Pass}
	for _, c := range s.Clauses {
		if c.Verdict != want[c.ID] {
			t.Errorf("%s: %s, want %s", c.ID, c.Verdict, want[c.ID])
		}
	}
}
