#!/usr/bin/env bash
# hostile.sh: does a hostile room break tubes? With the default limits in
# force (no flag lifts them), the real TUI in tmux at 120×40 on lesson
# http-request (the echo server):
#   1. refusal flood: a student at 127.0.0.31 times GET requests alone,
#      then while 127.0.0.30 opens FLOOD connections (default 3,000) past
#      its limits and holds them open; p50/p99 of both and the p99 ratio;
#   2. body attack: 8 addresses × 32 connections each send a header with
#      Content-Length: 1 MiB and all of the body but its last KiB and hold
#      it open; tubes' VmRSS is sampled meanwhile, and VmHWM (peak RSS over
#      the whole run) is read at the end, against the 96 MiB bound.
#
# Prerequisites: bash ≥ 5, go, tmux ≥ 3.0, awk, Linux /proc, loopback
# addresses 127.0.0.30-38 (Linux routes all of 127/8 to lo). Installs
# nothing. Loopback only; tubes listens on a free port (--port 0) and keeps
# its progress in a scratch directory. Stops by itself in about 30 s.
#
# Usage: .ci/perf/hostile.sh [-f FLOOD] [-n REQUESTS] [-a "TUBES FLAGS"]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

flood=3000 requests=60 extra=""
while getopts "f:n:a:h" opt; do
	case $opt in
	f) flood=$OPTARG ;;
	n) requests=$OPTARG ;;
	a) extra=$OPTARG ;;
	*)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 2
		;;
	esac
done

check_tools
[[ -r /proc/self/status ]] || die "needs Linux /proc"
build
(cd "$REPO" && go build -o "$WORK/hostile" ./.ci/perf/hostile)
machine

# shellcheck disable=SC2086 # extra is a list of flags
start_tubes room --port 0 --lesson http-request $extra
wait_for room 'Bytes · text' 10
port=$(port_of room)
pid=$(pid_of room)
[[ -n $port && -n $pid ]] || die "no port or pid"
say "tubes on port $port, pid $pid, default limits"
sleep 1
rss0=$(rss_kib "$pid")

say "refusal flood: $flood connections from 127.0.0.30, $requests requests from 127.0.0.31 per phase"
"$WORK/hostile" -addr "127.0.0.1:$port" -mode refusal -flood "$flood" -n "$requests"
alive room || die "tubes exited during the refusal flood"
sleep 2

say "body attack: 8 × 32 connections, 1 MiB bodies held open"
"$WORK/hostile" -addr "127.0.0.1:$port" -mode bodies -hold 5s &
BG_PIDS+=($!)
attacker=$!
peak=0
while kill -0 "$attacker" 2>/dev/null; do
	r=$(rss_kib "$pid")
	((r > peak)) && peak=$r
	sleep 0.05
done
wait "$attacker"
alive room || die "tubes exited during the body attack"
hwm=$(hwm_kib "$pid")
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB (%.2f of 96 MiB)", k / 1024, k / 98304}'; }
echo "memory: after startup          RSS $(mib "$rss0")"
echo "memory: during the body attack peak sampled RSS $(mib "$peak")"
echo "memory: whole run              VmHWM $(mib "$hwm")"
echo "  tubes: $(screen room | tail -n 2 | head -n 1)"
