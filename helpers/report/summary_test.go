package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
)

func spec(id string, state types.SpecState, msg string, entries ...types.ReportEntry) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "spec " + id, LeafNodeLabels: []string{clauses.Label(id)},
		State: state, Failure: types.Failure{Message: msg}, ReportEntries: entries}
}

func entry(name, value string) types.ReportEntry {
	return types.ReportEntry{Name: name, Value: types.WrapEntryValue(value)}
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
		spec("A-WARN", types.SpecStatePassed, "", entry(EntryVerdict, "warn: extra claim iat")),
		spec("A-WAIVE", types.SpecStatePassed, "", entry(EntryVerdict, "waived: deviation (accepted: r)")),
		spec("A-SKIP", types.SpecStateSkipped, "needs the signing key"),
		spec("A-NONE", types.SpecStateSkipped, ""),
	}}
	s := Summarize(r, cat)
	want := map[string]string{"A-PASS": "pass", "A-FAIL": "fail", "A-WARN": "warn", "A-WAIVE": "waived", "A-SKIP": "skip", "A-NONE": "not run"}
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
	for _, w := range []string{"A-FAIL                 MUST   FAIL     405", "extra claim iat", "HTTP requests sent: 11"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("text summary lacks %q:\n%s", w, b.String())
		}
	}
}
