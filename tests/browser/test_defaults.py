"""A club made at the console fits its language, in English and Russian: `courtside demo
--locale` gives the currency, phone numbers and member categories that go with it and money
pages with something on them; an account added with `courtside user add` is asked to choose its
own password at first sign-in, as accounts made on the Staff page are."""

import os
import subprocess
import tempfile

import pytest
from playwright.sync_api import expect

from conftest import BINARY, shot, start_server
from test_foundation import log_in

CLUBS = {
    "en": {"phone": "+44", "money": "€", "category": "Junior", "choose": "Choose your own password",
           "hello": "Anna Admin"},
    "ru": {"phone": "+7", "money": "₽", "category": "Ребёнок", "choose": "задайте свой пароль",
           "hello": "Анна Админ"},
}


def console(*args, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURTSIDE_")}
    done = subprocess.run([str(BINARY), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_console_made_club_fits_its_language(page, lang):
    c = CLUBS[lang]
    data = tempfile.mkdtemp(prefix="courtside-browser-")
    made = console("demo", "--data", data, "--locale", lang, "--members", "40", "--days", "14", "--courts", "2")
    assert f"courtside --data {data} serve" in made, made
    console("user", "add", "anna", "--data", data, "--role", "owner", "--display-name", c["hello"], "--password-stdin",
            stdin="console pass 1\n")
    server = start_server(data=data)
    try:
        page.goto(server.base + "/login")
        log_in(page, "anna", "console pass 1")
        page.wait_for_url("**/profile")
        expect(page.locator(".notice")).to_contain_text(c["choose"])
        page.fill("#current", "console pass 1")
        page.fill("#password", "anna's own password")
        page.fill("#confirm", "anna's own password")
        page.click("form[action='/profile/password'] button")
        page.wait_for_url(server.base + "/")
        expect(page.locator("header")).to_contain_text(c["hello"])

        page.goto(server.base + "/members")
        expect(page.locator("main table tbody")).to_contain_text(c["phone"])
        page.goto(server.base + "/members/categories")
        expect(page.locator(f"main input[value='{c['category']}']")).to_have_count(1)
        page.goto(server.base + "/prices")
        expect(page.locator("main table")).to_contain_text(c["money"])
        # The takings are not empty: the demo's bookings were priced and some paid.
        page.goto(server.base + "/reports")
        expect(page.locator("main table").first).to_contain_text(c["money"])
        shot(page, f"demo-takings-{lang}")
    finally:
        server.process.kill()
        server.process.wait()
