"""The audit log and the booking's history read like a log book, in English and Russian: a
refused booking marked as refused with its reason, money in the club's currency, people and
places in words, and the SMS sender's routine steps out of the way unless asked for."""

import pytest
from playwright.sync_api import expect

from conftest import shot
from test_club_core import add_courts, add_member, pick_member
from test_money import open_all_day_any
from test_sms import FakeSmsRu, fake_smsru  # noqa: F401 (a fixture)
from test_traps import set_up_in

TEXTS = {
    "en": {"booked": "Booking made", "refused": "Refused", "taken": "Court 1 is taken 10:00–11:00 by Anna Smith.",
           "top_up": "€1,500.00", "server": "Server", "sms_batch": "SMS provider answer recorded"},
    "ru": {"booked": "Создана бронь", "refused": "Отклонено", "taken": "Корт 1 занят 10:00–11:00: Anna Smith.",
           "top_up": "1 500,00 €", "server": "Сервер", "sms_batch": "Ответ SMS-провайдера записан"},
}


def book(page, server, name, typed):
    page.goto(f"{server.base}/bookings/new?date=2030-06-01&start=10:00")
    pick_member(page, "#booker", typed, name)
    page.click("main button[type=submit]")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_audit_log_and_a_bookings_history_read_like_a_log_book(page, server, fake_smsru, lang):  # noqa: F811
    t = TEXTS[lang]
    set_up_in(page, server, lang)
    # A test SMS: the sender leases it, hands the batch over and records the answer.
    page.goto(server.base + "/sms/settings")
    page.select_option("#kind", "smsru")
    page.fill("#base_url", fake_smsru)
    page.fill("#secret", "test-key")
    page.click("form[action='/sms/settings/provider'] button")
    page.fill("#phone", "+7 900 000-00-01")
    page.fill("#text", "Hello")
    page.click("form[action='/sms/settings/test'] button")
    for _ in range(40):
        if FakeSmsRu.sent:
            break
        page.wait_for_timeout(250)
    assert FakeSmsRu.sent, "the test SMS was not sent"

    open_all_day_any(page, server)
    add_courts(page, server, 1)
    add_member(page, server, "Anna Smith", "")
    page.goto(server.base + "/members")
    page.locator("a", has_text="Anna Smith").first.click()
    page.locator("a[href^='/accounts/']").click()
    page.fill("form[action$='/top-up'] input[name=amount]", "1500")
    page.select_option("form[action$='/top-up'] select[name=method]", "card")
    page.click("form[action$='/top-up'] button")
    add_member(page, server, "Boris Petrov", "")
    book(page, server, "Anna Smith", "anna")
    # Boris on the same court and time: refused at the form, and the refusal is on record.
    book(page, server, "Boris Petrov", "boris")
    expect(page.locator("main")).to_contain_text(t["taken"])

    page.goto(server.base + "/audit")
    refused = page.locator("table.audit tbody tr", has=page.locator(".badge.bad"))
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text(t["booked"])
    expect(refused).to_contain_text(t["refused"])
    expect(refused).to_contain_text(t["taken"])
    audit = page.locator("table.audit")
    expect(audit).to_contain_text(t["top_up"])
    expect(audit).not_to_contain_text("150000")
    expect(audit.locator("tbody tr td:nth-child(3)").first).to_have_text(t["server"])
    expect(audit).not_to_contain_text(t["sms_batch"])
    shot(page, f"audit-{lang}")
    page.check("input[name=plumbing]")
    page.click("form.filters button")
    expect(audit).to_contain_text(t["sms_batch"])

    # The booking's own history: who made it, in words.
    page.goto(f"{server.base}/grid?date=2030-06-01")
    page.locator("a.booking", has_text="Anna Smith").click()
    history = page.locator("table", has=page.locator("td", has_text=t["booked"]))
    expect(history).to_contain_text("Olga Owner")
