package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

// verdictMark makes verdicts scannable in a Markdown table (and in a CI job summary).
var verdictMark = map[verdict.Kind]string{
	verdict.Pass:   "✅ pass",
	verdict.Fail:   "❌ **fail**",
	verdict.Warn:   "⚠️ warn",
	verdict.Waived: "📝 waived",
	verdict.Skip:   "⏭️ skip",
	verdict.NotRun: "➖ not run",
	verdict.Broken: "🔧 broken",
}

// headingMark leads the heading of a clause that needs attention.
var headingMark = map[verdict.Kind]string{verdict.Fail: "❌", verdict.Broken: "🔧", verdict.Warn: "⚠️"}

// WriteMarkdown writes the conformance report as Markdown. It opens with what needs
// attention: each failure, each clause the environment broke and each warning, with its first
// exchange expanded, the tokens in it decoded and a curl command that reproduces it. Then the
// summary by endpoint, the full clause table, waivers, skips and the configuration.
func WriteMarkdown(w io.Writer, s Summary, run Run) error {
	d := newDocument(s, run)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", d.Title)
	// With a baseline, what changed since it comes first: it is what a reader after a deploy
	// looks for.
	if d.Changes != "" {
		b.WriteString("## Since the baseline\n\n" + fence(d.Changes, "text") + "\n")
	}
	fmt.Fprintf(&b, "**%s**\n\n", cell(d.Headline))

	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| Target | %s |\n", cell(d.Target))
	if d.Recorded != "" {
		fmt.Fprintf(&b, "| Recorded | %s (time-based clauses are judged against this time) |\n", d.Recorded)
	}
	if d.Started != "" {
		when := d.Started
		if d.Duration != "" {
			when += ", took " + d.Duration
		}
		fmt.Fprintf(&b, "| Run | %s |\n", when)
	}
	fmt.Fprintf(&b, "| Suite | %s |\n", cell(d.Version))
	fmt.Fprintf(&b, "| HTTP requests | %d |\n\n", d.Requests)
	if len(d.Notices) > 0 {
		b.WriteString("## Notices\n\n")
		for _, n := range d.Notices {
			fmt.Fprintf(&b, "- %s\n", cell(n))
		}
		b.WriteString("\n")
	}

	b.WriteString("## Failures\n\n")
	if len(d.Failures) == 0 && len(d.Other) == 0 {
		b.WriteString("None: the target failed no clause.\n")
	}
	for _, f := range d.Failures {
		writeFinding(&b, f)
	}
	if len(d.Other) > 0 {
		b.WriteString("### Outside any clause\n\n")
		for _, o := range d.Other {
			fmt.Fprintf(&b, "- %s\n", cell(o))
		}
		b.WriteString("\n")
	}
	if len(d.Broken) > 0 {
		section(&b, "Broken: the environment, not the target")
		b.WriteString("The environment failed while these clauses were judged (the target went away, the run budget ran out, the run was interrupted). They say nothing of the target: run again.\n\n")
		for _, f := range d.Broken {
			writeFinding(&b, f)
		}
	}
	section(&b, "Warnings")
	if len(d.Warnings) == 0 {
		b.WriteString("None: no SHOULD clause was broken.\n")
	}
	for _, f := range d.Warnings {
		writeFinding(&b, f)
	}

	section(&b, "By endpoint")
	b.WriteString("| endpoint | clauses |")
	for _, v := range Verdicts {
		b.WriteString(" " + v.Words() + " |")
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(Verdicts)) + "\n")
	for _, g := range d.Endpoints {
		fmt.Fprintf(&b, "| %s | %d |", cell(g.Title), g.Total)
		for _, c := range g.Counts {
			fmt.Fprintf(&b, " %d |", c.N)
		}
		b.WriteString("\n")
	}

	writeCoverageMarkdown(&b, s, run)

	b.WriteString("\n## Clauses\n\n| ID | statement | severity | verdict | page section |\n|---|---|---|---|---|\n")
	for _, c := range d.Clauses {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", c.ID, cell(c.Statement), c.Severity, verdictMark[c.Verdict], cell(c.Section))
	}

	b.WriteString("\n## Waivers\n\n")
	writeNotes(&b, d.Waivers, "None: no clause was waived.")

	b.WriteString("\n## Skipped\n\n")
	writeNotes(&b, d.Skipped, "None.")

	b.WriteString("\n## Configuration\n\nSecrets are masked.\n\n| key | value | from |\n|---|---|---|\n")
	for _, c := range d.Config {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.Key, code(c.Value), cell(c.Source))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFinding writes a clause that needs attention: what it says and what was found, the
// first exchange in full, the decoded tokens, the reproduction, then the other exchanges
// folded.
func writeFinding(b *strings.Builder, f failure) {
	fmt.Fprintf(b, "### %s %s · %s · %s\n\n", headingMark[f.Verdict], f.ID, f.Severity, cell(f.Section))
	fmt.Fprintf(b, "%s\n\nSpec: %s\n\n", cell(f.Statement), cell(f.Spec))
	b.WriteString(fence(f.Message, "text"))
	if first := f.First(); first != "" {
		b.WriteString("\nExchange (secrets masked):\n\n")
		b.WriteString(fence(first, "http"))
	}
	if len(f.Tokens) > 0 {
		b.WriteString("\nTokens in the exchanges, decoded (signatures masked):\n\n")
		for _, t := range f.Tokens {
			fmt.Fprintf(b, "- `$%s` %s\n  - header %s\n  - claims %s\n", t.Var, code(t.Masked), code(t.Header), code(t.Claims))
			for _, tm := range t.Times {
				fmt.Fprintf(b, "  - %s\n", cell(tm))
			}
		}
	}
	if f.Curl != "" {
		b.WriteString("\nReproduce (credentials and tokens are shell variables):\n\n")
		b.WriteString(fence(f.Curl, "sh"))
	}
	if more := f.More(); len(more) > 0 {
		fmt.Fprintf(b, "\n<details><summary>%d more exchange(s)</summary>\n\n", len(more))
		for _, ex := range more {
			b.WriteString(fence(ex, "http"))
		}
		b.WriteString("\n</details>\n")
	}
	b.WriteString("\n")
}

// section starts a section with one blank line before its heading, whatever came before.
func section(b *strings.Builder, title string) {
	if !strings.HasSuffix(b.String(), "\n\n") {
		b.WriteString("\n")
	}
	b.WriteString("## " + title + "\n\n")
}

func writeNotes(b *strings.Builder, notes []note, none string) {
	if len(notes) == 0 {
		b.WriteString(none + "\n")
		return
	}
	for _, n := range notes {
		fmt.Fprintf(b, "- **%s** (%s, %s): %s\n", n.ID, n.Severity, n.Verdict.Words(), cell(n.Message))
	}
}

// cell makes text safe inside a Markdown table cell or list item: one line, no pipe that would
// split the cell, and no angle bracket that would be read as HTML ("JWT <access>"). Text that
// holds a backtick or a square bracket (server text that could close a code span or make an
// image or a link: `![x](url)`, `[x](url)`) is put whole in a code span it cannot close.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if strings.ContainsAny(s, "`[]") {
		return code(s)
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`).Replace(s)
}

// code shows a value as inline code, or "(empty)": a code span whose backtick run is longer
// than any run in the value, so the value cannot close it, padded with a space where the
// value starts or ends with a backtick; a pipe is escaped, as a table cell needs even inside
// code.
func code(s string) string {
	if s == "" {
		return "(empty)"
	}
	s = strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
	ticks := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return ticks + s + ticks
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// fence puts text in a fenced code block whose fence is longer than any run of backticks in it,
// so a body cannot close the block early.
func fence(s, lang string) string {
	f := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return f + lang + "\n" + s + "\n" + f + "\n"
}
