#!/usr/bin/env bash
# Property-based fuzzing of the JSON API from its OpenAPI document with schemathesis (PyPI): every
# operation gets generated valid and invalid requests as an official (who may do the most) and as
# an investor (who may see the least), first with generated ids, then with the ids of real demo
# objects (bench/schemathesis-ids.toml), with every check (CHECKS=not_a_server_error for 5xx only)
# and the settings and narrow 422 allowance of bench/schemathesis.toml and
# bench/schemathesis_hooks.py. One worker: several threads
# trip a CPython 3.11 parser race inside hypothesis ("AST constructor recursion depth mismatch").
# Usage: bench/schemathesis.sh [examples-per-operation]   (default 100; ZHUANBAN_BIN picks the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES=${1:-100}
command -v schemathesis >/dev/null || python3 -m pip install -q 'schemathesis>=4,<5'
BIN=${ZHUANBAN_BIN:-target/debug/zhuanban}
[ -x "$BIN" ] || cargo build -q
DATA=$(mktemp -d /tmp/zhuanban-schemathesis.XXXXXX)
chmod 755 "$DATA"
ADDR=127.0.0.1:${BENCH_PORT:-18083}
ZHUANBAN_DATA=$DATA ZHUANBAN_ADDR=$ADDR RUST_LOG=warn "$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
# The first start creates the cluster and loads the demo: allow two minutes on a busy machine.
for _ in $(seq 1 600); do curl -fs "http://$ADDR/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "http://$ADDR/healthz" >/dev/null || { echo "the server did not start; its log:"; cat "$DATA/server.log"; exit 1; }

PSQL="psql -q -At -h $DATA/pg -U zhuanban zhuanban"
ST_PROJECT=$($PSQL -c "SELECT id FROM projects WHERE name LIKE '祺祥%'")
ST_ITEM=$($PSQL -c "SELECT id FROM checklist_items WHERE project_id = '$ST_PROJECT' AND state = 'open' ORDER BY title LIMIT 1")
ST_MEETING=$($PSQL -c "SELECT id FROM meetings ORDER BY starts_at DESC LIMIT 1")
ST_NOTICE=$($PSQL -c "SELECT coalesce((SELECT id::text FROM notices LIMIT 1), '$ST_MEETING')")
export ST_PROJECT ST_ITEM ST_MEETING ST_NOTICE

cat bench/schemathesis.toml bench/schemathesis-ids.toml >"$DATA/with-ids.toml"
export SCHEMATHESIS_HOOKS=bench/schemathesis_hooks.py
status=0
for user in official investor; do
  token=$(ZHUANBAN_DATA=$DATA "$BIN" token create "$user")
  for pass in generated real; do
    echo "== as $user, $pass ids"
    config=bench/schemathesis.toml
    [ "$pass" = real ] && config=$DATA/with-ids.toml
    schemathesis --config-file "$config" run "http://$ADDR/api/v1/openapi.json" \
      --header "Authorization: Bearer $token" \
      --checks "${CHECKS:-all}" \
      --max-examples "$EXAMPLES" --seed 20261125 --workers 1 \
      --suppress-health-check all --no-color || status=1
  done
done
if grep -q "internal error\|panicked" "$DATA/server.log"; then
  echo "== the server logged internal errors:"
  grep "internal error\|panicked" "$DATA/server.log" | head -20
  status=1
fi
exit $status
