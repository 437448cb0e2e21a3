"""The home page is the desk's "today": courts now and next, who arrives within the hour,
what is not paid and the till — each with its action — in English and Russian."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from conftest import shot
from test_club_core import add_courts, add_member, next_slot, pick_member
from test_money import add_price, open_all_day_any
from test_traps import set_up_in

TEXTS = {
    "en": {"free": "free", "book": "Book now", "check_in": "Check in", "closed": "The till is closed", "pay": "Take payment",
           "to_pay": "left to pay", "no_show": "No-show"},
    "ru": {"free": "свободен", "book": "Забронировать", "check_in": "Отметить приход", "closed": "Касса закрыта", "pay": "Принять оплату",
           "to_pay": "К оплате осталось", "no_show": "Не пришёл"},
}


def anna_books_the_next_slot(page, server, lang):
    """A club with two courts open all day at 1000 an hour, and Anna Smith booked next."""
    set_up_in(page, server, lang)
    open_all_day_any(page, server)
    add_courts(page, server, 2)
    add_price(page, server, "All day", "1000")
    add_member(page, server, "Anna Smith", "")
    start = next_slot()
    page.goto(f"{server.base}/bookings/new?date={start.date().isoformat()}&start={start.strftime('%H:%M')}")
    pick_member(page, "#booker", "anna", "Anna Smith")
    page.click("main button[type=submit]")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_today_shows_the_desk_what_to_do_now(page, server, lang):
    t = TEXTS[lang]
    anna_books_the_next_slot(page, server, lang)

    page.goto(server.base + "/")
    rows = page.locator("#courts-now tbody tr")
    expect(rows.nth(0)).to_contain_text("Anna Smith")
    expect(rows.nth(1)).to_contain_text(t["free"])
    expect(rows.nth(1).locator("a.button")).to_have_text(t["book"])
    expect(page.locator("#arrivals")).to_contain_text("Anna Smith")
    expect(page.locator("#unpaid")).to_contain_text("Anna Smith")
    expect(page.locator("#unpaid a")).to_have_text(t["pay"])
    expect(page.locator("#till")).to_contain_text(t["closed"])
    shot(page, f"today-{lang}")

    # Each block leads to its action: check in from the arrivals — unpaid, so straight on to
    # the payment form — and book the free court.
    page.locator("#arrivals button", has_text=t["check_in"]).click()
    expect(page.locator(".flash")).to_contain_text(t["to_pay"])
    expect(page.locator(".pay-form")).to_be_visible()
    page.goto(server.base + "/")
    expect(page.locator("#arrivals")).not_to_contain_text("Anna Smith")
    page.locator("#courts-now a.button").first.click()
    expect(page.locator("#court_id option:checked")).to_contain_text("2")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_check_in_and_no_show_appear_only_when_they_apply(page, server, lang):
    t = TEXTS[lang]
    set_up_in(page, server, lang)
    open_all_day_any(page, server)
    add_courts(page, server, 1)
    add_member(page, server, "Anna Smith", "")
    soon = next_slot() + dt.timedelta(minutes=30)
    # Not one about to start: the page must be read before it does (the no-show button comes then).
    if soon - dt.datetime.now() < dt.timedelta(minutes=5):
        soon += dt.timedelta(minutes=30)
    for day, start in (("2030-06-01", "10:00"), (soon.date().isoformat(), soon.strftime("%H:%M"))):
        page.goto(f"{server.base}/bookings/new?date={day}&start={start}")
        pick_member(page, "#booker", "anna", "Anna Smith")
        page.click("main button[type=submit]")
    # Years ahead: neither applies.
    page.goto(f"{server.base}/grid?date=2030-06-01")
    page.locator("a.booking", has_text="Anna Smith").click()
    expect(page.locator("form[action$='/attendance'] button")).to_have_count(0)
    # Starting within the hour: check-in, but no no-show before the start.
    page.goto(f"{server.base}/grid?date={soon.date().isoformat()}")
    page.locator("a.booking", has_text="Anna Smith").click()
    actions = page.locator("form[action$='/attendance'] button")
    expect(actions.filter(has_text=t["check_in"])).to_have_count(1)
    expect(actions.filter(has_text=t["no_show"])).to_have_count(0)
    actions.filter(has_text=t["check_in"]).click()
    expect(page.locator("form[action$='/attendance'] button", has_text=t["check_in"])).to_have_count(0)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_on_a_phone_the_lists_keep_every_column(browser, server, lang):
    """A table wider than a phone scrolls inside itself: the arriving player's name stays on
    screen, and the page itself does not slide sideways."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    anna_books_the_next_slot(page, server, lang)
    page.goto(server.base + "/")
    expect(page.locator("#arrivals").get_by_text("Anna Smith")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(server.base + "/courts/new")
    crumb = page.locator(".crumbs a").first
    assert crumb.evaluate("e => e.getBoundingClientRect().height") >= 32, "a finger can hit the way back"
    shot(page, f"phone-today-{lang}")
    context.close()
