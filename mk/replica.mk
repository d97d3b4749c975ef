# Staging replica of the documented auth stack (Django + DRF + djoser +
# simplejwt from Debian bookworm), included by the top-level Makefile.
# See replica/README.md.

REPLICA_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
REPLICA_DEBS := python3-django python3-djangorestframework \
	python3-djangorestframework-simplejwt python3-djoser gunicorn curl

.PHONY: replica-deps replica replica-smoke

replica-deps: ## Install the replica's Debian packages (skipped when dpkg-query finds them all)
	@missing=; for p in $(REPLICA_DEBS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "replica-deps: all installed"; else \
		echo "replica-deps: installing$$missing"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(REPLICA_DEBS); \
	fi

replica: replica-deps ## Run the replica in the foreground on 127.0.0.1 (env REPLICA_PORT, REPLICA_MODE)
	@$(REPLICA_DIR)/scripts/replica.sh serve $(REPLICA_MODE)

replica-smoke: replica-deps ## Start the replica in each mode, curl-check the known answers, stop it
	@$(REPLICA_DIR)/scripts/replica-smoke.sh
