#!/usr/bin/env bash
# Benchmarks the day grid, member search and booking creation against a demo club, with wrk on
# 127.0.0.1, and the live pages' WebSocket (tests/bench/live.py: commit → frame on 50 sockets, and
# the grid with them open), then desks (tests/bench/desks.py: first start, hub commit → each
# desk's open page at 20 commands a second, the hub's memory, a desk's catch-up; tests/bench/catch_up.py:
# a desk catching up after a whole demo club was made while it was away). Full run (the figures in the issue notes): a release binary, 12 courts, 10,000
# members, a year of bookings, 8 connections for 20 s each. BENCH_SHORT=1 (CI) uses a small club
# and 2-second runs, only to keep this script working; its figures mean nothing.
#
#   bash tests/bench/run.sh [path/to/courtside]
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=${1:-target/release/courtside}
if [ "${BENCH_SHORT:-0}" = 1 ]; then COURTS=3 MEMBERS=100 DAYS=20 SECONDS_EACH=2; else COURTS=12 MEMBERS=10000 DAYS=365 SECONDS_EACH=20; fi
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release)" >&2; exit 1; }

# BENCH_DATA=DIR keeps the demo club between runs (it takes a minute or two to make).
DATA=${BENCH_DATA:-$(mktemp -d)}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
trap 'kill $SERVER 2>/dev/null || true; [ -n "${BENCH_DATA:-}" ] || rm -rf "$DATA"' EXIT

if [ ! -f "$DATA/courtside.db" ]; then
    echo "== demo club: $COURTS courts, $MEMBERS members, $DAYS days"
    "$BIN" --data "$DATA" demo --courts "$COURTS" --members "$MEMBERS" --days "$DAYS"
    printf 'bench password 1\n' | "$BIN" --data "$DATA" user add bench --role owner --password-stdin >/dev/null
fi
TOKEN=$("$BIN" --data "$DATA" token create --user bench 2>/dev/null)
"$BIN" --data "$DATA" serve --bind "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -fs "$BASE/health" >/dev/null && break; sleep 0.1; done

# Log in like a browser: the pre-session CSRF cookie, then the form.
JAR="$DATA/cookies"
CSRF=$(curl -s -c "$JAR" "$BASE/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data "csrf=$CSRF&username=bench&password=bench+password+1&next=/" "$BASE/login"
SESSION=$(awk '$6 == "courtside_session" { print $7 }' "$JAR")
[ -n "$SESSION" ] || { echo "login failed" >&2; exit 1; }
COOKIE="Cookie: courtside_session=$SESSION"
DAY=$(date +%F)

echo "== bookings in the club: $(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/bookings?from=$(date -d '-31 days' +%F)&to=$DAY" | grep -o '"id"' | wc -l) in the last month"
# The server's CPU time so far, in clock ticks (user + system, /proc/PID/stat fields 14 and 15).
ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
rss() { awk '/VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$SERVER/status"; }
HZ=$(getconf CLK_TCK)
# One wrk run: its rates and latencies, then the server's CPU per request (from /proc, so the load
# tool's own CPU on the shared cores is not counted) and its memory after the run.
run() {
    echo "== $1"
    shift
    local before out requests
    before=$(ticks)
    out=$(wrk --latency -t2 -c8 -d"${SECONDS_EACH}s" "$@")
    echo "$out" | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket errors' || true
    requests=$(echo "$out" | awk '/requests in/ { print $1 }')
    awk -v t="$(($(ticks) - before))" -v n="$requests" -v hz="$HZ" -v rss="$(rss)" \
        'BEGIN { printf "  server CPU per request: %.3f ms (%d requests); RSS after: %s\n", t * 1000 / hz / n, n, rss }'
}
# One request each first: start-up costs (phone metadata, the member index) are not what is measured.
for path in "/grid?date=$DAY" "/members/search?q=%D0%B8%D0%B2%D0%B0%D0%BD" "/members/search?q=916"; do
    curl -s -o /dev/null -H "$COOKIE" "$BASE$path"
done
run "day grid page (today)" -H "$COOKIE" "$BASE/grid?date=$DAY"
run "day grid fragment" -H "$COOKIE" "$BASE/grid/fragment?date=$DAY"
# Each request a different day of the year, so nearly every one is built afresh (not kept).
cat > "$DATA/days.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local day = os.date("!%Y-%m-%d", os.time() + ((n * 7919) % 365) * 86400)
  return wrk.format("GET", "/grid?date=" .. day)
end
LUA
run "day grid page, a different day each request (built, not kept)" -H "$COOKIE" -s "$DATA/days.lua" "$BASE/"
run "member search, 'иван'" -H "$COOKIE" "$BASE/members/search?q=%D0%B8%D0%B2%D0%B0%D0%BD"
run "member search, phone digits '916'" -H "$COOKIE" "$BASE/members/search?q=916"

# Booking creation: every request a different free slot (a court in a far-future month).
COURT_IDS=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/courts" | grep -o '"id":"[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')
MEMBER=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/members?limit=1" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
cat > "$DATA/book.lua" <<LUA
local courts = {}
for id in string.gmatch("$COURT_IDS", "%S+") do courts[#courts + 1] = id end
local n = 0
request = function()
  n = n + 1
  local slot = n - 1
  local court = courts[(slot % #courts) + 1]
  local k = math.floor(slot / #courts)
  local day = 1 + math.floor(k / 14) % 28
  local month = 3 + math.floor(k / (14 * 28))
  local hour = 8 + (k % 14)
  local body = string.format('{"court_id":"%s","member_id":"$MEMBER","start":"2031-%02d-%02dT%02d:00","minutes":60,"command_id":"bench-%d"}',
      court, month, day, hour, n)
  return wrk.format("POST", "/api/v1/bookings", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer $TOKEN" }, body)
end
LUA
run "booking creation (POST /api/v1/bookings, 1 thread, each a new slot)" -t1 -c1 -s "$DATA/book.lua" "$BASE/"

# Live pages: commit → frame on 50 open sockets, then the day grid again with them open.
python3 -c 'import websockets' 2>/dev/null || python3 -m pip install --quiet -r tests/bench/requirements.txt
LIVE_COURT=$(echo $COURT_IDS | cut -d' ' -f1)
LIVE_COMMITS=$([ "${BENCH_SHORT:-0}" = 1 ] && echo 20 || echo 300)
python3 tests/bench/live.py "$BASE" "courtside_session=$SESSION" "$TOKEN" "$LIVE_COURT" "$MEMBER" \
    --sockets 50 --commits "$LIVE_COMMITS" --hold $((SECONDS_EACH + 5)) > "$DATA/live.out" &
LIVE=$!
for _ in $(seq 600); do grep -q holding "$DATA/live.out" && break; sleep 0.1; done
grep -v holding "$DATA/live.out"
run "day grid page (today), 50 live sockets open" -H "$COOKIE" "$BASE/grid?date=$DAY"
wait $LIVE
echo "== RSS after the runs: $(awk '/VmRSS/ { print $2 " kB" }' /proc/$SERVER/status)"

# Desks: the hub stopped, then started again by the script with N desks of its own data folders.
kill $SERVER 2>/dev/null || true
wait $SERVER 2>/dev/null || true
python3 -c 'import requests' 2>/dev/null || python3 -m pip install --quiet -r tests/bench/requirements.txt
if [ "${BENCH_SHORT:-0}" = 1 ]; then
    python3 tests/bench/desks.py "$BIN" "$DATA" --desks 2 --commits 20 --catch-up 50
else
    python3 tests/bench/desks.py "$BIN" "$DATA" --desks 5 --commits 300 --rate 20 --catch-up 5000
fi

# A desk's catch-up through the log after a whole demo club was made while it was away (its own
# hub and desk; the full run's club makes about 87,000 row changes).
python3 tests/bench/catch_up.py "$BIN" --courts "$COURTS" --members "$((MEMBERS / 10))" --days "$DAYS" | tail -2
rm -rf /tmp/courtside-catch-up-*
