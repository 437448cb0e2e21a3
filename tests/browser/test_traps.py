"""The traps a new club's receptionist fell into, walked in English and Russian: the club's
time zone asked at setup and kept for existing bookings when corrected, a late cancellation of
a paid booking that says what happens to the money first."""

import pytest
from playwright.sync_api import expect

from conftest import shot
from test_club_core import add_courts, add_member, next_slot, pick_member
from test_money import add_price, open_all_day_any

TEXTS = {
    "en": {
        "confirm": "Please confirm",
        "keeps": "1 booking from today on keeps its time.",
        "saved": "Settings saved.",
        "late": "Late cancellation",
        "fee": "a fee of",
        "back": "give it back now, the cash from the till",
        "given": "given back",
        "kept": "kept as the fee",
        "cash": "Cash",
        "elsewhere": "Anna Smith is already booked on Court 1",
        "anyway": "Book anyway",
    },
    "ru": {
        "confirm": "Подтвердите изменение",
        "keeps": "1 бронирование начиная с сегодняшнего дня сохранит своё время.",
        "saved": "Настройки сохранены.",
        "late": "Поздняя отмена",
        "fee": "штраф",
        "back": "вернуть сейчас наличными из кассы",
        "given": "возвращено",
        "kept": "удержано как штраф",
        "cash": "Наличные",
        "elsewhere": "Anna Smith уже записан(а) на Корт 1",
        "anyway": "Всё равно забронировать",
    },
}


def set_up_in(page, server, lang, zone=None):
    """The first-run setup, read in `lang`; the club's zone typed as `zone` when given."""
    page.goto(server.setup_url())
    if lang == "ru":
        page.click(".lang-switch >> text=Русский")
    page.fill("#display_name", "Olga Owner")
    page.fill("#username", "olga")
    page.fill("#password", "owner password 1")
    page.fill("#confirm", "owner password 1")
    page.select_option("#locale", lang)
    if zone:
        page.fill("#time_zone", zone)
    page.click("main button[type=submit]")
    page.wait_for_url(server.base + "/")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_setup_suggests_the_desks_zone_and_a_correction_keeps_booking_times(browser, server, lang):
    t = TEXTS[lang]
    # The desk's browser is in Moscow while the server only knows UTC.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, timezone_id="Europe/Moscow")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(server.setup_url())
    expect(page.locator("#time_zone")).to_have_value("Europe/Moscow")
    shot(page, f"setup-club-{lang}")
    # The owner overrides it with UTC, the old mistake, and books 19:00 on 10 December.
    set_up_in(page, server, lang, zone="UTC")
    open_all_day_any(page, server)
    add_courts(page, server, 1)
    add_member(page, server, "Anna Smith", "")
    page.goto(f"{server.base}/bookings/new?date=2026-12-10&start=19:00")
    pick_member(page, "#booker", "anna", "Anna Smith")
    page.click("main button[type=submit]")
    page.locator("a.booking", has_text="Anna Smith").click()
    booking_url = page.url
    assert "19:00" in page.locator("h1").inner_text()

    # Correcting the zone asks first, and says the booking keeps its time.
    page.goto(server.base + "/settings")
    page.fill("#time_zone", "Europe/Moscow")
    page.click("main button[type=submit]")
    expect(page.locator(".confirm-panel")).to_contain_text(t["confirm"])
    expect(page.locator(".confirm-panel")).to_contain_text(t["keeps"])
    shot(page, f"settings-zone-confirm-{lang}")
    page.click("main button.primary")
    expect(page.locator(".flash")).to_have_text(t["saved"])
    page.goto(booking_url)
    heading = page.locator("h1").inner_text()
    assert "19:00" in heading and "22:00" not in heading, heading
    context.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_late_cancellation_of_a_paid_booking_shows_the_money_first(page, server, lang):
    t = TEXTS[lang]
    set_up_in(page, server, lang)
    open_all_day_any(page, server)
    add_courts(page, server, 1)
    add_price(page, server, "All day", "1000")
    page.fill("#late_cancel_pct", "50")
    page.click("form[action='/prices/policy'] button")
    add_member(page, server, "Anna Smith", "")
    page.goto(server.base + "/cash")
    page.fill("#float", "0")
    page.click("form[action='/cash/open'] button")

    # The slot we are in now: cancelling it is late.
    start = next_slot()
    page.goto(f"{server.base}/bookings/new?date={start.date().isoformat()}&start={start.strftime('%H:%M')}")
    pick_member(page, "#booker", "anna", "Anna Smith")
    page.click("main button[type=submit]")
    page.locator("a.booking", has_text="Anna Smith").click()
    booking_url = page.url
    page.select_option(".pay-form select[name=method]", "cash")
    page.click(".pay-form button")

    page.fill("input[name=reason]", "Ill")
    page.click("form[action$='/cancel'] button")
    expect(page.locator("#cancel-fee")).to_contain_text(t["late"])
    expect(page.locator("#cancel-fee")).to_contain_text(t["fee"])
    page.check("input[name=money][value=back]")
    expect(page.locator("label", has_text=t["back"])).to_be_visible()
    shot(page, f"late-cancel-confirmation-{lang}")
    page.click("#cancel-confirm")
    page.wait_for_url(booking_url)
    money = page.locator("#payments").inner_text()
    assert t["given"] in money and t["kept"] in money, money
    assert t["cash"] in money


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_time_fields_keep_the_evening_on_a_12_hour_browser(browser, server, lang):
    """A US-English browser shows time inputs in its 12-hour form, where a narrow field cut off
    the PM and 19:00 read 07:00, whatever the page's language. The club's time fields are its
    own: 19:00, fully shown."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    set_up_in(page, server, lang)
    page.goto(server.base + "/prices")
    page.fill("#lights_from", "7:00 PM")
    page.fill("#late_cancel_pct", "0")
    page.click("form[action='/prices/policy'] button")
    page.goto(server.base + "/prices")
    field = page.locator("#lights_from")
    expect(field).to_have_value("19:00")
    assert field.evaluate("e => e.scrollWidth <= e.clientWidth"), "the whole time is visible"
    add_price(page, server, "Evening", "1500", start="7:30 pm", end="22:00")
    expect(page.locator("table")).to_contain_text("19:30")
    shot(page, f"prices-12-hour-browser-{lang}")
    context.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_same_member_on_two_courts_at_once_is_a_warning(page, server, lang):
    t = TEXTS[lang]
    set_up_in(page, server, lang)
    open_all_day_any(page, server)
    add_courts(page, server, 2)
    add_member(page, server, "Anna Smith", "")
    for court in (1, 2):
        page.goto(f"{server.base}/bookings/new?date=2026-12-10&start=18:00")
        page.select_option("#court_id", index=court - 1)
        pick_member(page, "#booker", "anna", "Anna Smith")
        page.click("main button[type=submit]")
    expect(page.locator("#warnings")).to_contain_text(t["elsewhere"])
    shot(page, f"booking-elsewhere-{lang}")
    page.locator("main button.primary", has_text=t["anyway"]).click()
    expect(page.locator("a.booking", has_text="Anna Smith")).to_have_count(2)
