"""Drive Debian's Chromium with Playwright against a running product, and keep screenshots."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Every wait is on a condition; the bound only decides how long a broken page takes to fail.
# It is generous because the suite runs on several workers of a busy 2-core machine.
TIMEOUT_MS = 60_000


@contextmanager
def chromium():
    """Launch headless Chromium once; fail with the fix when it is not installed."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    assert CHROMIUM.exists(), "Chromium is missing: run scripts/install-browser.sh"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class WebSession:
    """One browser context (its own sessionStorage) with the page's script errors recorded."""

    base_url: str
    page: object
    errors: list = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def sign_in(self, email: str, password: str) -> None:
        self.open("/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.get_by_role("heading", name="Clients", exact=True).wait_for()
        self.settled()

    def settled(self) -> None:
        """Wait until the page has rendered, taken the focus and shows nothing still loading."""
        expect(self.page.locator("#main[aria-busy]")).to_have_count(0)
        expect(self.page.locator("#main .loading")).to_have_count(0)

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.settled()
        # Sticky elements render where the viewport was; scroll so they sit at the page's end.
        self.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def unlabelled_controls(self) -> list[str]:
        """The form controls on the page that have neither a label nor an aria-label."""
        return self.page.evaluate("""[...document.querySelectorAll('input, select, textarea')]
            .filter(el => !el.labels?.length && !el.getAttribute('aria-label'))
            .map(el => el.id || el.name || el.outerHTML)""")

    def overflowing_width(self) -> int:
        """How far the page is wider than the viewport (0 when nothing scrolls sideways)."""
        return self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    def screenshot_both(self, name: str) -> None:
        """Save the page at 1280×800 and on a 390-px-wide phone, checking labels and width."""
        assert self.unlabelled_controls() == [], f"unlabelled controls on {name}"
        self.screenshot(f"{name}-desktop")
        self.page.set_viewport_size(PHONE)
        self.screenshot(f"{name}-phone")
        overflow = self.overflowing_width()
        self.page.set_viewport_size(DESKTOP)
        assert overflow <= 0, f"{name} is {overflow}px wider than a phone screen"


@contextmanager
def web_session(browser, base_url: str, viewport: dict = DESKTOP):
    context = browser.new_context(viewport=viewport, base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    session = WebSession(base_url, page)
    page.on("pageerror", lambda error: session.errors.append(str(error)))
    try:
        yield session
    finally:
        context.close()


def client_id_from_url(url: str) -> str:
    return re.search(r"/clients/([0-9a-f-]{36})", url).group(1)


class EvaluationFaults:
    """Fault injection at the engine's evaluation step of an in-process product."""

    def __init__(self, evaluate):
        self._evaluate = evaluate
        self.failing = False
        self.released = threading.Event()
        self.released.set()

    def __call__(self, *args, **kwargs):
        self.released.wait(30)
        if self.failing:
            raise RuntimeError("injected evaluation fault")
        return self._evaluate(*args, **kwargs)
