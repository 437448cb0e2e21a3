"""Coaches, in English and Russian: a manager gives a staff account a coach's profile, the desk
books a lesson with the coach and the grid shows it in the coach's colour; the coach signs in on
a phone (390x844), finds the lesson on their own week and marks that the player came."""

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
           "attendance": "Attendance saved.", "checked_in": "Checked in", "lessons": "My lessons"},
    "ru": {"locale": "ru-RU", "saved": "Профиль тренера сохранён.", "booked": "Забронировано.", "came": "Пришёл",
           "attendance": "Посещение отмечено.", "checked_in": "Пришёл", "lessons": "Мои занятия"},
}


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
        desk.click("main form button.primary")
        expect(desk.locator(".flash")).to_have_text(t["saved"])
        expect(desk.locator("#coaches")).to_contain_text("Kate Petrova")

        # A lesson in the half hour we are in: begun, so the coach can say who came.
        now = next_slot()
        day = now.date().isoformat()
        desk.goto(f"{server.base}/bookings/new?date={day}&start={now.strftime('%H:%M')}")
        pick_member(desk, "#booker", "Anna", "Anna Smith")
        desk.select_option("#kind", "lesson")
        desk.select_option("#coach_id", label="Kate Petrova")
        desk.click("main button.primary")
        expect(desk.locator(".flash")).to_have_text(t["booked"])
        lesson = desk.locator("a.booking.with-coach", has_text="Anna Smith")
        expect(lesson).to_contain_text("Kate Petrova")
        shot(desk, f"coach-lesson-on-grid-{lang}")

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
        today = coach.locator(f"#day-{day}")
        expect(today).to_contain_text("Anna Smith")
        width = coach.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"
        shot(coach, f"coach-week-{lang}")
        today.locator("button.came").click()
        expect(coach.locator(".flash")).to_have_text(t["attendance"])
        expect(coach.locator(f"#day-{day} .badge")).to_have_text(t["checked_in"])
        phone.close()
    finally:
        server.process.kill()
        server.process.wait()
