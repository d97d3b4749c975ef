# The CLI's footprint: its size, a cold installation (empty module and build caches, modules
# from the Go module proxy) and a warm run on the page's examples. Included by the top-level
# Makefile; the README's performance table quotes it.

.PHONY: cli-footprint

cli-footprint: ## measure the CLI: binary size, cold go install (empty caches), warm offline run
	@tmp=$$(mktemp -d); trap 'chmod -R u+w $$tmp; rm -rf $$tmp' EXIT; \
	start=$$(date +%s.%N); \
	GOMODCACHE=$$tmp/mod GOCACHE=$$tmp/cache GOBIN=$$tmp/bin GOFLAGS=-mod=mod $(GO) install ./cmd/jwt-conformance || exit 3; \
	cold=$$(echo "$$(date +%s.%N) - $$start" | bc); \
	size=$$(stat -c %s $$tmp/bin/jwt-conformance); \
	$$tmp/bin/jwt-conformance --reports-dir $$tmp/reports >/dev/null 2>&1; \
	start=$$(date +%s.%N); \
	env $(NO_ZS) $$tmp/bin/jwt-conformance --reports-dir $$tmp/reports >/dev/null 2>&1; status=$$?; \
	warm=$$(echo "$$(date +%s.%N) - $$start" | bc); \
	printf 'jwt-conformance: %s bytes (%s MiB); cold go install %.1f s; warm offline run %.2f s (exit %s)\n' \
		$$size $$(echo "scale=1; $$size / 1048576" | bc) $$cold $$warm $$status
