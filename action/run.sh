#!/usr/bin/env bash
# The logic of the composite action (action.yml): mask the secrets, install the CLI, run the
# suite with --github-actions, and pass its exit status on. Inputs come as INPUT_* variables.
#
# It runs outside GitHub Actions too, as the self-test does: point GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY and RUNNER_TEMP at temporary files, and set JWT_CONFORMANCE_BIN to a
# prebuilt CLI to skip the installation.
#
# Exit status: the CLI's own (0 pass, 1 a clause failed, 2 usage or configuration, 3 could
# not test); 2 for an input this script refuses; 3 when the CLI cannot be installed.
set -euo pipefail

# Secrets first, before anything can print them. The runner masks line by line, so a value
# over several lines (a PEM key) is masked one line at a time; '%' is escaped because the
# runner unescapes workflow commands. Pure bash: no here-string, so no temporary file holds
# the secret.
mask() {
	local rest=$1 line
	while [ -n "$rest" ]; do
		line=${rest%%$'\n'*}
		if [[ $rest == *$'\n'* ]]; then rest=${rest#*$'\n'}; else rest=; fi
		line=${line%$'\r'}
		if [ -n "${line//[[:space:]]/}" ]; then
			line=${line//%/%25}
			printf '::add-mask::%s\n' "$line"
		fi
	done
}
mask "${INPUT_PASSWORD:-}"
mask "${INPUT_SIGNING_KEY:-}"
# Credentials written into the base URL (https://user:secret@host) would show in the command
# line printed below: mask them as well, whole and the part after the colon.
if [[ ${INPUT_BASE_URL:-} =~ ^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)@ ]]; then
	mask "${BASH_REMATCH[1]}"
	if [[ ${BASH_REMATCH[1]} == *:* ]]; then mask "${BASH_REMATCH[1]#*:}"; fi
fi

# Workflow commands are read line by line: an input quoted in one must not start another.
escape() {
	local s=${1//%/%25}
	s=${s//$'\r'/%0D}
	printf '%s' "${s//$'\n'/%0A}"
}

# A refusal of this script: one annotation, one line, and the usage exit status.
refuse() {
	printf '::error title=jwt-conformance::%s\n' "$(escape "$1")"
	exit 2
}

# Empty leaves the setting to the configuration file, the environment or the default.
is_bool() { [ -z "$1" ] || [ "$1" = true ] || [ "$1" = false ]; }

action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work_dir=${GITHUB_WORKSPACE:-$PWD}
runner_temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}

base_url=${INPUT_BASE_URL:-}
strict=${INPUT_STRICT:-}
wrong_credentials=${INPUT_WRONG_CREDENTIALS:-}
reports_dir=${INPUT_REPORTS_DIR:-jwt-conformance-reports}

# An empty base URL would test nothing: secrets and variables are empty in workflows started
# from forks, and a green run there would be a gate that tested nothing.
[ -n "$base_url" ] || refuse "the base-url input is empty: set it to the server to test (secrets and variables are not passed to workflows started from forks)"
is_bool "$strict" || refuse "the strict input is \"$strict\": use true or false"
is_bool "$wrong_credentials" || refuse "the wrong-credentials input is \"$wrong_credentials\": use true or false"
case ${INPUT_UPLOAD_REPORTS:-false} in true | false) ;; *) refuse "the upload-reports input is \"$INPUT_UPLOAD_REPORTS\": use true or false" ;; esac

case $reports_dir in /*) ;; *) reports_dir=$work_dir/$reports_dir ;; esac
mkdir -p "$reports_dir" || refuse "the reports-dir input names a directory that cannot be created: $reports_dir"

# The CLI: a prebuilt one, the version asked for, or the action's own ref. Its build output
# goes into a group so that a failure to install is found, not scrolled past.
bin=${JWT_CONFORMANCE_BIN:-}
if [ -n "$bin" ]; then
	[ -x "$bin" ] || refuse "JWT_CONFORMANCE_BIN is \"$bin\", which is not an executable file"
else
	gobin=$runner_temp/jwt-conformance-bin
	mkdir -p "$gobin"
	what="at the action's own ref"
	if [ -n "${INPUT_VERSION:-}" ]; then what=$INPUT_VERSION; fi
	echo "::group::Install jwt-conformance $what"
	# A checkout owned by another user (a container job) makes VCS stamping fail; the
	# version comes from the version package or the module instead.
	export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"
	if [ -n "${INPUT_VERSION:-}" ]; then
		install=(go install "github.com/zonesmart/jwt-conformance/cmd/jwt-conformance@$INPUT_VERSION")
		install_dir=$runner_temp
	else
		install=(go install ./cmd/jwt-conformance)
		install_dir=$action_dir
	fi
	if ! (cd "$install_dir" && GOBIN=$gobin "${install[@]}"); then
		echo "::endgroup::"
		printf '::error title=jwt-conformance::could not install the CLI with "%s" (is Go set up, and the version right?)\n' "$(escape "${install[*]}")"
		exit 3
	fi
	echo "::endgroup::"
	bin=$gobin/jwt-conformance
fi

# Secrets travel in the environment, never on the command line (which the log and ps show).
# Only non-empty ones are set: an empty but set variable is a value, not an absence.
unset ZS_PASSWORD ZS_SIGNING_KEY
if [ -n "${INPUT_PASSWORD:-}" ]; then export ZS_PASSWORD=$INPUT_PASSWORD; fi
if [ -n "${INPUT_SIGNING_KEY:-}" ]; then export ZS_SIGNING_KEY=$INPUT_SIGNING_KEY; fi
unset INPUT_PASSWORD INPUT_SIGNING_KEY

args=(--github-actions --reports-dir "$reports_dir" --base-url "$base_url")
if [ -n "$strict" ]; then args+=(--strict="$strict"); fi
if [ -n "$wrong_credentials" ]; then args+=(--wrong-credentials="$wrong_credentials"); fi
if [ -n "${INPUT_EMAIL:-}" ]; then args+=(--email "$INPUT_EMAIL"); fi
if [ -n "${INPUT_LABELS:-}" ]; then args+=(--labels "$INPUT_LABELS"); fi
if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); fi
if [ -n "${INPUT_BASELINE:-}" ]; then args+=(--baseline "$INPUT_BASELINE"); fi

printf 'jwt-conformance'
printf ' %q' "${args[@]}"
printf '\n'
status=0
(cd "$work_dir" && "$bin" "${args[@]}") || status=$?

# The CLI sets the outputs itself. If it could not (it died, or stopped before writing them),
# the step still gets a verdict from the exit status, so that later steps can branch on it.
if [ -n "${GITHUB_OUTPUT:-}" ] && ! grep -q '^verdict<<\|^verdict=' "$GITHUB_OUTPUT" 2>/dev/null; then
	case $status in
	0) verdict=pass ;;
	1) verdict=fail ;;
	2) verdict=usage ;;
	3) verdict=could-not-test ;;
	*) verdict=broken ;;
	esac
	{
		echo "verdict=$verdict"
		echo "failed-clauses="
		delimiter=ghadelimiter_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
		printf 'report-dir<<%s\n%s\n%s\n' "$delimiter" "$reports_dir" "$delimiter"
	} >>"$GITHUB_OUTPUT"
	if [ "$status" -gt 3 ]; then
		printf '::error title=jwt-conformance::the CLI ended with status %s without a verdict\n' "$status"
	fi
fi
exit "$status"
