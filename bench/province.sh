# Sourced by bench/load.sh and bench/rate.sh: starts the release server on a fresh private cluster
# (ZHUANBAN_BENCH_CEILING=1), loads the province (bench/province.sql), runs one recomputation, signs
# in as the demo official and checks every page once. Leaves DATA, BASE, BIN, SERVER, PSQL, COOKIE,
# BEARER, PROJECT, UNIT and ITEMS (200 open items, quoted, comma-separated) for the caller; the
# server stops and the data goes when the caller exits.
DATA=$(mktemp -d /tmp/zhuanban-load.XXXXXX)
chmod 755 "$DATA"
ADDR=127.0.0.1:${BENCH_PORT:-18082}
BASE=http://$ADDR
BIN=target/release/zhuanban
[ -x "$BIN" ] || cargo build --release -q

ZHUANBAN_DATA=$DATA ZHUANBAN_ADDR=$ADDR ZHUANBAN_BENCH_CEILING=1 RUST_LOG=warn "$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
# The first start creates the cluster and loads the demo: allow two minutes on a busy machine.
for _ in $(seq 1 600); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "$BASE/healthz" >/dev/null || { echo "the server did not start; its log:"; cat "$DATA/server.log"; exit 1; }
PSQL="psql -q -h $DATA/pg -U zhuanban zhuanban"
$PSQL -f bench/province.sql
# The server's job computes the new data as soon as it lands (its first run announces every red
# item: about 40 s at this scale); the command waits 30 s for the job's lock, so try a few times.
for try in 1 2 3 4; do
  ZHUANBAN_DATA=$DATA "$BIN" recompute >/dev/null && break
  [ "$try" = 4 ] && { echo "the recomputation never got its turn"; exit 1; }
done
$PSQL -At -c "SELECT count(*) || ' projects, ' || (SELECT count(*) FROM checklist_items) || ' items, ' || (SELECT count(*) FROM units) || ' units, ' || (SELECT count(*) FROM users) || ' users' FROM projects"

JAR="$DATA/cookies"
token=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | grep -o 'csrf_token" value="[^"]*' | cut -d'"' -f3)
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf_token=$token" --data-urlencode "username=official" \
  --data-urlencode "password=zhuanban-demo" "$BASE/login"
COOKIE="zb_session=$(awk '$6 == "zb_session" { print $7 }' "$JAR")"
BEARER=$(ZHUANBAN_DATA=$DATA "$BIN" token create official)
PROJECT=$($PSQL -At -c "SELECT id FROM projects WHERE name = '省级项目1000'")
UNIT=u100
ITEMS=$($PSQL -At -c "SELECT string_agg('\"' || id || '\"', ',') FROM (SELECT id FROM checklist_items WHERE state = 'open' ORDER BY id LIMIT 200) s")
for path in /dashboard /projects "/projects/$PROJECT" "/units/$UNIT" /rankings /investment "/projects/$PROJECT/investment" /bench/ceiling; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$path")
  [ "$code" = 200 ] || { echo "$path answers $code before the run"; exit 1; }
done

