#!/usr/bin/env bash
# memory.sh: is memory bounded? (issue 6, target 4: RSS < 64 MiB)
#
# Runs the real TUI (go build, then the binary) in tmux at 120×40 on lesson
# http-response and reads the process's VmRSS from /proc/PID/status:
#   1. after startup;
#   2. after COUNT connections (default 1,000,000) from loadgen, one request
#      each, as fast as it can (bounded by MAX_SECONDS too);
#   3. after switching the same process to lesson ping-pong (l, ↑↑, enter)
#      and uploading BYTES (default 1 GiB) on one connection, replies read
#      and dropped by loadgen.
# It also prints VmHWM, the peak RSS over the whole run, and each figure as
# a fraction of the 64 MiB target.
#
# Prerequisites: bash ≥ 5, go, tmux ≥ 3.0, awk, Linux /proc. Installs
# nothing. Loopback only; tubes listens on a free port (--port 0), with the
# per-address limits lifted so every connection is served (UNLIMITED in
# lib.sh), and keeps its progress in a scratch directory. Stops by itself.
# The full count takes a few minutes (about 10,000 connections a second
# on a 2-core machine).
#
# Usage: .ci/perf/memory.sh [-n COUNT] [-b BYTES] [-d MAX_SECONDS]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

count=1000000 bytes=$((1 << 30)) max_seconds=900
while getopts "n:b:d:h" opt; do
	case $opt in
	n) count=$OPTARG ;;
	b) bytes=$OPTARG ;;
	d) max_seconds=$OPTARG ;;
	*)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 2
		;;
	esac
done

check_tools
[[ -r /proc/self/status ]] || die "needs Linux /proc"
build
machine

start_tubes mem --port 0 --lesson http-response "${UNLIMITED[@]}"
wait_for mem 'Bytes · text' 10
port=$(port_of mem)
pid=$(pid_of mem)
[[ -n $port && -n $pid ]] || die "no port or pid"
say "tubes on port $port, pid $pid"

mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB (%.2f of 64 MiB)", k / 1024, k / 65536}'; }

# settle: let the UI drain what is queued and the runtime collect.
settle() { sleep 3; }

settle
rss0=$(rss_kib "$pid")
echo "memory: after startup               RSS $(mib "$rss0")"

say "$count connections (at most ${max_seconds}s)"
"$WORK/loadgen" -addr "127.0.0.1:$port" -count "$count" -duration "${max_seconds}s" -progress 30s \
	>"$WORK/http.out" &
BG_PIDS+=($!)
wait $!
http_line=$(tail -n 1 "$WORK/http.out")
settle
rss1=$(rss_kib "$pid")
status1=$(screen mem | tail -n 2 | head -n 1)
echo "memory: after the connections       RSS $(mib "$rss1")"
echo "  $http_line"
echo "  tubes: $status1"

# To ping-pong, in the same process: the lesson list opens on the current
# lesson (http-response, 5th); ping-pong is two above it.
tm send-keys -t =mem: l
sleep 0.3
tm send-keys -t =mem: Up Up Enter
wait_for mem '· ping-pong ·' 5

say "uploading $bytes bytes to ping-pong"
"$WORK/loadgen" -mode upload -addr "127.0.0.1:$port" -bytes "$bytes" -duration "${max_seconds}s" -progress 30s \
	>"$WORK/upload.out" &
BG_PIDS+=($!)
wait $! || true
upload_line=$(tail -n 1 "$WORK/upload.out")
settle
rss2=$(rss_kib "$pid")
status2=$(screen mem | tail -n 2 | head -n 1)
hwm=$(hwm_kib "$pid")
echo "memory: after the upload            RSS $(mib "$rss2")"
echo "  $upload_line"
echo "  tubes: $status2"
echo "memory: peak over the run (VmHWM)   $(mib "$hwm")"
worst=$(printf '%s\n' "$rss1" "$rss2" | sort -n | tail -n 1)
if ((worst < 65536)); then
	echo "target RSS < 64 MiB after the connections and after the upload: met"
else
	echo "target RSS < 64 MiB after the connections and after the upload: NOT met"
fi
