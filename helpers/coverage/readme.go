package coverage

import (
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
)

// MarkdownTable is the matrix as the README shows it: endpoint × check family, each cell the
// clauses that judge it, or n/a. The README's copy is generated from it (a test keeps them the
// same).
func (m *Matrix) MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| endpoint |")
	for _, f := range m.Families {
		b.WriteString(" " + f.Name + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(m.Families)) + "\n")
	for _, endpoint := range clauses.Endpoints {
		b.WriteString("| " + endpoint + " |")
		for _, f := range m.Families {
			ids, _ := m.EndpointFamily(endpoint, f.ID)
			if len(ids) == 0 {
				b.WriteString(" n/a |")
				continue
			}
			b.WriteString(" `" + strings.Join(ids, "`, `") + "` |")
		}
		b.WriteString("\n")
	}
	return b.String()
}
