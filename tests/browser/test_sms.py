"""SMS as a manager meets it: configure SMS.ru (a fake on 127.0.0.1 speaking its wire format),
send a test SMS, see a booking's reminder queued, run a campaign to a category, watch statuses
move to delivered and failed, read the report and export it."""

import datetime as dt
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import expect

from conftest import shot, start_server
from test_club_core import add_courts, open_all_day, pick_member
from test_foundation import setup_owner
from test_traps import set_up_in


class FakeSmsRu(BaseHTTPRequestHandler):
    """SMS.ru's /sms/send, /sms/status and /my/balance. Numbers whose last four digits start
    with 03 are never delivered (status 106); the rest are delivered (103)."""

    sent = []  # (sms_id, digits, text)

    def log_message(self, *args):
        pass

    def reply(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        form = parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode())
        f = dict(form)
        if f.get("api_id") != "test-key":
            return self.reply({"status": "ERROR", "status_code": 200, "status_text": "bad api_id"})
        if self.path == "/sms/send":
            texts = [(p, f["msg"]) for p in f["to"].split(",")] if "to" in f else [
                (k[3:-1], v) for k, v in form if k.startswith("to[")]
            answer = {}
            for phone, text in texts:
                sms_id = f"000000-{len(self.sent) + 1:07d}"
                self.sent.append((sms_id, phone, text))
                answer[phone] = {"status": "OK", "status_code": 100, "sms_id": sms_id}
            return self.reply({"status": "OK", "status_code": 100, "sms": answer, "balance": 100.5})
        if self.path == "/sms/status":
            by_id = {s[0]: s[1] for s in self.sent}
            answer = {}
            for sms_id in f["sms_id"].split(","):
                code = 106 if by_id.get(sms_id, "")[-4:-2] == "03" else 103
                answer[sms_id] = {"status": "OK", "status_code": code, "cost": "0.50"}
            return self.reply({"status": "OK", "status_code": 100, "sms": answer})
        if self.path == "/my/balance":
            return self.reply({"status": "OK", "status_code": 100, "balance": 100.5})
        self.reply({"status": "ERROR", "status_code": 211})


@pytest.fixture
def fake_smsru():
    FakeSmsRu.sent = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeSmsRu)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def sms_server():
    # Delivery reports every two seconds instead of every thirty, and checked soon after sending.
    s = start_server('[sms]\npoll_schedule = "*/2 * * * * *"\n')
    yield s
    s.process.kill()
    s.process.wait()


def add_member(page, server, name, phone, category):
    page.goto(server.base + "/members/new")
    page.fill("#full_name", name)
    page.fill("#phone", phone)
    page.select_option("#category_id", label=category)
    page.check("input[name=sms_consent]")
    page.click("main button[type=submit]")
    assert name in page.locator("h1").inner_text()


def assert_in_the_clubs_colours(page):
    """The campaign's progress bar in the club's green, not the browser's blue."""
    colour = page.locator("progress").evaluate("e => getComputedStyle(e).accentColor")
    assert colour == "rgb(31, 111, 74)", colour


def assert_a_tidy_report(page):
    """The report's date fields as wide as a date, and costs with their currency."""
    width = page.locator("#from").evaluate("e => e.getBoundingClientRect().width")
    assert width < 250, f"the date field is {width}px wide"
    expect(page.locator(".tile").last).to_contain_text(re.compile(r"\d [A-Z]{3}"))


def test_sms_from_settings_to_report(page, sms_server, fake_smsru):
    server = sms_server
    setup_owner(page, server)
    open_all_day(page, server)
    add_courts(page, server, 1)

    # Configure SMS.ru: the key is required, then kept and never shown again.
    page.goto(server.base + "/sms/settings")
    page.select_option("#kind", "smsru")
    page.fill("#base_url", fake_smsru)
    page.fill("#sender", "TennisClub")
    page.click("form[action='/sms/settings/provider'] button")
    expect(page.locator(".field-error")).to_contain_text("key or password")
    page.fill("#secret", "test-key")
    page.click("form[action='/sms/settings/provider'] button")
    assert page.locator(".flash").inner_text() == "SMS provider saved."
    assert "test-key" not in page.content()
    page.click("form[action='/sms/settings/balance'] button")
    expect(page.locator(".flash")).to_contain_text("100.5 RUB")

    # Reminders 3 hours before, and no quiet hours, so the test runs at any hour.
    page.fill("#reminder_hours", "3")
    page.fill("#quiet_from", "00:00")
    page.fill("#quiet_to", "00:00")
    page.click("form[action='/sms/settings/club'] button")
    assert page.locator(".flash").inner_text() == "SMS settings saved."

    # A test SMS: queued, then handed over by the hub's sender within a second or two.
    page.fill("#phone", "+7 900 000-00-01")
    page.fill("#text", "Hello from Courtside")
    page.click("form[action='/sms/settings/test'] button")
    assert page.locator(".flash").inner_text() == "Test SMS queued; its status shows below."
    for _ in range(20):
        page.goto(server.base + "/sms/settings")
        if page.locator("#sms-recent [data-status='queued'], #sms-recent [data-status='delivered']").count():
            break
        page.wait_for_timeout(500)
    assert FakeSmsRu.sent[0][1:] == ("79000000001", "Hello from Courtside")
    shot(page, "40-sms-settings")

    # Two juniors who agreed to SMS; one's number is never delivered.
    add_member(page, server, "Anna Smith", "+7 900 000-00-02", "Junior")
    add_member(page, server, "Boris Petrov", "+7 900 000-03-01", "Junior")

    # A booking tomorrow: its reminder is queued on Anna's card.
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    page.goto(f"{server.base}/bookings/new?date={tomorrow}&start=18:00")
    pick_member(page, "#booker", "Anna", "Anna Smith")
    page.click("main button[type=submit]")
    page.goto(server.base + "/members")
    page.click("text=Anna Smith")
    expect(page.locator("#member-sms")).to_contain_text("a reminder")
    expect(page.locator("#member-sms [data-status='pending']")).to_have_count(1)
    shot(page, "41-member-reminder")

    # A campaign to the juniors: preview first, then send, then watch it arrive.
    page.goto(server.base + "/sms/campaigns/new")
    page.fill("#name", "Junior camp")
    page.fill("#text", "Привет, {name}! Лагерь в субботу.")
    expect(page.locator("#text-count")).to_contain_text("Cyrillic")
    page.select_option("#by", "category")
    page.select_option("#category_id", label="Junior")
    # Nothing on the compose page sends: the preview names the recipients and the cost, and
    # its own button sends exactly what was previewed.
    assert page.locator("#send-button").count() == 0
    page.click("#preview-button")
    expect(page.locator("#preview")).to_contain_text("2 recipients")
    expect(page.locator("#confirm-line")).to_contain_text("“Junior camp” goes to 2 recipients now:")
    expect(page.locator("#send-button")).to_have_text("Send to 2 recipients")
    shot(page, "campaign-confirmation-en")
    page.click("#send-button")
    assert page.locator(".flash").inner_text() == "Campaign created; its messages are queued."
    campaign_url = page.url
    expect(page.locator("[data-count=delivered]")).to_have_text("1", timeout=60_000)
    expect(page.locator("[data-count=failed]")).to_have_text("1", timeout=60_000)
    assert "Boris Petrov" in page.locator("#messages").inner_text()
    assert_in_the_clubs_colours(page)
    shot(page, "42-campaign-report")
    texts = sorted(s[2] for s in FakeSmsRu.sent)
    assert "Привет, Anna! Лагерь в субботу." in texts

    # The delivery report and its CSV.
    page.goto(server.base + "/sms/report")
    expect(page.locator("#messages")).to_contain_text("Boris Petrov")
    assert_a_tidy_report(page)
    with page.expect_download() as download:
        page.click("text=Export CSV")
    csv_text = open(download.value.path(), encoding="utf-8").read()
    assert "+79000000002" in csv_text and "delivered" in csv_text
    page.goto(campaign_url)
    with page.expect_download() as download:
        page.click("text=Export CSV")
    assert "failed" in open(download.value.path(), encoding="utf-8").read()


def test_sms_pages_in_russian(page, server, fake_smsru):
    """The same pages in Russian: a mistake keeps the input and says what is wrong in Russian;
    a Cyrillic text is counted as 70 characters per SMS; a test SMS goes out; a campaign is
    sent only from its preview, whose button names the number of recipients."""
    set_up_in(page, server, "ru")
    page.goto(server.base + "/sms/settings")
    assert page.locator("h1").inner_text() == "Настройки SMS"
    page.select_option("#kind", "smsru")
    page.fill("#base_url", "ftp://example")
    page.fill("#secret", "test-key")
    page.click("form[action='/sms/settings/provider'] button")
    expect(page.locator(".field-error")).to_contain_text("Адрес должен начинаться с https://")
    assert page.input_value("#base_url") == "ftp://example"
    page.fill("#base_url", fake_smsru)
    page.fill("#secret", "test-key")
    page.click("form[action='/sms/settings/provider'] button")
    assert page.locator(".flash").inner_text() == "SMS-провайдер сохранён."
    page.fill("#phone", "+7 900 000-00-05")
    page.fill("#text", "Проверка связи")
    page.click("form[action='/sms/settings/test'] button")
    assert page.locator(".flash").inner_text() == "Пробное SMS в очереди; его статус — ниже."
    for _ in range(20):
        if FakeSmsRu.sent:
            break
        page.wait_for_timeout(250)
    assert FakeSmsRu.sent[0][2] == "Проверка связи"
    page.fill("#quiet_from", "00:00")
    page.fill("#quiet_to", "00:00")
    page.click("form[action='/sms/settings/club'] button")
    add_member(page, server, "Анна Смирнова", "+7 900 000-00-06", "Ребёнок")

    page.goto(server.base + "/sms/campaigns/new")
    page.fill("#text", "я" * 71)
    expect(page.locator("#text-count")).to_contain_text("2 SMS · 71 знаков (кириллица")
    page.click("#preview-button")
    expect(page.locator(".field-error").first).to_contain_text("Назовите рассылку")
    shot(page, "43-campaign-ru")

    page.fill("#name", "Лагерь")
    page.fill("#text", "Лагерь в субботу.")
    page.select_option("#by", "category")
    page.select_option("#category_id", label="Ребёнок")
    page.click("#preview-button")
    expect(page.locator("#preview")).to_contain_text("Получателей: 1")
    expect(page.locator("#confirm-line")).to_contain_text("«Лагерь» уйдёт 1 получателю")
    expect(page.locator("#send-button")).to_have_text("Отправить 1 получателю")
    shot(page, "campaign-confirmation-ru")
    page.click("#send-button")
    assert page.locator(".flash").inner_text() == "Рассылка создана, сообщения в очереди."
    for _ in range(40):
        if any(s[2] == "Лагерь в субботу." for s in FakeSmsRu.sent):
            break
        page.wait_for_timeout(250)
    assert ("79000000006", "Лагерь в субботу.") in [s[1:] for s in FakeSmsRu.sent]
    assert_in_the_clubs_colours(page)
    page.goto(server.base + "/sms/report")
    expect(page.locator("#messages")).to_contain_text("Анна Смирнова")
    assert_a_tidy_report(page)
