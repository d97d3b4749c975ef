# The Go API's tests (package conformance), as part of make unit. Included by the top-level
# Makefile.

.PHONY: unit-api

# make unit lists its packages by folder; the Go API's package joins it here.
unit: unit-api

unit-api: ## (part of make unit) the Go API's tests: conformance.Run against the reference mock, in-process
	$(GO) test -count=1 ./conformance/...
