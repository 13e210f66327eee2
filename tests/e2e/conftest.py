"""Browser tests: Playwright driving the system Chromium (Debian's `chromium` package; `.ci/run`
installs it). Screenshots go to var/e2e/. In CI a missing browser fails the test, never skips it."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import running_in_ci

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(settings.VAR_DIR) / "e2e"


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (Debian package `chromium`)"
        if running_in_ci():
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM beside Playwright's event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


class Person:
    """One user's browser session against the live server."""

    def __init__(self, browser, base_url: str, username: str, password: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.base = base_url
        self.page.goto(f"{base_url}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def person(browser, live_server):
    people = []

    def login(username: str, password: str = "test-pass-123") -> Person:  # noqa: S107 - factory password
        people.append(Person(browser, live_server.url, username, password))
        return people[-1]

    yield login
    for someone in people:
        someone.context.close()
