package killmatrix_test

import (
	"context"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// BenchmarkSuiteAgainstReference measures one full run of the compiled suite, as a user starts
// it (a process, configured by environment), against the clean reference mock with the signing
// key: wall time per run (ns/op), the HTTP requests the server saw, and those per clause.
func BenchmarkSuiteAgainstReference(b *testing.B) {
	// Compiling the suite is a one-off cost, not part of a run.
	if _, err := harness.Binary(); err != nil {
		b.Fatal(err)
	}
	cat, err := clauses.Default()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	env := map[string]string{"ZS_SIGNING_KEY": mockserver.DefaultSigningKey}
	requests := 0
	for b.Loop() {
		r, err := runAgainstMock(context.Background(), dir, mockserver.Options{}, env)
		if err != nil {
			b.Fatal(err)
		}
		if r.res.ExitCode != 0 {
			b.Fatalf("the clean mock failed the suite: exit %d, failing %v", r.res.ExitCode, r.res.Failing())
		}
		requests += r.requests
	}
	perRun := float64(requests) / float64(b.N)
	b.ReportMetric(perRun, "requests/op")
	b.ReportMetric(perRun/float64(len(cat.Clauses)), "requests/clause")
	b.ReportMetric(float64(len(cat.Clauses)), "clauses")
}
