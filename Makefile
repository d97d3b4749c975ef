# Zonesmart JWT conformance suite. `make help` lists the targets.
#
# The suite is compiled once into bin/conformance.test (a Ginkgo test binary that carries the
# page's examples) and run from the repository root, so relative paths in the configuration
# and FIXTURES= resolve where you typed the command.

GO          ?= go
REPORTS     ?= reports
SUITE_PKG   := ./suites/auth
SUITE_BIN   := bin/conformance.test
LABELS      ?=
# FIXTURES=dir replays recorded fixtures instead of the page's examples.
FIXTURES    ?=
RUN_ENV     := $(if $(FIXTURES),ZS_FIXTURES=$(FIXTURES))
LABEL_FLAG  := $(if $(LABELS),--ginkgo.label-filter='$(LABELS)')

# Ginkgo's recommended CI flags, written once for every suite run of make and of the workflows:
# the compiled binary takes them as --ginkgo.<flag>, the ginkgo CLI as --<flag>.
CI_FLAGS    := randomize-all fail-on-pending fail-on-empty $(if $(NO_COLOR),no-color)
# $(call suite-flags,DIR): the binary's flags, with its JUnit and JSON reports in DIR.
suite-flags  = $(addprefix --ginkgo.,$(CI_FLAGS)) --ginkgo.junit-report=$(1)/junit.xml --ginkgo.json-report=$(1)/report.json
# $(call cli-flags,DIR): the same for the ginkgo CLI, which alone knows keep-going and
# output-dir; it runs the suite's processes in the package directory, so DIR is made absolute.
cli-flags    = $(addprefix --,$(CI_FLAGS) keep-going) --junit-report=junit.xml --json-report=report.json --output-dir=$(abspath $(1))
# In a recipe, `env $(NO_ZS) …` runs a command with none of the shell's ZS_* settings.
NO_ZS       := $$(env | grep -o '^ZS_[A-Z_]*' | sed 's/^/-u /')

.DEFAULT_GOAL := help
.PHONY: help build cli conformance conformance-parallel test unit offline check selftest requests fuzz \
	test-offline test-mock test-replica

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-22s %s\n", $$1, $$2}' $(MAKEFILE_LIST) | sort

build: ## compile the suite into bin/conformance.test (runs with env vars alone)
	@mkdir -p bin
	$(GO) test -c -o $(SUITE_BIN) $(SUITE_PKG)

# The CLI is the door to script against: its exit status is the outcome's (0 pass, 1 a clause
# failed, 2 usage or configuration, 3 could not test). make reports any failing recipe as 2.
CLI_BIN     := bin/jwt-conformance
PROCS       ?= 4
CLI_FLAGS    = $(if $(ZS_REPORTS_DIR),,--reports-dir '$(REPORTS)') $(if $(LABELS),--labels '$(LABELS)')

cli: ## compile the jwt-conformance CLI into bin/jwt-conformance
	@mkdir -p bin
	$(GO) build -o $(CLI_BIN) ./cmd/jwt-conformance

conformance: cli ## the main job: run the suite with the CLI (offline on the page's examples unless ZS_BASE_URL is set)
	$(RUN_ENV) ./$(CLI_BIN) $(CLI_FLAGS)

conformance-parallel: cli ## the suite in PROCS processes (one log-in shared by all); what the workflows run
	$(RUN_ENV) ./$(CLI_BIN) $(CLI_FLAGS) --procs $(PROCS)

check: ## go vet, gofmt, go mod tidy -diff and staticcheck
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt -l lists:"; echo "$$out"; exit 1; fi
	@$(GO) mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy"; exit 1; }
	$(GO) tool staticcheck ./...

unit: ## unit tests of every helper package, of the reference mock and of the scripts' Go programs
	$(GO) test -count=1 ./helpers/... ./mockserver/... ./cmd/... ./scripts/...

offline: build ## the suite on the page's examples, whatever ZS_* the shell has
	@mkdir -p $(REPORTS)
	env $(NO_ZS) ./$(SUITE_BIN) $(call suite-flags,$(REPORTS))

requests: ## print the HTTP request count of a full online run against the replica (budget: 60)
	@$(GO) test -count=1 -run TestRequestEconomy -v ./selftest/replica/ | grep -E 'full online run|skipped|FAIL|^ok'

# The redactor's seed corpus (testdata/fuzz) runs with the unit tests; this goes beyond it for a
# bounded time. The fuzz cache under GOCACHE keeps what earlier runs learned.
FUZZTIME ?= 10s
fuzz: ## a short, bounded fuzz run of the redactor beyond its seed corpus (FUZZTIME=10s)
	$(GO) test -run '^$$' -fuzz '^FuzzRedact$$' -fuzztime $(FUZZTIME) ./helpers/redact/

selftest: ## tests of the suite itself, run as a user would (kill matrix, canaries, replica runs)
	$(GO) test -count=1 ./selftest/...

# make test runs the suite three times, each into a folder of its own under TEST_REPORTS, a
# temporary folder outside REPORTS (so that make -j never has two runs write one file, and the
# reports of your own runs stay as they were), then closes on the runs' spec counts: `conformance: N passed, N failed,
# N skipped`. The runs ignore the shell's ZS_* settings.
# One folder per checkout (named by a checksum of its path), so two checkouts' make test never
# share one.
TEST_REPORTS ?= $(or $(TMPDIR),/tmp)/jwt-conformance-test-$(shell printf %s '$(CURDIR)' | cksum | cut -d' ' -f1)
TEST_RUNS    := offline mock replica

test: check lint unit fuzz $(addprefix test-,$(TEST_RUNS)) replica-smoke selftest ## everything CI runs: checks, unit tests, a bounded fuzz run, three suite runs, the replica's smoke check, the self-tests (the hostile-server leak test among them)
	@$(GO) run ./scripts/tally $(foreach run,$(TEST_RUNS),$(TEST_REPORTS)/$(run)/report.json)

# $(call test-run,NAME,WRAPPER): a fresh TEST_REPORTS/NAME, then the suite run by WRAPPER (a
# command that starts a server and runs the rest of the line against it), writing into it.
define test-run
	@rm -rf $(TEST_REPORTS)/$(1) && mkdir -p $(TEST_REPORTS)/$(1)
	env $(NO_ZS) $(2) env ZS_REPORTS_DIR=$(TEST_REPORTS)/$(1) ./$(SUITE_BIN) $(call suite-flags,$(TEST_REPORTS)/$(1))
endef

test-offline: build ## (part of make test) the suite on the page's examples
	$(call test-run,offline)

test-mock: build ## (part of make test) the suite against the reference mock, with its key
	$(call test-run,mock,scripts/mock.sh run --)

test-replica: build replica-deps ## (part of make test) the suite against the replica (doc-literal, with its key)
	$(call test-run,replica,scripts/replica.sh run doc-literal --)

-include mk/*.mk
