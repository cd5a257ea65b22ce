#!/usr/bin/env bash
# Notifications at province scale (bench/province.sql: 2,000 projects, 100,000 checklist items, 200 units and
# 5,000 unit staff) in a fresh private cluster. Measures the recomputation that announces every yellow, red and due-soon item
# at once (the worst case: a county switching the product on), the steady-state runs that announce nothing,
# the run after midnight, the bell's unread count (its plan) and the inbox and a page with the bell.
# Usage: bench/notifications.sh [requests]   (build first: cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-100}
DATA=$(mktemp -d /tmp/zhuanban-notify.XXXXXX)
chmod 755 "$DATA"
ADDR=127.0.0.1:${BENCH_PORT:-18082}
BIN=${BIN:-target/release/zhuanban}
[ -x "$BIN" ] || cargo build --release -q

ZHUANBAN_DATA=$DATA ZHUANBAN_ADDR=$ADDR RUST_LOG=warn "$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do curl -fs "http://$ADDR/healthz" >/dev/null && break; sleep 0.2; done
PSQL="psql -q -h $DATA/pg -U zhuanban zhuanban"

echo "== seeding"
BEFORE_SEED=$($PSQL -At -c "SELECT now()")
# One transaction (psql -1): the job sees, and is woken by, the whole province at once.
$PSQL -1 -f bench/province.sql
# The server's job wakes on the change and announces everything: wait for its events, then for its run.
for _ in $(seq 1 1200); do
  [ "$($PSQL -At -c "SELECT count(*) FROM events")" -gt 1000 ] && break; sleep 0.5
done
$PSQL -At -c "SELECT 'first run (announces every flagged item): ' || max(duration_ms) || ' ms; '
                     || (SELECT count(*) FROM events) || ' events, '
                     || (SELECT count(*) FROM notifications) || ' inbox entries'
              FROM recompute_runs WHERE started_at > '$BEFORE_SEED'"

echo "== steady state (nothing changed, nothing announced)"
for _ in 1 2 3; do ZHUANBAN_DATA=$DATA "$BIN" recompute | sed -e 's/.*; \([0-9]* ms\)$/\1/'; done
echo "== after midnight (every overdue count changes; items crossing a threshold are announced)"
BEFORE=$($PSQL -At -c "SELECT count(*) FROM events")
ZHUANBAN_DATA=$DATA "$BIN" recompute --as-of "$(TZ=Asia/Shanghai date -d tomorrow +%F)" | sed -e 's/.*; \([0-9]* ms\)$/\1/'
echo "$(( $($PSQL -At -c "SELECT count(*) FROM events") - BEFORE )) new events"

BUSY=$($PSQL -At -c "SELECT u.username || ' ' || count(*) FROM notifications n JOIN users u ON u.id = n.user_id
                     GROUP BY u.username ORDER BY count(*) DESC LIMIT 1")
echo "== the bell's count for the busiest inbox ($BUSY entries)"
$PSQL -c "EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
          SELECT count(*) FROM notifications x
          WHERE x.user_id = (SELECT id FROM users WHERE username = '${BUSY%% *}') AND x.read_at IS NULL"

JAR="$DATA/cookies"
token=$(curl -s -c "$JAR" -b "$JAR" "http://$ADDR/login" | grep -o 'csrf_token" value="[^"]*' | cut -d'"' -f3)
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf_token=$token" --data-urlencode "username=${BUSY%% *}" \
  --data-urlencode "password=zhuanban-demo" "http://$ADDR/login"
measure() {
  local name=$1 path=$2
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -b "$JAR" -w '%{time_total}\n' "http://$ADDR$path"
  done | sort -n | awk -v name="$name" '{ t[NR] = $1 } END {
    printf "%-22s median %6.1f ms   p99 %6.1f ms   (%d requests)\n", name, t[int(NR/2)+1]*1000, t[int(NR*0.99)]*1000, NR }'
}
echo "== pages (as the busiest inbox's owner)"
measure "inbox" "/inbox"
measure "projects with the bell" "/projects"
measure "API notifications" "/api/v1/notifications"
