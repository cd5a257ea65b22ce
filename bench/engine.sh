#!/usr/bin/env bash
# The status engine at province scale: 2,000 projects and task forces, 100,000 checklist items,
# 200 units, 5,000 users and a year of weekly snapshots, in a fresh private cluster. Measures one
# full recomputation (goal < 1 s) and the dashboard and rankings pages (goal < 50 ms p99), and
# prints the query plans of the recomputation's heaviest statements.
# Usage: bench/engine.sh [requests]   (build first: cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-100}
DATA=$(mktemp -d /tmp/zhuanban-engine.XXXXXX)
chmod 755 "$DATA"
ADDR=127.0.0.1:${BENCH_PORT:-18081}
BIN=target/release/zhuanban
[ -x "$BIN" ] || cargo build --release -q

ZHUANBAN_DATA=$DATA ZHUANBAN_ADDR=$ADDR RUST_LOG=warn "$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do curl -fs "http://$ADDR/healthz" >/dev/null && break; sleep 0.2; done
PSQL="psql -q -h $DATA/pg -U zhuanban zhuanban"

echo "== seeding"
time $PSQL -f bench/province.sql
$PSQL -At -c "SELECT count(*) || ' projects, ' || (SELECT count(*) FROM checklist_items) || ' items, ' || (SELECT count(*) FROM units) || ' units, ' || (SELECT count(*) FROM users) || ' users' FROM projects"

echo "== recomputation (zhuanban recompute, five times; the first includes the year of snapshots' first week)"
for _ in 1 2 3 4 5; do ZHUANBAN_DATA=$DATA "$BIN" recompute | sed -e 's/.*; \([0-9]* ms\)$/\1/'; done
echo "== recomputation after midnight (every item's overdue days change)"
ZHUANBAN_DATA=$DATA "$BIN" recompute --as-of "$(date -d tomorrow +%F)" | sed -e 's/.*; \([0-9]* ms\)$/\1/'
ZHUANBAN_DATA=$DATA "$BIN" recompute | sed -e 's/.*; \([0-9]* ms\)$/\1/'
$PSQL <<'SQL'
INSERT INTO ranking_snapshots (kind, as_of, red_items, yellow_items, red_projects, yellow_projects)
SELECT 'weekly', (SELECT max(as_of) FROM ranking_snapshots WHERE kind = 'weekly') - 7 * w, 1000 + w, 2000 - w, 300, 400
FROM generate_series(1, 52) w;
INSERT INTO ranking_entries
SELECT s.id, e.task_force_id, e.project_id, e.colour, e.due, e.on_time, e.red, e.yellow, e.overdue_total, e.list, e.list_position
FROM ranking_snapshots s CROSS JOIN ranking_entries e
WHERE s.kind = 'weekly' AND s.red_items > 1000 AND e.snapshot_id = (SELECT id FROM ranking_snapshots WHERE kind = 'current');
ANALYZE;
SQL
ZHUANBAN_DATA=$DATA "$BIN" recompute | sed -e 's/black list: .*;/black list: …;/'

JAR="$DATA/cookies"
token=$(curl -s -c "$JAR" -b "$JAR" "http://$ADDR/login" | grep -o 'csrf_token" value="[^"]*' | cut -d'"' -f3)
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf_token=$token" --data-urlencode "username=official" \
  --data-urlencode "password=zhuanban-demo" "http://$ADDR/login"
measure() {
  local name=$1 path=$2
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -b "$JAR" -w '%{time_total}\n' "http://$ADDR$path"
  done | sort -n | awk -v name="$name" '{ t[NR] = $1 } END {
    printf "%-22s median %6.1f ms   p99 %6.1f ms   (%d requests)\n", name, t[int(NR/2)+1]*1000, t[int(NR*0.99)]*1000, NR }'
}
echo "== pages"
measure "dashboard" "/dashboard"
measure "rankings (live)" "/rankings"
measure "since last week" "/since"
measure "API rankings" "/api/v1/rankings"

echo "== plans"
$PSQL <<'SQL'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
WITH facts AS (
    SELECT i.id, i.project_id, i.deadline, i.closed_on,
           CASE WHEN i.state = 'open' OR i.closed_on > current_date THEN 'open' ELSE i.state END AS st
    FROM checklist_items i WHERE (i.created_at AT TIME ZONE 'Asia/Shanghai')::date <= current_date)
SELECT f.id, count(x.id) FILTER (WHERE x.st <> 'cancelled' AND x.deadline <= current_date)
FROM task_forces f JOIN projects p ON p.id = f.project_id LEFT JOIN facts x ON x.project_id = f.project_id
GROUP BY f.id, p.name;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT i.id, i.title, s.colour, s.overdue_days FROM item_status s JOIN checklist_items i ON i.id = s.item_id
WHERE s.colour IN ('red', 'yellow') ORDER BY s.overdue_days DESC LIMIT 30;
SQL
