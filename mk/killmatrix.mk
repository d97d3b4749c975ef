# The kill matrix and the benchmark of one suite run against the reference mock (see
# selftest/killmatrix/). Included by the top-level Makefile; `make selftest`, and so `make test`,
# already runs the matrix.

BENCHTIME ?= 20x

.PHONY: killmatrix bench

killmatrix: ## run the suite against the reference mock and each of its faults; writes reports/killmatrix.md
	@mkdir -p $(REPORTS)
	KILLMATRIX_REPORT=$(abspath $(REPORTS))/killmatrix.md $(or $(GO),go) test -count=1 -run '^TestKillMatrix$$' ./selftest/killmatrix/
	@grep -m1 '^\*\*' $(REPORTS)/killmatrix.md | tr -d '*'

# The benchmark's output is kept whole so that a failure shows, then summed up in one line.
bench: ## time one full suite run against the reference mock (BENCHTIME runs): wall time, requests, per clause
	@out=$$($(or $(GO),go) test -count=1 -run '^$$' -bench '^BenchmarkSuiteAgainstReference$$' -benchtime '$(BENCHTIME)' ./selftest/killmatrix/ 2>&1); \
	status=$$?; echo "$$out"; [ $$status -eq 0 ] || exit $$status; \
	echo "$$out" | awk '/^Benchmark/ { for (i = 3; i < NF; i += 2) m[$$(i+1)] = $$i; \
		printf "one suite run: %.1f ms wall time, %g HTTP requests, %.2f requests per clause (%g clauses), GOMAXPROCS %s\n", \
		m["ns/op"] / 1e6, m["requests/op"], m["requests/clause"], m["clauses"], substr($$1, index($$1, "-") + 1) }'
