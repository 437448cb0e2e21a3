"""Coaches, in English and Russian: a manager gives a staff account a coach's profile, the desk
books a lesson with the coach and the grid shows it in the coach's colour; the coach signs in on
a phone (390x844), finds the lesson on their own week and marks that the player came, and the
month's coach pay report pays that lesson. A manager
makes a group with a weekly schedule, the desk fills it (the next member waits), and the coach
keeps the session's journal on the phone: the visits are charged by the group's price model."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from conftest import shot, start_server
from test_club_core import add_courts, add_member, next_slot, pick_member
from test_foundation import log_in
from test_money import open_all_day_any
from test_traps import set_up_in

PHONE = {"width": 390, "height": 844}

TEXTS = {
    "en": {"locale": "en-GB", "saved": "The coach's profile is saved.", "booked": "Booked.", "came": "Came",
           "attendance": "Attendance saved.", "checked_in": "Checked in", "lessons": "My lessons",
           "group_made": "The group is made.", "enrolled": "Enrolled.",
           "waits": "The group is full: the member is on the waiting list.", "journal": "Journal",
           "journal_saved": "The journal is saved.", "charged": "charged", "full": "2 of 2",
           "off_day": "Kate Petrova does not coach on this day of the week."},
    "ru": {"locale": "ru-RU", "saved": "Профиль тренера сохранён.", "booked": "Забронировано.", "came": "Пришёл",
           "attendance": "Посещение отмечено.", "checked_in": "Пришёл", "lessons": "Мои занятия",
           "group_made": "Группа создана.", "enrolled": "Записан в группу.",
           "waits": "Группа заполнена: участник в листе ожидания.", "journal": "Журнал",
           "journal_saved": "Журнал сохранён.", "charged": "списано", "full": "2 из 2",
           "off_day": "Kate Petrova не работает в этот день недели."},
}


def add_coach(desk, server, t):
    """Kate Petrova, a coach: a staff account with a coach's profile."""
    desk.goto(server.base + "/staff/new")
    desk.fill("#display_name", "Kate Petrova")
    desk.fill("#username", "kate")
    desk.select_option("#role", "coach")
    desk.fill("#password", "kate first pass")
    desk.fill("#confirm", "kate first pass")
    desk.click("main button[type=submit]")
    desk.goto(server.base + "/coaches/new")
    desk.select_option("#coach_id", label="Kate Petrova (kate)")
    desk.fill("#name", "Kate Petrova")
    desk.fill("#lesson_fee", "500")
    desk.fill("#pay_per_hour", "800")
    desk.click("main form button.primary")
    expect(desk.locator(".flash")).to_have_text(t["saved"])


def coach_on_phone(browser, server, t):
    """Kate signs in on a phone and chooses her own password; her page."""
    phone = browser.new_context(viewport=PHONE, locale=t["locale"], is_mobile=True, has_touch=True)
    coach = phone.new_page()
    coach.set_default_timeout(10_000)
    coach.goto(server.base + "/login")
    log_in(coach, "kate", "kate first pass")
    coach.wait_for_url("**/profile")
    coach.fill("#current", "kate first pass")
    coach.fill("#password", "kate's own password")
    coach.fill("#confirm", "kate's own password")
    coach.click("form[action='/profile/password'] button")
    coach.wait_for_url(server.base + "/coach")
    expect(coach.locator("h1")).to_have_text(t["lessons"])
    return phone, coach


def book_lesson(desk, server, day, at):
    """The desk books Anna Smith a lesson with Kate on `day` at the time of `at`."""
    desk.goto(f"{server.base}/bookings/new?date={day}&start={at.strftime('%H:%M')}")
    pick_member(desk, "#booker", "Anna", "Anna Smith")
    desk.select_option("#kind", "lesson")
    desk.select_option("#coach_id", label="Kate Petrova")
    desk.click("main button.primary")


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_coach_finds_their_lesson_on_a_phone_and_marks_who_came(browser, lang):
    t = TEXTS[lang]
    server = start_server()
    try:
        desk = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        desk.set_default_timeout(10_000)
        set_up_in(desk, server, lang)
        open_all_day_any(desk, server)
        add_courts(desk, server, 1)
        add_member(desk, server, "Anna Smith", "")

        add_coach(desk, server, t)
        expect(desk.locator("#coaches")).to_contain_text("Kate Petrova")

        # A lesson in the half hour we are in: begun, so the coach can say who came.
        now = next_slot()
        day = now.date().isoformat()
        book_lesson(desk, server, day, now)
        expect(desk.locator(".flash")).to_have_text(t["booked"])
        lesson = desk.locator("a.booking.with-coach", has_text="Anna Smith")
        expect(lesson).to_contain_text("Kate Petrova")
        shot(desk, f"coach-lesson-on-grid-{lang}")

        phone, coach = coach_on_phone(browser, server, t)
        today = coach.locator(f"#day-{day}")
        expect(today).to_contain_text("Anna Smith")
        fits(coach)
        shot(coach, f"coach-week-{lang}")
        today.locator("button.came").click()
        expect(coach.locator(".flash")).to_have_text(t["attendance"])
        expect(coach.locator(f"#day-{day} .badge")).to_have_text(t["checked_in"])
        phone.close()

        # The month's coach pay: the one lesson held, an hour at 800.
        month = now.date().replace(day=1).isoformat()
        desk.goto(f"{server.base}/reports/coach-pay?from={month}&to={day}")
        cells = desk.locator("#coach-pay tbody tr", has_text="Kate Petrova").locator("td")
        expect(cells.nth(1)).to_have_text("1")
        expect(cells.nth(3)).to_have_text("0")
        expect(cells.nth(6)).to_contain_text("800")
        expect(desk.locator("#coach-pay-total")).to_contain_text("800")
        shot(desk, f"coach-pay-{lang}")

        # From now on Kate coaches only on tomorrow's weekday: a lesson a week from today is
        # refused with the reason, and the form keeps what was typed.
        desk.goto(server.base + "/coaches")
        desk.locator("#coaches a", has_text="Kate Petrova").click()
        tomorrow = now.date() + dt.timedelta(days=1)
        desk.check(f"input[name=weekday][value='{tomorrow.isoweekday()}']")
        desk.click("main form button.primary")
        expect(desk.locator(".flash")).to_have_text(t["saved"])
        book_lesson(desk, server, (now.date() + dt.timedelta(days=7)).isoformat(), now)
        expect(desk.locator("main")).to_contain_text(t["off_day"])
        expect(desk.locator("#coach_id option:checked")).to_have_text("Kate Petrova")
        shot(desk, f"coach-off-day-{lang}")
    finally:
        server.process.kill()
        server.process.wait()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_group_fills_up_and_its_coach_keeps_the_journal_on_a_phone(browser, lang):
    t = TEXTS[lang]
    server = start_server()
    try:
        desk = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        desk.set_default_timeout(10_000)
        set_up_in(desk, server, lang)
        open_all_day_any(desk, server)
        add_courts(desk, server, 1)
        for name in ["Anna Smith", "Boris Orlov", "Vera Lis"]:
            add_member(desk, server, name, "")
        add_coach(desk, server, t)

        # Juniors, two places, 500 a visit, every week on today's weekday in the half hour we are in.
        now = next_slot()
        day = now.date()
        desk.goto(server.base + "/groups/new")
        desk.fill("#name", "Juniors 8-10")
        desk.select_option("#coach_id", label="Kate Petrova")
        desk.fill("#capacity", "2")
        desk.fill("#minimum", "2")
        desk.select_option("#price_model", "visit")
        desk.fill("#price", "500")
        desk.check(f"input[name=weekday][value='{day.isoweekday()}']")
        desk.select_option("#start", now.strftime("%H:%M"))
        desk.select_option("#minutes", "60")
        desk.fill("#first_day", day.isoformat())
        desk.fill("#last_day", (day + dt.timedelta(days=21)).isoformat())
        desk.click("#group-form button.primary")
        expect(desk.locator(".flash")).to_have_text(t["group_made"])
        for typed, name, said in [("Anna", "Anna Smith", "enrolled"), ("Boris", "Boris Orlov", "enrolled"),
                                  ("Vera", "Vera Lis", "waits")]:
            pick_member(desk, "#enrol-member", typed, name)
            desk.click("#enrol-form button")
            expect(desk.locator(".flash")).to_have_text(t[said])
        expect(desk.locator("#group-fullness")).to_contain_text(t["full"])
        expect(desk.locator("#waiting-list")).to_contain_text("Vera Lis")
        shot(desk, f"group-page-{lang}")
        desk.goto(f"{server.base}/grid?date={day.isoformat()}")
        expect(desk.locator("a.booking.with-coach", has_text="Juniors 8-10")).to_contain_text("Kate Petrova")

        phone, coach = coach_on_phone(browser, server, t)
        today = coach.locator(f"#day-{day.isoformat()}")
        expect(today).to_contain_text("Juniors 8-10")
        today.locator("a.button", has_text=t["journal"]).click()
        anna = coach.locator("#journal li", has_text="Anna Smith")
        boris = coach.locator("#journal li", has_text="Boris Orlov")
        expect(coach.locator("#journal")).not_to_contain_text("Vera Lis")
        anna.locator("input[value=present]").check()
        boris.locator("input[value=excused]").check()
        fits(coach)
        coach.click("#journal-form button.primary")
        expect(coach.locator(".flash")).to_have_text(t["journal_saved"])
        expect(anna.locator(".journal-took")).to_contain_text(t["charged"])
        expect(anna.locator(".journal-took")).to_contain_text("500")
        expect(boris.locator(".journal-took")).to_be_hidden()
        shot(coach, f"group-journal-{lang}")
        phone.close()
    finally:
        server.process.kill()
        server.process.wait()
