package negative

import (
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/clauses"
)

// The catalogue and the Go values that judge it, tied both ways: every catalogue clause is judged
// by exactly one flow check, or by negative cases and at most one walked clause (the refusals the
// flow walks), never both kinds, never neither; and every value names a catalogue clause.
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
	walkedOf := map[string]int{}
	for _, c := range Walked {
		if c.Check == nil {
			t.Errorf("walked value for %s has no check", c.ID)
		}
		if _, ok := cat.Get(c.ID); !ok {
			t.Errorf("walked value for %s names no catalogue clause", c.ID)
		}
		walkedOf[c.ID]++
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
		switch n, w, m := checksOf[cl.ID], walkedOf[cl.ID], casesOf[cl.ID]; {
		case n > 1 || w > 1:
			t.Errorf("clause %s has %d checks values and %d walked values; it must have one", cl.ID, n, w)
		case n == 1 && m+w > 0:
			t.Errorf("clause %s has a flow check and %d negative cases; it must have one kind", cl.ID, m+w)
		case n == 0 && w == 0 && m == 0:
			t.Errorf("clause %s has no check and no negative case: add a checks value or a negative.Case", cl.ID)
		}
	}
}
