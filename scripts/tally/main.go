// Command tally closes `make test` with one line CI recognises: the spec counts of the suite runs
// whose Ginkgo JSON reports it is given, one line per run and then their sum,
//
//	conformance: N passed, N failed, N skipped
//
// It reads the reports rather than the runs' output, so that the line is the same whatever order
// `make -j` ran them in. It exits 1 when a report is missing or unreadable or records a failed
// spec, so the closing line never shows failures under a zero exit status.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/types"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// counts are the outcomes of a run's specs (It nodes; suite set-up nodes are not specs). A
// pending spec counts as failed, as --fail-on-pending makes it fail the run.
type counts struct{ passed, failed, skipped int }

func (c counts) String() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", c.passed, c.failed, c.skipped)
}

func run(paths []string, stdout, stderr io.Writer) int {
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "usage: tally REPORT.json... (Ginkgo JSON reports, as --ginkgo.json-report writes them)")
		return 2
	}
	var total counts
	for _, path := range paths {
		c, err := tally(path)
		if err != nil {
			fmt.Fprintf(stderr, "tally: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: %s\n", filepath.Dir(path), c)
		total.passed += c.passed
		total.failed += c.failed
		total.skipped += c.skipped
	}
	fmt.Fprintf(stdout, "conformance: %s\n", total)
	if total.failed > 0 {
		return 1
	}
	return 0
}

func tally(path string) (counts, error) {
	var c counts
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("%v; the suite run that writes it did not finish", err)
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return c, fmt.Errorf("%s is not a Ginkgo JSON report: %v", path, err)
	}
	if len(reports) == 0 {
		return c, fmt.Errorf("%s holds no suite report", path)
	}
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType != types.NodeTypeIt {
				continue
			}
			switch {
			case s.State.Is(types.SpecStateFailureStates | types.SpecStatePending):
				c.failed++
			case s.State.Is(types.SpecStatePassed):
				c.passed++
			default: // skipped
				c.skipped++
			}
		}
	}
	return c, nil
}
