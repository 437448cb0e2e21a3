"""Live pages under load: how long after a command commits its frame reaches 50 open pages.

    python3 tests/bench/live.py BASE COOKIE TOKEN COURT MEMBER [--sockets 50] [--commits 200] [--hold SECONDS]

Opens the sockets as staff pages of BASE would (session cookie, same Origin), then makes one
booking at a time through the API and waits until every socket has its frame. Latency is
measured two ways per frame: from the moment the request was sent (an upper bound: it includes
running the command) and from the moment its answer came back (a lower bound: the commit is
somewhere in between). With --hold, the sockets stay open (and reading) that many seconds more,
printing "holding" first, so that a load tool can measure a page while they are open.
"""

import argparse
import json
import statistics
import sys
import threading
import time
import urllib.request

from websockets.sync.client import connect


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    args = argparse.ArgumentParser()
    for name in ("base", "cookie", "token", "court", "member"):
        args.add_argument(name)
    args.add_argument("--sockets", type=int, default=50)
    args.add_argument("--commits", type=int, default=200)
    args.add_argument("--hold", type=float, default=0)
    a = args.parse_args()

    url = a.base.replace("http://", "ws://") + "/live?log=x&at=0"
    frames = [[] for _ in range(a.sockets)]
    arrived = threading.Condition()
    sockets = []

    def read(i, ws):
        try:
            for message in ws:
                m = json.loads(message)
                if m["t"] in ("changed", "reset"):
                    with arrived:
                        frames[i].append((m["at"], time.monotonic()))
                        arrived.notify_all()
        except Exception:
            pass

    for i in range(a.sockets):
        ws = connect(url, additional_headers={"Cookie": a.cookie, "Origin": a.base}, open_timeout=10)
        sockets.append(ws)
        threading.Thread(target=read, args=(i, ws), daemon=True).start()
    with arrived:  # every socket's first frame: "reset" (its position was of no history)
        arrived.wait_for(lambda: all(frames), timeout=10)

    from_sent, from_answer = [], []
    for k in range(a.commits):
        body = json.dumps({
            "court_id": a.court, "member_id": a.member, "minutes": 60,
            "start": f"2032-{1 + k // (14 * 28):02d}-{1 + (k // 14) % 28:02d}T{8 + k % 14:02d}:00",
        }).encode()
        request = urllib.request.Request(a.base + "/api/v1/bookings", data=body, method="POST", headers={
            "Authorization": f"Bearer {a.token}", "Content-Type": "application/json"})
        with arrived:
            counts = [len(f) for f in frames]
        sent = time.monotonic()
        with urllib.request.urlopen(request) as response:
            assert response.status == 201, response.status
        answered = time.monotonic()
        with arrived:
            if not arrived.wait_for(lambda: all(len(f) > c for f, c in zip(frames, counts)), timeout=5):
                sys.exit(f"commit {k}: not every socket heard of it within 5 s")
            for f, c in zip(frames, counts):
                at = f[c][1]
                from_sent.append((at - sent) * 1000)
                from_answer.append(max(0.0, (at - answered) * 1000))

    def line(name, values):
        return (f"{name}: p50 {statistics.median(values):.2f} ms, p99 {percentile(values, 99):.2f} ms, "
                f"max {max(values):.2f} ms")

    print(f"== commit → frame, {a.sockets} sockets, {a.commits} commits ({len(from_sent)} frames)")
    print(line("from request sent (upper bound)", from_sent))
    print(line("from answer received (lower bound)", from_answer))
    if a.hold:
        print("holding", flush=True)
        time.sleep(a.hold)
    for ws in sockets:
        ws.close()


if __name__ == "__main__":
    main()
