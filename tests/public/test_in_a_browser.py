"""The label page in a real browser: Debian's headless Chromium driven by selenium, where both are present."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hub.domain.codes import LabelStatus
from tests.credentials.live import LiveHub

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)
def test_the_revoked_page_in_headless_chromium(live: LiveHub, tmp_path: Path) -> None:
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install selenium)")
    by = pytest.importorskip("selenium.webdriver.common.by").By
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=390,844"):
        options.add_argument(flag)  # a phone-sized window
    options.add_experimental_option("prefs", {"intl.accept_languages": "en"})
    options.add_argument("--lang=en")
    browser = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    try:
        [serial, *_] = live.serials(LabelStatus.REVOKED)
        browser.get(f"{live.url}/l/{serial}?lang=en")
        banner = browser.find_element(by.ID, "status-banner")
        assert banner.is_displayed() and "REVOKED" in banner.text
        assert browser.find_element(by.TAG_NAME, "html").get_attribute("lang") == "en"
        image = browser.find_element(by.CSS_SELECTOR, ".qr img")
        assert image.get_attribute("alt").startswith("QR code linking to this page")
        assert browser.execute_script("return arguments[0].naturalWidth", image) > 0  # the QR code loaded
        browser.get(f"{live.url}/l/{serial}?lang=zh")
        assert "此碳标签已撤销" in browser.find_element(by.ID, "status-banner").text
        shot = tmp_path / f"label-{serial}.png"
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 0  # kept under the pytest tmp dir
    finally:
        browser.quit()
