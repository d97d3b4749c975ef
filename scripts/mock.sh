#!/usr/bin/env bash
# Runs a command against the reference mock of the authentication API (cmd/zs-mock):
#
#   scripts/mock.sh run -- CMD [ARGS...]
#
# builds the mock, starts it on a free loopback port, runs CMD with ZS_BASE_URL, ZS_EMAIL,
# ZS_PASSWORD and ZS_SIGNING_KEY exported (the mock's sample account and its published test
# key), always stops the mock, and exits with CMD's status. MOCK_FAULTS (comma-separated fault
# names, see `make mock-faults`) switches faults on.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "mock: $*" >&2; exit 1; }

[[ ${1:-} == run ]] || die "usage: $0 run -- CMD [ARGS...]"
shift
[[ ${1:-} == -- ]] && shift
[[ $# -gt 0 ]] || die "usage: $0 run -- CMD [ARGS...]"

dir=$(mktemp -d -t zs-mock.XXXXXX)
pid=
cleanup() {
	if [[ -n $pid ]]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

(cd "$ROOT" && go build -o "$dir/zs-mock" ./cmd/zs-mock) || die "could not build cmd/zs-mock"
# The mock reads ZS_MOCK_FAULTS itself; its first line on stdout is the base URL.
ZS_MOCK_FAULTS=${MOCK_FAULTS:-} "$dir/zs-mock" >"$dir/url" 2>"$dir/log" &
pid=$!
for _ in $(seq 100); do
	[[ -s $dir/url ]] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
url=$(head -n 1 "$dir/url")
[[ -n $url ]] || die "did not start: $(tr '\n' ' ' <"$dir/log")"

export ZS_BASE_URL=$url ZS_EMAIL=admin@zonesmart.ru ZS_PASSWORD=4815162342
export ZS_SIGNING_KEY=zonesmart-jwt-conformance-mock-signing-key-not-a-secret
set +e
"$@"
exit $?
