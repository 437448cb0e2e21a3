#!/usr/bin/env bash
# Packaging tests with the real artifacts, on this machine (Debian 12, as root):
#  A. amd64 .deb: lintian; dpkg -i until /health answers; data written through the console and
#     the API; an upgrade to a newer build keeps it; purge removes the package's files and user
#     and keeps the club's data; installing again takes that data back.
#  B. the arm64 binary (full mode: also armhf) from its .deb answers /health under qemu-user.
#  C. full mode: the .msi's tables and files; with wine installed, msiexec installs and starts
#     the service, /health answers, the service stops on request, uninstall keeps the data.
# It installs and purges the courtside package here: run it on a test machine or CI runner only.
#
#   bash tests/packaging/run.sh                    full: every artifact (2 cores: ~45 min cold)
#   PACKAGING_SHORT=1 bash tests/packaging/run.sh  CI: amd64 .deb lifecycle and arm64 under qemu
# Environment: CARGO_TARGET_DIR (default target), PROFILE (cargo profile, default dist).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

short=${PACKAGING_SHORT:-0}
profile=${PROFILE:-dist}
if [ "$short" = 1 ]; then targets="amd64 arm64"; else targets="amd64 arm64 armhf windows"; fi
work=$(mktemp -d /tmp/courtside-packaging.XXXXXX)
trap 'rm -rf "$work"' EXIT # until the full cleanup below takes over
dist=$work/dist
unit=/usr/lib/systemd/system/courtside.service
conf=/etc/courtside/courtside.toml
data=/var/lib/courtside

say() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Seconds per part, printed at the end.
timings=()
part_started=0
part() { part_started=$SECONDS; say "$*"; }
part_done() { timings+=("$(printf '%5d s  %s' $((SECONDS - part_started)) "$1")"); }

wait_health() { # URL SECONDS
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null "$1/health" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.1
    done
}

# --- preconditions and prerequisites -------------------------------------------------------
[ "$(id -u)" = 0 ] || fail "run as root: the test installs the package"
if dpkg-query -W -f='${Status}' courtside 2>/dev/null | grep -q installed || [ -e "$data" ] \
    || getent passwd courtside >/dev/null; then
    fail "courtside is (or was) installed here ($data or the user exists); this test installs and purges it, so it runs only where it is absent"
fi
systemd=0
[ -d /run/systemd/system ] && systemd=1

part "prerequisites"
TARGETS=$targets bash packaging/prereqs.sh
part_done "prerequisites (apt, rustup targets, cargo-deb)"

part "build: $targets (profile $profile)"
TARGETS=$targets DIST=$dist PROFILE=$profile bash packaging/build-all.sh
part_done "build-all.sh ($targets)"

# --- A. the amd64 .deb ---------------------------------------------------------------------
part "A. lintian"
lintian --version
lintian_rc=0
lintian_out=$(lintian --fail-on error --tag-display-limit 0 "$dist"/*.deb 2>&1) || lintian_rc=$?
grep -v 'running with root privileges' <<<"$lintian_out" || true
[ $lintian_rc = 0 ] || fail "lintian reports errors"
echo "lintian: $(grep -c '^E: ' <<<"$lintian_out" || true) errors, $(grep -c '^W: ' <<<"$lintian_out" || true) warnings"
for deb in "$dist"/*.deb; do
    echo "$(basename "$deb"): $(dpkg-deb -f "$deb" Architecture) / Depends: $(dpkg-deb -f "$deb" Depends)"
done
part_done "lintian on every .deb"

deb=$(echo "$dist"/courtside_*_amd64.deb)
port=$(free_port)
url=http://127.0.0.1:$port
server_pid=
server_log=$work/server.log
dropin=/run/systemd/system/courtside.service.d
created_data=0

# Without systemd as PID 1 (containers), start the service the way its unit does: the unit's
# user, working directory, umask and ExecStart, and no new privileges. The port is the test's.
unit_field() { sed -n "s/^$1=//p" "$unit" | head -n 1; }

start_service() {
    if [ $systemd = 1 ]; then
        systemctl start courtside
        return
    fi
    local user group exec_start wd um
    user=$(unit_field User)
    group=$(unit_field Group)
    exec_start=$(unit_field ExecStart)
    wd=$(unit_field WorkingDirectory)
    um=$(unit_field UMask)
    [ "$(stat -c %U "$wd")" = "$user" ] || fail "$wd is not owned by $user"
    # shellcheck disable=SC2086 # ExecStart is a command line
    (cd "$wd" && umask "$um" && exec env COURTSIDE_BIND="127.0.0.1:$port" \
        setpriv --reuid="$user" --regid="$group" --init-groups --no-new-privs $exec_start) >>"$server_log" 2>&1 &
    server_pid=$!
}

stop_service() {
    if [ $systemd = 1 ]; then
        systemctl stop courtside
    elif [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
    fi
}

service_log() {
    if [ $systemd = 1 ]; then journalctl -u courtside --no-pager; else cat "$server_log"; fi
}

# The console as the installed service runs it: its user and its configuration file.
as_service() { runuser -u courtside -- /usr/bin/courtside --config "$conf" "$@"; }

api() { # METHOD PATH [JSON]; prints the body, then the status on its own line
    curl -sS -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        ${3:+-d "$3"} -w '\n%{http_code}' "$url$2"
}

cleanup() {
    stop_service 2>/dev/null || true
    if dpkg-query -W -f='${Status}' courtside 2>/dev/null | grep -q installed; then
        dpkg --purge courtside >/dev/null 2>&1 </dev/null || true
    fi
    [ $created_data = 1 ] && rm -rf "$data"
    if [ $systemd = 1 ] && [ -e "$dropin/test-port.conf" ]; then
        rm -f "$dropin/test-port.conf"
        rmdir "$dropin" 2>/dev/null || true
        systemctl daemon-reload
    fi
    if [ -n "${WINEPREFIX:-}" ] && command -v wineserver >/dev/null; then wineserver -k 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

part "A. install: dpkg -i until /health answers"
if [ $systemd = 1 ]; then
    echo "systemd is PID 1: dpkg starts the service; the test moves it to port $port with a drop-in"
    mkdir -p "$dropin"
    printf '[Service]\nEnvironment=COURTSIDE_BIND=127.0.0.1:%s\n' "$port" >"$dropin/test-port.conf"
    systemctl daemon-reload
else
    echo "systemd is not PID 1 here: the test starts the installed binary as the unit would"
    echo "(user courtside, ExecStart, WorkingDirectory, UMask from $unit), on port $port"
fi
created_data=1
t0=$(now_ms)
dpkg -i "$deb" </dev/null
t_dpkg=$(now_ms)
[ $systemd = 1 ] || start_service
wait_health "$url" 60 || { service_log; fail "no /health answer within 60 s of dpkg -i"; }
t_health=$(now_ms)
install_ms=$((t_health - t0))
echo "dpkg -i to /health 200: $install_ms ms (dpkg -i itself: $((t_dpkg - t0)) ms)"
[ "$(stat -c '%U %a' "$data")" = "courtside 750" ] || fail "$data is not courtside's with mode 750"
[ "$(stat -c '%G %a' "$conf")" = "courtside 640" ] || fail "$conf is not root:courtside 640"
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify "$unit" && echo "systemd-analyze verify: the unit is valid"
fi
# What the postinst message tells the installer to run finds the setup link.
if [ $systemd = 1 ]; then
    journalctl -u courtside | grep setup || fail "journalctl -u courtside | grep setup found nothing"
else
    grep setup "$server_log" || fail "the setup link was not printed"
fi
part_done "install: dpkg -i to /health 200 (${install_ms} ms of it)"

part "A. data: an owner, an API token, a court, a backup, an edited conffile"
echo 'owner password 1' | as_service user add olga --role owner --password-stdin --own-account
token=$(as_service token create --user olga --name packaging-test)
response=$(api POST /api/v1/courts '{"name":"Centre Court"}')
[ "$(tail -n 1 <<<"$response")" = 201 ] || fail "creating a court: $response"
as_service backup
ls "$data"/backups/manual-*.sqlite3 >/dev/null || fail "no manual backup in $data/backups"
[ "$(stat -c %U "$data"/backups/manual-*.sqlite3)" = courtside ] || fail "the backup is not courtside's"
key_sum=$(sha256sum "$data/secret.key" | cut -d' ' -f1)
echo 'club_name = "Packaging Test Club"' >>"$conf"
part_done "data written"

part "A. upgrade to a newer build of the package"
upgrade_dir=$work/upgrade
cargo deb --profile "$profile" --no-build --fast --deb-revision 2 --output "$upgrade_dir/" >/dev/null
upgrade_deb=$(echo "$upgrade_dir"/courtside_*-2_amd64.deb)
t0=$(now_ms)
dpkg -i "$upgrade_deb" </dev/null
# The package restarts the service after an upgrade; without systemd, do what it would.
if [ $systemd = 0 ]; then stop_service; start_service; fi
wait_health "$url" 60 || { service_log; fail "no /health answer after the upgrade"; }
echo "upgrade: dpkg -i to /health 200: $(($(now_ms) - t0)) ms"
[ "$(dpkg-query -W -f='${Version}' courtside)" = "$(dpkg-deb -f "$upgrade_deb" Version)" ] || fail "not upgraded"
response=$(api GET /api/v1/courts)
if [ "$(tail -n 1 <<<"$response")" != 200 ] || ! grep -q '"Centre Court"' <<<"$response"; then
    fail "the court or the API token did not survive the upgrade: $response"
fi
as_service user list | grep -q '^olga ' || fail "the owner did not survive the upgrade"
[ "$(sha256sum "$data/secret.key" | cut -d' ' -f1)" = "$key_sum" ] || fail "the secret key changed"
as_service config show | grep -F 'club_name = "Packaging Test Club"    # file /etc/courtside/courtside.toml' \
    || fail "the edited conffile was not kept"
ls "$data"/backups/manual-*.sqlite3 >/dev/null || fail "the backup did not survive the upgrade"
curl -fsS "$url/health"
echo
part_done "upgrade"

part "A. purge"
[ $systemd = 1 ] || stop_service # prerm stops it where systemd runs
dpkg --purge courtside </dev/null
for gone in /usr/bin/courtside /etc/courtside "$unit" /etc/systemd/system/multi-user.target.wants/courtside.service; do
    [ ! -e "$gone" ] || fail "$gone is still there after purge"
done
! getent passwd courtside >/dev/null || fail "the user courtside is still there after purge"
! getent group courtside >/dev/null || fail "the group courtside is still there after purge"
[ "$(stat -c '%U %a' "$data")" = "root 700" ] || fail "the kept $data is not root-only"
[ -f "$data/courtside.db" ] || fail "the club's database was not kept"
ls "$data"/backups/manual-*.sqlite3 >/dev/null || fail "the club's backups were not kept"
echo "What remains after purge (the club's data, root-only):"
find "$data" -maxdepth 2 -printf '  %M %u:%g %10s %p\n'
part_done "purge"

part "A. install again: the kept data is taken back"
dpkg -i "$deb" </dev/null >/dev/null
[ $systemd = 1 ] || start_service
wait_health "$url" 60 || { service_log; fail "no /health answer after reinstalling"; }
response=$(api GET /api/v1/courts)
grep -q '"Centre Court"' <<<"$response" || fail "the kept data was not used again: $response"
[ "$(stat -c '%U' "$data/courtside.db")" = courtside ] || fail "the kept data was not given back to courtside"
stop_service
dpkg --purge courtside </dev/null >/dev/null
rm -rf "$data"
created_data=0
part_done "reinstall over kept data, purge"

# --- B. ARM binaries under qemu-user -------------------------------------------------------
qemu_health() { # DEB_ARCH QEMU SYSROOT
    local dir=$work/$1 port pid t0
    dpkg-deb -x "$(echo "$dist"/courtside_*_"$1".deb)" "$dir"
    readelf -h "$dir/usr/bin/courtside" | grep Machine
    port=$(free_port)
    "$2" -L "$3" "$dir/usr/bin/courtside" --data "$dir/data" serve --bind "127.0.0.1:$port" >"$work/$1.log" 2>&1 &
    pid=$!
    t0=$(now_ms)
    if ! wait_health "http://127.0.0.1:$port" 120; then
        cat "$work/$1.log"
        fail "the $1 binary did not answer /health under $2"
    fi
    echo "$1 under $2: /health 200 after $(($(now_ms) - t0)) ms: $(curl -fsS "http://127.0.0.1:$port/health")"
    kill -TERM "$pid"
    wait "$pid" || true
}

part "B. arm64 binary under qemu-aarch64-static"
qemu_health arm64 qemu-aarch64-static /usr/aarch64-linux-gnu
part_done "arm64 /health under qemu"

if [ "$short" != 1 ]; then
    part "B. armhf binary under qemu-arm-static"
    qemu_health armhf qemu-arm-static /usr/arm-linux-gnueabihf
    part_done "armhf /health under qemu"
fi

# --- C. the Windows .msi -------------------------------------------------------------------
if [ "$short" != 1 ]; then
    part "C. the .msi: tables and files"
    msi=$(echo "$dist"/courtside-*-x64.msi)
    table() { msiinfo export "$msi" "$1" | tr -d '\r' | tail -n +4; }
    expect() { # TABLE REGEX
        table "$1" | grep -Eq "$2" || { table "$1"; fail "the $1 table has no row matching $2"; }
    }
    for t in File Directory ServiceInstall ServiceControl Shortcut CreateFolder; do
        echo "-- $t"
        table "$t"
    done
    [ "$(table File | wc -l)" = 2 ] || fail "the .msi should hold exactly courtside.exe and Courtside.url"
    ! table File | grep -qi bcryptprimitives || fail "the wine test shim must never ship"
    expect File $'^CourtsideExe\tProgram\tcourtside.exe\t'
    expect File $'^CourtsideUrl\tWebLink\tCourtside.url\t'
    expect Directory $'^INSTALLDIR\tProgramFiles64Folder\tCourtside$'
    expect Directory $'^DATADIR\tCommonAppDataFolder\tCourtside$'
    expect Directory $'^LOGDIR\tDATADIR\tlogs$'
    expect Directory $'^MenuDir\tProgramMenuFolder\tCourtside$'
    # own process (16), automatic start (2), normal error control (1), LocalSystem, its arguments
    expect ServiceInstall $'^CourtsideService\tCourtside\tCourtside\t16\t2\t1\t.*\t--data "\\[CommonAppDataFolder\\]Courtside" serve --service\tProgram\t'
    # start on install (1) + stop on install (2) and uninstall (32) + remove on uninstall (128); wait
    expect ServiceControl $'^CourtsideServiceControl\tCourtside\t163\t\t1\tProgram$'
    expect Shortcut $'^OpenCourtside\tMenuDir\tCourtside\tMenuShortcut\t\\[#CourtsideUrl\\]\t'
    expect CreateFolder $'^LOGDIR\tDataFolders$'
    msiextract -C "$work/msi" "$msi" >/dev/null
    exe=$(find "$work/msi" -name courtside.exe)
    x86_64-w64-mingw32-objdump -f "$exe" | grep -q 'pei-x86-64' || fail "courtside.exe is not a 64-bit Windows program"
    grep -q $'^URL=http://localhost:8080/\r$' "$(find "$work/msi" -name Courtside.url)" \
        || fail "Courtside.url does not open http://localhost:8080/"
    part_done "msi tables"

    if command -v wine >/dev/null; then
        part "C. the .msi under wine: install, service, /health, stop, uninstall"
        export WINEPREFIX=$work/wine WINEDEBUG=-all
        wineboot --init >/dev/null 2>&1
        wineserver -w
        # Test only: Wine 8 lacks ProcessPrng (bcryptprimitives.dll), which Rust's std imports and
        # every supported Windows has. The shim goes into this throwaway prefix, never the .msi.
        cat >"$work/shim.c" <<'EOF'
#include <windows.h>
#define RtlGenRandom SystemFunction036
BOOLEAN NTAPI RtlGenRandom(PVOID, ULONG);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE p, SIZE_T n) {
    while (n) {
        ULONG c = n > 0x10000000 ? 0x10000000 : (ULONG)n;
        if (!RtlGenRandom(p, c)) return FALSE;
        p += c;
        n -= c;
    }
    return TRUE;
}
EOF
        x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
            "$work/shim.c" -ladvapi32
        programdata=$WINEPREFIX/drive_c/ProgramData/Courtside
        port=$(free_port)
        url=http://127.0.0.1:$port
        mkdir -p "$programdata"
        printf 'bind = "127.0.0.1:%s"\n' "$port" >"$programdata/courtside.toml"
        # Wine shuts services down once its last ordinary program exits; a cmd.exe waiting on
        # a pipe stands in for the Windows session that keeps running on a real machine.
        mkfifo "$work/wine-session"
        wine cmd.exe <"$work/wine-session" >/dev/null 2>&1 &
        exec {session}>"$work/wine-session"
        t0=$(now_ms)
        wine msiexec /i "$(winepath -w "$msi")" /qn
        wait_health "$url" 90 || { cat "$programdata"/logs/*.log 2>/dev/null; fail "the service did not answer /health"; }
        echo "msiexec /i to /health 200 under wine: $(($(now_ms) - t0)) ms: $(curl -fsS "$url/health")"
        [ -f "$WINEPREFIX/drive_c/Program Files/Courtside/courtside.exe" ] || fail "not installed to Program Files"
        # Wine puts even a per-machine shortcut under the user's Start menu; Windows uses ProgramData.
        find "$WINEPREFIX/drive_c" -path '*Start Menu/Programs/Courtside/Courtside.lnk' | grep -q . \
            || fail "no Start menu shortcut"
        wine sc query Courtside | grep -q RUNNING || fail "the service is not running"
        grep -q 'server started' "$programdata/logs/courtside.log" || fail "no service log in ProgramData\\Courtside\\logs"
        wine sc stop Courtside >/dev/null
        deadline=$((SECONDS + 30))
        while curl -fsS -o /dev/null "$url/health" 2>/dev/null; do
            [ $SECONDS -lt $deadline ] || fail "the service did not stop on sc stop"
            sleep 0.2
        done
        sleep 1
        grep -q 'server stopped' "$programdata/logs/courtside.log" || fail "the service did not stop gracefully"
        wine sc query Courtside | grep -q STOPPED || fail "the service did not report STOPPED"
        wine msiexec /x "$(winepath -w "$msi")" /qn
        [ ! -e "$WINEPREFIX/drive_c/Program Files/Courtside/courtside.exe" ] || fail "uninstall left courtside.exe"
        ! wine sc query Courtside 2>/dev/null | grep -q Courtside || fail "uninstall left the service"
        [ -f "$programdata/courtside.db" ] || fail "uninstall removed the club's database"
        echo "After uninstall, ProgramData\\Courtside keeps:"
        find "$programdata" -mindepth 1 -maxdepth 2 -printf '  %10s %P\n'
        echo "Service log:"
        sed 's/^/  /' "$programdata/logs/courtside.log"
        exec {session}>&-
        wineserver -k || true
        part_done "msi under wine"
    else
        echo "wine is not installed: the .msi was checked by its tables only (apt-get install wine to run it)"
    fi
fi

say "artifacts ($profile profile)"
ls -l --ignore=SHA256SUMS "$dist"
cat "$dist/SHA256SUMS"
say "timings"
printf '%s\n' "${timings[@]}"
echo "packaging tests passed ($([ "$short" = 1 ] && echo short || echo full) mode, repo $repo)"
