package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/coverage"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

// A cell takes the worst verdict of its clauses; a cell no clause judges is n/a.
func TestCoverageGridTakesTheWorstVerdictPerCell(t *testing.T) {
	m, err := coverage.Parse([]byte(`
families:
  - {id: status, name: status, meaning: the status}
  - {id: json, name: JSON content type, meaning: the content type}
mistakes:
  - {id: missing, meaning: absent}
answers:
  - endpoint: me
    kind: success
    request: a token
    cells:
      status: [ME-STATUS]
      json: [ME-JSON]
  - endpoint: me
    kind: no credentials
    request: no header
    cells:
      status: [ME-ANON-REFUSED]
      json: "n/a: for the test"
  - endpoint: create
    kind: success
    request: the right password
    cells:
      status: [CREATE-STATUS]
      json: "n/a: <not> judged"
fields:
  - field: email
    endpoint: create
    cells:
      missing: [CREATE-STATUS]
`))
	if err != nil {
		t.Fatal(err)
	}
	s := Summary{Clauses: []ClauseVerdict{
		{Clause: clauses.Clause{ID: "ME-STATUS"}, Verdict: verdict.Pass},
		{Clause: clauses.Clause{ID: "ME-ANON-REFUSED"}, Verdict: verdict.Fail},
		{Clause: clauses.Clause{ID: "ME-JSON"}, Verdict: verdict.Warn},
		{Clause: clauses.Clause{ID: "CREATE-STATUS"}, Verdict: verdict.Skip},
	}}
	g := coverageOf(m, s, Run{Endpoints: map[string]string{"me": "GET /users/me/"}})
	got := map[string]string{}
	for _, r := range g.Rows {
		for i, c := range r.Cells {
			got[r.Title+" × "+g.Families[i].ID] = c.Label()
		}
	}
	want := map[string]string{
		"create × status": "skip", "create × json": "n/a",
		"GET /users/me/ × status": "fail", "GET /users/me/ × json": "warn",
	}
	if len(got) != len(want) {
		t.Errorf("cells %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if c := g.Rows[0].Cells[1]; c.Title() != "success: <not> judged" {
		t.Errorf("an n/a cell's tooltip is its reason: %q", c.Title())
	}
}

// Both reports carry the grid of the embedded matrix, every endpoint and family of it, with
// what the page prints escaped.
func TestReportsShowTheCoverageGrid(t *testing.T) {
	s, run := fixture(t)
	var md, page bytes.Buffer
	if err := WriteMarkdown(&md, s, run); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, s, run); err != nil {
		t.Fatal(err)
	}
	g := Coverage(s, run)
	if g.Problem != "" || len(g.Rows) != 4 || len(g.Families) < 7 {
		t.Fatalf("the embedded matrix: %d rows, %d families, %q", len(g.Rows), len(g.Families), g.Problem)
	}
	for _, want := range []string{"## Coverage", "| endpoint | status | JSON content type |", "| GET /users/me/ |", " n/a |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("conformance.md lacks %q", want)
		}
	}
	html := page.String()
	for _, want := range []string{`<h2>Coverage</h2>`, `<table id="coverage">`, `<th title="the answer&#39;s status code`, `<span class="muted">n/a</span>`} {
		if !strings.Contains(html, want) {
			t.Errorf("conformance.html lacks %q", want)
		}
	}
	if strings.Index(html, "<h2>Coverage</h2>") > strings.Index(html, "<h2>Clauses</h2>") {
		t.Error("the grid comes before the clause table")
	}
}
