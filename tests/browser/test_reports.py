"""The manager's reports, in English and Russian: after a paid hour on court, the revenue and
occupancy pages draw their charts, and the XLSX downloads (revenue, occupancy, coach pay) open in
openpyxl with money as numbers in the club's currency format, dates as dates and counts as
numbers."""

import datetime as dt

import openpyxl
import pytest
from playwright.sync_api import expect

from conftest import shot, start_server
from test_club_core import add_courts, add_member, pick_member
from test_money import add_price, open_all_day_any
from test_traps import set_up_in

TEXTS = {
    "en": {"revenue": "Revenue", "occupancy": "Occupancy", "coach_pay": "Coach pay", "cash": "Cash",
           "paid": "Payment taken.", "all_courts": "All courts", "court_rent": "Court rent"},
    "ru": {"revenue": "Доходы", "occupancy": "Загрузка", "coach_pay": "Оплата тренеров", "cash": "Наличные",
           "paid": "Оплата принята.", "all_courts": "Все корты", "court_rent": "Аренда кортов"},
}


def download(page, link):
    """Clicks `link` and opens the file it downloads as a workbook."""
    with page.expect_download() as d:
        page.click(link)
    assert d.value.suggested_filename.endswith(".xlsx"), d.value.suggested_filename
    with open(d.value.path(), "rb") as f:
        return openpyxl.load_workbook(f).active


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_reports_chart_the_day_and_their_workbooks_open_with_numbers(browser, lang):
    t = TEXTS[lang]
    server = start_server()
    try:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        desk = context.new_page()
        desk.set_default_timeout(10_000)
        set_up_in(desk, server, lang)
        open_all_day_any(desk, server)
        add_courts(desk, server, 1)
        add_price(desk, server, "All day", "1000")
        add_member(desk, server, "Anna Smith", "")
        desk.goto(server.base + "/cash")
        desk.fill("#float", "0")
        desk.click("form[action='/cash/open'] button")

        # An hour at 10:00 today, paid in cash at the desk.
        today = dt.date.today()
        desk.goto(f"{server.base}/bookings/new?date={today.isoformat()}&start=10:00")
        pick_member(desk, "#booker", "Anna", "Anna Smith")
        desk.click("main button[type=submit]")
        desk.locator("a.booking", has_text="Anna Smith").click()
        desk.click(".pay-form button")
        expect(desk.locator(".flash")).to_have_text(t["paid"])

        desk.goto(server.base + "/reports")
        desk.click(f"main .actions >> text={t['revenue']}")
        expect(desk.locator("#revenue-money-in")).to_contain_text("1")
        expect(desk.locator("svg.chart rect.s0").first).to_be_visible()
        assert desk.locator("svg.chart title", has_text=t["cash"]).count() == 1
        shot(desk, f"report-revenue-{lang}")
        sheet = download(desk, "main .actions >> text=XLSX")
        head = [c.value for c in sheet[1]]
        assert head[1] == t["cash"] and t["court_rent"] in head, head
        # Six months by default, month by month: today falls in the last row.
        row = list(sheet.iter_rows(min_row=2))[-1]
        assert row[0].value.date() <= today and row[0].value.month == today.month, row[0].value
        assert isinstance(row[0].value, dt.datetime) and row[0].number_format == "yyyy-mm-dd"
        assert row[1].value == 1000 and row[1].data_type == "n", row[1].value
        assert "#,##0" in row[1].number_format, row[1].number_format

        desk.goto(server.base + "/reports")
        desk.click(f"main .actions >> text={t['occupancy']}")
        expect(desk.locator("svg.heatmap")).to_be_visible()
        weekday = today.isoweekday()
        assert desk.locator("svg.heatmap rect.heat").count() == 7 * 24, "open every hour of every day"
        shot(desk, f"report-occupancy-{lang}")
        sheet = download(desk, "main .actions >> text=XLSX")
        total = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == t["all_courts"])
        assert total[1].value == 60 and total[1].data_type == "n", [c.value for c in total]
        assert total[2].value % (24 * 60) == 0, "whole days open"
        assert weekday in range(1, 8)

        desk.goto(server.base + "/reports")
        desk.click(f"main .actions >> text={t['coach_pay']}")
        sheet = download(desk, "main .actions >> text=XLSX")
        assert sheet[1][0].font.b, "the titles are bold"
        assert sheet.max_row == 1, "no coaches yet: the titles alone"
        context.close()
    finally:
        server.process.kill()
        server.process.wait()
