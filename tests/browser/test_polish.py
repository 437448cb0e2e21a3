"""What screenshots showed was off, checked as the receptionist would see it: one-line menus at
1366 px, readable money and currency names, the grid legend, printing."""

import re

import pytest
from playwright.sync_api import expect

from conftest import shot
from test_club_core import add_courts, add_member, pick_member
from test_money import add_price, open_all_day_any
from test_traps import set_up_in


def one_line(locator):
    tops = locator.evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    return len(set(tops)) == 1, tops


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_owners_pages_read_cleanly(page, server, lang):
    set_up_in(page, server, lang)
    page.goto(server.base + "/settings")
    ok, tops = one_line(page.locator("nav.mainnav > *"))
    assert ok, f"the owner's menu wraps at 1366 px: {tops}"
    page.fill("#currency", "RUB")
    page.click("main button[type=submit]")
    page.goto(server.base + "/settings")
    hint = page.locator("#currency + p.hint").inner_text()
    assert hint == ("Russian ruble" if lang == "en" else "Российский рубль"), hint

    open_all_day_any(page, server)
    add_courts(page, server, 2)
    add_member(page, server, "Anna Smith", "")
    account = page.locator("a[href^='/accounts/']").inner_text()
    assert re.search(r":\s", account), f"a space after the colon: {account!r}"

    page.goto(f"{server.base}/grid?date=2026-12-10")
    keys = page.locator(".legend .key")
    heights = keys.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert max(heights) < 30, f"a legend entry wraps: {heights}"
    shot(page, f"grid-legend-{lang}")

    # Radio buttons in the club's green.
    page.goto(f"{server.base}/bookings/new?date=2026-12-10&start=10:00")
    page.goto(server.base + "/sms/campaigns/new")
    page.goto(server.base + "/members/new")
    colour = page.evaluate("getComputedStyle(document.querySelector('input')).accentColor")
    assert colour == "rgb(31, 111, 74)", colour


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_on_a_phone_the_grid_legend_is_one_line(browser, server, lang):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    set_up_in(page, server, lang)
    add_courts(page, server, 2)
    page.goto(f"{server.base}/grid?date=2026-12-10")
    height = page.locator(".legend").evaluate("e => e.getBoundingClientRect().height")
    assert height < 40, f"the legend takes {height}px of an 844px screen"
    shot(page, f"grid-phone-{lang}")
    context.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_receipts_reports_and_the_day_sheet_print_cleanly(page, server, lang):
    set_up_in(page, server, lang)
    open_all_day_any(page, server)
    add_courts(page, server, 2)
    add_price(page, server, "All day", "1000")
    add_member(page, server, "Anna Smith", "")
    add_member(page, server, "Boris Alexandrovich Petrovsky-Long", "")
    for court, who, typed in ((0, "Anna Smith", "anna"), (1, "Boris Alexandrovich Petrovsky-Long", "boris")):
        page.goto(f"{server.base}/bookings/new?date=2026-12-10&start=10:00")
        page.select_option("#court_id", index=court)
        pick_member(page, "#booker", typed, who)
        page.click("main button[type=submit]")
    # The day sheet: the same columns on every court.
    page.goto(f"{server.base}/grid/print?date=2026-12-10")
    expect(page.locator("button[data-print]")).to_be_visible()
    lefts = page.locator("table tr:first-child td:nth-child(3)").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().left))")
    assert len(set(lefts)) == 1, f"columns do not line up: {lefts}"
    page.emulate_media(media="print")
    expect(page.locator("button[data-print]")).to_be_hidden()
    page.emulate_media(media="screen")

    # A receipt and the Z report have a Print button; printed, only the paper shows.
    page.goto(server.base + "/cash")
    page.fill("#float", "0")
    page.click("form[action='/cash/open'] button")
    page.goto(f"{server.base}/grid?date=2026-12-10")
    page.locator("a.booking", has_text="Anna Smith").click()
    page.fill(".pay-form input[name=amount]", "10")
    page.select_option(".pay-form select[name=method]", "cash")
    page.click(".pay-form button")
    page.click("#payments a[href$='/receipt']")
    expect(page.locator("button[data-print]")).to_be_visible()
    page.goto(server.base + "/cash")
    page.fill("#counted", "10")
    page.once("dialog", lambda d: d.accept())
    page.click("form[action='/cash/close'] button")
    expect(page.locator("button[data-print]")).to_be_visible()
    align = page.locator("table.report th.num").first.evaluate("e => getComputedStyle(e).textAlign")
    assert align == "right", "Z-report headers line up with their numbers"
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    shot(page, f"z-report-print-{lang}")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_owner_backs_up_now_and_downloads_it(page, server, lang):
    set_up_in(page, server, lang)
    page.goto(server.base + "/backups")
    page.click("#backup-now")
    expect(page.locator(".flash")).to_contain_text(("Backup" if lang == "en" else "Резервная копия") + " manual-")
    with page.expect_download() as download:
        page.click("#backup-latest")
    assert download.value.suggested_filename.startswith("manual-")
    expect(page.locator("#restore")).to_contain_text("courtside restore --data")
    shot(page, f"backups-{lang}")
