"""The booking widget on the club's own web site: a page from a second 127.0.0.1 origin (listed
by the club) shows the free court time, by script and in an iframe, and its starts lead into the
portal; a third, unlisted origin (a Russian page) gets neither (CORS, frame-ancestors), only a
link to the portal in its language."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import expect

from conftest import free_port, shot
from test_club_core import add_courts, open_all_day
from test_foundation import setup_owner


def club_site(hub, lang="en"):
    """A web site on its own port, in `lang`, whose page embeds the widget both ways."""
    page = f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Our club</title></head><body>
<h1>Our club</h1>
<script src="{hub}/widget.js" data-days="3" async></script>
<iframe id="frame" src="{hub}/p/widget?days=3" style="width:100%;height:400px"></iframe>
</body></html>""".encode()

    class Site(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Site)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def widget_frame(page):
    return next(f for f in page.frames if f != page.main_frame)


def test_the_widget_shows_on_the_listed_site_only(page, server):
    setup_owner(page, server)
    open_all_day(page, server)
    add_courts(page, server, 1)
    listed, listed_url = club_site(server.base)
    unlisted, unlisted_url = club_site(server.base, lang="ru")
    try:
        page.goto(server.base + "/settings/portal")
        page.check("input[name=enabled]")
        page.check("input[name=booking]")
        page.check("input[name=widget]")
        page.fill("#widget_origins", listed_url)
        page.click("main form button[type=submit]")
        expect(page.locator(".flash")).to_have_text("Portal settings saved.")

        site = page.context.new_page()
        site.goto(listed_url)
        starts = site.locator(".courtside-widget .courtside-starts a")
        expect(starts.first).to_be_visible()
        assert starts.first.get_attribute("href").startswith(server.base + "/p/book/")
        assert "Court" in site.locator(".courtside-widget").inner_text()
        frame = widget_frame(site)
        frame.wait_for_load_state()
        expect(frame.locator("a.start").first).to_be_visible()
        shot(site, "widget-on-the-clubs-site")
        with site.context.expect_page() as opened:
            starts.first.click()
        portal = opened.value
        portal.wait_for_load_state()
        assert portal.url.startswith(server.base + "/p/sign-in?next=%2Fp%2Fbook%2F"), portal.url

        other = page.context.new_page()
        other.goto(unlisted_url)
        fallback = other.locator(".courtside-widget a")
        expect(fallback).to_have_text("Забронировать корт")
        assert other.locator(".courtside-widget .courtside-starts").count() == 0, "CORS refused the answer"
        blocked = widget_frame(other)
        other.wait_for_timeout(500)
        assert blocked.url.startswith("chrome-error://"), f"framed by an unlisted site: {blocked.url}"
    finally:
        listed.shutdown()
        unlisted.shutdown()
