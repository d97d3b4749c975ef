package clauses

import (
	"strings"
	"testing"
)

func TestDefaultCatalogueLoads(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Clauses) < 30 {
		t.Fatalf("catalogue has %d clauses, expected the page's full list", len(c.Clauses))
	}
	for _, id := range []string{"CREATE-SHAPE", "LIFETIME-PAIR", "REFRESH-METHOD", "ME-IDENTITY"} {
		if _, ok := c.Get(id); !ok {
			t.Errorf("missing clause %s", id)
		}
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(`clauses:
  - {id: bad, severity: MAY, section: s, endpoint: nowhere, statement: x}
  - {id: A-B, severity: MUST, section: s, endpoint: me, statement: x}
  - {id: A-B, severity: MUST, section: "", endpoint: me, statement: x}
`))
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, want := range []string{"AREA-NAME", "MAY", "nowhere", "duplicate id", "statement and section"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestParseRejectsUnknownKeys(t *testing.T) {
	_, err := Parse([]byte("clauses:\n  - {id: A-B, severity: MUST, section: s, endpoint: me, statement: x, sevrity: MUST}\n"))
	if err == nil || !strings.Contains(err.Error(), "sevrity") {
		t.Fatalf("expected the typo'd key to be named, got %v", err)
	}
}

func TestAudit(t *testing.T) {
	c, err := Parse([]byte(`clauses:
  - {id: A-ONE, severity: MUST, section: s, endpoint: me, statement: x}
  - {id: A-TWO, severity: SHOULD, section: s, endpoint: me, statement: y}
`))
	if err != nil {
		t.Fatal(err)
	}
	good := []SpecInfo{{FullText: "me one", Labels: []string{"clause:A-ONE", "live"}, Text: "MUST answer"}, {FullText: "me two", Labels: []string{"clause:A-TWO"}, Text: "SHOULD answer"}}
	if p := c.Audit(good); len(p) != 0 {
		t.Fatalf("clean specs audited with problems: %v", p)
	}
	bad := []SpecInfo{
		{FullText: "me one", Labels: []string{"clause:A-ONE"}},
		{FullText: "me one", Labels: []string{"clause:A-ONE"}, Location: "me.go:9"},
		{FullText: "no clause"},
		{FullText: "unknown", Labels: []string{"clause:A-THREE"}},
		{FullText: "me weak", Labels: []string{"clause:A-ONE"}, Text: "SHOULD answer 200", Location: "me.go:12"},
		{FullText: "me mute", Labels: []string{"clause:A-ONE"}, Text: "answers 200"},
	}
	got := strings.Join(c.Audit(bad), "\n")
	for _, want := range []string{`share the full name "me one" (me.go:9)`, `"no clause" names 0 clauses`, "unknown clause A-THREE", "clause A-TWO has no spec",
		`spec "SHOULD answer 200" (me.go:12) of A-ONE says SHOULD; the clause is a MUST`, `"answers 200" of A-ONE says neither MUST nor SHOULD`} {
		if !strings.Contains(got, want) {
			t.Errorf("audit output lacks %q:\n%s", want, got)
		}
	}
}
