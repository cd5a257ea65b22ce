#!/usr/bin/env bash
# CPU per request of one page: wrk drives PATH for SECONDS at 64 connections against a running server, and the
# CPU times of the server and of PostgreSQL's processes (from /proc) give milliseconds per request, which move
# less with the host's speed than throughput does. Compare changes by alternating runs of each build.
# Usage: bench/cpu.sh BASE_URL PATH "COOKIE" [seconds]   e.g. bench/cpu.sh http://127.0.0.1:18082 /projects "zb_session=…"
set -euo pipefail
BASE=$1; PAGE=$2; COOKIE=$3; SECONDS_=${4:-10}
ticks() { # CPU ticks of the processes named like $1
  for pid in $(pgrep -f "$1"); do awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null; done | awk '{ s += $1 } END { print s + 0 }'
}
s0=$(ticks "zhuanban serve"); p0=$(ticks "postgres")
out=$(wrk -t2 -c64 -d"${SECONDS_}s" --latency -H "Cookie: $COOKIE" "$BASE$PAGE")
s1=$(ticks "zhuanban serve"); p1=$(ticks "postgres")
n=$(echo "$out" | awk '/requests in/ { print $1 }')
hz=$(getconf CLK_TCK)
echo "$out" | grep -E "Requests/sec|99%|Non-2xx" || true
awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v n="$n" -v hz="$hz" 'BEGIN {
  printf "CPU per request: %.3f ms (server %.3f, PostgreSQL %.3f) over %d requests\n",
    (s + p) * 1000 / hz / n, s * 1000 / hz / n, p * 1000 / hz / n, n }'
