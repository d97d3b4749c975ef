package report

import (
	_ "embed"
	"html/template"
	"io"

	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

// The page is one file with its style and script inline: it opens from disk, offline, and
// can be attached to a CI run as is. html/template escapes every value the run put in it.
//
//go:embed report.html.tmpl
var htmlTemplate string

var page = template.Must(template.New("report").Parse(htmlTemplate))

// WriteHTML writes the conformance report as one self-contained HTML page: the same content as
// the Markdown report, in the same order (what needs attention first, each with its first
// exchange open and the rest folded), with verdict filters on the clause table.
func WriteHTML(w io.Writer, s Summary, run Run) error {
	d := newDocument(s, run)
	return page.Execute(w, struct {
		document
		Verdicts []verdict.Kind
		Coverage template.HTML
	}{d, Verdicts, coverageHTML(s, run)})
}
