// Package clauses loads the clause catalogue: the one list of checkable statements of the
// authentication page that specs, reports and unit tests share.
package clauses

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Severity says how a broken clause counts: MUST fails the run, SHOULD warns.
type Severity string

const (
	Must   Severity = "MUST"
	Should Severity = "SHOULD"
)

// Clause is one checkable statement of the page.
type Clause struct {
	ID        string   `yaml:"id"`
	Severity  Severity `yaml:"severity"`
	Section   string   `yaml:"section"`
	Endpoint  string   `yaml:"endpoint"`
	Statement string   `yaml:"statement"`
}

// Catalogue is the ordered list of clauses with a lookup by ID.
type Catalogue struct {
	Clauses []Clause
	byID    map[string]Clause
}

//go:embed catalogue.yaml
var catalogueYAML []byte

// LabelPrefix marks the Ginkgo label that ties a spec to its clause.
const LabelPrefix = "clause:"

var idPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$`)

// Endpoints lists the report groups in page order.
var Endpoints = []string{"create", "tokens", "me", "refresh"}

// Default returns the embedded catalogue. It is checked by the unit tests, so an error here is a
// build defect; callers still get it as a value.
func Default() (*Catalogue, error) { return Parse(catalogueYAML) }

// Parse reads a catalogue and reports every problem at once.
func Parse(data []byte) (*Catalogue, error) {
	var doc struct {
		Clauses []Clause `yaml:"clauses"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("clause catalogue: %v", err)
	}
	c := &Catalogue{Clauses: doc.Clauses, byID: map[string]Clause{}}
	var problems []string
	for i, cl := range doc.Clauses {
		where := fmt.Sprintf("clauses[%d] (%s)", i, cl.ID)
		if !idPattern.MatchString(cl.ID) {
			problems = append(problems, where+": id must look like AREA-NAME in capitals")
		}
		if _, dup := c.byID[cl.ID]; dup {
			problems = append(problems, where+": duplicate id")
		}
		if cl.Severity != Must && cl.Severity != Should {
			problems = append(problems, fmt.Sprintf("%s: severity %q must be MUST or SHOULD", where, cl.Severity))
		}
		if !slices.Contains(Endpoints, cl.Endpoint) {
			problems = append(problems, fmt.Sprintf("%s: endpoint %q must be one of %s", where, cl.Endpoint, strings.Join(Endpoints, ", ")))
		}
		if strings.TrimSpace(cl.Statement) == "" || strings.TrimSpace(cl.Section) == "" {
			problems = append(problems, where+": statement and section are required")
		}
		c.byID[cl.ID] = cl
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("clause catalogue: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

// Get returns the clause with the given ID.
func (c *Catalogue) Get(id string) (Clause, bool) {
	cl, ok := c.byID[id]
	return cl, ok
}

// IDs returns every clause ID in catalogue order.
func (c *Catalogue) IDs() []string {
	ids := make([]string, len(c.Clauses))
	for i, cl := range c.Clauses {
		ids[i] = cl.ID
	}
	return ids
}

// Label is the Ginkgo label for a clause.
func Label(id string) string { return LabelPrefix + id }

// FromLabels returns the clause IDs named by a spec's labels.
func FromLabels(labels []string) []string {
	var ids []string
	for _, l := range labels {
		if strings.HasPrefix(l, LabelPrefix) {
			ids = append(ids, strings.TrimPrefix(l, LabelPrefix))
		}
	}
	return ids
}

// SpecInfo is what the audit needs to know of one spec.
type SpecInfo struct {
	FullText string
	Labels   []string
	// Text is the spec's own sentence ("MUST answer 200"); when set, its MUST or SHOULD must be
	// its clause's severity.
	Text string
	// Location is where the spec is declared (file:line), to name it in a problem.
	Location string
}

// Audit checks the tie between catalogue and specs: every clause has a spec, every spec names
// exactly one known clause in the words of its severity, and no two specs share a full name
// (reports key on it).
func (c *Catalogue) Audit(specs []SpecInfo) []string {
	var problems []string
	covered := map[string]bool{}
	seen := map[string]string{}
	for _, s := range specs {
		at := ""
		if s.Location != "" {
			at = " (" + s.Location + ")"
		}
		if first, dup := seen[s.FullText]; dup {
			problems = append(problems, fmt.Sprintf("two specs share the full name %q%s%s", s.FullText, first, at))
		} else {
			seen[s.FullText] = at
		}
		ids := FromLabels(s.Labels)
		if len(ids) != 1 {
			problems = append(problems, fmt.Sprintf("spec %q%s names %d clauses (%v); it must name exactly one", s.FullText, at, len(ids), ids))
		}
		for _, id := range ids {
			cl, ok := c.byID[id]
			if !ok {
				problems = append(problems, fmt.Sprintf("spec %q%s names unknown clause %s", s.FullText, at, id))
			} else if p := severityWords(s.Text, cl.Severity); s.Text != "" && p != "" {
				problems = append(problems, fmt.Sprintf("spec %q%s of %s %s", s.Text, at, id, p))
			}
			covered[id] = true
		}
	}
	var missing []string
	for _, cl := range c.Clauses {
		if !covered[cl.ID] {
			missing = append(missing, cl.ID)
		}
	}
	sort.Strings(missing)
	for _, id := range missing {
		problems = append(problems, fmt.Sprintf("clause %s has no spec", id))
	}
	return problems
}

var severityWord = regexp.MustCompile(`\b(MUST|SHOULD)\b`)

// severityWords says what is wrong with a spec sentence's MUST or SHOULD for a clause of the
// given severity, or "" when its words are the clause's.
func severityWords(text string, sev Severity) string {
	words := severityWord.FindAllString(text, -1)
	if len(words) == 0 {
		return fmt.Sprintf("says neither MUST nor SHOULD; the clause is a %s", sev)
	}
	for _, w := range words {
		if Severity(w) != sev {
			return fmt.Sprintf("says %s; the clause is a %s: make the spec say %s, or the catalogue's severity %s", w, sev, sev, w)
		}
	}
	return ""
}
