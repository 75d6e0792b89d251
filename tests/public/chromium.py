"""Debian's headless Chromium driven by selenium, for the tests that read the label page as a browser shows it.

Where Chromium or its driver is missing the tests skip and name the command that installs them (`scripts/test`
installs them itself when it runs as root with apt-get); in CI (`CI` set) they fail instead, so a CI run can never
pass without having driven a browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
MISSING = "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; scripts/test does it)"
# Artefacts a person looks at after a run (screenshots); git-ignored, the path is printed by the tests.
ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts"
# The flags a closed network needs: without the background-networking ones Chromium's own calls are refused
# and it stalls; --no-sandbox because the suite may run as root.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=800,1000",
)


@contextmanager
def chromium(profile: Path) -> Iterator[Any]:
    """A selenium WebDriver on headless Chromium with an empty profile in `profile`, quit on exit."""
    if CHROMIUM is None or DRIVER is None:
        if os.environ.get("CI"):  # CI runs scripts/test as root, which installs them: missing there is a failure
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (the test extra)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    browser = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    try:
        yield browser
    finally:
        browser.quit()


def speak(browser: Any, accept_language: str) -> None:
    """Send `accept_language` as the Accept-Language header of every following request (CDP)."""
    agent = browser.execute_script("return navigator.userAgent")
    browser.execute_cdp_cmd("Emulation.setUserAgentOverride", {"userAgent": agent, "acceptLanguage": accept_language})


def phone(browser: Any, width: int | None) -> None:
    """Emulate a phone screen `width` CSS pixels wide (device scale 2, touch), or clear it with None."""
    if width is None:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return
    metrics = {"width": width, "height": 812, "deviceScaleFactor": 2, "mobile": True}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def media(browser: Any, kind: str) -> None:
    """Emulate CSS media `kind` ('print', 'screen' or '' for none)."""
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": kind})
