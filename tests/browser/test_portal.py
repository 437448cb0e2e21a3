"""The player portal on a phone (390x844), in English and Russian: a member signs in with the
code the (fake) SMS provider received, books a free evening, finds it in "my bookings" and on the
receptionist's grid, cancels a booking late and sees the fee first, waits for a taken time and
books it through the SMS offer when the desk cancels it; a stranger signs up as a guest, books
and keeps a password."""

import datetime as dt
import re
import time

import pytest
from playwright.sync_api import expect

from conftest import shot, start_server
from test_club_core import add_courts, add_member, next_slot
from test_money import add_price, open_all_day_any
from test_sms import FakeSmsRu, fake_smsru  # noqa: F401 (a fixture)
from test_traps import set_up_in

PHONE = {"width": 390, "height": 844}

TEXTS = {
    "en": {
        "locale": "en-GB",
        "signed_in": "You are signed in.",
        "hello": "Hello, Anna Smith",
        "booked": "Booked:",
        "late": "It is late to cancel:",
        "cancelled": "Your booking is cancelled.",
        "taken": "taken",
        "waiting": "You are on the waiting list.",
        "offer": "It is free for you",
        "reason": "Ill",
        "hello_guest": "Hello, Vera Guest",
        "password_saved": "The password is saved. Other devices were signed out.",
    },
    "ru": {
        "locale": "ru-RU",
        "signed_in": "Вы вошли.",
        "hello": "Здравствуйте, Anna Smith",
        "booked": "Забронировано:",
        "late": "Отмена поздняя:",
        "cancelled": "Бронирование отменено.",
        "taken": "занято",
        "waiting": "Вы в листе ожидания.",
        "offer": "Время свободно для вас",
        "reason": "Болезнь",
        "hello_guest": "Здравствуйте, Vera Guest",
        "password_saved": "Пароль сохранён. На других устройствах выполнен выход.",
    },
}


def sms_to(digits, since):
    """The newest text sent to `digits` after the first `since` sends, waiting for the sender."""
    for _ in range(40):
        texts = [text for _, to, text in FakeSmsRu.sent[since:] if to == digits]
        if texts:
            return texts[-1]
        time.sleep(0.25)
    raise AssertionError(f"no SMS to {digits}: {FakeSmsRu.sent}")


def club(page, server, lang, fake):
    """Set up in `lang`: one court open all day at 1 000 an hour, half the price for a late
    cancellation, SMS through the fake provider, the portal open, Anna and Boris."""
    set_up_in(page, server, lang)
    open_all_day_any(page, server)
    add_courts(page, server, 1)
    add_price(page, server, "All day", "1000")
    page.fill("#late_cancel_pct", "50")
    page.click("form[action='/prices/policy'] button")
    page.goto(server.base + "/sms/settings")
    page.select_option("#kind", "smsru")
    page.fill("#base_url", fake)
    page.fill("#secret", "test-key")
    page.click("form[action='/sms/settings/provider'] button")
    page.goto(server.base + "/settings/portal")
    for name in ["enabled", "booking", "cancelling", "waitlist"]:
        page.check(f"input[name={name}]")
    page.fill("#address", server.base)
    page.click("main form button[type=submit]")
    add_member(page, server, "Anna Smith", "+7 900 000-00-02")
    add_member(page, server, "Boris Petrov", "+7 900 000-00-05")


def sign_in(player, server, t):
    since = len(FakeSmsRu.sent)
    player.goto(server.base + "/p/")
    player.fill("#phone", "+7 900 000-00-02")
    player.click("main button[type=submit]")
    code = re.search(r"\b(\d{6})\b", sms_to("79000000002", since)).group(1)
    player.fill("#code", code)
    player.click("main button[type=submit]")
    expect(player.locator(".flash")).to_have_text(t["signed_in"])
    expect(player.locator("h1")).to_have_text(t["hello"])


def book_on_portal(player, server, when, t):
    player.goto(f"{server.base}/p/book?date={when.date().isoformat()}")
    player.locator(f"a.start[href$='start={when.strftime('%H:%M')}']").click()
    player.click("#book")
    expect(player.locator(".flash")).to_contain_text(t["booked"])


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_member_books_cancels_and_takes_an_offer_on_a_phone(browser, fake_smsru, lang):  # noqa: F811
    t = TEXTS[lang]
    server = start_server()
    try:
        desk = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        club(desk, server, lang, fake_smsru)
        phone = browser.new_context(viewport=PHONE, locale=t["locale"], is_mobile=True, has_touch=True)
        player = phone.new_page()
        player.set_default_timeout(10_000)
        sign_in(player, server, t)
        width = player.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"
        shot(player, f"portal-home-{lang}")

        # A free evening tomorrow: booked, in "my bookings" and on the desk's grid.
        evening = (dt.datetime.now() + dt.timedelta(days=1)).replace(hour=19, minute=0, second=0, microsecond=0)
        book_on_portal(player, server, evening, t)
        expect(player.locator(".bookings")).to_contain_text("19:00–20:00")
        shot(player, f"portal-booked-{lang}")
        desk.goto(f"{server.base}/grid?date={evening.date().isoformat()}")
        expect(desk.locator("a.booking", has_text="Anna Smith")).to_be_visible()

        # Two hours from now is inside the club's 24 hours: the fee is shown before confirming.
        soon = next_slot() + dt.timedelta(hours=2)
        book_on_portal(player, server, soon, t)
        player.goto(server.base + "/p/")
        player.locator(".bookings li", has_text=soon.strftime("%H:%M")).locator("a").click()
        expect(player.locator("#cancel-fee")).to_contain_text(t["late"])
        shot(player, f"portal-late-cancel-{lang}")
        player.click("#cancel-confirm")
        expect(player.locator(".flash")).to_have_text(t["cancelled"])

        # Boris holds the day after tomorrow at 18:00; Anna waits for it.
        later = (dt.datetime.now() + dt.timedelta(days=2)).replace(hour=18, minute=0, second=0, microsecond=0)
        day = later.date().isoformat()
        desk.goto(f"{server.base}/bookings/new?date={day}&start=18:00")
        desk.fill("#booker", "Boris")
        desk.locator(".suggestions li", has_text="Boris Petrov").first.click()
        desk.click("main button[type=submit]")
        player.goto(f"{server.base}/p/book?date={day}")
        taken = player.locator(".taken li", has_text="18:00–19:00")
        expect(taken).to_contain_text(t["taken"])
        expect(player.locator("main")).not_to_contain_text("Boris")
        taken.locator("a").click()
        player.click("#wait-confirm")
        expect(player.locator(".flash")).to_contain_text(t["waiting"])
        expect(player.locator("#waits")).to_contain_text("18:00–19:00")

        # The desk cancels Boris's booking: Anna's phone gets the offer with a link.
        since = len(FakeSmsRu.sent)
        desk.goto(f"{server.base}/grid?date={day}")
        desk.locator("a.booking", has_text="Boris Petrov").click()
        expect(desk.locator("#waiting")).to_contain_text("Anna Smith")
        desk.fill("input[name=reason]", t["reason"])
        desk.once("dialog", lambda d: d.accept())
        desk.click("form[action$='/cancel'] button")
        offer = sms_to("79000000002", since)
        link = re.search(r"(http://\S+/p/waitlist/\S+)", offer).group(1)
        player.goto(link)
        expect(player.locator("h1")).to_have_text(t["offer"])
        shot(player, f"portal-offer-{lang}")
        player.click("#offer-book")
        expect(player.locator(".flash")).to_contain_text(t["booked"])
        expect(player.locator(".bookings")).to_contain_text("18:00–19:00")
        desk.goto(f"{server.base}/grid?date={day}")
        expect(desk.locator("a.booking", has_text="Anna Smith")).to_be_visible()
        phone.close()
    finally:
        server.process.kill()
        server.process.wait()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_guest_signs_up_books_and_keeps_a_password_on_a_phone(browser, fake_smsru, lang):  # noqa: F811
    """With guests and passwords let in: a stranger's number gets a code, the code and a name
    make them a guest who books; they set a password and sign in with it next time."""
    t = TEXTS[lang]
    server = start_server()
    try:
        desk = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        club(desk, server, lang, fake_smsru)
        desk.goto(server.base + "/settings/portal")
        desk.check("input[name=guests]")
        desk.check("input[name=passwords]")
        desk.click("main form button[type=submit]")
        phone = browser.new_context(viewport=PHONE, locale=t["locale"], is_mobile=True, has_touch=True)
        player = phone.new_page()
        player.set_default_timeout(10_000)

        since = len(FakeSmsRu.sent)
        player.goto(server.base + "/p/")
        player.fill("#phone", "+7 900 000-00-09")
        player.click("main button[type=submit]")
        code = re.search(r"\b(\d{6})\b", sms_to("79000000009", since)).group(1)
        player.fill("#code", code)
        player.fill("#name", "Vera Guest")
        width = player.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"
        shot(player, f"portal-guest-code-{lang}")
        player.click("main button[type=submit]")
        expect(player.locator("h1")).to_have_text(t["hello_guest"])
        evening = (dt.datetime.now() + dt.timedelta(days=1)).replace(hour=20, minute=0, second=0, microsecond=0)
        book_on_portal(player, server, evening, t)
        desk.goto(f"{server.base}/grid?date={evening.date().isoformat()}")
        expect(desk.locator("a.booking", has_text="Vera Guest")).to_be_visible()

        player.goto(server.base + "/p/account")
        player.click("#password-link")
        player.fill("#password", "backhand-down-the-line")
        player.fill("#repeat", "backhand-down-the-line")
        player.click("main button.primary")
        expect(player.locator(".flash")).to_have_text(t["password_saved"])
        player.click("nav.tabs button")
        player.fill("#pw-phone", "+7 900 000-00-09")
        player.fill("#password", "backhand-down-the-line")
        player.click("#with-password button[type=submit]")
        expect(player.locator("h1")).to_have_text(t["hello_guest"])
        phone.close()
    finally:
        server.process.kill()
        server.process.wait()
