package coverage

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
)

func catalogue(t *testing.T) *clauses.Catalogue {
	t.Helper()
	cat, err := clauses.Default()
	if err != nil {
		t.Fatalf("the clause catalogue: %v", err)
	}
	return cat
}

// TestMatrixHasNoEmptyCell is the matrix's own rule: every cell of both grids names a clause
// of the catalogue or a proposed one, or says why it is not applicable.
func TestMatrixHasNoEmptyCell(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Check(catalogue(t)) {
		t.Error(p)
	}
	c := m.Count()
	t.Logf("%d cells (%d n/a), %d proposed clauses", c.Cells, c.NotApplicable, c.Proposed)
}

// TestEveryEndpointHasItsRows: the answers grid has a success row for each endpoint, and the
// fields grid every request field the page names.
func TestEveryEndpointHasItsRows(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, ep := range clauses.Endpoints {
		found := false
		for _, r := range m.Answers {
			found = found || r.Endpoint == ep
		}
		if !found {
			t.Errorf("no answer row for endpoint %s", ep)
		}
	}
	for _, f := range []string{"email", "password", "refresh", "Authorization"} {
		found := false
		for _, r := range m.Fields {
			found = found || r.Field == f
		}
		if !found {
			t.Errorf("no field row for %s", f)
		}
	}
}

// small is a well-formed matrix to alter: one family, one mistake, one row of each grid.
const small = `
families:
  - {id: status, name: status, meaning: m}
  - {id: json, name: JSON, meaning: m}
mistakes:
  - {id: missing, meaning: m}
proposed:
  - {id: ME-NEW-THING, severity: MUST, section: s, endpoint: me, statement: a new thing.}
answers:
  - endpoint: me
    kind: success
    request: r
    cells:
      status: [ME-STATUS]
      json: [ME-NEW-THING]
fields:
  - field: Authorization
    endpoint: me
    cells:
      missing: "n/a: a reason"
`

func TestParseReportsEveryStructuralProblem(t *testing.T) {
	if _, err := Parse([]byte(small)); err != nil {
		t.Fatalf("the unaltered small matrix: %v", err)
	}
	cases := []struct {
		name, old, new, want string
	}{
		{"an empty list", "json: [ME-NEW-THING]", "json: []", "the json cell is empty"},
		{"a missing cell", "      json: [ME-NEW-THING]\n", "", `no cell for family "json"`},
		{"n/a without a reason", `missing: "n/a: a reason"`, `missing: "n/a:"`, "the missing cell is empty"},
		{"a bare string", `missing: "n/a: a reason"`, `missing: "TODO"`, `not "TODO"`},
		{"a null cell", "json: [ME-NEW-THING]", "json:", "the json cell is empty"},
		{"a cell for no family", "json: [ME-NEW-THING]", "json: [ME-NEW-THING]\n      colour: [ME-STATUS]", `a cell for "colour"`},
		{"an unknown endpoint", "  - endpoint: me\n    kind: success", "  - endpoint: users\n    kind: success", "endpoint must be one of"},
		{"a duplicated clause", "status: [ME-STATUS]", "status: [ME-STATUS, ME-STATUS]", "listed twice"},
		{"a malformed proposal", "severity: MUST, section: s", "severity: MAY, section: s", `severity "MAY"`},
		{"an unknown key", "    request: r\n", "    request: r\n    colour: red\n", "colour"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			altered := strings.Replace(small, c.old, c.new, 1)
			if altered == small {
				t.Fatalf("the alteration %q does not apply", c.old)
			}
			_, err := Parse([]byte(altered))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestCheckTiesTheMatrixToTheCatalogue(t *testing.T) {
	cat := catalogue(t)
	check := func(doc string) string {
		m, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		return strings.Join(m.Check(cat), "\n")
	}
	base := check(small)
	// The small matrix leaves most of the catalogue out; that, and only that, is reported.
	if !strings.Contains(base, "catalogue clause CREATE-STATUS is in no cell") || strings.Contains(base, "neither") {
		t.Fatalf("the small matrix: %s", base)
	}
	if got := check(strings.Replace(small, "[ME-STATUS]", "[ME-STATUS, ME-NO-SUCH]", 1)); !strings.Contains(got, "clause ME-NO-SUCH is neither in the catalogue nor proposed") {
		t.Errorf("an unknown clause: %s", got)
	}
	// A proposal that became a clause tightens the test: it must leave the proposed list.
	if got := check(strings.Replace(small, "ME-NEW-THING", "ME-STATUS", -1)); !strings.Contains(got, "proposed clause ME-STATUS is in the catalogue now") {
		t.Errorf("a proposal already in the catalogue: %s", got)
	}
	// Removed from the proposed list but not added to the catalogue, it is unknown.
	dropped := strings.Replace(small, "  - {id: ME-NEW-THING, severity: MUST, section: s, endpoint: me, statement: a new thing.}\n", "", 1)
	if got := check(dropped); !strings.Contains(got, "clause ME-NEW-THING is neither") {
		t.Errorf("a dropped proposal: %s", got)
	}
	unused := strings.Replace(small, "json: [ME-NEW-THING]", `json: "n/a: why"`, 1)
	if got := check(unused); !strings.Contains(got, "proposed clause ME-NEW-THING is in no cell") {
		t.Errorf("an unused proposal: %s", got)
	}
}

func TestEndpointFamilyAndCount(t *testing.T) {
	m, err := Parse([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	ids, na := m.EndpointFamily("me", "json")
	if strings.Join(ids, ",") != "ME-NEW-THING" || len(na) != 0 {
		t.Errorf("me × json: %v %v", ids, na)
	}
	c := m.Count()
	if c.Cells != 3 || c.NotApplicable != 1 || c.Proposed != 1 {
		t.Errorf("counts %+v", c)
	}
	if got := m.Fields[0].Cells["missing"].String(); got != "n/a: a reason" {
		t.Errorf("String: %q", got)
	}
}

var update = flag.Bool("update", false, "rewrite the README's coverage table from matrix.yaml")

// The README's coverage table is generated from the matrix; -update rewrites it.
func TestReadmeCoverageTableIsTheMatrix(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	path, _ := filepath.Abs(filepath.Join("..", "..", "README.md"))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- coverage-table:begin (generated from helpers/coverage/matrix.yaml: go test ./helpers/coverage -run ReadmeCoverage -update) -->\n", "<!-- coverage-table:end -->"
	text := string(data)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q markers", begin, end)
	}
	if got, want := text[i+len(begin):j], m.MarkdownTable(); got != want {
		if *update {
			if err := os.WriteFile(path, []byte(text[:i+len(begin)]+want+text[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md's coverage table differs from matrix.yaml; run go test ./helpers/coverage -run ReadmeCoverage -update\n got:\n%s\nwant:\n%s", got, want)
	}
}
