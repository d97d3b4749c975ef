# The figures of the installable CLI for the README's performance table: its size, a cold
# install (empty module and build caches: every module comes from the module proxy and every
# package is compiled), a warm install and a warm run. Included by the top-level Makefile; not
# part of make test (the cold install downloads and compiles everything, a minute or more).

.PHONY: cli-figures

# Seconds since the epoch, to the millisecond.
now_ms = date +%s%3N

cli-figures: ## the CLI's binary size, cold-install time (empty caches, module proxy), warm-install and warm-run times
	@tmp=$$(mktemp -d -t jwt-conformance-figures.XXXXXX); \
	trap 'chmod -R u+w "$$tmp" 2>/dev/null; rm -rf "$$tmp"' EXIT; \
	export GOCACHE=$$tmp/cache GOMODCACHE=$$tmp/mod GOBIN=$$tmp/bin GOFLAGS="-modcacherw -buildvcs=false" GOWORK=off; \
	t0=$$($(now_ms)); $(GO) install ./cmd/jwt-conformance || exit 1; t1=$$($(now_ms)); \
	$(GO) install ./cmd/jwt-conformance || exit 1; t2=$$($(now_ms)); \
	bin=$$tmp/bin/jwt-conformance; \
	env $(NO_ZS) ZS_REPORTS_DIR=$$tmp/warmup $$bin >/dev/null 2>&1; \
	t3=$$($(now_ms)); env $(NO_ZS) ZS_REPORTS_DIR=$$tmp/reports $$bin >/dev/null 2>&1; status=$$?; t4=$$($(now_ms)); \
	[ $$status -eq 0 ] || { echo "cli-figures: the warm run exited $$status"; exit 1; }; \
	size=$$(stat -c %s $$bin); \
	echo "jwt-conformance: $$($$bin --version)"; \
	awk -v s=$$size -v cold=$$((t1 - t0)) -v warm=$$((t2 - t1)) -v run=$$((t4 - t3)) -v procs=$$(nproc) 'BEGIN { \
		printf "binary size:   %.1f MiB (%d bytes)\n", s / 1048576, s; \
		printf "cold install:  %.1f s (empty GOCACHE and GOMODCACHE, modules from the proxy, %d cores)\n", cold / 1000, procs; \
		printf "warm install:  %.1f s (the caches filled, nothing changed)\n", warm / 1000; \
		printf "warm run:      %d ms (the suite offline on the page'\''s examples, process start to exit)\n", run }'

.PHONY: unit-api

# make unit lists its packages by folder; the Go API's package joins it here.
unit: unit-api

unit-api: ## (part of make unit) the Go API's tests: conformance.Run against the reference mock, in-process
	$(GO) test -count=1 ./conformance/...
