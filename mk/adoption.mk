# The Go API (package conformance) and the module that adopts it (examples/mock-author), in
# make unit and make check. Included by the top-level Makefile.

.PHONY: unit-api check-examples

# make unit lists its packages by folder; the Go API's package joins it here.
unit: unit-api

unit-api: ## (part of make unit) the Go API's tests: conformance.Run against the reference mock, in-process
	$(GO) test -count=1 ./conformance/...

# examples/mock-author is a module of its own, which ./... in the root leaves out (gofmt -l .
# covers its files already); its go.mod and go.sum must stay tidy, as the adoption self-test
# builds it with -mod=readonly.
check: check-examples

check-examples: ## (part of make check) go vet and go mod tidy -diff in examples/mock-author
	cd examples/mock-author && GOWORK=off $(GO) vet ./...
	@cd examples/mock-author && GOWORK=off $(GO) mod tidy -diff || { echo "examples/mock-author: go.mod or go.sum is not tidy: run go mod tidy there"; exit 1; }
