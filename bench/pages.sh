#!/usr/bin/env bash
# Page latency at county scale and beyond: loads a large synthetic dataset into a fresh private
# cluster, then times the busiest pages with curl. Usage: bench/pages.sh [projects] [items-per-project] [requests]
# Prints median and 95th percentile per page. Build first: cargo build --release.
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECTS=${1:-500}
ITEMS=${2:-40}
REQUESTS=${3:-50}
DATA=$(mktemp -d /tmp/zhuanban-bench.XXXXXX)
chmod 755 "$DATA"
ADDR=127.0.0.1:${BENCH_PORT:-18080}
BIN=target/release/zhuanban
[ -x "$BIN" ] || cargo build --release -q

ZHUANBAN_DATA=$DATA ZHUANBAN_ADDR=$ADDR RUST_LOG=warn "$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do curl -fs "http://$ADDR/healthz" >/dev/null && break; sleep 0.2; done

PSQL="psql -q -h $DATA/pg -U zhuanban zhuanban"
$PSQL <<SQL
INSERT INTO projects (name, company, park, stage, total_investment_wan)
SELECT '基准项目' || g, '基准企业' || g, (ARRAY['龙勾工业园', '崇义县工业园区'])[1 + g % 2],
       (ARRAY['signed', 'filed', 'land_secured', 'construction_started'])[1 + g % 4], g * 100
FROM generate_series(1, $PROJECTS) g;
INSERT INTO task_forces (project_id, name, leader_name, lead_unit_id)
SELECT p.id, p.name || '专班', '副县长', (SELECT id FROM units WHERE code = 'gxj')
FROM projects p WHERE p.name LIKE '基准项目%';
INSERT INTO task_force_units (task_force_id, unit_id)
SELECT f.id, u.id FROM task_forces f CROSS JOIN units u WHERE f.name LIKE '基准项目%' AND u.code IN ('zrzyj', 'fgw');
INSERT INTO checklist_items (project_id, title, responsible_unit_id, deadline, original_deadline)
SELECT p.id, '事项' || i, (SELECT id FROM units ORDER BY code OFFSET i % 11 LIMIT 1),
       current_date + (i % 60 - 30), current_date + (i % 60 - 30)
FROM projects p CROSS JOIN generate_series(1, $ITEMS) i WHERE p.name LIKE '基准项目%';
-- Two requests per project from the demo investor, one waiting and one accepted into an item.
INSERT INTO investor_requests (project_id, submitted_by, title, category, created_at)
SELECT p.id, (SELECT id FROM users WHERE username = 'investor'), '基准诉求' || g, 'land', now() - g * interval '3 days'
FROM projects p CROSS JOIN generate_series(1, 2) g WHERE p.name LIKE '基准项目%';
UPDATE investor_requests SET state = 'accepted', triaged_at = created_at + interval '1 day'
WHERE title = '基准诉求2';
INSERT INTO checklist_items (project_id, title, responsible_unit_id, deadline, original_deadline, source,
                             investor_request_id)
SELECT r.project_id, '诉求事项', (SELECT id FROM units WHERE code = 'gdgs'), current_date, current_date,
       'investor_request', r.id
FROM investor_requests r WHERE r.title = '基准诉求2';
INSERT INTO investor_projects (user_id, project_id)
SELECT (SELECT id FROM users WHERE username = 'investor'), id FROM projects WHERE name IN ('基准项目1', '基准项目2');
ANALYZE;
SQL

JAR="$DATA/cookies"
login() {
  local token
  rm -f "$JAR"
  token=$(curl -s -c "$JAR" -b "$JAR" "http://$ADDR/login" | grep -o 'csrf_token" value="[^"]*' | cut -d'"' -f3)
  curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf_token=$token" --data-urlencode "username=$1" \
    --data-urlencode "password=zhuanban-demo" "http://$ADDR/login"
}
measure() {
  local name=$1 path=$2
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -b "$JAR" -w '%{time_total}\n' "http://$ADDR$path"
  done | sort -n | awk -v name="$name" '{ t[NR] = $1 } END {
    printf "%-34s median %6.1f ms   p95 %6.1f ms   (%d requests)\n", name, t[int(NR/2)+1]*1000, t[int(NR*0.95)]*1000, NR }'
}

echo "dataset: $((PROJECTS + 5)) projects, $((PROJECTS * ITEMS)) items, $((PROJECTS * 2)) requests and the demo's"
login official
PROJECT=$($PSQL -At -c "SELECT id FROM projects WHERE name = '基准项目1'")
ITEM=$($PSQL -At -c "SELECT id FROM checklist_items WHERE project_id = '$PROJECT' LIMIT 1")
measure "projects list, page 1" "/projects"
measure "projects list, red only, page 3" "/projects?colour=red&page=3"
measure "projects list, search" "/projects?q=%E5%9F%BA%E5%87%86%E9%A1%B9%E7%9B%AE12"
measure "project page (${ITEMS} items)" "/projects/$PROJECT"
measure "item page" "/items/$ITEM"
measure "unit queue, page 1" "/units/zrzyj"
measure "units overview" "/units"
measure "API project list (all)" "/api/v1/projects"
measure "dashboard (with late requests)" "/dashboard"
measure "requests, all ($((PROJECTS * 2)))" "/requests"
measure "rankings (with service figures)" "/rankings"
login member
measure "member's queue (own unit)" "/units/zrzyj"
login investor
measure "investor's portal (3 projects)" "/portal"
