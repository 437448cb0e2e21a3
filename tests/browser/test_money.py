"""Money at the desk, clicked through as staff would: prices, a 10-visit pass sold and booked
with, a guest's cash payment, a refund, a late cancellation fee and the end-of-day Z report."""

import datetime as dt

from playwright.sync_api import expect

from conftest import shot
from test_club_core import add_courts, add_member, next_slot, pick_member
from test_foundation import setup_owner


def add_price(page, server, name, per_hour, start="00:00", end="24:00", weekdays=(), priority="0"):
    page.goto(server.base + "/prices/new")
    page.fill("#name", name)
    page.fill("#per_hour", per_hour)
    page.fill("#from", start)
    page.fill("#to", end)
    for day in weekdays:
        page.check(f"input[name=weekday][value='{day}']")
    page.fill("#priority", priority)
    page.click("main button[type=submit]")


def add_visit_pass(page, server, name, visits, price):
    """A visit pack through the Passes menu."""
    page.goto(server.base + "/passes")
    page.click("a[href='/passes/products/new']")
    page.fill("#name", name)
    page.select_option("#kind", "visits")
    page.fill("#quantity", visits)
    page.fill("#price", price)
    page.click("main button[type=submit]")
    assert name in page.locator("table").inner_text()


def sell_pass(page, member_url, method="cash"):
    """Sells the first product on sale from the member's card; returns the passes page text."""
    page.goto(member_url)
    page.click("main a[href$='/passes']")
    page.select_option("#method", method)
    page.click("form[action$='/passes'] button[type=submit]")
    return page.locator("main").inner_text()


def book_with_pass(page, server, day, start, typed, name):
    """A booking whose pass choice appears once the booker is picked."""
    page.goto(f"{server.base}/bookings/new?date={day}&start={start}")
    pick_member(page, "#booker", typed, name)
    expect(page.locator(".pass-pick")).to_be_visible()
    page.select_option("#pass_id", index=1)
    page.click("main button[type=submit]")


TEXTS = {
    "en": {
        "saved": "Money rules saved.",
        "full": "10 of 10 visits left",
        "used": "9 of 10 visits left",
        "price": "Price:",
        "guests": "guest fees",
        "taken": "Payment taken.",
        "refunded": "Refund made.",
        "fee": "A fee of",
        "late": "Late cancellation",
        "z": "Z report (closed shift)",
        "passes": "Passes",
        "expected": "9,000.00",
    },
    "ru": {
        "saved": "Денежные правила сохранены.",
        "full": "осталось 10 из 10 посещ.",
        "used": "осталось 9 из 10 посещ.",
        "price": "Цена",
        "guests": "гост",
        "taken": "Оплата принята.",
        "refunded": "Возврат сделан.",
        "fee": "штраф",
        "late": "Поздняя отмена",
        "z": "Z-отчёт (закрытая смена)",
        "passes": "Абонементы",
        "expected": "9\u00a0000,00",
    },
}


def money_day(page, server, lang):
    """Prices with peak hours and floodlights, a 10-visit pass sold and booked with, a guest's
    cash payment refunded, a late cancellation fee and the Z report, in `lang`."""
    t = TEXTS[lang]
    setup_owner(page, server)
    if lang == "ru":
        page.goto(server.base + "/profile")
        page.select_option("#locale", "ru")
        page.click("form[action='/profile/language'] button")
    open_all_day_any(page, server)
    add_courts(page, server, 1)
    add_price(page, server, "Off-peak", "1000")
    add_price(page, server, "Peak", "1 600", "17:00", "22:00", weekdays=("1", "2", "3", "4", "5"), priority="1")
    assert "Peak" in page.locator("table").inner_text()
    page.fill("#lights_from", "18:00")
    page.fill("#lights_per_hour", "300")
    page.fill("#guest_fee", "500")
    page.fill("#late_cancel_pct", "50")
    page.click("form[action='/prices/policy'] button")
    assert page.locator(".flash").inner_text() == t["saved"]
    shot(page, f"20-prices-{lang}")
    name = "Anna Smith" if lang == "en" else "Фёдорова Анна"
    add_member(page, server, name, "")
    member_url = page.url

    # Cash needs an open shift: the desk opens one with 1000 in the till.
    page.goto(server.base + "/cash")
    page.fill("#float", "1000")
    page.click("form[action='/cash/open'] button")

    # A 10-visit pass, sold for cash, pays for a booking tomorrow.
    add_visit_pass(page, server, "10 visits", "10", "8000")
    assert t["full"] in sell_pass(page, member_url)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    book_with_pass(page, server, tomorrow, "10:00", name.split()[0][:4].lower(), name)
    assert page.locator("a.booking.pay-pass", has_text=name).count() == 1
    page.goto(member_url)
    assert t["used"] in page.locator("main").inner_text()
    shot(page, f"20b-pass-{lang}")

    # Book the current slot with a guest: the price line follows what is picked.
    start = next_slot()
    page.goto(f"{server.base}/bookings/new?date={start.date().isoformat()}&start={start.strftime('%H:%M')}")
    pick_member(page, "#booker", name.split()[0][:4].lower(), name)
    page.fill("input[name=player] >> nth=0", "Guest Bob")
    expect(page.locator("#quote")).to_contain_text(t["guests"])
    assert t["price"] in page.locator("#quote").inner_text()
    page.click("main button[type=submit]")
    page.locator("a.booking:not(.pay-pass)", has_text=name).click()
    booking_url = page.url

    # The guest's fee in cash.
    page.fill(".pay-form input[name=amount]", "500")
    page.select_option(".pay-form select[name=payer]", "")
    page.fill(".pay-form input[name=payer_name]", "Guest Bob")
    page.click(".pay-form button")
    assert page.locator(".flash").inner_text() == t["taken"]
    assert "Guest Bob" in page.locator("#payments").inner_text()
    shot(page, f"21-booking-paid-{lang}")

    # Refund it: Bob did not play after all.
    page.click("#payments details summary")
    page.fill("#payments details input[name=reason]", "Bob did not come")
    page.once("dialog", lambda d: d.accept())
    page.click("#payments details button")
    assert page.locator(".flash").inner_text() == t["refunded"]

    # Cancelling now is late: the desk first sees the fee, then half the price goes on the
    # member's account as a fee.
    page.fill("input[name=reason]", "Ill")
    page.click("form[action$='/cancel'] button")
    expect(page.locator("#cancel-fee")).to_contain_text(t["late"])
    page.click("#cancel-confirm")
    assert t["fee"] in page.locator("main").inner_text()
    page.goto(member_url)
    assert "−" in page.locator("a[href^='/accounts/']").inner_text()

    # Close the till: 1000 float + 8000 for the pass + 500 − 500 = 9000 expected; 8990 counted.
    page.goto(server.base + "/cash")
    page.fill("#counted", "8990")
    page.fill("#close-note", "Ten short")
    page.once("dialog", lambda d: d.accept())
    page.click("form[action='/cash/close'] button")
    assert page.locator("h1").inner_text() == t["z"]
    text = page.locator("main").inner_text()
    assert t["expected"] in text and t["passes"] in text, text
    assert "−" in page.locator("dl.facts").inner_text()
    shot(page, f"22-z-report-{lang}")


def test_a_day_of_money_at_the_desk(page, server):
    money_day(page, server, "en")


def test_the_same_day_in_russian(page, server):
    money_day(page, server, "ru")


def test_an_unpaid_booking_needs_an_open_till_for_cash_in_russian(page, server):
    setup_owner(page, server)
    page.goto(server.base + "/profile")
    page.select_option("#locale", "ru")
    page.click("form[action='/profile/language'] button")
    open_all_day_any(page, server)
    add_courts(page, server, 1)
    add_price(page, server, "Весь день", "1200")
    add_member(page, server, "Фёдоров Иван", "")
    page.goto(f"{server.base}/bookings/new?date=2026-12-01&start=18:00")
    pick_member(page, "#booker", "федор", "Фёдоров Иван")
    expect(page.locator("#quote")).to_contain_text("Цена")
    page.click("main button[type=submit]")
    page.locator("a.booking", has_text="Фёдоров Иван").click()
    booking_url = page.url
    page.click(".pay-form button")
    assert "Касса закрыта" in page.locator("main").inner_text()
    page.goto(server.base + "/cash")
    page.fill("#float", "0")
    page.click("form[action='/cash/open'] button")
    assert page.locator(".flash").inner_text() == "Смена открыта."
    page.goto(booking_url)
    page.click(".pay-form button")
    assert page.locator(".flash").inner_text() == "Оплата принята."
    assert "Оплачено" in page.locator("#payments").inner_text()
    page.goto(server.base + "/cash")
    assert "X-отчёт" in page.locator("main").inner_text()
    shot(page, "23-cash-ru")


def open_all_day_any(page, server):
    """Opening hours 00:00–24:00 every day, in whichever language the page is in."""
    page.goto(server.base + "/courts/schedule")
    for i in range(7):
        page.check(f"input[name='open[{i}]']")
        page.fill(f"input[name='opens[{i}]']", "00:00")
        page.fill(f"input[name='closes[{i}]']", "24:00")
    page.click("form[action='/courts/schedule/hours'] button")
