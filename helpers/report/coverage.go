package report

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/coverage"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

// CoverageGrid is the coverage matrix (helpers/coverage/matrix.yaml) as a report shows it:
// endpoint × check family, each cell the worst verdict of the clauses that judge that family on
// that endpoint, or "n/a" where the family does not apply. A reader sees at a glance what the
// run judged and what it did not.
type CoverageGrid struct {
	Families []coverage.Family
	Rows     []CoverageRow
	// Problem is set when the matrix cannot be read; the report says so instead of a grid.
	Problem string
}

// CoverageRow is one endpoint's cells, in Families order.
type CoverageRow struct {
	Endpoint, Title string
	Cells           []CoverageCell
}

// CoverageCell is one endpoint × family.
type CoverageCell struct {
	Verdict verdict.Kind
	// NotApplicable is true when no clause judges the cell; Reasons say why, per answer kind.
	NotApplicable bool
	Clauses       []string
	Reasons       []string
}

// Label is the cell as a word: its verdict, or "n/a".
func (c CoverageCell) Label() string {
	if c.NotApplicable {
		return "n/a"
	}
	return c.Verdict.Words()
}

// Class is the cell's CSS class in the HTML report.
func (c CoverageCell) Class() string {
	if c.NotApplicable {
		return "na"
	}
	return string(c.Verdict)
}

// Title lists what stands behind the cell, for a tooltip.
func (c CoverageCell) Title() string {
	if c.NotApplicable {
		return strings.Join(c.Reasons, "; ")
	}
	return strings.Join(c.Clauses, ", ")
}

// Coverage lays a run's verdicts over the embedded coverage matrix.
func Coverage(s Summary, run Run) CoverageGrid {
	m, err := coverage.Default()
	if err != nil {
		return CoverageGrid{Problem: "the coverage matrix cannot be read: " + err.Error()}
	}
	return coverageOf(m, s, run)
}

func coverageOf(m *coverage.Matrix, s Summary, run Run) CoverageGrid {
	verdicts := map[string]verdict.Kind{}
	for _, c := range s.Clauses {
		verdicts[c.ID] = c.Verdict
	}
	g := CoverageGrid{Families: m.Families}
	for _, endpoint := range clauses.Endpoints {
		row := CoverageRow{Endpoint: endpoint, Title: orDefault(run.Endpoints[endpoint], endpoint)}
		if run.Redact != nil {
			row.Title = run.Redact(row.Title)
		}
		judged := false
		for _, f := range m.Families {
			ids, na := m.EndpointFamily(endpoint, f.ID)
			cell := CoverageCell{Verdict: verdict.NotRun, Clauses: ids, Reasons: na, NotApplicable: len(ids) == 0}
			for _, id := range ids {
				if v, ok := verdicts[id]; ok && v.Rank() > cell.Verdict.Rank() {
					cell.Verdict = v
				}
			}
			judged = judged || len(ids) > 0 || len(na) > 0
			row.Cells = append(row.Cells, cell)
		}
		if judged {
			g.Rows = append(g.Rows, row)
		}
	}
	return g
}

// coverageNote says how to read the grid, in both reports.
const coverageNote = "Each cell is the worst verdict of the clauses that judge that check family on that endpoint; n/a: the family does not apply there (the reason is in helpers/coverage/matrix.yaml)."

// writeCoverageMarkdown writes the grid as a Markdown section.
func writeCoverageMarkdown(b *strings.Builder, s Summary, run Run) {
	g := Coverage(s, run)
	b.WriteString("\n## Coverage\n\n")
	if g.Problem != "" {
		b.WriteString(cell(g.Problem) + "\n")
		return
	}
	b.WriteString(coverageNote + "\n\n| endpoint |")
	for _, f := range g.Families {
		b.WriteString(" " + cell(f.Name) + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(g.Families)) + "\n")
	for _, r := range g.Rows {
		fmt.Fprintf(b, "| %s |", cell(r.Title))
		for _, c := range r.Cells {
			if c.NotApplicable {
				b.WriteString(" n/a |")
			} else {
				b.WriteString(" " + verdictMark[c.Verdict] + " |")
			}
		}
		b.WriteString("\n")
	}
}

var coverageTemplate = template.Must(template.New("coverage").Parse(`<h2>Coverage</h2>
{{- if .Problem}}
<p class="muted">{{.Problem}}</p>
{{- else}}
<p class="muted">{{.Note}}</p>
<div class="scroll"><table id="coverage">
<thead><tr><th>Endpoint</th>{{range .Families}}<th title="{{.Meaning}}">{{.Name}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr><td class="nowrap">{{.Title}}</td>{{range .Cells}}<td class="nowrap" title="{{.Title}}">{{if .NotApplicable}}<span class="muted">n/a</span>{{else}}<span class="v {{.Class}}">{{.Label}}</span>{{end}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table></div>
{{- end}}
`))

// coverageHTML renders the grid as an HTML section of the report page.
func coverageHTML(s Summary, run Run) template.HTML {
	g := Coverage(s, run)
	var b strings.Builder
	if err := coverageTemplate.Execute(&b, struct {
		CoverageGrid
		Note string
	}{g, coverageNote}); err != nil {
		return template.HTML("<p>" + template.HTMLEscapeString("the coverage grid could not be written: "+err.Error()) + "</p>")
	}
	return template.HTML(b.String()) // every value went through html/template above
}
