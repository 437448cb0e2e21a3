"""Courts, members, the booking grid and a season series, clicked through as staff would."""

import datetime as dt

from playwright.sync_api import expect

from conftest import shot
from test_foundation import log_in, log_out, setup_owner


def next_slot():
    """The half-hour slot we are in now (the server uses this machine's zone), so that after a
    move of half an hour the booking still starts within the hour and can be checked in. Late
    in the evening it is 22:00 instead: a booking ends by midnight, and the moved 90-minute one
    must still fit (a booking that has started can be checked in)."""
    now = dt.datetime.now()
    slot = now.replace(second=0, microsecond=0, minute=0 if now.minute < 30 else 30)
    return min(slot, now.replace(hour=22, minute=0, second=0, microsecond=0))


def open_all_day(page, server):
    """Opening hours 00:00–24:00 every day, so the test works at any hour."""
    page.goto(server.base + "/courts/schedule")
    for i in range(7):
        page.check(f"input[name='open[{i}]']")
        page.fill(f"input[name='opens[{i}]']", "00:00")
        page.fill(f"input[name='closes[{i}]']", "24:00")
    page.click("form[action='/courts/schedule/hours'] button")
    assert page.locator(".flash").inner_text() == "Opening hours saved."


def add_courts(page, server, count):
    for _ in range(count):
        page.goto(server.base + "/courts/new")
        page.click("main button[type=submit]")
    assert page.locator("table tbody tr").count() == count


def add_member(page, server, name, phone):
    page.goto(server.base + "/members/new")
    page.fill("#full_name", name)
    page.fill("#phone", phone)
    page.click("main button[type=submit]")
    assert name in page.locator("h1").inner_text()


def pick_member(page, selector, typed, name):
    page.fill(selector, typed)
    option = page.locator(".suggestions li", has_text=name).first
    option.click()
    assert page.input_value(selector) == name


DESK = {
    "en": {
        "booked": "Booked.",
        "changed": "Booking changed.",
        "edit": "Change booking",
        "check_in": "Check in",
        "checked_in": "Checked in",
        "cancelled": "Cancelled",
        "check_dates": "Check the dates",
        "conflicts": "1 date cannot be booked",
        "taken": "taken 19:00–20:00 by",
        "create_series": "Create the series",
        "series_created": "Series created.",
        "anna": ("Anna Smith", "Anna"),
        "boris": ("Boris Petrov", "Boris"),
    },
    "ru": {
        "booked": "Забронировано.",
        "changed": "Бронь изменена.",
        "edit": "Изменить бронь",
        "check_in": "Отметить приход",
        "checked_in": "Пришёл",
        "cancelled": "Отменено",
        "check_dates": "Проверить даты",
        "conflicts": "1 дату нельзя забронировать",
        "taken": "занят 19:00–20:00:",
        "create_series": "Создать постоянную бронь",
        "series_created": "Постоянная бронь создана.",
        "anna": ("Смирнова Анна", "смир"),
        "boris": ("Петров Борис", "петр"),
    },
}


def desk_day(page, server, lang):
    """A receptionist's first day, in `lang`: courts, members, book, move, extend, check in,
    cancel, and a season series with a conflict."""
    t = DESK[lang]
    (anna, anna_typed), (boris, boris_typed) = t["anna"], t["boris"]
    setup_owner(page, server)
    page.goto(server.base + "/settings")
    page.fill("#phone_region", "RU")
    page.click("main button[type=submit]")
    open_all_day(page, server)
    page.goto(server.base + "/staff/new")
    page.fill("#display_name", "Rita Reception")
    page.fill("#username", "rita")
    page.fill("#password", "rita first pass")
    page.fill("#confirm", "rita first pass")
    page.click("main button[type=submit]")
    log_out(page)
    log_in(page, "rita", "rita first pass")
    page.fill("#current", "rita first pass")
    page.fill("#password", "rita own password")
    page.fill("#confirm", "rita own password")
    page.click("form[action='/profile/password'] button")
    page.wait_for_url(server.base + "/")
    if lang == "ru":
        page.goto(server.base + "/profile")
        page.select_option("#locale", "ru")
        page.click("form[action='/profile/language'] button")

    # The receptionist sets up the club's eight courts from the Courts menu.
    page.click("nav.mainnav a[href='/courts']")
    add_courts(page, server, 8)

    # Members: add two, then find one by typing part of the phone.
    add_member(page, server, anna, "8 916 123-45-67")
    add_member(page, server, boris, "+7 903 765-43-21")
    page.goto(server.base + "/members")
    page.fill("#q", "7654")
    expect(page.locator("#member-rows tr")).to_have_count(1)
    assert boris in page.locator("#member-rows").inner_text()
    shot(page, f"10-member-search-{lang}")

    # Book: click the free slot on the third court at the current half hour, pick the member.
    start = next_slot()
    day, hhmm = start.date().isoformat(), start.strftime("%H:%M")
    page.goto(f"{server.base}/grid?date={day}")
    page.locator(f"a.cell[data-col='3'][data-start='{hhmm}']").click()
    assert page.input_value("#start") == hhmm
    pick_member(page, "#booker", anna_typed, anna)
    page.fill("input[name=player] >> nth=0", "Guest Bob")
    page.click("main button[type=submit]")
    assert page.locator(".flash").inner_text() == t["booked"]
    block = page.locator("a.booking", has_text=anna)
    assert block.count() == 1
    shot(page, f"11-grid-booked-{lang}")

    # Move it half an hour later and make it 90 minutes long.
    block.click()
    page.click(f"text={t['edit']}")
    later = start + dt.timedelta(minutes=30)
    page.select_option("#start", later.strftime("%H:%M"))
    page.select_option("#minutes", "90")
    page.click("main button[type=submit]")
    assert page.locator(".flash").inner_text() == t["changed"]

    # Check in, then book Boris on another day and cancel that one with a reason.
    page.locator("a.booking", has_text=anna).click()
    page.click(f"text={t['check_in']}")
    assert page.locator(".status-badge").inner_text() == t["checked_in"]
    shot(page, f"12-checked-in-{lang}")

    page.goto(f"{server.base}/bookings/new?date=2026-12-08&start=19:00")
    pick_member(page, "#booker", boris_typed, boris)
    page.click("main button[type=submit]")
    page.locator("a.booking", has_text=boris).click()
    page.fill("input[name=reason]", "Weather")
    page.once("dialog", lambda d: d.accept())
    page.click("form[action$='/cancel'] button")
    assert page.locator(".status-badge").inner_text() == t["cancelled"]

    # A new blocker on 15 December, then a season series with a conflict on that date.
    page.goto(f"{server.base}/bookings/new?date=2026-12-15&start=19:00")
    pick_member(page, "#booker", boris_typed, boris)
    page.click("main button[type=submit]")
    page.goto(f"{server.base}/series/new?date=2026-12-01&start=19:00")
    page.fill("#last_day", "2026-12-29")
    pick_member(page, "#booker", anna_typed, anna)
    page.click(f"text={t['check_dates']}")
    assert t["conflicts"] in page.locator(".notice").inner_text()
    conflict = page.locator("li.conflict").inner_text()
    assert t["taken"] in conflict and boris in conflict, conflict
    shot(page, f"13-series-preview-{lang}")
    page.click(f"text={t['create_series']}")
    assert page.locator(".flash").inner_text() == t["series_created"]
    assert page.locator("ul.plain li").count() == 4
    shot(page, f"14-series-{lang}")


def test_a_day_at_the_desk(page, server):
    desk_day(page, server, "en")


def test_a_day_at_the_desk_in_russian(page, server):
    desk_day(page, server, "ru")


def test_the_grid_in_russian(page, server):
    setup_owner(page, server)
    add_courts(page, server, 2)
    open_all_day(page, server)
    page.goto(server.base + "/profile")
    page.select_option("#locale", "ru")
    page.click("form[action='/profile/language'] button")
    page.goto(server.base + "/members/new")
    page.fill("#full_name", "Фёдоров Иван")
    page.click("main button[type=submit]")
    page.goto(server.base + "/grid?date=2026-12-01")
    assert "Вторник" in page.locator("h1").inner_text()
    assert page.locator(".court-head").count() == 2
    page.locator("a.cell[data-col='1'][data-start='18:00']").click()
    pick_member(page, "#booker", "федор", "Фёдоров Иван")
    page.click("main button[type=submit]")
    assert page.locator(".flash").inner_text() == "Забронировано."
    page.locator("a.booking", has_text="Фёдоров Иван").click()
    assert page.locator(".status-badge").inner_text() == "Забронировано"
    assert page.locator("text=Отменить бронь").count() >= 1
    page.goto(server.base + "/grid?date=2026-12-01")
    shot(page, "15-grid-ru")
