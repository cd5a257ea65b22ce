#!/usr/bin/env bash
# Load at province scale (bench/province.sql: 2,000 projects, 100,000 items with their history, 200 units, 5,000 users,
# investment plans and twelve monthly reports per project):
# wrk drives each page for DURATION seconds at CONNECTIONS connections as a signed-in official,
# then a mix with 10% progress updates through the API, then the ceiling (/bench/ceiling: one
# trivial query and a one-line template behind the same middleware). Prints a Markdown table
# (throughput, p50, p99, errors, fraction of the ceiling) and the server's peak memory.
# Usage: bench/load.sh [seconds] [connections]   (builds the release binary if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30}
CONNECTIONS=${2:-64}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
# The server on a fresh cluster with the province loaded, an official signed in (COOKIE, BEARER).
. bench/province.sh

# The mix: the five pages in turn, and every tenth request a progress update on a random open item.
cat >"$DATA/mix.lua" <<LUA
local pages = { "/dashboard", "/projects", "/projects/$PROJECT", "/units/$UNIT", "/rankings" }
local items = { $ITEMS }
local n = 0
request = function()
  n = n + 1
  if n % 10 == 0 then
    local id = items[math.random(#items)]
    return wrk.format("POST", "/api/v1/items/" .. id .. "/updates",
      { ["Authorization"] = "Bearer $BEARER", ["Content-Type"] = "application/json" },
      '{"body":"压测进展 load-test progress"}')
  end
  return wrk.format("GET", pages[(n % #pages) + 1], { ["Cookie"] = "$COOKIE" })
end
LUA
# wrk counts non-2xx/3xx answers; the summary adds them to socket errors.
cat >"$DATA/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout + e.status))
end
LUA
cat "$DATA/report.lua" >>"$DATA/mix.lua"

run() { # name, then wrk arguments
  local name=$1
  shift
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s "$@" | grep '^RESULT')
  echo "$name ${out#RESULT }" >>"$DATA/results"
  echo "$name ${out#RESULT }" >&2
}
echo "== $DURATION s each at $CONNECTIONS connections (name req/s p50-ms p99-ms errors)" >&2
run ceiling -s "$DATA/report.lua" -H "Cookie: $COOKIE" "$BASE/bench/ceiling"
run dashboard -s "$DATA/report.lua" -H "Cookie: $COOKIE" "$BASE/dashboard"
run "projects list" -s "$DATA/report.lua" -H "Cookie: $COOKIE" "$BASE/projects"
run "project page" -s "$DATA/report.lua" -H "Cookie: $COOKIE" "$BASE/projects/$PROJECT"
run "unit queue" -s "$DATA/report.lua" -H "Cookie: $COOKIE" "$BASE/units/$UNIT"
run rankings -s "$DATA/report.lua" -H "Cookie: $COOKIE" "$BASE/rankings"
run "county investment" -s "$DATA/report.lua" -H "Cookie: $COOKIE" "$BASE/investment"
run "project investment" -s "$DATA/report.lua" -H "Cookie: $COOKIE" "$BASE/projects/$PROJECT/investment"
run "mix, 10% updates" -s "$DATA/mix.lua" "$BASE/"
PEAK_KB=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER/status")

echo
echo "| page | requests/s | p50 ms | p99 ms | errors | of the ceiling |"
echo "|---|---:|---:|---:|---:|---:|"
awk '{ rps = $(NF-3); name = $1; for (i = 2; i <= NF-4; i++) name = name " " $i
       if (NR == 1) ceiling = rps
       printf "| %s | %.0f | %.1f | %.1f | %d | %.0f%% |\n", name, rps, $(NF-2), $(NF-1), $NF, 100 * rps / ceiling }' "$DATA/results"
echo
echo "Server peak memory (VmHWM): $((PEAK_KB / 1024)) MB; $(nproc) cores; $(date -u +%F)"
