#!/usr/bin/env bash
# Open-loop load at province scale: requests arrive at a fixed rate whatever the answers take (oha
# with -q and latency correction, so a slow answer counts against every request it held up). Of
# RATE requests a second, 18% go to each of the five pages of bench/load.sh's mix (dashboard,
# projects list, a project page, a unit's queue, rankings) and 10% are progress updates through the
# API, for SECONDS, after WARMUP seconds (default 10) of the same load that are not counted: a server
# just started opens its pooled connections, and PostgreSQL prepares and plans every statement on
# each, under the load (say WARMUP=0 to measure that too). With RUNS_EVERY=S an item's deadline moves
# every S seconds meanwhile (written to the database, it wakes the status engine like any change),
# so that the engine's runs and what they leave for the pages are part of the load. Prints per page p50/p90/p99/max and
# errors, the CPU per request of the server and of PostgreSQL (from /proc), and the server's peak
# memory.
# Usage: bench/rate.sh [RATE] [SECONDS]   e.g. bench/rate.sh 500 30   (installs oha from crates.io if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-500}
DURATION=${2:-30}
WARMUP=${WARMUP:-10}
RUNS_EVERY=${RUNS_EVERY:-0}
command -v oha >/dev/null || cargo install oha --locked --version 1.16.0 -q
# The server on a fresh cluster with the province loaded, an official signed in (COOKIE, BEARER).
. bench/province.sh

PAGE_RATE=$((RATE * 18 / 100))
UPDATE_RATE=$((RATE - 5 * PAGE_RATE))
ticks() { # CPU ticks of the processes whose command line matches $1
  for pid in $(pgrep -f "$1"); do awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null; done | awk '{ s += $1 } END { print s + 0 }'
}
shoot() { # seconds, name, rate, oha arguments
  local seconds=$1 name=$2 rate=$3
  shift 3
  oha --no-tui --output-format json -q "$rate" -z "${seconds}s" --latency-correction -c 32 "$@" \
    >"$DATA/oha-$name.json" 2>"$DATA/oha-$name.err" &
}
mix() { # seconds: the five pages and the updates at once, until each is done
  shoot "$1" dashboard "$PAGE_RATE" -H "Cookie: $COOKIE" "$BASE/dashboard"
  shoot "$1" projects "$PAGE_RATE" -H "Cookie: $COOKIE" "$BASE/projects"
  shoot "$1" project "$PAGE_RATE" -H "Cookie: $COOKIE" "$BASE/projects/$PROJECT"
  shoot "$1" unit "$PAGE_RATE" -H "Cookie: $COOKIE" "$BASE/units/$UNIT"
  shoot "$1" rankings "$PAGE_RATE" -H "Cookie: $COOKIE" "$BASE/rankings"
  shoot "$1" updates "$UPDATE_RATE" -m POST -H "Authorization: Bearer $BEARER" -H "Content-Type: application/json" \
    -d '{"body":"压测进展 load-test progress"}' --rand-regex-url "$BASE/api/v1/items/($ALTERNATIVES)/updates"
  wait $(jobs -p | grep -v -e "^$SERVER$" -e "^${MOVER:-none}$")
}
ALTERNATIVES=$(echo "$ITEMS" | tr -d '"' | tr ',' '|')
# Start when the engine's runs after the load are over: nothing but this query active for 5 s.
quiet=0
for _ in $(seq 1 300); do
  busy=$($PSQL -At -c "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()")
  if [ "$busy" = 0 ]; then quiet=$((quiet + 1)); else quiet=0; fi
  [ "$quiet" -ge 5 ] && break
  sleep 1
done
runs() { $PSQL -At -c "SELECT count(*) FROM recompute_runs"; }
echo "== $RATE requests/s for $DURATION s after $WARMUP s: $PAGE_RATE/s on each page, $UPDATE_RATE/s updates" >&2
[ "$WARMUP" -gt 0 ] && mix "$WARMUP"
r0=$(runs)
s0=$(ticks "zhuanban serve"); p0=$(ticks "postgres")
if [ "$RUNS_EVERY" -gt 0 ]; then
  (
    for n in $(seq 1 $((DURATION / RUNS_EVERY))); do
      sleep "$RUNS_EVERY"
      $PSQL -c "UPDATE checklist_items SET deadline = deadline + $((n % 2 * 2 - 1))
                WHERE id = (SELECT id FROM checklist_items WHERE state = 'open' ORDER BY id LIMIT 1)"
    done
  ) &
  MOVER=$!
fi
mix "$DURATION"
[ "$RUNS_EVERY" -gt 0 ] && wait "$MOVER"
s1=$(ticks "zhuanban serve"); p1=$(ticks "postgres")
r1=$(runs)
PEAK_KB=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER/status")

python3 - "$DATA" "$((s1 - s0))" "$((p1 - p0))" "$(getconf CLK_TCK)" "$RATE" "$DURATION" <<'PY'
import json, sys
data, server, postgres, hz, rate, duration = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
names = [("dashboard", "dashboard"), ("projects", "projects list"), ("project", "project page"),
         ("unit", "unit queue"), ("rankings", "rankings"), ("updates", "progress updates")]
print(f"| {rate}/s for {duration} s | requests | p50 ms | p90 ms | p99 ms | max ms | errors |")
print("|---|---:|---:|---:|---:|---:|---:|")
total = 0
kinds = {}
for key, name in names:
    r = json.load(open(f"{data}/oha-{key}.json"))
    codes = r.get("statusCodeDistribution", {})
    # Requests still under way when the time is up are cut off by oha: not the server's errors.
    failed = {e: v for e, v in r.get("errorDistribution", {}).items() if e != "aborted due to deadline"}
    n = sum(codes.values()) + sum(failed.values())
    bad = n - sum(v for c, v in codes.items() if c.startswith("2"))
    total += n
    p = r["latencyPercentiles"]
    ms = lambda v: (v or 0) * 1000
    print(f"| {name} | {n} | {ms(p['p50']):.1f} | {ms(p['p90']):.1f} | {ms(p['p99']):.1f} | {ms(r['summary']['slowest']):.1f} | {bad} |")
    kinds.update({f"{name}: HTTP {c}": v for c, v in codes.items() if not c.startswith("2")})
    kinds.update({f"{name}: {e}": v for e, v in failed.items()})
print()
for kind, count in kinds.items():
    print(f"error {kind}: {count}")
per = lambda t: t * 1000 / hz / max(total, 1)
print(f"CPU per request: {per(server + postgres):.3f} ms (server {per(server):.3f}, PostgreSQL {per(postgres):.3f}) over {total} requests")
PY
echo "Runs of the engine meanwhile: $((r1 - r0)). Server peak memory (VmHWM): $((PEAK_KB / 1024)) MB; $(nproc) cores; $(date -u +%F)"
