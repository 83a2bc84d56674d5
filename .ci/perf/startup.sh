#!/usr/bin/env bash
# startup.sh: does tubes start at once? (issue 6, target 6: median < 100 ms)
#
# N times: a tmux window of 120×40 runs bash, which notes the time and
# execs tubes (--lesson http-response, a free port); the script polls
# `tmux capture-pane -p` until the first complete frame shows (the lesson
# pane's top border on the first row, the status line and the help line
# at the bottom), and takes the time from exec to that poll.
#
# Side by side, in turns, the same is timed for a stand-in that prints a
# 120×40 frame of the same shape at once (bash's printf, then sleep): its
# time is the cost of the harness (tmux drawing, polling), and the script
# prints tubes' median, the stand-in's, their difference (what tubes
# itself takes) and their ratio.
#
# Prerequisites: bash ≥ 5, go, tmux ≥ 3.0, awk. Installs nothing.
#
# Usage: .ci/perf/startup.sh [-n RUNS]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=21
while getopts "n:h" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	*)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 2
		;;
	esac
done

check_tools
build
machine

# The stand-in: a frame like tubes' first one, printed in one write.
cat >"$WORK/standin.sh" <<'EOF'
#!/usr/bin/env bash
printf -v border '─%.0s' {1..108}
printf -v pad '%118s' ''
frame="╭─ Lesson ${border}╮"
for ((i = 0; i < 37; i++)); do frame+=$'\n'"│${pad}│"; done
frame+=$'\n''● localhost:0 · stand-in'$'\n''q quit'
printf '\e[?1049h\e[H%s' "$frame"
sleep 60
EOF
chmod +x "$WORK/standin.sh"

# frame_done SESSION: the first row is the lesson pane's top border and
# the last two rows are the status and help lines.
frame_done() {
	local s
	s=$(screen "$1") || return 1
	[[ $s == "╭─ Lesson"* ]] || return 1
	[[ $s == *$'\n● localhost:'*$'\n'*quit* ]]
}

# once NAME CMD...: run CMD in a fresh window; print µs from exec to frame.
once() {
	local name=$1 t0 t1 limit
	shift
	rm -f "$WORK/t0"
	# bash writes the time just before it execs the program.
	tm new-session -d -s "$name" -x 120 -y 40 -e TUBES_STATE_DIR="$WORK/state" \
		bash -c 'printf %s "${EPOCHREALTIME/[.,]/}" >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$WORK/t0" "$@"
	limit=$((${EPOCHREALTIME/[.,]/} + 10000000))
	until frame_done "$name"; do
		((${EPOCHREALTIME/[.,]/} < limit)) || {
			screen "$name" >&2 || true
			die "$name: no complete frame within 10 s"
		}
	done
	t1=${EPOCHREALTIME/[.,]/}
	until [[ -s $WORK/t0 ]]; do sleep 0.01; done
	t0=$(<"$WORK/t0")
	tm kill-session -t "=$name"
	echo $((t1 - t0))
}

mkdir -p "$WORK/state"
# One run of each to warm the page cache; not counted.
once warm "$WORK/tubes" --port 0 --lesson http-response >/dev/null
once warm "$WORK/standin.sh" >/dev/null
say "$runs runs of each, in turns"
for ((i = 0; i < runs; i++)); do
	once "t$i" "$WORK/tubes" --port 0 --lesson http-response >>"$WORK/tubes.us"
	once "s$i" "$WORK/standin.sh" >>"$WORK/standin.us"
done

tubes=$(pct 50 <"$WORK/tubes.us")
stand=$(pct 50 <"$WORK/standin.us")
awk -v t="$tubes" -v s="$stand" -v n="$runs" 'BEGIN {
	printf "startup: tubes median %.1f ms, stand-in median %.1f ms (%d runs each)\n", t / 1000, s / 1000, n
	printf "startup: tubes itself ≈ %.1f ms (difference); ratio tubes/stand-in = %.2f\n", (t - s) / 1000, t / s
}'
echo "startup: tubes p90 $(pct 90 <"$WORK/tubes.us" | awk '{printf "%.1f", $1 / 1000}') ms"
if awk -v v="$tubes" 'BEGIN {exit !(v < 100000)}'; then
	echo "target median < 100 ms: met"
else
	echo "target median < 100 ms: NOT met"
fi
