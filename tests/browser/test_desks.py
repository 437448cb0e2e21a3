"""Two desks and a hub, each its own process and data folder on 127.0.0.1, used in the browser
as a club would: a booking at one desk appears on the other desk's open grid at once; the hub
dies; both desks book the same court at the same time and take money; the hub comes back; the
hub keeps one booking for the slot, both payments once, and the desk that lost shows a conflict
to resolve, which the hub's inbox lists too until the desk resolves it. In English and in Russian."""

import datetime as dt
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import BINARY, free_port, shot, start_server
from test_club_core import add_courts, add_member, pick_member
from test_foundation import log_in, setup_owner
from test_money import open_all_day_any

TEXTS = {
    "en": {"name": "Anna Smith", "typed": "anna", "offline": "Offline since", "waits": "wait for the hub",
           "refused": "refused by the hub", "balance": "3,000.00", "no_conflicts": "Nothing to resolve.",
           "rebook": "Book Court 1", "walk_in": "Boris Walk-in", "provisional": "provisional number"},
    "ru": {"name": "Смирнова Анна", "typed": "смир", "offline": "Нет связи с", "waits": "ждут отправки",
           "refused": "отклонено", "balance": "3\u00a0000,00", "no_conflicts": "Разбирать нечего.",
           "rebook": "Забронировать", "walk_in": "Борис Новый", "provisional": "временный номер"},
}


def run(data, *args):
    out = subprocess.run([str(BINARY), "--data", data, *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout.strip()


def desk(browser, hub, sync_port, name, lang):
    data = str(Path(hub.data).parent / f"{Path(hub.data).name}-{name.replace(' ', '')}")
    code = run(hub.data, "desk-code", "create")
    run(data, "desk", "pair", "--hub", f"127.0.0.1:{sync_port}", "--code", code, "--name", name)
    server = start_server(data=data, verb=("desk",))
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.set_default_timeout(10_000)
    page.goto(server.base + "/login")
    log_in(page, "olga", "owner password 1")
    return server, page


def book(page, server, day, start, t):
    page.goto(f"{server.base}/bookings/new?date={day}&start={start}")
    pick_member(page, "#booker", t["typed"], t["name"])
    page.click("main button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()


def count(db, sql):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_two_desks_through_a_hub_outage(browser, lang):
    t = TEXTS[lang]
    sync_port = free_port()
    hub = start_server(sync_port=sync_port)
    servers = [hub]
    try:
        a = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        a.set_default_timeout(10_000)
        setup_owner(a, hub)
        if lang == "ru":
            a.goto(hub.base + "/profile")
            a.select_option("#locale", "ru")
            a.click("form[action='/profile/language'] button")
        open_all_day_any(a, hub)
        add_courts(a, hub, 1)
        add_member(a, hub, t["name"], "")
        member = a.url.rsplit("/", 1)[1]

        (s1, d1), (s2, d2) = desk(browser, hub, sync_port, "Desk 1", lang), desk(browser, hub, sync_port, "Desk 2", lang)
        servers += [s1, s2]
        day = (dt.date.today() + dt.timedelta(days=2)).isoformat()
        d2.goto(f"{s2.base}/grid?date={day}")

        # Online: desk 1 books, desk 2's open grid shows it at once.
        book(d1, s1, day, "10:00", t)
        started = time.monotonic()
        expect(d2.locator("a.booking", has_text=t["name"])).to_have_count(1, timeout=1000)
        print(f"desk 2 saw desk 1's booking after {(time.monotonic() - started) * 1000:.0f} ms")

        # A desk serves no player portal (its codes and sessions live on the hub): it says closed.
        closed = d1.goto(f"{s1.base}/p/")
        assert closed.status == 503, closed.status
        assert d1.locator("a[href='/p/book']").count() == 0

        # The hub dies: both desks say so and go on.
        hub.process.kill()
        hub.process.wait()
        for page, server in ((d1, s1), (d2, s2)):
            page.goto(f"{server.base}/grid?date={day}")
            expect(page.locator("#desk-banner")).to_contain_text(t["offline"], timeout=12_000)
        for page, server in ((d1, s1), (d2, s2)):
            book(page, server, day, "12:00", t)
            page.goto(f"{server.base}/accounts/{member}")
            page.fill("form[action$='/top-up'] input[name=amount]", "1500")
            page.select_option("form[action$='/top-up'] select[name=method]", "card")
            page.click("form[action$='/top-up'] button")
            expect(page.locator("#desk-banner")).to_contain_text(t["waits"])
        # What the hub has not decided is shown so: the booking hatched, a new card's number provisional.
        d1.goto(f"{s1.base}/grid?date={day}")
        expect(d1.locator("a.booking.tentative")).to_have_count(1)
        add_member(d1, s1, t["walk_in"], "")
        expect(d1.locator("h1 .badge.warn")).to_have_text(t["provisional"])
        walk_in = d1.url
        shot(d1, f"50-desk-offline-{lang}")

        # The hub returns: one booking for the slot, both payments once, a conflict on the loser.
        hub = start_server(data=hub.data, port=hub.port, sync_port=sync_port)
        servers.append(hub)
        hub_db = Path(hub.data, "courtside.db")
        deadline = time.monotonic() + 30
        while any(count(Path(s.data, "desk.db"), "SELECT count(*) FROM journal WHERE state = 'pending'") for s in (s1, s2)):
            assert time.monotonic() < deadline, "the desks did not send their work"
            time.sleep(0.1)
        assert count(hub_db, "SELECT count(*) FROM bookings WHERE status <> 'cancelled'") == 2
        assert count(hub_db, "SELECT sum(amount) FROM payments WHERE purpose = 'top_up'") == 300_000
        losers = [(p, s) for p, s in ((d1, s1), (d2, s2))
                  if count(Path(s.data, "desk.db"), "SELECT count(*) FROM journal WHERE conflict = 1")]
        assert len(losers) == 1, "exactly one desk lost the slot"
        loser, server = losers[0]
        # The hub's inbox shows the refusal too, with the desk it came from.
        a.goto(f"{hub.base}/desk/conflicts")
        expect(a.locator(".conflict")).to_have_count(1)
        expect(a.locator(".conflict")).to_contain_text("Desk 1" if loser is d1 else "Desk 2")
        shot(a, f"52-hub-refusals-{lang}")
        loser.goto(f"{server.base}/members/{member}")
        expect(loser.locator("#member-head")).to_contain_text(t["balance"], timeout=10_000)
        conflict = loser.locator(".desk-banner.alert a")
        expect(conflict).to_contain_text(t["refused"])
        conflict.click()
        expect(loser.locator(".conflict")).to_have_count(1)
        shot(loser, f"51-desk-conflict-{lang}")
        # One click books the nearest free time instead, and the conflict is done.
        offered = loser.locator(".conflict form.rebook button")
        expect(offered.first).to_contain_text(t["rebook"])
        offered.first.click()
        expect(loser.locator(".flash-success")).to_be_visible()
        assert "/bookings/" in loser.url
        loser.goto(f"{server.base}/desk/conflicts")
        expect(loser.locator("#no-conflicts")).to_have_text(t["no_conflicts"])
        # Resolved at the desk, it has left the hub's inbox too.
        deadline = time.monotonic() + 10
        a.goto(f"{hub.base}/desk/conflicts")
        while a.locator("#no-conflicts").count() == 0:
            assert time.monotonic() < deadline, "the hub still lists the conflict the desk resolved"
            time.sleep(0.2)
            a.reload()
        # Once the hub has decided, nothing is provisional any more.
        d1.goto(walk_in)
        expect(d1.locator("h1 .badge.warn")).to_have_count(0)
        d1.goto(f"{s1.base}/grid?date={day}")
        expect(d1.locator("a.booking.tentative")).to_have_count(0)
        for s in (s1, s2, hub):
            deadline = time.monotonic() + 10
            while count(Path(s.data, "courtside.db"), "SELECT count(*) FROM bookings WHERE status <> 'cancelled'") != 3:
                assert time.monotonic() < deadline, "a desk did not catch up"
                time.sleep(0.1)
    finally:
        for s in servers:
            s.process.kill()
            s.process.wait()
