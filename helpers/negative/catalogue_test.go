package negative

import (
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/clauses"
)

// The catalogue and the Go values that judge it, tied both ways: every catalogue clause is judged
// by exactly one flow check or by negative cases (never both, never neither), and every value
// names a catalogue clause.
func TestEveryCatalogueClauseHasExactlyOneKindOfValue(t *testing.T) {
	cat, err := clauses.Default()
	if err != nil {
		t.Fatal(err)
	}
	checksOf := map[string]int{}
	for _, c := range checks.All {
		if c.Check == nil {
			t.Errorf("checks value for %s has no check", c.ID)
		}
		if _, ok := cat.Get(c.ID); !ok {
			t.Errorf("checks value for %s names no catalogue clause", c.ID)
		}
		checksOf[c.ID]++
	}
	casesOf := map[string]int{}
	for _, c := range Cases() {
		if c.Build == nil || c.Judge == nil {
			t.Errorf("negative case of %s lacks its requests or its judgement", c.Clause)
		}
		if _, ok := cat.Get(c.Clause); !ok {
			t.Errorf("negative case names unknown clause %s", c.Clause)
		}
		casesOf[c.Clause]++
	}
	for _, cl := range cat.Clauses {
		switch n, m := checksOf[cl.ID], casesOf[cl.ID]; {
		case n > 1:
			t.Errorf("clause %s has %d checks values; it must have one", cl.ID, n)
		case n == 1 && m > 0:
			t.Errorf("clause %s has a flow check and %d negative cases; it must have one kind", cl.ID, m)
		case n == 0 && m == 0:
			t.Errorf("clause %s has no check and no negative case: add a checks value or a negative.Case", cl.ID)
		}
	}
}
