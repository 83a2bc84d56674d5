# shellcheck shell=bash
# Shared by the scripts in .ci/perf: build tubes and the load generator,
# run tubes in a private tmux server at 120×40, read its screen.
# Sourced, not run. Needs bash ≥ 5 (EPOCHREALTIME), go, tmux ≥ 3.0.

PERF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$PERF_DIR/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tubes-perf.XXXXXX")
# A tmux server of our own: the user's sessions are never touched.
TMUX_SOCK="tubes-perf-$$"
BG_PIDS=()

tm() { tmux -L "$TMUX_SOCK" "$@"; }

# For the load runs: lift the per-address limits (by default 20 new
# connections a second and 32 open per address), which would refuse most
# of a flood from one machine. Every connection is then served and shown:
# the worst case for the UI.
UNLIMITED=(--conn-rate 0 --max-conns-per-ip 0)

cleanup() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	tm kill-server 2>/dev/null || true
	# tmux leaves its socket file behind; it is ours, so remove it.
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() {
	say "$*"
	exit 1
}

need() {
	command -v "$1" >/dev/null || die "needs $1 on PATH"
}

check_tools() {
	need go
	need tmux
	need awk
	((BASH_VERSINFO[0] >= 5)) || die "needs bash 5 or newer (for EPOCHREALTIME)"
}

# build compiles tubes and loadgen once, before anything is timed.
build() {
	say "building tubes and loadgen"
	(cd "$REPO" && go build -o "$WORK/tubes" . && go build -o "$WORK/loadgen" ./.ci/perf/loadgen)
}

# now_us is the wall clock in microseconds, without forking.
now_us() {
	local t=$EPOCHREALTIME
	echo "${t/[.,]/}"
}

# start_tubes SESSION ARGS...: tubes in a detached 120×40 window, with its
# progress in a scratch state dir so the user's is left alone.
start_tubes() {
	local s=$1
	shift
	mkdir -p "$WORK/state"
	tm new-session -d -s "$s" -x 120 -y 40 -e TUBES_STATE_DIR="$WORK/state" "$WORK/tubes" "$@" \; \
		set-option -p remain-on-exit on
}

# Sessions are named by their exact target "=NAME:" throughout: a bare
# name would also match a window whose name starts with it, in another
# session.

# alive SESSION: its program is still running.
alive() { [[ $(tm display-message -p -t "=$1:" '#{pane_dead}' 2>/dev/null) == 0 ]]; }

screen() { tm capture-pane -p -t "=$1:" 2>/dev/null; }

# wait_for SESSION REGEX SECONDS: poll the screen until it matches.
wait_for() {
	local s=$1 re=$2 end=$(($(now_us) + $3 * 1000000))
	until screen "$s" | grep -Eq -- "$re"; do
		if ! alive "$s"; then
			screen "$s" >&2 || true
			die "$s: the program exited before the screen showed /$re/"
		fi
		if (($(now_us) > end)); then
			screen "$s" >&2 || true
			die "the screen did not show /$re/ within $3 s"
		fi
	done
}

# port_of SESSION: the port tubes listens on, from its status line (it is
# started with --port 0, so it never collides with anything).
port_of() {
	screen "$1" | grep -Eo '● localhost:[0-9]+' | head -n1 | cut -d: -f2
}

pid_of() { tm display-message -p -t "=$1:" '#{pane_pid}'; }

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# pct P < numbers: the P-th percentile (nearest rank).
pct() {
	sort -n | awk -v p="$1" '{a[NR] = $1} END {
		if (NR == 0) { print "nan"; exit }
		i = int((NR * p + 99) / 100); if (i < 1) i = 1; if (i > NR) i = NR
		print a[i] }'
}

machine() {
	echo "machine: $(nproc) CPUs, $(lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(go version | awk '{print $3}'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
