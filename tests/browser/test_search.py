"""Finding people the way a Russian desk types them, from the header on any page and in the
booking form's picker: "8 9xx…" numbers, names in any order, card and receipt numbers."""

from playwright.sync_api import expect

from conftest import shot
from test_club_core import add_courts, add_member
from test_money import add_price, open_all_day_any
from test_traps import set_up_in


def header_search(page, text):
    page.fill("header .topsearch input", text)
    page.press("header .topsearch input", "Enter")


def test_the_header_and_the_picker_find_members_as_russians_type_them(page, server):
    set_up_in(page, server, "ru")
    page.goto(server.base + "/settings")
    page.fill("#phone_region", "RU")
    page.click("main button[type=submit]")
    open_all_day_any(page, server)
    add_courts(page, server, 1)
    add_price(page, server, "Весь день", "1000")
    add_member(page, server, "Смирнов Алексей", "+7 967 371-66-65")
    member_url = page.url
    add_member(page, server, "Иванова Мария", "")

    for typed in ("8 967 371-66-65", "89673716665", "алексей смирнов"):
        page.goto(server.base + "/courts")
        header_search(page, typed)
        page.wait_for_url(member_url)

    # The booking form's picker understands the same.
    page.goto(f"{server.base}/bookings/new?date=2030-06-01&start=10:00")
    for typed in ("8 967 371", "смирнов алекс"):
        page.fill("#booker", typed)
        expect(page.locator(".suggestions li", has_text="Смирнов Алексей")).to_be_visible()
    page.locator(".suggestions li", has_text="Смирнов Алексей").click()
    page.click("main button[type=submit]")

    # A receipt number opens its booking.
    page.locator("a.booking", has_text="Смирнов Алексей").click()
    booking_url = page.url
    page.select_option(".pay-form select[name=method]", "card")
    page.click(".pay-form button")
    expect(page.locator("#payments")).to_contain_text("№ 1")
    page.goto(server.base + "/members")
    header_search(page, "№ 1")
    page.wait_for_url(booking_url)
    # Several members: the list, to pick from.
    header_search(page, "ов")
    expect(page.locator("#found-members tbody tr")).to_have_count(2)
    shot(page, "search-ru")
