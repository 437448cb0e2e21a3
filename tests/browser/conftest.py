"""Browser tests: the real binary on 127.0.0.1 with a fresh data folder, driven by headless Chromium."""

import os
import re
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("COURTSIDE_BIN", ROOT / "target" / "debug" / "courtside"))
SHOTS = ROOT / "target" / "browser-shots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data, port, process, output):
        self.data, self.port, self.process, self.output = data, port, process, output
        self.base = f"http://127.0.0.1:{port}"

    def setup_url(self):
        match = re.search(r"(http://\S+/setup\?token=[0-9a-f]+)", self.output)
        assert match, f"no setup URL printed:\n{self.output}"
        return match.group(1)


def start_server(config="", data=None, port=None, verb=("serve",), sync_port=None):
    """The binary on a free port with a fresh data folder; `config` becomes its courtside.toml.
    Given the `data` and `port` of a server that was stopped, starts that club again. `verb` is
    ("desk",) for a desk; a hub listens for desks on `sync_port` (a free one if not given)."""
    data = data or tempfile.mkdtemp(prefix="courtside-browser-")
    if config:
        Path(data, "courtside.toml").write_text(config)
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURTSIDE_")}
    extra = ["--sync-bind", f"127.0.0.1:{sync_port or free_port()}"] if verb == ("serve",) else []
    process = subprocess.Popen(
        [str(BINARY), "--data", data, *verb, "--bind", f"127.0.0.1:{port}", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    deadline = time.time() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.time() < deadline, "the server did not start"
            assert process.poll() is None, "the server exited"
            time.sleep(0.05)
    # The banner is complete once the port accepts; read what is buffered without blocking.
    os.set_blocking(process.stdout.fileno(), False)
    time.sleep(0.1)
    output = process.stdout.read() or ""
    return Server(data, port, process, output)


@pytest.fixture
def server():
    s = start_server()
    yield s
    s.process.kill()
    s.process.wait()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
