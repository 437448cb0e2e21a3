"""Courts, members, the booking grid and a season series, clicked through as staff would."""

import datetime as dt

from playwright.sync_api import expect

from conftest import shot
from test_foundation import log_in, log_out, setup_owner


def next_slot():
    """The half-hour slot we are in now (the server uses this machine's zone), so that after a
    move of half an hour the booking still starts within the hour and can be checked in."""
    now = dt.datetime.now()
    return now.replace(second=0, microsecond=0, minute=0 if now.minute < 30 else 30)


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


def test_a_day_at_the_desk(page, server):
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

    # The receptionist sets up the club's eight courts from the Courts menu.
    page.click("nav.mainnav >> text=Courts")
    add_courts(page, server, 8)

    # Members: add two, then find one by typing part of the phone.
    add_member(page, server, "Anna Smith", "8 916 123-45-67")
    add_member(page, server, "Boris Petrov", "+7 903 765-43-21")
    page.goto(server.base + "/members")
    page.fill("#q", "7654")
    expect(page.locator("#member-rows tr")).to_have_count(1)
    assert "Boris Petrov" in page.locator("#member-rows").inner_text()
    shot(page, "10-member-search")

    # Book: click the free slot on Hall 3 / Court 3 at the next half hour, pick the member.
    start = next_slot()
    day, hhmm = start.date().isoformat(), start.strftime("%H:%M")
    page.goto(f"{server.base}/grid?date={day}")
    page.locator(f"a.cell[data-col='3'][data-start='{hhmm}']").click()
    assert page.input_value("#start") == hhmm
    pick_member(page, "#booker", "Anna", "Anna Smith")
    page.fill("input[name=player] >> nth=0", "Guest Bob")
    page.click("main button[type=submit]")
    assert page.locator(".flash").inner_text() == "Booked."
    block = page.locator("a.booking", has_text="Anna Smith")
    assert block.count() == 1
    shot(page, "11-grid-booked")

    # Move it half an hour later and make it 90 minutes long.
    block.click()
    page.click("text=Change booking")
    later = (start + dt.timedelta(minutes=30))
    if later.date() == start.date():
        page.select_option("#start", later.strftime("%H:%M"))
    page.select_option("#minutes", "90")
    page.click("main button[type=submit]")
    assert page.locator(".flash").inner_text() == "Booking changed."

    # Check in, then book Boris right after and cancel that one with a reason.
    page.locator("a.booking", has_text="Anna Smith").click()
    page.click("text=Check in")
    assert page.locator(".status-badge").inner_text() == "Checked in"
    shot(page, "12-checked-in")

    page.goto(f"{server.base}/bookings/new?date=2026-12-08&start=19:00")
    pick_member(page, "#booker", "Boris", "Boris Petrov")
    page.click("main button[type=submit]")
    page.locator("a.booking", has_text="Boris Petrov").click()
    page.fill("input[name=reason]", "Weather")
    page.once("dialog", lambda d: d.accept())
    page.click("form[action$='/cancel'] button")
    assert page.locator(".status-badge").inner_text() == "Cancelled"

    # A new blocker on 15 December, then a season series with a conflict on that date.
    page.goto(f"{server.base}/bookings/new?date=2026-12-15&start=19:00")
    pick_member(page, "#booker", "Boris", "Boris Petrov")
    page.click("main button[type=submit]")
    page.goto(f"{server.base}/series/new?date=2026-12-01&start=19:00")
    page.fill("#last_day", "2026-12-29")
    pick_member(page, "#booker", "Anna", "Anna Smith")
    page.click("text=Check the dates")
    assert "1 date cannot be booked" in page.locator(".notice").inner_text()
    assert "taken 19:00–20:00 by Boris Petrov" in page.locator("li.conflict").inner_text()
    shot(page, "13-series-preview")
    page.click("text=Create the series")
    assert page.locator(".flash").inner_text() == "Series created."
    assert page.locator("ul.plain li").count() == 4
    shot(page, "14-series")


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
