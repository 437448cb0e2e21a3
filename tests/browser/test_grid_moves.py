"""Moving and resizing bookings on the grid by drag and drop and by keyboard, with the same
checks as the booking form, in English and Russian."""

import pytest
from playwright.sync_api import expect

from conftest import shot
from test_club_core import add_courts, add_member, pick_member
from test_money import open_all_day_any
from test_traps import set_up_in

MOVED = {"en": "Booking moved.", "ru": "Бронирование перенесено."}
TOO_SHORT = {"en": "Only 30 min free here before the booking at 13:00",
             "ru": "Здесь свободно только 30 мин до брони в 13:00"}


def centre(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_drag_a_booking_to_another_court_and_time_then_nudge_and_stretch_it(page, server, lang):
    set_up_in(page, server, lang)
    open_all_day_any(page, server)
    add_courts(page, server, 2)
    add_member(page, server, "Anna Smith", "")
    add_member(page, server, "Boris Petrov", "")
    for court, who, typed, start in ((0, "Anna Smith", "anna", "10:00"), (1, "Boris Petrov", "boris", "13:00")):
        page.goto(f"{server.base}/bookings/new?date=2030-06-03&start={start}")
        page.select_option("#court_id", index=court)
        pick_member(page, "#booker", typed, who)
        page.click("main button[type=submit]")
    page.goto(f"{server.base}/grid?date=2030-06-03")
    anna = page.locator("a.booking", has_text="Anna Smith")
    boris_col = page.locator("a.booking", has_text="Boris Petrov").get_attribute("data-col")
    assert anna.get_attribute("data-col") != boris_col

    # Drag it to Boris's court and two slots (an hour) down.
    x, y = centre(anna)
    head = page.locator(f".court-head[data-col='{boris_col}']").bounding_box()
    row = anna.bounding_box()["height"] / int(anna.get_attribute("data-span"))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(head["x"] + head["width"] / 2, y + 2 * row, steps=8)
    page.mouse.up()
    expect(page.locator(".flash")).to_have_text(MOVED[lang])
    anna = page.locator("a.booking", has_text="Anna Smith")
    expect(anna).to_have_attribute("data-col", boris_col)
    expect(anna.locator(".t")).to_contain_text("11:00")

    # The keyboard: the moved booking keeps the focus; Shift+↓ moves it half an hour.
    expect(anna).to_be_focused()
    page.keyboard.press("Shift+ArrowDown")
    expect(page.locator(".flash")).to_have_text(MOVED[lang])
    expect(page.locator("a.booking", has_text="Anna Smith").locator(".t")).to_contain_text("11:30")

    # Stretching it into Boris's 13:00 is refused with the reason; nothing changes.
    anna = page.locator("a.booking", has_text="Anna Smith")
    box = anna.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2 + 3 * row, steps=8)
    page.mouse.up()
    expect(page.locator(".flash")).to_contain_text("Boris Petrov")
    expect(page.locator("a.booking", has_text="Anna Smith")).to_have_attribute("data-span", "2")
    shot(page, f"grid-move-refused-{lang}")

    # The half hour left before Boris's 13:00 says so on the form, before anyone fills it in.
    page.locator(f"a.cell[data-col='{boris_col}'][data-start='12:30']").click()
    expect(page.locator("main")).to_contain_text(TOO_SHORT[lang])
