# Conformance reports, recording live targets, and the lint of the CI workflows. Included by the
# top-level Makefile.

# make record writes into fixtures/recorded/$(RECORD_NAME)/, or RECORD_DIR if given.
RECORD_NAME ?= live
RECORD_DIR  ?= fixtures/recorded/$(RECORD_NAME)
# The README's image, docs/conformance-report.png, is refreshed only when asked for:
# make report-screenshot SCREENSHOT=docs/conformance-report.png
SCREENSHOT  ?= $(REPORTS)/conformance-report.png
CHROMIUM    ?= chromium

.PHONY: lint record replica-report report-screenshot

lint: ## actionlint on .github/workflows (a go.mod tool: works offline once modules are downloaded)
	$(GO) tool actionlint -no-color

# The suite checks that RECORD_DIR holds no fixtures yet, so a recording is never mixed with an
# older one. A failing clause does not spoil the recording: the run's exit status is passed on,
# and a run that could not test (3) recorded nothing worth replaying.
record: build ## run the suite against ZS_BASE_URL and record every exchange, redacted, into RECORD_DIR
	@if [ -z "$$ZS_BASE_URL" ]; then echo "make record: set ZS_BASE_URL, ZS_EMAIL and ZS_PASSWORD (and ZS_SIGNING_KEY if you have it) to the live target to record" >&2; exit 2; fi
	@mkdir -p $(REPORTS)
	@ZS_RECORD_DIR='$(RECORD_DIR)' ./$(SUITE_BIN) $(call suite-flags,$(REPORTS)) $(LABEL_FLAG); status=$$?; \
	if [ $$status -lt 2 ]; then echo "make record: replay it offline with: make conformance FIXTURES=$(RECORD_DIR)"; fi; exit $$status

replica-report: build replica-deps ## the suite against the replica (doc-literal, with its key): reports/conformance.md and .html
	@mkdir -p $(REPORTS)
	env -u ZS_FIXTURES -u ZS_RECORD_DIR -u ZS_CONFIG scripts/replica.sh run doc-literal -- ./$(SUITE_BIN) $(call suite-flags,$(REPORTS))

report-screenshot: replica-report ## render reports/conformance.html with headless Debian chromium into SCREENSHOT (reports/conformance-report.png)
	@command -v $(CHROMIUM) >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }
	@mkdir -p $(dir $(SCREENSHOT))
	@profile=$$(mktemp -d); \
	$(CHROMIUM) --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --hide-scrollbars --user-data-dir=$$profile \
		--screenshot=$(abspath $(SCREENSHOT)) --window-size=1280,1600 file://$(abspath $(REPORTS))/conformance.html; \
	status=$$?; rm -rf $$profile; [ $$status -eq 0 ] && echo "wrote $(SCREENSHOT)"; exit $$status
