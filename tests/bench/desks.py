"""Desks under load, on 127.0.0.1: a hub with a demo club and N desks, each its own process.

    python3 tests/bench/desks.py BIN HUB_DATA [--desks 5] [--commits 300] [--rate 20] [--catch-up 2000]

HUB_DATA holds a demo club with a staff owner `bench` (password "bench password 1"); tests/bench/run.sh
makes one. Prints: the snapshot's size and each desk's first start (download and install
included); hub commit → every desk's open page hearing of it, at RATE commands a second through
the hub's API; the hub's memory with the desks connected; and a desk's catch-up after CATCH_UP
commits made while it was stopped (row changes a second).
"""

import argparse
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import requests
from websockets.sync.client import connect


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def start(bin_, data, *args):
    """Starts a courtside process and waits for its banner; returns (process, seconds)."""
    started = time.monotonic()
    p = subprocess.Popen([bin_, "--data", str(data), *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if "is running" in line:
            return p, time.monotonic() - started
    sys.exit(f"{args[0]} did not start")


def run(bin_, data, *args):
    out = subprocess.run([bin_, "--data", str(data), *args], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def log_in(base):
    s = requests.Session()
    page = s.get(base + "/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    s.post(base + "/login", data={"csrf": csrf, "username": "bench", "password": "bench password 1", "next": "/"})
    return "; ".join(f"{k}={v}" for k, v in s.cookies.items())


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def head_of(db, key):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT v FROM sync_meta WHERE k = ?", (key,)).fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def rows_between(db, after, upto):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM change_log WHERE txn_seq > ? AND txn_seq <= ?", (after, upto)).fetchone()[0]
    finally:
        con.close()


# Each run books from its own far-future day, so a club used before has these slots free.
RUN_DAY = int(time.time()) % 15_000


def slot(court, member, year, k):
    """The k-th free hour from `year` on `court` (08:00–21:00 every day), as a booking request."""
    day = RUN_DAY + k // 14
    year, day = year + day // 336, day % 336
    return json.dumps({"court_id": court, "member_id": member, "minutes": 60,
                       "start": f"{year}-{1 + day // 28:02d}-{1 + day % 28:02d}T{8 + k % 14:02d}:00"}).encode()


def first_id(value):
    """The first "id" in a JSON answer (a list of objects, or an object holding one)."""
    if isinstance(value, dict):
        if "id" in value:
            return value["id"]
        value = [v for v in value.values() if isinstance(v, (list, dict))]
    for item in value:
        found = first_id(item) if isinstance(item, (list, dict)) else None
        if found:
            return found
    return None


def main():
    args = argparse.ArgumentParser()
    args.add_argument("bin")
    args.add_argument("hub_data")
    args.add_argument("--desks", type=int, default=5)
    args.add_argument("--commits", type=int, default=300)
    args.add_argument("--rate", type=float, default=20)
    args.add_argument("--catch-up", type=int, default=2000)
    a = args.parse_args()
    bin_, hub_data = a.bin, Path(a.hub_data)
    token = run(bin_, hub_data, "token", "create", "--user", "bench")
    hub_port, sync_port = free_port(), free_port()
    hub, _ = start(bin_, hub_data, "serve", "--bind", f"127.0.0.1:{hub_port}", "--sync-bind", f"127.0.0.1:{sync_port}")
    api = f"http://127.0.0.1:{hub_port}/api/v1"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    court = first_id(json.loads(urllib.request.urlopen(urllib.request.Request(api + "/courts", headers=headers)).read()))
    member = first_id(json.loads(urllib.request.urlopen(urllib.request.Request(api + "/members?limit=1", headers=headers)).read()))
    root = Path(tempfile.mkdtemp(prefix="courtside-desks-"))
    desks = []
    try:
        print(f"== {a.desks} desks: first start (snapshot download and install included)")
        for n in range(a.desks):
            data = root / f"desk{n}"
            code = run(bin_, hub_data, "desk-code", "create")
            run(bin_, data, "desk", "pair", "--hub", f"127.0.0.1:{sync_port}", "--code", code, "--name", f"Bench desk {n} {root.name}")
            port = free_port()
            p, took = start(bin_, data, "desk", "--bind", f"127.0.0.1:{port}")
            desks.append((p, data, f"http://127.0.0.1:{port}"))
            print(f"desk {n}: ready in {took:.2f} s")
        snapshot = max((hub_data / "snapshots").glob("*.db.gz"), key=os.path.getmtime)
        db_size = (hub_data / "courtside.db").stat().st_size
        print(f"snapshot: {snapshot.stat().st_size / 1e6:.1f} MB compressed (hub database {db_size / 1e6:.1f} MB)")

        frames = [[] for _ in desks]
        arrived = threading.Condition()

        def read(i, ws):
            try:
                for message in ws:
                    if json.loads(message)["t"] in ("changed", "reset"):
                        with arrived:
                            frames[i].append(time.monotonic())
                            arrived.notify_all()
            except Exception:
                pass

        sockets = []
        for i, (_, _, base) in enumerate(desks):
            ws = connect(base.replace("http://", "ws://") + "/live?log=x&at=0",
                         additional_headers={"Cookie": log_in(base), "Origin": base}, open_timeout=10)
            sockets.append(ws)
            threading.Thread(target=read, args=(i, ws), daemon=True).start()
        with arrived:
            arrived.wait_for(lambda: all(frames), timeout=10)

        latencies = []
        gap = 1 / a.rate
        next_at = time.monotonic()
        for k in range(a.commits):
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += gap
            body = slot(court, member, 2033, k)
            with arrived:
                counts = [len(f) for f in frames]
            sent = time.monotonic()
            with urllib.request.urlopen(urllib.request.Request(api + "/bookings", data=body, method="POST", headers=headers)) as r:
                assert r.status == 201, r.status
            with arrived:
                if not arrived.wait_for(lambda: all(len(f) > c for f, c in zip(frames, counts)), timeout=5):
                    sys.exit(f"commit {k}: not every desk heard of it within 5 s")
                latencies += [(f[c] - sent) * 1000 for f, c in zip(frames, counts)]
        print(f"== hub API commit → each desk's open page, {a.desks} desks, {a.commits} commits at {a.rate:g}/s")
        print(f"p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, max {max(latencies):.1f} ms "
              "(from the request sent: it includes running the command on the hub)")
        print(f"hub memory with {a.desks} desks connected: {rss_mb(hub.pid):.1f} MB RSS")
        for ws in sockets:
            ws.close()

        if a.catch_up:
            p, data, base = desks[0]
            p.kill()
            p.wait()
            before = head_of(hub_data / "courtside.db", "head_txn_seq")
            for k in range(a.catch_up):
                body = slot(court, member, 2033, 50_000 + k)
                urllib.request.urlopen(urllib.request.Request(api + "/bookings", data=body, method="POST", headers=headers)).close()
            after = head_of(hub_data / "courtside.db", "head_txn_seq")
            rows = rows_between(hub_data / "courtside.db", before, after)
            port = base.rsplit(":", 1)[1]
            started = time.monotonic()
            p, _ = start(bin_, data, "desk", "--bind", f"127.0.0.1:{port}")
            desks[0] = (p, data, base)
            while head_of(data / "courtside.db", "desk_confirmed_seq") < after:
                time.sleep(0.02)
            took = time.monotonic() - started
            print(f"== catch-up: {after - before} transactions, {rows} row changes in {took:.2f} s "
                  f"(start included): {rows / took:,.0f} row changes/s")
    finally:
        for p, _, _ in desks:
            p.kill()
        hub.kill()


if __name__ == "__main__":
    main()
