"""One way to drive headless Chromium in the browser tests (Debian package, Playwright for Python).

The ``browser`` fixture (registered in maillon/conftest.py) starts Chromium with the flags the
machine needs and gives pages that watch themselves: console errors, uncaught exceptions and
Content-Security-Policy violations are collected, and ``browser.assert_clean()`` fails the test
when any page had one. Tests using it are skipped locally when /usr/bin/chromium is missing and
fail when CI is set.

    @pytest.mark.browser
    @pytest.mark.django_db(transaction=True)
    def test_something(browser):
        page = browser.phone()
        browser.log_in(page, "lea", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
        approver = browser.phone()
        browser.force_login(approver, director)  # MFA roles: a session opened by the test client
        ...
        browser.screenshot(page, "something-390")
        browser.assert_clean()
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = Path(os.environ.get("MAILLON_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
# The live server speaks HTTP only (no Channels): the live unread-count socket cannot connect there.
IGNORED_CONSOLE = ("WebSocket connection to",)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WATCH_CSP = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is required in CI ({CHROMIUM} is missing: apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is missing")


class BrowserSession:
    """Pages in separate contexts (one per person), all watched for errors."""

    def __init__(self, chromium, base_url: str):
        self.chromium = chromium
        self.url = base_url
        self.problems: list[str] = []
        self.pages: list = []

    def page(self, viewport: dict | None = None):
        context = self.chromium.new_context(viewport=viewport or PHONE, locale="fr-FR")
        page = context.new_page()
        page.add_init_script(WATCH_CSP)
        page.on("console", lambda m: m.type == "error" and not m.text.startswith(IGNORED_CONSOLE) and self.problems.append(m.text))
        page.on("pageerror", lambda exc: self.problems.append(str(exc)))
        self.pages.append(page)
        return page

    def phone(self):
        return self.page(PHONE)

    def desktop(self):
        return self.page(DESKTOP)

    def log_in(self, page, username: str, password: str, *, lands_on: str | None = None) -> None:
        """Log in through the real allauth form."""
        page.goto(f"{self.url}/comptes/login/")
        page.get_by_label("Identifiant").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter", exact=True).click()
        if lands_on:
            page.wait_for_url(lands_on)
        else:
            page.wait_for_load_state()

    def force_login(self, page, user) -> None:
        """Open ``user``'s session in ``page``'s context without the form (people whose role asks for
        a second factor): Django's test client opens it, the browser gets its cookie for ``self.url``."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.url}])

    def screenshot(self, page, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def csp_violations(self) -> list[str]:
        found = []
        for page in self.pages:
            if not page.is_closed():
                found += page.evaluate("window.__csp || []")
        return found

    def assert_clean(self) -> None:
        assert self.csp_violations() == []
        assert self.problems == []


@pytest.fixture
def browser(live_server, monkeypatch):
    """A ``BrowserSession`` on the live server (``browser.url``); closed after the test."""
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread: let the ORM work beside it in tests.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield BrowserSession(chromium, live_server.url)
        finally:
            chromium.close()
