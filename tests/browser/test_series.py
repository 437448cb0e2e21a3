"""Repeat weekly from the booking form keeps what was chosen; the series preview offers where a
clashing date could go and books only the dates left ticked."""

import pytest
from playwright.sync_api import expect

from conftest import shot
from test_club_core import add_courts, add_member, pick_member
from test_money import open_all_day_any
from test_traps import set_up_in


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_repeat_weekly_and_a_preview_with_a_clash(page, server, lang):
    set_up_in(page, server, lang)
    open_all_day_any(page, server)
    add_courts(page, server, 2)
    add_member(page, server, "Anna Smith", "")
    add_member(page, server, "Boris Petrov", "")
    # Boris holds court 1 on Tuesday 8 June 2027 at 19:00.
    page.goto(f"{server.base}/bookings/new?date=2027-06-08&start=19:00")
    page.select_option("#court_id", index=0)
    pick_member(page, "#booker", "boris", "Boris Petrov")
    page.click("main button[type=submit]")

    # Anna's booking form, filled in, then "Repeat weekly": the series form keeps it all.
    page.goto(f"{server.base}/bookings/new?date=2027-06-01&start=19:00")
    page.select_option("#court_id", index=0)
    page.select_option("#minutes", "90")
    pick_member(page, "#booker", "anna", "Anna Smith")
    page.click("#repeat-weekly")
    expect(page.locator("#minutes")).to_have_value("90")
    expect(page.locator("#booker")).to_have_value("Anna Smith")
    page.fill("#last_day", "2027-06-22")
    page.click("form[action='/series/preview'] button[type=submit]")

    clash = page.locator("li.conflict[data-day='2027-06-08']")
    expect(clash).to_contain_text("Boris Petrov")
    expect(clash.locator("a")).to_have_count(2)
    shot(page, f"series-preview-{lang}")
    page.uncheck("input[name=day][value='2027-06-22']")
    page.click("form[action='/series'] button.primary")
    expect(page.locator(".flash")).to_be_visible()
    page.goto(f"{server.base}/grid?date=2027-06-15")
    expect(page.locator("a.booking", has_text="Anna Smith")).to_have_count(1)
    page.goto(f"{server.base}/grid?date=2027-06-22")
    expect(page.locator("a.booking", has_text="Anna Smith")).to_have_count(0)
