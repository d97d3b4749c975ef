package report

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
	"github.com/zonesmart/jwt-conformance/version"
)

// Version describes the suite that made a report: its version, Ginkgo's and Go's. The version
// itself is kept in one place, the version package.
func Version() string { return version.String() }

// Report file names inside the reports directory.
const (
	MarkdownFile = "conformance.md"
	HTMLFile     = "conformance.html"
)

// Run is what a report states about the run beside the verdicts.
type Run struct {
	Target   string    // the server tested, or what was replayed
	Started  time.Time // when the run began
	Finished time.Time
	// Recorded is when the replayed fixtures were recorded; zero for a live run or the page's
	// examples. Time-based clauses were judged against it.
	Recorded time.Time
	Version  string
	Config   []Setting
	// Endpoints titles the report's endpoint groups ("me" → "GET /users/me/").
	Endpoints map[string]string
	// Redact masks secrets in every string the report prints; nil prints them as they are.
	Redact func(string) string
}

// Setting is one configuration key as the report shows it, secrets already masked.
type Setting struct {
	Key    string
	Value  string
	Source string // "default", the env var, or the file and line
}

// document is a report's content, built once and printed as Markdown and as HTML, so that
// both show the same thing and every string passes the redactor exactly here.
type document struct {
	Title     string
	Failed    bool
	Headline  string
	Target    string
	Started   string
	Duration  string
	Recorded  string
	Version   string
	Requests  int
	Totals    []count
	Endpoints []endpointGroup
	Clauses   []clauseRow
	Notes     []note // waivers and warnings
	Skipped   []note
	Failures  []failure
	Other     []string
	Config    []Setting
}

type count struct {
	Verdict verdict.Kind
	N       int
}

type endpointGroup struct {
	Name   string
	Title  string
	Worst  verdict.Kind
	Total  int
	Counts []count // every verdict, in Verdicts order, zeros included
}

type clauseRow struct {
	ID, Statement, Severity, Section, Endpoint string
	Verdict                                    verdict.Kind
	Note                                       string // the first line of the message behind a non-pass verdict
}

type note struct {
	ID, Severity, Message string
	Verdict               verdict.Kind
}

type failure struct {
	ID, Severity, Section, Statement, Spec, Message, Exchange string
}

// Verdicts lists every verdict in the order reports show them.
var Verdicts = verdict.Kinds

func newDocument(s Summary, run Run) document {
	red := run.Redact
	if red == nil {
		red = func(s string) string { return s }
	}
	d := document{
		Title:    "Zonesmart JWT authentication: conformance report",
		Target:   red(run.Target),
		Version:  red(orDefault(run.Version, Version())),
		Requests: s.Requests,
		Other:    mapStrings(s.Other, red),
	}
	if !run.Started.IsZero() {
		d.Started = run.Started.UTC().Format("2006-01-02 15:04:05 MST")
		if run.Finished.After(run.Started) {
			d.Duration = run.Finished.Sub(run.Started).Round(time.Millisecond).String()
		}
	}
	if !run.Recorded.IsZero() {
		d.Recorded = run.Recorded.UTC().Format("2006-01-02 15:04:05 MST")
	}
	for _, c := range run.Config {
		d.Config = append(d.Config, Setting{Key: c.Key, Value: red(c.Value), Source: red(c.Source)})
	}
	groups := map[string]*endpointGroup{}
	for _, name := range clauses.Endpoints {
		groups[name] = &endpointGroup{Name: name, Title: red(orDefault(run.Endpoints[name], name)), Worst: verdict.NotRun}
	}
	perGroup := map[string]map[verdict.Kind]int{}
	for _, c := range s.Clauses {
		row := clauseRow{ID: c.ID, Statement: red(c.Statement), Severity: string(c.Severity), Verdict: c.Verdict, Section: red(c.Section), Endpoint: c.Endpoint}
		message := ""
		if lead := leadSpec(c); lead != nil {
			message = red(strings.TrimSpace(lead.Message))
		}
		if c.Verdict != verdict.Pass {
			row.Note = firstLine(message)
		}
		d.Clauses = append(d.Clauses, row)
		switch c.Verdict {
		case verdict.Warn, verdict.Waived:
			d.Notes = append(d.Notes, note{ID: c.ID, Severity: row.Severity, Verdict: c.Verdict, Message: message})
		case verdict.Skip:
			d.Skipped = append(d.Skipped, note{ID: c.ID, Severity: row.Severity, Verdict: c.Verdict, Message: message})
		case verdict.Fail:
			for _, sv := range c.Specs {
				if sv.Verdict == verdict.Fail {
					d.Failures = append(d.Failures, failure{ID: c.ID, Severity: row.Severity, Section: row.Section, Statement: row.Statement,
						Spec: red(sv.Text), Message: red(strings.TrimSpace(sv.Message)), Exchange: red(strings.TrimRight(sv.Exchange, "\n"))})
				}
			}
		}
		g, ok := groups[c.Endpoint]
		if !ok {
			g = &endpointGroup{Name: c.Endpoint, Title: red(c.Endpoint), Worst: verdict.NotRun}
			groups[c.Endpoint] = g
		}
		g.Total++
		if perGroup[c.Endpoint] == nil {
			perGroup[c.Endpoint] = map[verdict.Kind]int{}
		}
		perGroup[c.Endpoint][c.Verdict]++
		if c.Verdict.Rank() > g.Worst.Rank() {
			g.Worst = c.Verdict
		}
	}
	names := append([]string(nil), clauses.Endpoints...)
	var extra []string
	for name := range groups {
		if !slices.Contains(names, name) {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range append(names, extra...) {
		g := groups[name]
		if g.Total == 0 {
			continue
		}
		for _, v := range Verdicts {
			g.Counts = append(g.Counts, count{v, perGroup[name][v]})
		}
		d.Endpoints = append(d.Endpoints, *g)
	}
	for _, v := range Verdicts {
		if n := s.Counts[v]; n > 0 {
			d.Totals = append(d.Totals, count{v, n})
		}
	}
	d.Failed = s.Counts[verdict.Fail] > 0 || len(s.Other) > 0
	var parts []string
	for _, t := range d.Totals {
		parts = append(parts, fmt.Sprintf("%d %s", t.N, t.Verdict.Words()))
	}
	switch {
	case s.Counts[verdict.Fail] > 0:
		d.Headline = fmt.Sprintf("FAIL: %d of %d clauses fail (%s)", s.Counts[verdict.Fail], len(s.Clauses), strings.Join(parts, ", "))
	case len(s.Other) > 0:
		d.Headline = fmt.Sprintf("FAIL: the run itself failed outside any clause (%s)", strings.Join(parts, ", "))
	default:
		d.Headline = fmt.Sprintf("PASS: no clause fails (%s)", strings.Join(parts, ", "))
	}
	return d
}

// leadSpec is the spec whose verdict is the clause's, for its message.
func leadSpec(c ClauseVerdict) *SpecVerdict {
	for i := range c.Specs {
		if c.Specs[i].Verdict == c.Verdict {
			return &c.Specs[i]
		}
	}
	return nil
}

// WriteFiles renders conformance.md and conformance.html and hands each, with its path in dir,
// to write (the run's output door, which redacts it and writes it whole), returning the paths.
func WriteFiles(dir string, s Summary, run Run, write func(path string, data []byte) error) ([]string, error) {
	var paths []string
	for _, f := range []struct {
		name  string
		write func(*strings.Builder) error
	}{
		{MarkdownFile, func(b *strings.Builder) error { return WriteMarkdown(b, s, run) }},
		{HTMLFile, func(b *strings.Builder) error { return WriteHTML(b, s, run) }},
	} {
		var b strings.Builder
		if err := f.write(&b); err != nil {
			return paths, fmt.Errorf("%s: %v", f.name, err)
		}
		path := filepath.Join(dir, f.name)
		if err := write(path, []byte(b.String())); err != nil {
			return paths, fmt.Errorf("reports directory %s: %v", dir, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}
