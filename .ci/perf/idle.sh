#!/usr/bin/env bash
# idle.sh: is idle really idle? (issue 6, target 5: at idle, no more CPU
# than Bubble Tea's own renderer costs)
#
# Runs, side by side in two tmux windows of 120×40 for the same interval,
# the real TUI on lesson http-response and idlebase (.ci/perf/idlebase),
# the smallest Bubble Tea program drawing a full screen and then waiting.
# After both have drawn and settled, it reads each process's CPU time (the
# sum over its threads of /proc/PID/task/*/schedstat, in ns) before and
# after SECONDS of no traffic and no keys, and prints CPU ms per second for
# each and their ratio. The test that nothing is ticked or drawn at idle
# is tui's TestIdleMeansIdle; this is the CPU view of the same claim.
#
# Prerequisites: bash ≥ 5, go, tmux ≥ 3.0, awk, Linux /proc with
# schedstat. Installs nothing. Stops by itself.
#
# Usage: .ci/perf/idle.sh [-s SECONDS]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=20
while getopts "s:h" opt; do
	case $opt in
	s) seconds=$OPTARG ;;
	*)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 2
		;;
	esac
done

check_tools
[[ -r /proc/self/schedstat ]] || die "needs /proc/PID/schedstat"
build
(cd "$REPO" && go build -o "$WORK/idlebase" ./.ci/perf/idlebase)
machine

# cpu_ns PID: CPU time of all the process's threads so far.
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s}'; }

start_tubes idle --port 0 --lesson http-response
tm new-session -d -s base -x 120 -y 40 "$WORK/idlebase"
wait_for idle 'Bytes · text' 10
wait_for base '·····' 10
tubes_pid=$(pid_of idle)
base_pid=$(pid_of base)
sleep 2 # startup done: the listening events flushed, the tick stopped

t0=$(cpu_ns "$tubes_pid")
b0=$(cpu_ns "$base_pid")
say "measuring ${seconds}s of idleness"
sleep "$seconds"
t1=$(cpu_ns "$tubes_pid")
b1=$(cpu_ns "$base_pid")

awk -v t=$((t1 - t0)) -v b=$((b1 - b0)) -v s="$seconds" 'BEGIN {
	printf "idle: tubes %.2f ms CPU/s, bare Bubble Tea program %.2f ms CPU/s (%d s side by side)\n", t / 1e6 / s, b / 1e6 / s, s
	printf "idle: ratio tubes/bare = %.2f\n", (b > 0 ? t / b : 0)
}'
