# Zonesmart JWT conformance suite. `make help` lists the targets.
#
# The suite is compiled once into bin/conformance.test (a Ginkgo test binary that carries the
# page's examples) and run from the repository root, so relative paths in the configuration
# and FIXTURES= resolve where you typed the command.

GO          ?= go
REPORTS     ?= reports
SUITE_BIN   := bin/conformance.test
# Ginkgo's recommended CI flags (keep-going and output-dir belong to the ginkgo CLI, which the
# parallel target uses; the binary takes the report paths directly).
SUITE_FLAGS := --ginkgo.randomize-all --ginkgo.fail-on-pending --ginkgo.fail-on-empty \
               --ginkgo.junit-report=$(REPORTS)/junit.xml --ginkgo.json-report=$(REPORTS)/report.json \
               $(if $(NO_COLOR),--ginkgo.no-color)
CLI_FLAGS   := --randomize-all --fail-on-pending --fail-on-empty --keep-going \
               --junit-report=junit.xml --json-report=report.json --output-dir=$(CURDIR)/$(REPORTS)
LABELS      ?=
# FIXTURES=dir replays recorded fixtures instead of the page's examples.
FIXTURES    ?=
RUN_ENV     := $(if $(FIXTURES),ZS_FIXTURES=$(FIXTURES))
LABEL_FLAG  := $(if $(LABELS),--ginkgo.label-filter='$(LABELS)')

.DEFAULT_GOAL := help
.PHONY: help build conformance conformance-parallel test unit offline check selftest requests

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-22s %s\n", $$1, $$2}' $(MAKEFILE_LIST) | sort

build: ## compile the suite into bin/conformance.test (runs with env vars alone)
	@mkdir -p bin
	$(GO) test -c -o $(SUITE_BIN) ./suites/auth

conformance: build ## the main job: run the suite (offline on the page's examples unless ZS_BASE_URL is set)
	@mkdir -p $(REPORTS)
	$(RUN_ENV) ./$(SUITE_BIN) $(SUITE_FLAGS) $(LABEL_FLAG)

conformance-parallel: ## the suite under ginkgo -p (one log-in shared by all processes)
	@mkdir -p $(REPORTS)
	$(if $(FIXTURES),ZS_FIXTURES=$(abspath $(FIXTURES))) $(GO) tool ginkgo -p $(CLI_FLAGS) $(if $(LABELS),--label-filter='$(LABELS)') ./suites/auth

check: ## go vet and gofmt
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt -l lists:"; echo "$$out"; exit 1; fi

unit: ## unit tests of every helper package and of the reference mock
	$(GO) test -count=1 ./helpers/... ./mockserver/... ./cmd/...

offline: build ## the suite on the page's examples, whatever ZS_* the shell has
	@mkdir -p $(REPORTS)
	env $$(env | grep -o '^ZS_[A-Z_]*' | sed 's/^/-u /') ./$(SUITE_BIN) $(SUITE_FLAGS)

requests: ## print the HTTP request count of a full online run against the replica (budget: 40)
	@$(GO) test -count=1 -run TestRequestEconomy -v ./selftest/replica/ | grep -E 'full online run|skipped|FAIL|^ok'

selftest: ## tests of the suite itself, run as a user would (kill matrix, canaries, replica runs)
	$(GO) test -count=1 ./selftest/...

# Fragments in mk/ add their own targets and hang their checks on `test`.
test: check unit offline selftest ## everything CI runs: vet, unit tests, the offline suite, the self-tests

-include mk/*.mk
