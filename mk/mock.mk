# The reference mock of the authentication API (see mockserver/). Included by the top-level
# Makefile.

MOCK_ADDR ?= 127.0.0.1:0
MOCK_FAULTS ?=

.PHONY: mock mock-faults

mock: ## serves the reference mock on loopback; MOCK_ADDR, MOCK_FAULTS
	$(or $(GO),go) run ./cmd/zs-mock -addr '$(MOCK_ADDR)' $(if $(strip $(MOCK_FAULTS)),-faults '$(strip $(MOCK_FAULTS))')

mock-faults: ## lists the fault catalogue
	$(or $(GO),go) run ./cmd/zs-mock -list-faults
