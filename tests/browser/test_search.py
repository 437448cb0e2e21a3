"""Finding people the way a desk types them, from the header on any page and in the booking
form's picker: national numbers ("8 9xx…" in Russia, "07…" in Britain), names in any order,
card and receipt numbers."""

import pytest
from playwright.sync_api import expect

from conftest import shot
from test_club_core import add_courts, add_member
from test_money import add_price, open_all_day_any
from test_traps import set_up_in


def header_search(page, text):
    page.fill("header .topsearch input", text)
    page.press("header .topsearch input", "Enter")


CLUBS = {
    # The club's country, the member found and how the desk types them, another member whom a
    # part of a name finds too.
    "ru": {"region": "RU", "member": "Смирнов Алексей", "phone": "+7 967 371-66-65",
           "typed": ("8 967 371-66-65", "89673716665", "алексей смирнов"), "picker": ("8 967 371", "смирнов алекс"),
           "other": "Иванова Мария", "part": "ов"},
    "en": {"region": "GB", "member": "Chloe Smith", "phone": "+44 7911 123456",
           "typed": ("07911 123456", "07911123456", "smith chloe"), "picker": ("07911 123", "smith chl"),
           "other": "Mary Smithson", "part": "smith"},
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_header_and_the_picker_find_members_as_the_desk_types_them(page, server, lang):
    c = CLUBS[lang]
    set_up_in(page, server, lang)
    page.goto(server.base + "/settings")
    page.fill("#phone_region", c["region"])
    page.click("main button[type=submit]")
    open_all_day_any(page, server)
    add_courts(page, server, 1)
    add_price(page, server, "All day", "1000")
    add_member(page, server, c["member"], c["phone"])
    member_url = page.url
    add_member(page, server, c["other"], "")
    other_url, other_card = page.url, page.locator("h1 .mono").inner_text().removeprefix("№ ")

    for typed in c["typed"]:
        page.goto(server.base + "/courts")
        header_search(page, typed)
        page.wait_for_url(member_url)

    # The booking form's picker understands the same.
    page.goto(f"{server.base}/bookings/new?date=2030-06-01&start=10:00")
    for typed in c["picker"]:
        page.fill("#booker", typed)
        expect(page.locator(".suggestions li", has_text=c["member"])).to_be_visible()
    page.locator(".suggestions li", has_text=c["member"]).click()
    page.click("main button[type=submit]")

    # A receipt number opens its booking.
    page.locator("a.booking", has_text=c["member"]).click()
    booking_url = page.url
    page.select_option(".pay-form select[name=method]", "card")
    page.click(".pay-form button")
    expect(page.locator("#payments")).to_contain_text("№ 1")
    page.goto(server.base + "/members")
    header_search(page, "№ 1")
    page.wait_for_url(booking_url)
    # A card number as printed on the card opens its member.
    header_search(page, other_card)
    page.wait_for_url(other_url)
    # Several members: the list, to pick from.
    header_search(page, c["part"])
    expect(page.locator("#found-members tbody tr")).to_have_count(2)
    shot(page, f"search-{lang}")
