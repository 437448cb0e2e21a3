"""Live pages: two desks on the same day's grid, a member card open on a third page, and the
server killed under them. Every change shows on the other pages without a reload, and nothing
anyone is typing is lost."""

import datetime as dt
import time

from playwright.sync_api import expect

from conftest import shot, start_server
from test_club_core import add_courts, add_member, pick_member
from test_foundation import log_in, setup_owner
from test_money import open_all_day_any

# What a desk sees within this time counts as "at once"; the figures are printed as well.
AT_ONCE_MS = 1000

TEXTS = {
    "en": {"live": "Live", "offline": "Offline — reconnecting", "name": "Anna Smith", "typed": "anna",
           "edit": "Change booking", "balance": "1,500.00"},
    "ru": {"live": "Онлайн", "offline": "Нет связи — переподключение", "name": "Смирнова Анна", "typed": "смир",
           "edit": "Изменить бронь", "balance": "1\u00a0500,00"},
}


def new_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def seen_at_once(what, locator_check):
    """Runs `locator_check(timeout_ms)` and prints how long the other page took."""
    start = time.monotonic()
    locator_check(AT_ONCE_MS)
    print(f"{what}: seen after {(time.monotonic() - start) * 1000:.0f} ms")


def live_day(browser, server, lang):
    t = TEXTS[lang]
    a = new_page(browser)
    setup_owner(a, server)
    if lang == "ru":
        a.goto(server.base + "/profile")
        a.select_option("#locale", "ru")
        a.click("form[action='/profile/language'] button")
    open_all_day_any(a, server)
    add_courts(a, server, 2)
    add_member(a, server, t["name"], "")
    member_url = a.url
    a.goto(server.base + "/cash")
    a.fill("#float", "0")
    a.click("form[action='/cash/open'] button")

    # The second desk: the same day's grid, and a booking form half typed in another tab.
    day = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    b = new_page(browser)
    b.goto(server.base + "/login")
    log_in(b, "olga", "owner password 1")
    b.goto(f"{server.base}/grid?date={day}")
    expect(b.locator("#live-status")).to_have_text(t["live"])
    b.evaluate("window.notReloaded = true")
    form = b.context.new_page()
    form.goto(f"{server.base}/bookings/new?date={day}&start=15:00")
    form.fill("#note", "half typed: the Petrovs, court by the fence")
    # A third page on the member's card, with a card number half typed in the merge box.
    card = b.context.new_page()
    card.goto(member_url)
    expect(card.locator("#live-status")).to_have_text(t["live"])
    card.fill("#merge-card", "12")
    card.evaluate("window.notReloaded = true")

    # The first desk books 10:00 on the first court...
    a.goto(f"{server.base}/bookings/new?date={day}&start=10:00")
    pick_member(a, "#booker", t["typed"], t["name"])
    a.click("main button[type=submit]")
    expect(a.locator("a.booking", has_text=t["name"])).to_have_count(1)
    block = b.locator("a.booking", has_text=t["name"])
    seen_at_once("booked", lambda ms: expect(block).to_have_count(1, timeout=ms))
    expect(block).to_have_attribute("data-row", a.locator("a.booking").get_attribute("data-row"))
    first_row = int(block.get_attribute("data-row"))

    # ...moves it an hour later and makes it 90 minutes long...
    a.locator("a.booking", has_text=t["name"]).click()
    booking_url = a.url
    a.click(f"text={t['edit']}")
    a.select_option("#start", "11:00")
    a.click("main button[type=submit]")
    seen_at_once("moved", lambda ms: expect(block).not_to_have_attribute("data-row", str(first_row), timeout=ms))
    a.goto(booking_url)
    a.click(f"text={t['edit']}")
    a.select_option("#minutes", "90")
    a.click("main button[type=submit]")
    seen_at_once("extended", lambda ms: expect(block).to_have_attribute("data-span", "3", timeout=ms))
    shot(b, f"40-live-grid-{lang}")

    # ...and takes 1500 on the member's account: the card on the third page shows it.
    a.goto(member_url.replace("/members/", "/accounts/"))
    a.fill("form[action$='/top-up'] input[name=amount]", "1500")
    a.click("form[action$='/top-up'] button")
    seen_at_once("paid", lambda ms: expect(card.locator("#member-head")).to_contain_text(t["balance"], timeout=ms))
    assert card.input_value("#merge-card") == "12", "what was typed on the card stays"
    shot(card, f"41-live-card-{lang}")

    # Then cancels the booking: it leaves the other desk's grid.
    a.goto(booking_url)
    a.fill("input[name=reason]", "Rain")
    a.once("dialog", lambda d: d.accept())
    a.click("form[action$='/cancel'] button")
    seen_at_once("cancelled", lambda ms: expect(b.locator("a.booking.status-booked")).to_have_count(0, timeout=ms))

    assert form.input_value("#note") == "half typed: the Petrovs, court by the fence"
    assert b.evaluate("window.notReloaded") and card.evaluate("window.notReloaded"), "no page reloaded"

    # The server dies: the pages say so, then find it again and catch up by themselves.
    server.process.kill()
    server.process.wait()
    expect(b.locator("#live-status")).to_have_text(t["offline"])
    expect(b.locator("#live-status")).to_have_class("live-status offline")
    again = start_server(data=server.data, port=server.port)
    server.process = again.process
    a.goto(f"{server.base}/bookings/new?date={day}&start=18:00")
    pick_member(a, "#booker", t["typed"], t["name"])
    a.click("main button[type=submit]")
    expect(b.locator("#live-status")).to_have_text(t["live"], timeout=20_000)
    expect(b.locator("a.booking.status-booked", has_text=t["name"])).to_have_count(1, timeout=5_000)
    assert b.evaluate("window.notReloaded"), "caught up without a reload"
    shot(b, f"42-live-reconnected-{lang}")


def test_two_desks_and_a_member_card_stay_live(browser, server):
    live_day(browser, server, "en")


def test_the_same_in_russian(browser, server):
    live_day(browser, server, "ru")


def test_the_week_the_member_list_a_booking_and_the_cash_desk_follow_too(browser, server):
    a = new_page(browser)
    setup_owner(a, server)
    open_all_day_any(a, server)
    add_courts(a, server, 1)
    add_member(a, server, "Anna Smith", "")
    day = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    a.goto(f"{server.base}/bookings/new?date={day}&start=09:00")
    pick_member(a, "#booker", "anna", "Anna Smith")
    a.click("main button[type=submit]")
    a.locator("a.booking", has_text="Anna Smith").click()
    booking_url = a.url

    b = new_page(browser)
    b.goto(server.base + "/login")
    log_in(b, "olga", "owner password 1")
    pages = {}
    for name, path in [("members", "/members"), ("booking", booking_url.replace(server.base, "")), ("cash", "/cash")]:
        p = b.context.new_page()
        p.goto(server.base + path)
        expect(p.locator("#live-status")).to_have_text("Live")
        pages[name] = p
    week = b.context.new_page()
    week.goto(f"{server.base}/grid?date={day}")
    week.locator(".court-head a").first.click()
    expect(week.locator("#live-status")).to_have_text("Live")
    pages["week"] = week
    for p in pages.values():
        p.evaluate("window.notReloaded = true")

    # A new member shows in the list; a second booking in the week; the first one checked in
    # shows on its page; the till opened elsewhere shows on the cash desk.
    add_member(a, server, "Boris Petrov", "")
    seen_at_once("member list", lambda ms: expect(pages["members"].locator("#member-rows")).to_contain_text("Boris Petrov", timeout=ms))
    a.goto(f"{server.base}/bookings/new?date={day}&start=12:00")
    pick_member(a, "#booker", "bori", "Boris Petrov")
    a.click("main button[type=submit]")
    seen_at_once("week", lambda ms: expect(pages["week"].locator("#week")).to_contain_text("Boris Petrov", timeout=ms))
    a.goto(booking_url)
    a.fill("input[name=reason]", "Rain")
    a.once("dialog", lambda d: d.accept())
    a.click("form[action$='/cancel'] button")
    seen_at_once("booking page", lambda ms: expect(pages["booking"].locator(".status-badge")).to_have_text("Cancelled", timeout=ms))
    a.goto(server.base + "/cash")
    a.fill("#float", "2500")
    a.click("form[action='/cash/open'] button")
    seen_at_once("cash desk", lambda ms: expect(pages["cash"].locator("#counted")).to_be_visible(timeout=ms))
    for name, p in pages.items():
        assert p.evaluate("window.notReloaded"), f"the {name} page reloaded"
