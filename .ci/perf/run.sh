#!/usr/bin/env bash
# run.sh: every performance figure of issue 6, in one go, for the README's
# performance section. Runs the Go benchmarks (each compares its two sides
# in one run), then keys.sh, memory.sh, startup.sh, idle.sh and hostile.sh. Takes
# about ten minutes with the defaults; -q is a quick pass (fewer presses
# and runs, 100,000 connections and 100 MiB for memory.sh).
#
# Prerequisites: those of the scripts it runs (bash ≥ 5, go, tmux ≥ 3.0,
# awk, stty, Linux /proc). Installs nothing. Loopback only.
#
# Usage: .ci/perf/run.sh [-q]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

quick=0
while getopts "qh" opt; do
	case $opt in
	q) quick=1 ;;
	*)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 2
		;;
	esac
done

step() { printf '\n==> %s\n' "$*"; }

step "machine"
nproc
lscpu | head -n 15
go version
cat /proc/loadavg

step "Go benchmarks: netcore (targets 1 and 7)"
(cd ../.. && go test -run '^$' -bench 'HTTPConnPerRequest|ServerIgnoresUI' -benchtime 20000x -count 3 ./netcore)
(cd ../.. && go test -run '^$' -bench 'InboxPush' -benchmem ./netcore)

step "Go benchmarks: tui (target 2)"
(cd ../.. && go test -run '^$' -bench 'Flood|View' -benchmem -count 3 ./tui)

if ((quick)); then
	step "keys.sh (target 3)" && ./keys.sh -n 30
	step "memory.sh (target 4), a smaller run" && ./memory.sh -n 100000 -b $((100 << 20))
	step "startup.sh (target 6)" && ./startup.sh -n 9
	step "idle.sh (target 5)" && ./idle.sh -s 10
	step "hostile.sh (target 8)" && ./hostile.sh -f 1000 -n 30
else
	step "keys.sh (target 3)" && ./keys.sh
	step "keys.sh with the load generator at nice 19" && ./keys.sh -N 19
	step "memory.sh (target 4)" && ./memory.sh
	step "startup.sh (target 6)" && ./startup.sh
	step "idle.sh (target 5)" && ./idle.sh
	step "hostile.sh (target 8)" && ./hostile.sh
fi
