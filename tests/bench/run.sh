#!/usr/bin/env bash
# The performance figures of issue 15's table, and more, against a release binary with wrk on
# 127.0.0.1: the binary's size; the demo club's making time and database size; the server's RSS
# at start, after 8 staff logins and 3 s of grid views, after every run, after the whole
# benchmark and after a quiet minute; for each wrk run its rate, p50/p99 and the server's CPU per
# request (from /proc, so wrk's own CPU on the shared cores is not counted): the day grid cached
# and built afresh, member search, one court's week, the member card, booking creation, the
# player portal's day page and the widget's JSON; the live pages' WebSocket (tests/bench/live.py);
# the manager's start page and each report for a year; the memory test (tests/cli/memory.rs: a
# mixed load, LOAD_SECONDS long, fails over budget); the same grid, search, booking and report
# figures for a 10-year club, with the ratios; the reports on issue 18's 5-year club; then desks
# (tests/bench/desks.py) and a desk's catch-up (tests/bench/catch_up.py).
#
# Full run: 12 courts, 1,000 members, a year of bookings, 8 connections for 20 s each, a
# 10-minute mixed load, the 10-year club and the 5-year club (about 35 minutes in all).
# BENCH_SHORT=1 (CI) uses a small club, 2-second runs and neither long club, only to keep this
# script working: its figures mean nothing and the memory test only reports.
#
#   bash tests/bench/run.sh [path/to/courtside]
#
# The packages ship the dist profile (cargo build --profile dist): measure that binary for the
# issue's figures; the release profile (the README's cargo run --release) is larger and a little
# slower.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=${1:-target/release/courtside}
if [ "${BENCH_SHORT:-0}" = 1 ]; then
    COURTS=3 MEMBERS=100 DAYS=20 SECONDS_EACH=2 LOAD_SECONDS=5 QUIET=3
else
    COURTS=12 MEMBERS=1000 DAYS=365 SECONDS_EACH=20 LOAD_SECONDS=${LOAD_SECONDS:-600} QUIET=60
fi
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release)" >&2; exit 1; }
echo "== binary: $(stat -c %s "$BIN" | awk '{ printf "%.1f MB", $1 / 1e6 }') ($BIN); machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# BENCH_DATA=DIR keeps the demo club between runs.
DATA=${BENCH_DATA:-$(mktemp -d)}
DATA10=$(mktemp -d)
DATA5=$(mktemp -d)
SERVER=
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA10" "$DATA5"; [ -n "${BENCH_DATA:-}" ] || rm -rf "$DATA"' EXIT

db_size() { du -cb "$1"/courtside.db* | awk 'END { printf "%.1f MB", $1 / 1e6 }'; }

# A demo club in $1 ($2 days), timed, with its database's size as made and once its change log is
# trimmed: the demo makes its members and bookings today (only the desk's money at its past
# times), so only `--keep-days 0` shows a club's steady size (the nightly trim keeps the last 30
# days' log on top of it). A Russian club, as the peer measured against was: the search figures
# look for 'иван' and Russian phone digits.
make_club() {
    local started made
    started=$(date +%s%N)
    "$BIN" --data "$1" demo --locale ru --courts "$COURTS" --members "$MEMBERS" --days "$2"
    made=$((($(date +%s%N) - started) / 1000000))
    echo "== demo club, $COURTS courts, $MEMBERS members, $2 days: made in $made ms; database $(db_size "$1")"
    "$BIN" --data "$1" trim-log --keep-days 0 >/dev/null
    echo "== the same club's database with its change log trimmed (trim-log --keep-days 0): $(db_size "$1")"
    printf 'bench password 1\n' | "$BIN" --data "$1" user add bench --role owner --password-stdin --own-account >/dev/null
}
[ -f "$DATA/courtside.db" ] || make_club "$DATA" "$DAYS"

# The server's CPU time so far, in clock ticks (user + system, /proc/PID/stat fields 14 and 15).
ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
rss() { awk '/VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$SERVER/status"; }
HZ=$(getconf CLK_TCK)

# Starts the server on club $1 and signs `bench` in like a browser (the pre-session CSRF
# cookie, then the form): sets SERVER, BASE, TOKEN, SESSION, COOKIE.
start_server() {
    local port jar csrf
    TOKEN=$("$BIN" --data "$1" token create --user bench 2>/dev/null)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    BASE="http://127.0.0.1:$port"
    "$BIN" --data "$1" serve --bind "127.0.0.1:$port" >/dev/null 2>&1 &
    SERVER=$!
    for _ in $(seq 100); do curl -fs "$BASE/health" >/dev/null && break; sleep 0.1; done
    echo "== server started: RSS $(rss)"
    jar="$1/cookies"
    csrf=$(curl -s -c "$jar" "$BASE/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
    curl -s -b "$jar" -c "$jar" -o /dev/null --data "csrf=$csrf&username=bench&password=bench+password+1&next=/" "$BASE/login"
    SESSION=$(awk '$6 == "courtside_session" { print $7 }' "$jar")
    [ -n "$SESSION" ] || { echo "login failed" >&2; exit 1; }
    COOKIE="Cookie: courtside_session=$SESSION"
}
stop_server() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; }

# One wrk run: its rates and latencies, the server's CPU per request (kept in CPU_MS) and RSS.
CPU_MS=
THREADS=2 CONNS=8
run() {
    echo "== $1"
    shift
    local before out requests
    before=$(ticks)
    out=$(wrk --latency -t"$THREADS" -c"$CONNS" -d"${SECONDS_EACH}s" "$@")
    echo "$out" | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket errors' || true
    requests=$(echo "$out" | awk '/requests in/ { print $1 }')
    CPU_MS=$(awk -v t="$(($(ticks) - before))" -v n="$requests" -v hz="$HZ" 'BEGIN { printf "%.3f", t * 1000 / hz / n }')
    echo "  server CPU per request: $CPU_MS ms ($requests requests); RSS after: $(rss)"
}

start_server "$DATA"
DAY=$(date +%F)
echo "== bookings in the club: $(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/bookings?from=$(date -d '-31 days' +%F)&to=$DAY" | grep -o '"id"' | wc -l) in the last month"
# Each request a different day, so nearly every one is built afresh (not kept): days.lua over
# the coming year, busy.lua over the coming half year, where both the 1-year club's bookings (half
# of them ahead of today) and the 10-year club's are: the two clubs are compared on busy days.
for window in days:365 busy:180; do
    cat > "$DATA/${window%%:*}.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local day = os.date("!%Y-%m-%d", os.time() + ((n * 7919) % ${window##*:}) * 86400)
  return wrk.format("GET", "/grid?date=" .. day)
end
LUA
done
# Seven more staff sign in (eight sessions in all, each an argon2 hash), then 3 s of grid views.
for _ in $(seq 7); do
    csrf=$(curl -s -c "$DATA/c2" "$BASE/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
    curl -s -b "$DATA/c2" -o /dev/null --data "csrf=$csrf&username=bench&password=bench+password+1&next=/" "$BASE/login"
done
wrk -t2 -c8 -d3s -H "$COOKIE" -s "$DATA/days.lua" "$BASE/" >/dev/null
echo "== RSS after 8 staff logins and 3 s of grid views: $(rss)"
# One request each first: start-up costs (phone metadata, the member index) are not what is measured.
for path in "/grid?date=$DAY" "/members/search?q=%D0%B8%D0%B2%D0%B0%D0%BD" "/members/search?q=916"; do
    curl -s -o /dev/null -H "$COOKIE" "$BASE$path"
done
run "day grid page (today)" -H "$COOKIE" "$BASE/grid?date=$DAY"
run "day grid fragment" -H "$COOKIE" "$BASE/grid/fragment?date=$DAY"
run "day grid page, a different day each request (built, not kept)" -H "$COOKIE" -s "$DATA/days.lua" "$BASE/"
run "day grid page, a different busy day each request (the next half year)" -H "$COOKIE" -s "$DATA/busy.lua" "$BASE/"
GRID1=$CPU_MS
run "member search, 'иван'" -H "$COOKIE" "$BASE/members/search?q=%D0%B8%D0%B2%D0%B0%D0%BD"
SEARCH1=$CPU_MS
run "member search, phone digits '916'" -H "$COOKIE" "$BASE/members/search?q=916"
# One court's week (a different week each request) and the member card (200 members in turn:
# bookings, payments, passes, SMS, history), each card read once first: the first read of a
# member's history comes from disk.
WEEK_COURT=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/courts" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
CARD_IDS=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/members?limit=200" | grep -o '"id":"[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')
cat > "$DATA/week.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local day = os.date("!%Y-%m-%d", os.time() + ((n * 7919) % 180) * 86400)
  return wrk.format("GET", "/grid/week?court=$WEEK_COURT&date=" .. day)
end
LUA
cat > "$DATA/card.lua" <<LUA
local ids = {}
for id in string.gmatch("$CARD_IDS", "%S+") do ids[#ids + 1] = id end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/members/" .. ids[(n % #ids) + 1])
end
LUA
for id in $CARD_IDS; do curl -s -o /dev/null -H "$COOKIE" "$BASE/members/$id"; done
run "week view of one court, a different week each request" -H "$COOKIE" -s "$DATA/week.lua" "$BASE/"
run "member card, 200 members in turn" -H "$COOKIE" -s "$DATA/card.lua" "$BASE/"

# Booking creation: every request a different free slot (a court in a far-future month).
book() {
    local courts member
    courts=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/courts" | grep -o '"id":"[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')
    member=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/members?limit=1" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
    COURT_IDS=$courts MEMBER=$member
    cat > "$DATA/book.lua" <<LUA
local courts = {}
for id in string.gmatch("$courts", "%S+") do courts[#courts + 1] = id end
local n = 0
request = function()
  n = n + 1
  local slot = n - 1
  local court = courts[(slot % #courts) + 1]
  local k = math.floor(slot / #courts)
  local day = 1 + math.floor(k / 14) % 28
  local month = 3 + math.floor(k / (14 * 28))
  local hour = 8 + (k % 14)
  local body = string.format('{"court_id":"%s","member_id":"$member","start":"2045-%02d-%02dT%02d:00","minutes":60,"command_id":"bench-%d"}',
      court, month, day, hour, n)
  return wrk.format("POST", "/api/v1/bookings", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer $TOKEN" }, body)
end
LUA
    run "booking creation (POST /api/v1/bookings, 1 thread, each a new slot)" -t1 -c1 -s "$DATA/book.lua" "$BASE/"
}
book
BOOK1=$CPU_MS

# The player portal: turned on (with the widget) by the owner's form, a member signed in with the
# code the SMS outbox holds, then a different day's free court time each request (the coming
# fortnight) and the widget's week as JSON, which anyone may ask for.
portal() {
    local jar="$DATA/player" page csrf id phone code where
    page=$(curl -s -H "$COOKIE" "$BASE/settings/portal")
    csrf=$(echo "$page" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
    id=$(echo "$page" | sed -n 's/.*name="command_id" value="\([0-9a-f-]*\)".*/\1/p' | head -1)
    curl -s -o /dev/null -H "$COOKIE" --data "csrf=$csrf&command_id=$id&enabled=on&booking=on&cancelling=on&waitlist=on&offer_minutes=30&widget=on" "$BASE/settings/portal"
    phone=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/members?limit=50" | grep -o '"phone":"+[0-9]*"' | head -1 | cut -d'"' -f4)
    rm -f "$jar"
    page=$(curl -s -c "$jar" -b "$jar" "$BASE/p/sign-in")
    csrf=$(echo "$page" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
    id=$(echo "$page" | sed -n 's/.*name="command_id" value="\([0-9a-f-]*\)".*/\1/p' | head -1)
    where=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' --data-urlencode "phone=$phone" --data "csrf=$csrf&command_id=$id" "$BASE/p/sign-in")
    code=$(python3 - "$DATA/courtside.db" <<'PY'
import re, sqlite3, sys
body = sqlite3.connect(sys.argv[1]).execute("SELECT body FROM sms_messages WHERE kind = 'code' ORDER BY created_at DESC LIMIT 1").fetchone()[0]
print(re.search(r"\b(\d{6})\b", body).group(1))
PY
)
    id=$(python3 -c 'import uuid; print(uuid.uuid4())')
    curl -s -c "$jar" -b "$jar" -o /dev/null --data "csrf=$csrf&command_id=$id&r=${where#*r=}&code=$code" "$BASE/p/sign-in/code"
    local player
    player=$(awk '$6 == "courtside_player" { print $7 }' "$jar")
    [ -n "$player" ] || { echo "portal sign-in failed" >&2; exit 1; }
    cat > "$DATA/portal.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local day = os.date("!%Y-%m-%d", os.time() + (n % 14) * 86400)
  return wrk.format("GET", "/p/book?date=" .. day)
end
LUA
    run "portal: a day's free court time for a player, a different day of the fortnight each request" -H "Cookie: courtside_player=$player" -s "$DATA/portal.lua" "$BASE/"
    run "widget: the week's free court time as JSON (anonymous)" -H "Origin: https://club.example" "$BASE/p/widget/availability.json?days=7"
}
portal

# The manager's pages (issue 18): the start page with today at a glance, and every report for a
# whole year (its page; the XLSX of the revenue report too).
reports() {
    local year="from=$(date -d '-364 days' +%F)&to=$DAY"
    run "$1dashboard (a manager's start page)" -H "$COOKIE" "$BASE/"
    for report in occupancy revenue cancellations members coaching sms coach-pay; do
        run "$1report for a year: $report" -H "$COOKIE" "$BASE/reports/$report?$year"
    done
    run "$1revenue for a year as XLSX" -H "$COOKIE" "$BASE/reports/revenue.xlsx?$year"
}
reports ""

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
echo "== RSS after the whole benchmark: $(rss)"
sleep "$QUIET"
echo "== RSS after $QUIET s quiet: $(rss)"
stop_server

# The memory test: a fresh server on a copy of this club, a mixed load, the budget checked.
if [ "${BENCH_SHORT:-0}" = 1 ]; then LIMITS=off; else LIMITS=on; fi
COURTSIDE_BIN="$BIN" COURTSIDE_CLUB="$DATA" LOAD_SECONDS="$LOAD_SECONDS" QUIET_SECONDS="$QUIET" MEMORY_LIMITS=$LIMITS \
    cargo test --locked --quiet --test cli memory:: -- --ignored --nocapture > "$DATA/memory.out" 2>&1 \
    || echo "== the memory test FAILED (over budget):"
grep -E -A1 '^memory|panicked' "$DATA/memory.out"

# Ten years of history: the same grid, search and booking figures, and their ratios to one year's.
if [ "${BENCH_SHORT:-0}" != 1 ]; then
    make_club "$DATA10" 3650
    start_server "$DATA10"
    curl -s -o /dev/null -H "$COOKIE" "$BASE/members/search?q=916"
    run "10-year club: day grid page, a different busy day each request" -H "$COOKIE" -s "$DATA/busy.lua" "$BASE/"
    GRID10=$CPU_MS
    run "10-year club: member search, 'иван'" -H "$COOKIE" "$BASE/members/search?q=%D0%B8%D0%B2%D0%B0%D0%BD"
    SEARCH10=$CPU_MS
    book
    BOOK10=$CPU_MS
    stop_server
    awk -v g1="$GRID1" -v g10="$GRID10" -v s1="$SEARCH1" -v s10="$SEARCH10" -v b1="$BOOK1" -v b10="$BOOK10" 'BEGIN {
        printf "== 10 years against 1, server CPU per request: grid %.2fx, search %.2fx, booking %.2fx\n", g10 / g1, s10 / s1, b10 / b1 }'
fi

# Issue 18's club: five years of history (and as many ahead), 12 courts, 2,000 members, its 10
# coaches and 30 groups, every day of it paid at the desk; the start page and each report for a
# year, for one manager and for eight at once.
if [ "${BENCH_SHORT:-0}" != 1 ]; then
    MEMBERS=2000 make_club "$DATA5" 3650
    start_server "$DATA5"
    THREADS=1 CONNS=1 reports "5-year club, 1 connection: "
    reports "5-year club, 8 connections: "
    stop_server
fi

# Desks: the hub started again by the script with N desks of its own data folders.
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
