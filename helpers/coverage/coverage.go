// Package coverage loads the contract's coverage matrix (matrix.yaml): the endpoints × answer
// kinds × check families, and the request fields × mistakes, each cell naming the clauses that
// judge it or saying why nothing can. It makes the gaps between clauses visible: a cell with no
// clause and no reason is an error, and so is a clause that is neither in the catalogue nor
// proposed.
package coverage

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
)

//go:embed matrix.yaml
var matrixYAML []byte

// naPrefix starts a cell that has nothing to judge; the reason follows it.
const naPrefix = "n/a:"

// Family is a kind of check applied to every answer: status, JSON content type, and so on.
type Family struct {
	ID      string `yaml:"id"`
	Name    string `yaml:"name"`
	Meaning string `yaml:"meaning"`
}

// Mistake is a kind of wrong value tried on every request field.
type Mistake struct {
	ID      string `yaml:"id"`
	Meaning string `yaml:"meaning"`
}

// Cell is one cell of the matrix: the clauses that judge it, or, when none can, why not.
type Cell struct {
	Clauses []string
	NA      string // the reason the cell is not applicable; set only when Clauses is empty
}

// NotApplicable reports whether the cell has nothing to judge.
func (c Cell) NotApplicable() bool { return c.NA != "" }

// String is the cell as the data file writes it.
func (c Cell) String() string {
	if c.NotApplicable() {
		return naPrefix + " " + c.NA
	}
	return strings.Join(c.Clauses, ", ")
}

// UnmarshalYAML reads a cell: a list of clause IDs, or the string "n/a: <reason>". Anything
// else is read as an empty cell, which Parse reports with where it is.
func (c *Cell) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.SequenceNode:
		var ids []string
		if err := n.Decode(&ids); err != nil {
			return fmt.Errorf("line %d: a cell's list holds clause IDs only: %v", n.Line, err)
		}
		c.Clauses = ids
	case yaml.ScalarNode:
		rest, ok := strings.CutPrefix(strings.TrimSpace(n.Value), naPrefix)
		if !ok {
			return fmt.Errorf("line %d: a cell is a list of clause IDs or %q, not %q", n.Line, naPrefix+" <reason>", n.Value)
		}
		c.NA = strings.TrimSpace(rest)
	default:
		return fmt.Errorf("line %d: a cell is a list of clause IDs or %q", n.Line, naPrefix+" <reason>")
	}
	return nil
}

// AnswerRow is one endpoint's answer kind, with a cell per family.
type AnswerRow struct {
	Endpoint string          `yaml:"endpoint"`
	Kind     string          `yaml:"kind"`
	Request  string          `yaml:"request"`
	Cells    map[string]Cell `yaml:"cells"`
}

// FieldRow is one request field, with a cell per mistake.
type FieldRow struct {
	Field    string          `yaml:"field"`
	Endpoint string          `yaml:"endpoint"`
	Cells    map[string]Cell `yaml:"cells"`
}

// Matrix is the parsed data file.
type Matrix struct {
	Families []Family         `yaml:"families"`
	Mistakes []Mistake        `yaml:"mistakes"`
	Proposed []clauses.Clause `yaml:"proposed"`
	Answers  []AnswerRow      `yaml:"answers"`
	Fields   []FieldRow       `yaml:"fields"`
}

// Default returns the embedded matrix.
func Default() (*Matrix, error) { return Parse(matrixYAML) }

// Parse reads a matrix and reports every structural problem at once: a row without a cell for
// some family or mistake, a cell for one that does not exist, an empty cell, an "n/a" without a
// reason, a malformed proposed clause. Clause IDs are checked against a catalogue by Check.
func Parse(data []byte) (*Matrix, error) {
	var m Matrix
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("coverage matrix: %v", err)
	}
	var problems []string
	problems = append(problems, m.checkProposed()...)
	if len(m.Families) == 0 || len(m.Mistakes) == 0 {
		problems = append(problems, "families and mistakes must both be listed")
	}
	families := make([]string, len(m.Families))
	for i, f := range m.Families {
		families[i] = f.ID
	}
	mistakes := make([]string, len(m.Mistakes))
	for i, k := range m.Mistakes {
		mistakes[i] = k.ID
	}
	problems = append(problems, duplicates("family", families)...)
	problems = append(problems, duplicates("mistake", mistakes)...)

	seen := map[string]bool{}
	for i, r := range m.Answers {
		where := fmt.Sprintf("answers[%d] (%s, %s)", i, r.Endpoint, r.Kind)
		if !slices.Contains(clauses.Endpoints, r.Endpoint) || strings.TrimSpace(r.Kind) == "" {
			problems = append(problems, fmt.Sprintf("%s: endpoint must be one of %s and kind must be set", where, strings.Join(clauses.Endpoints, ", ")))
		}
		if seen[r.Endpoint+"\x00"+r.Kind] {
			problems = append(problems, where+": the same endpoint and kind twice")
		}
		seen[r.Endpoint+"\x00"+r.Kind] = true
		problems = append(problems, checkCells(where, "family", families, r.Cells)...)
	}
	seenField := map[string]bool{}
	for i, r := range m.Fields {
		where := fmt.Sprintf("fields[%d] (%s)", i, r.Field)
		if !slices.Contains(clauses.Endpoints, r.Endpoint) || strings.TrimSpace(r.Field) == "" {
			problems = append(problems, fmt.Sprintf("%s: endpoint must be one of %s and field must be set", where, strings.Join(clauses.Endpoints, ", ")))
		}
		if seenField[r.Field] {
			problems = append(problems, where+": the same field twice")
		}
		seenField[r.Field] = true
		problems = append(problems, checkCells(where, "mistake", mistakes, r.Cells)...)
	}
	if len(m.Answers) == 0 || len(m.Fields) == 0 {
		problems = append(problems, "answers and fields must both have rows")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("coverage matrix: %s", strings.Join(problems, "; "))
	}
	return &m, nil
}

// checkProposed holds proposed clauses to the catalogue's own rules, by parsing them as one.
func (m *Matrix) checkProposed() []string {
	if len(m.Proposed) == 0 {
		return nil
	}
	doc, err := yaml.Marshal(map[string][]clauses.Clause{"clauses": m.Proposed})
	if err != nil {
		return []string{"proposed: " + err.Error()}
	}
	if _, err := clauses.Parse(doc); err != nil {
		return []string{"proposed: " + strings.TrimPrefix(err.Error(), "clause catalogue: ")}
	}
	return nil
}

func duplicates(what string, ids []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if strings.TrimSpace(id) == "" {
			out = append(out, fmt.Sprintf("a %s without an id", what))
		}
		if seen[id] {
			out = append(out, fmt.Sprintf("%s %q listed twice", what, id))
		}
		seen[id] = true
	}
	return out
}

// checkCells wants exactly one non-empty cell per column.
func checkCells(where, column string, columns []string, cells map[string]Cell) []string {
	var problems []string
	for _, c := range columns {
		cell, ok := cells[c]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s: no cell for %s %q (list its clauses, or write %q)", where, column, c, naPrefix+" <reason>"))
		case len(cell.Clauses) == 0 && cell.NA == "":
			problems = append(problems, fmt.Sprintf("%s: the %s cell is empty (list its clauses, or write %q)", where, c, naPrefix+" <reason>"))
		}
		for _, id := range cell.Clauses {
			if strings.TrimSpace(id) == "" {
				problems = append(problems, fmt.Sprintf("%s: the %s cell holds an empty clause ID", where, c))
			}
		}
		if dup := duplicates("clause in the "+c+" cell", cell.Clauses); len(dup) > 0 {
			problems = append(problems, where+": "+strings.Join(dup, ", "))
		}
	}
	for c := range cells {
		if !slices.Contains(columns, c) {
			problems = append(problems, fmt.Sprintf("%s: a cell for %q, which is no %s (one of %s)", where, c, column, strings.Join(columns, ", ")))
		}
	}
	return problems
}

// Check ties the matrix to a catalogue: every clause a cell names is in the catalogue or
// proposed, no proposed clause is in the catalogue already (then it is no longer a proposal:
// remove it from the list), and every catalogue clause sits in some cell, so the matrix is the
// whole contract. It returns one line per problem.
func (m *Matrix) Check(cat *clauses.Catalogue) []string {
	var problems []string
	proposed := map[string]bool{}
	for _, p := range m.Proposed {
		proposed[p.ID] = true
		if _, ok := cat.Get(p.ID); ok {
			problems = append(problems, fmt.Sprintf("proposed clause %s is in the catalogue now: remove it from proposed in matrix.yaml", p.ID))
		}
	}
	used := map[string]bool{}
	unknown := func(where, column string, cell Cell) {
		for _, id := range cell.Clauses {
			used[id] = true
			if _, ok := cat.Get(id); !ok && !proposed[id] {
				problems = append(problems, fmt.Sprintf("%s, %s: clause %s is neither in the catalogue nor proposed", where, column, id))
			}
		}
	}
	for _, r := range m.Answers {
		for _, f := range m.Families {
			unknown(r.Endpoint+" "+r.Kind, f.ID, r.Cells[f.ID])
		}
	}
	for _, r := range m.Fields {
		for _, k := range m.Mistakes {
			unknown(r.Endpoint+" "+r.Field, k.ID, r.Cells[k.ID])
		}
	}
	for _, id := range cat.IDs() {
		if !used[id] {
			problems = append(problems, fmt.Sprintf("catalogue clause %s is in no cell of the matrix: add it where it judges", id))
		}
	}
	for _, p := range m.Proposed {
		if !used[p.ID] {
			problems = append(problems, fmt.Sprintf("proposed clause %s is in no cell of the matrix", p.ID))
		}
	}
	return problems
}

// ProposedIDs lists the proposed clauses' IDs in file order.
func (m *Matrix) ProposedIDs() []string {
	ids := make([]string, len(m.Proposed))
	for i, p := range m.Proposed {
		ids[i] = p.ID
	}
	return ids
}

// EndpointFamily is the report's view of one endpoint and family: the clauses of every answer
// kind of the endpoint that judge the family (each once, in file order), and the reasons of the
// kinds where it does not apply.
func (m *Matrix) EndpointFamily(endpoint, family string) (ids []string, notApplicable []string) {
	for _, r := range m.Answers {
		if r.Endpoint != endpoint {
			continue
		}
		cell := r.Cells[family]
		if cell.NotApplicable() {
			notApplicable = append(notApplicable, r.Kind+": "+cell.NA)
		}
		for _, id := range cell.Clauses {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids, notApplicable
}

// Counts are the matrix's sizes, for reports and the closing note.
type Counts struct {
	Cells, NotApplicable, Proposed int
}

// Count counts the cells of both grids.
func (m *Matrix) Count() Counts {
	c := Counts{Proposed: len(m.Proposed)}
	add := func(cells map[string]Cell) {
		for _, cell := range cells {
			c.Cells++
			if cell.NotApplicable() {
				c.NotApplicable++
			}
		}
	}
	for _, r := range m.Answers {
		add(r.Cells)
	}
	for _, r := range m.Fields {
		add(r.Cells)
	}
	return c
}
