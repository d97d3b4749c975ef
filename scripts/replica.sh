#!/usr/bin/env bash
# Staging replica of the Zonesmart JWT authentication stack (Django + DRF +
# djoser + simplejwt from Debian's packages), served by gunicorn on loopback.
#
#   scripts/replica.sh start [MODE]          start in the background, print `export ZS_...` lines
#   scripts/replica.sh stop                  stop it (no-op when nothing runs)
#   scripts/replica.sh run MODE -- CMD ...   start a private replica, run CMD with ZS_*
#                                            exported, always stop it, exit with CMD's status
#   scripts/replica.sh serve [MODE]          run in the foreground (Ctrl-C stops it)
#   scripts/replica.sh status                print the base URL if one runs, else exit 1
#
# MODE is `upstream` (default; the stock stack, refresh answers POST only) or
# `doc-literal` (refresh also answers GET with a JSON body, as the page shows).
#
# Environment: REPLICA_MODE (default mode), REPLICA_PORT (default: a free port),
# REPLICA_STATE_DIR (default: .replica/ in the repository root),
# REPLICA_SIGNING_KEY (default below), REPLICA_START_TIMEOUT (seconds, default 30).
#
# Only Debian's /usr/bin/python3 is used: another python earlier on PATH lacks
# the Debian-packaged Django stack.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=/usr/bin/python3
set_state_dir() {
	STATE_DIR=$1
	PID_FILE=$STATE_DIR/pid
	URL_FILE=$STATE_DIR/url
	ENV_FILE=$STATE_DIR/env
	DBDIR_FILE=$STATE_DIR/dbdir
	LOG_FILE=$STATE_DIR/gunicorn.log
	LOCK_FILE=$STATE_DIR/lock
}
set_state_dir "${REPLICA_STATE_DIR:-$ROOT/.replica}"
START_TIMEOUT=${REPLICA_START_TIMEOUT:-30}

export REPLICA_SIGNING_KEY=${REPLICA_SIGNING_KEY:-replica-test-signing-key-not-secret}
ZS_EMAIL_VALUE=admin@zonesmart.ru
ZS_PASSWORD_VALUE=4815162342

# A PYTHONPATH/PYTHONHOME meant for another interpreter must not leak into Debian's.
unset PYTHONPATH PYTHONHOME

die() { echo "replica: $*" >&2; exit 1; }
say() { echo "replica: $*" >&2; }

# start and stop of one state directory exclude each other (fd 9 holds the lock;
# gunicorn is started with fd 9 closed so that it does not keep the lock).
lock_state() {
	mkdir -p "$STATE_DIR"
	exec 9>"$LOCK_FILE"
	flock -w 60 9 || die "could not lock $LOCK_FILE"
}

check_mode() {
	case $1 in
	upstream | doc-literal) ;;
	*) die "unknown mode '$1' (use upstream or doc-literal)" ;;
	esac
}

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A given port must be free: otherwise the readiness probe could be answered by
# whatever already listens there.
port_is_free() {
	"$PY" -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.close()' "$1" 2>/dev/null
}

# True when PID is alive and is a gunicorn process (guards against a stale pid
# file whose number was reused by something else).
is_replica_pid() {
	local pid=$1
	[[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
	tr '\0' ' ' </proc/"$pid"/cmdline | grep -q gunicorn
}

running_pid() {
	local pid
	[[ -f $PID_FILE ]] || return 1
	pid=$(<"$PID_FILE")
	is_replica_pid "$pid" || return 1
	echo "$pid"
}

# Creates a fresh SQLite database in a new temporary directory (outside the
# repository), applies the committed migrations and seeds the sample user.
# Prints the directory.
init_db() {
	local dbdir
	dbdir=$(mktemp -d -t zs-replica.XXXXXX)
	if ! (cd "$ROOT/replica" && REPLICA_DB_PATH=$dbdir/db.sqlite3 "$PY" manage.py replica_init) >>"$1" 2>&1; then
		rm -rf "$dbdir"
		return 1
	fi
	echo "$dbdir"
}

gunicorn_args() { # port logfile
	echo --bind "127.0.0.1:$1" --workers 2 --timeout 30 --graceful-timeout 5 \
		--chdir "$ROOT/replica" --access-logfile "$2" --error-logfile "$2" \
		zsreplica.wsgi:application
}

print_exports() {
	printf 'export ZS_BASE_URL=%q ZS_EMAIL=%q ZS_PASSWORD=%q ZS_SIGNING_KEY=%q\n' \
		"$1" "$ZS_EMAIL_VALUE" "$ZS_PASSWORD_VALUE" "$REPLICA_SIGNING_KEY"
}

# Stops the gunicorn master and its workers: INT is gunicorn's quick shutdown
# (TERM's graceful one waits about a second more for nothing here); whatever is
# still alive after 10 s gets KILL.
kill_replica() {
	local pid=$1 workers p i alive
	workers=$(pgrep -P "$pid" || true)
	kill -INT "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		alive=
		for p in $pid $workers; do
			kill -0 "$p" 2>/dev/null && alive=1
		done
		[[ -z $alive ]] && return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL "$pid" $workers 2>/dev/null || true
}

cmd_start() {
	local mode=${1:-${REPLICA_MODE:-upstream}} port pid url dbdir code= i
	check_mode "$mode"
	lock_state
	if pid=$(running_pid); then
		die "already running (pid $pid) at $(cat "$URL_FILE" 2>/dev/null); run '$0 stop' first"
	fi
	rm -f "$PID_FILE" "$URL_FILE" "$ENV_FILE"
	: >"$LOG_FILE"
	port=${REPLICA_PORT:-$(free_port)}
	port_is_free "$port" || die "port $port on 127.0.0.1 is already in use"
	url=http://127.0.0.1:$port

	dbdir=$(init_db "$LOG_FILE") || {
		tail -n 20 "$LOG_FILE" >&2
		die "database setup failed (log: $LOG_FILE)"
	}
	echo "$dbdir" >"$DBDIR_FILE"

	# No setsid: gunicorn stays in the caller's process group, so a Ctrl-C or a
	# group kill aimed at the caller (a CI timeout, say) also ends the replica.
	# shellcheck disable=SC2046
	REPLICA_MODE=$mode REPLICA_DB_PATH=$dbdir/db.sqlite3 \
		"$PY" -m gunicorn $(gunicorn_args "$port" "$LOG_FILE") \
		</dev/null >>"$LOG_FILE" 2>&1 9>&- &
	pid=$!
	echo "$pid" >"$PID_FILE"

	for ((i = 0; i < START_TIMEOUT * 10; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			say "gunicorn exited during start-up; last log lines:"
			tail -n 20 "$LOG_FILE" >&2
			stop_locked
			die "did not start (mode $mode, port $port)"
		fi
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/users/me/" || true)
		[[ $code == 401 ]] && break
		sleep 0.1
	done
	if [[ $code != 401 ]]; then
		say "no answer from $url within ${START_TIMEOUT}s; last log lines:"
		tail -n 20 "$LOG_FILE" >&2
		stop_locked
		die "did not start (mode $mode, port $port)"
	fi
	echo "$url" >"$URL_FILE"
	print_exports "$url" >"$ENV_FILE"
	say "$mode mode at $url (pid $pid, log $LOG_FILE)"
	cat "$ENV_FILE"
}

cmd_stop() {
	[[ -d $STATE_DIR ]] || return 0
	lock_state
	stop_locked
}

stop_locked() {
	local pid dbdir
	if [[ -f $PID_FILE ]]; then
		pid=$(<"$PID_FILE")
		if is_replica_pid "$pid"; then
			kill_replica "$pid"
		fi
	fi
	if [[ -f $DBDIR_FILE ]]; then
		dbdir=$(<"$DBDIR_FILE")
		# Only ever a directory this script made with mktemp.
		[[ $dbdir == */zs-replica.* ]] && rm -rf "$dbdir"
	fi
	# The log is kept for inspection; the next start truncates it.
	rm -f "$PID_FILE" "$URL_FILE" "$ENV_FILE" "$DBDIR_FILE"
}

# run uses a state directory of its own under the shared one, so that runs in
# parallel (and a replica started with `start`) never meet. It is removed
# afterwards, except the log when the command failed.
cmd_run() {
	local mode=$1 exports status
	shift
	[[ ${1:-} == -- ]] && shift
	[[ $# -gt 0 ]] || die "usage: $0 run MODE -- CMD [ARGS...]"
	check_mode "$mode"
	mkdir -p "$STATE_DIR"
	set_state_dir "$(mktemp -d "$STATE_DIR/run.XXXXXX")"
	RUN_STATUS=1
	trap run_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	exports=$(cmd_start "$mode") || exit 1
	eval "$exports"
	export REPLICA_MODE=$mode
	set +e
	"$@"
	status=$?
	set -e
	RUN_STATUS=$status
	exit "$status"
}

run_cleanup() {
	stop_locked
	if [[ $RUN_STATUS -eq 0 ]]; then
		rm -rf "$STATE_DIR"
	else
		rm -f "$LOCK_FILE"
		say "replica log kept: $LOG_FILE"
	fi
}

cmd_serve() {
	local mode=${1:-${REPLICA_MODE:-upstream}} port pid status
	check_mode "$mode"
	port=${REPLICA_PORT:-$(free_port)}
	port_is_free "$port" || die "port $port on 127.0.0.1 is already in use"
	SERVE_DBDIR=$(init_db /dev/stderr) || die "database setup failed"
	trap 'rm -rf "$SERVE_DBDIR"' EXIT
	say "$mode mode at http://127.0.0.1:$port (Ctrl-C stops it)"
	print_exports "http://127.0.0.1:$port" >&2
	# shellcheck disable=SC2046
	REPLICA_MODE=$mode REPLICA_DB_PATH=$SERVE_DBDIR/db.sqlite3 \
		"$PY" -m gunicorn $(gunicorn_args "$port" -) &
	pid=$!
	trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM
	set +e
	wait "$pid"
	status=$?
	# wait returns early when a signal arrives: wait for gunicorn to finish.
	while kill -0 "$pid" 2>/dev/null; do wait "$pid"; status=$?; done
	set -e
	return "$status"
}

cmd_status() {
	local pid
	pid=$(running_pid) || { say "not running"; return 1; }
	say "running (pid $pid)"
	cat "$URL_FILE"
}

case ${1:-} in
start) shift; cmd_start "$@" ;;
stop) cmd_stop ;;
run) shift; [[ $# -ge 1 ]] || die "usage: $0 run MODE -- CMD [ARGS...]"; cmd_run "$@" ;;
serve) shift; cmd_serve "$@" ;;
status) cmd_status ;;
*)
	echo "usage: $0 {start [MODE] | stop | run MODE -- CMD [ARGS...] | serve [MODE] | status}" >&2
	exit 2
	;;
esac
