"""A desk's catch-up through the hub's log, on 127.0.0.1: how many row changes a second it applies.

    python3 tests/bench/catch_up.py BIN [demo options, e.g. --courts 12 --members 1000 --days 365]

Makes a hub with an empty club, pairs a desk and lets it take its (small) first snapshot, stops
both, fills the hub with a demo club (`courtside demo` with the options given: the 1-year club
makes about 87,000 row changes; `--courts 48 --members 10000 --days 1000` about 820,000), then
starts the hub and the desk and times the desk from its start until it has applied the hub's
last transaction, through the log or, more than 100,000 transactions behind, by a snapshot.
Prints how, the time, the row changes a second, and the CPU time of each process.
Uses desks.py's helpers (pip install -r tests/bench/requirements.txt).
Keeps its folders (printed) so `--again DIR` can time the catch-up again from the same start.
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from desks import free_port, head_of, start


def run(bin_, data, *args, stdin=None):
    return subprocess.run([bin_, "--data", str(data), *args], capture_output=True, text=True, check=True,
                          input=stdin).stdout.strip()


def cpu(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return f"{int(fields[11]) / tick:.1f} s user + {int(fields[12]) / tick:.1f} s system"


def prepare(bin_, root, demo):
    hub, desk = root / "hub", root / "desk-start"
    run(bin_, hub, "user", "add", "bench", "--role", "owner", "--password-stdin", "--own-account", stdin="bench password 1\n")
    sync = free_port()
    (root / "sync-port").write_text(str(sync))
    p, _ = start(bin_, hub, "serve", "--bind", f"127.0.0.1:{free_port()}", "--sync-bind", f"127.0.0.1:{sync}")
    code = run(bin_, hub, "desk-code", "create")
    run(bin_, desk, "desk", "pair", "--hub", f"127.0.0.1:{sync}", "--code", code, "--name", "Catch-up bench")
    d, _ = start(bin_, desk, "desk", "--bind", f"127.0.0.1:{free_port()}")
    d.kill(), d.wait(), p.kill(), p.wait()
    print(run(bin_, hub, "demo", *demo))


def catch_up(bin_, root):
    hub, desk = root / "hub", root / "desk"
    shutil.rmtree(desk, ignore_errors=True)
    shutil.copytree(root / "desk-start", desk)
    head = head_of(hub / "courtside.db", "head_txn_seq")
    con = sqlite3.connect(f"file:{hub / 'courtside.db'}?mode=ro", uri=True)
    behind = head_of(desk / "courtside.db", "head_txn_seq")
    rows = con.execute("SELECT count(*) FROM change_log WHERE txn_seq > ?", (behind,)).fetchone()[0]
    con.close()
    sync = (root / "sync-port").read_text()
    p, _ = start(bin_, hub, "serve", "--bind", f"127.0.0.1:{free_port()}", "--sync-bind", f"127.0.0.1:{sync}")
    try:
        # A desk far behind is sent a snapshot of the head, which the hub keeps: one kept from an
        # earlier run would be sent without being made.
        snapshots = hub / "snapshots"
        for made in snapshots.glob(f"*-{head}-*.db.gz"):
            made.unlink()
        started = time.monotonic()
        d, _ = start(bin_, desk, "desk", "--bind", f"127.0.0.1:{free_port()}")
        while head_of(desk / "courtside.db", "desk_confirmed_seq") < head:
            time.sleep(0.02)
        took = time.monotonic() - started
        how = "by a snapshot" if list(snapshots.glob(f"*-{head}-*.db.gz")) else "through the log"
        print(f"== catch-up {how}: {head - behind} transactions, {rows:,} row changes in {took:.2f} s (desk "
              f"start included): {rows / took:,.0f} row changes/s; desk CPU {cpu(d.pid)}, hub CPU {cpu(p.pid)}")
        d.kill()
    finally:
        p.kill()


def main():
    args = argparse.ArgumentParser()
    args.add_argument("bin")
    args.add_argument("--again", help="a folder an earlier run kept")
    a, demo = args.parse_known_args()
    root = Path(a.again) if a.again else Path(tempfile.mkdtemp(prefix="courtside-catch-up-"))
    if not a.again:
        prepare(a.bin, root, demo)
    catch_up(a.bin, root)
    print(f"(kept in {root})")


if __name__ == "__main__":
    main()
