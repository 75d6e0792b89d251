"""The label page in a real browser: Debian's headless Chromium (selenium) against the demo hub over loopback.

What a person reads (value, unit, grade, status), the banners, the Chinese version, a phone's width, paper, and
the QR code as the browser draws it, decoded by zxing-cpp. One browser for the module; screenshots are kept
under tests/artefacts/ (git-ignored), their paths printed."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pytest
import zxingcpp

from hub.domain.codes import LabelStatus
from tests.credentials.live import LiveHub
from tests.public.chromium import ARTEFACTS, chromium, media, phone, speak

# Draws the page's own <img> of the QR code (the browser's render of the SVG) on a white canvas at 4x and
# answers its grey levels, so the decoder reads exactly what a phone camera would see on the screen.
GREY_LEVELS = """
const img = document.querySelector('.qr img');
const scale = 4, w = img.naturalWidth * scale, h = img.naturalHeight * scale;
const canvas = document.createElement('canvas');
canvas.width = w; canvas.height = h;
const ctx = canvas.getContext('2d');
ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, w, h);
ctx.drawImage(img, 0, 0, w, h);
const rgba = ctx.getImageData(0, 0, w, h).data;
let grey = '';
for (let i = 0; i < rgba.length; i += 4) grey += String.fromCharCode(rgba[i + 1]);
return [w, h, btoa(grey)];
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


@pytest.fixture(autouse=True)
def english_screen(browser: Any) -> None:
    """Each test starts as an English-speaking desktop browser showing the screen."""
    speak(browser, "en-GB,en;q=0.9")
    phone(browser, None)
    media(browser, "")


def text(browser: Any, css: str) -> str:
    return str(browser.find_element("css selector", css).text)


def shown(browser: Any, css: str) -> bool:
    return bool(browser.find_element("css selector", css).is_displayed())


def keep_screenshot(browser: Any, name: str) -> Path:
    ARTEFACTS.mkdir(exist_ok=True)
    shot = ARTEFACTS / f"{name}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 1000
    print(f"screenshot kept: {shot}")
    return shot


def test_a_live_label_shows_value_unit_grade_and_status(browser: Any, live: LiveHub) -> None:
    serial = live.serials(LabelStatus.ISSUED)[0]
    data = live.client.get(f"/l/{serial}.json").json()
    fp, label = data["footprint"], data["label"]
    browser.get(f"{live.url}/l/{serial}")  # no ?lang: the browser's Accept-Language decides
    assert browser.find_element("tag name", "html").get_attribute("lang") == "en"
    assert text(browser, "h1") == data["product"]["name"]
    value = text(browser, "#value")
    assert value.startswith(f"{fp['total_kgco2e']:,.2f} kg CO2e")
    assert value.endswith(f"per {fp['declared_unit_amount']:,.2f} {fp['declared_unit']}")
    assert label["grade"] and text(browser, "#grade") == label["grade"]
    assert text(browser, "#status").startswith("valid")
    assert text(browser, "#credential").startswith("✓ The credential verifies")
    assert not browser.find_elements("id", "status-banner")
    keep_screenshot(browser, "label-live")


@pytest.mark.parametrize(
    ("status", "words"),
    [(LabelStatus.REVOKED, "This carbon label has been REVOKED"), (LabelStatus.SUSPENDED, "is SUSPENDED")],
)
def test_a_revoked_or_suspended_label_shows_its_banner_first(
    browser: Any, live: LiveHub, status: LabelStatus, words: str
) -> None:
    serial = live.serials(status)[0]
    reason = live.client.get(f"/l/{serial}.json").json()["label"]["status_reason"]
    browser.get(f"{live.url}/l/{serial}")
    assert shown(browser, "#status-banner")
    banner = text(browser, "#status-banner")
    assert words in banner and reason and f"Reason: {reason}" in banner
    first = browser.execute_script("return document.querySelector('main > :not(header)').id")
    assert first == "status-banner"  # above the product name: nobody reads the figures without it
    assert text(browser, "#status").startswith(status.value)
    keep_screenshot(browser, f"label-{status.value}")


def test_chinese_by_accept_language_and_the_switch_back_to_english(browser: Any, live: LiveHub) -> None:
    serial = live.serials(LabelStatus.REVOKED)[0]
    speak(browser, "zh-CN,zh;q=0.9")
    browser.get(f"{live.url}/l/{serial}")
    assert browser.find_element("tag name", "html").get_attribute("lang") == "zh-Hans"
    assert text(browser, "#status-banner").startswith("此碳标签已撤销")
    assert "千克二氧化碳当量" in text(browser, "#value")
    switch = browser.find_element("css selector", "nav a")
    assert switch.text == "English" and switch.get_attribute("lang") == "en"
    switch.click()  # the browser still asks for Chinese: the switch wins
    wait = pytest.importorskip("selenium.webdriver.support.wait").WebDriverWait
    wait(browser, 30).until(lambda b: b.execute_script("return document.documentElement.lang") == "en")
    assert browser.current_url.endswith(f"/l/{serial}?lang=en")
    assert browser.find_element("tag name", "html").get_attribute("lang") == "en"
    assert text(browser, "#status-banner").startswith("This carbon label has been REVOKED")


@pytest.mark.parametrize("status", [LabelStatus.ISSUED, LabelStatus.REVOKED])
def test_on_a_phone_nothing_overflows_sideways(browser: Any, live: LiveHub, status: LabelStatus) -> None:
    serial = live.serials(status)[0]
    phone(browser, 375)
    browser.get(f"{live.url}/l/{serial}")
    inner, scroll = browser.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert inner == 375 and scroll <= inner
    wide = browser.execute_script(
        "return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth)"
        ".map(e => e.tagName + '#' + e.id)"
    )
    assert wide == []  # no element sticks out (a clipped one would not widen scrollWidth)
    columns = browser.execute_script("return getComputedStyle(document.querySelector('dl')).gridTemplateColumns")
    assert len(columns.split()) == 1  # terms above their values on a phone


def test_on_paper_the_switch_and_download_links_are_hidden(browser: Any, live: LiveHub) -> None:
    serial = live.serials(LabelStatus.SUSPENDED)[0]
    browser.get(f"{live.url}/l/{serial}")
    assert shown(browser, "nav") and shown(browser, ".qr .no-print")
    media(browser, "print")
    assert not shown(browser, "nav")
    assert not any(e.is_displayed() for e in browser.find_elements("css selector", ".no-print"))
    assert shown(browser, "#status-banner") and shown(browser, ".qr img")  # the banner and the code stay
    style = browser.execute_script("return getComputedStyle(document.getElementById('status-banner')).borderTopStyle")
    assert style == "solid"  # a black frame instead of a coloured background


def test_the_qr_code_as_drawn_on_the_page_decodes_to_the_page_url(browser: Any, live: LiveHub) -> None:
    serial = live.serials(LabelStatus.ISSUED)[0]
    browser.get(f"{live.url}/l/{serial}?lang=zh")
    browser.execute_script("return document.querySelector('.qr img').decode()")  # the SVG is drawn
    width, height, grey = browser.execute_script(GREY_LEVELS)
    pixels = np.frombuffer(base64.b64decode(grey), dtype=np.uint8).reshape(height, width)
    decoded = zxingcpp.read_barcodes(pixels)
    assert [(code.format, code.text) for code in decoded] == [(zxingcpp.BarcodeFormat.QRCode, f"{live.url}/l/{serial}")]


def test_markup_in_the_lookup_runs_nothing_in_the_browser(browser: Any, live: LiveHub) -> None:
    """An attacker's links: markup in the GTIN (shown back in the form) and in a serial (redirected to its page)."""
    attacks = {
        "gtin": '"><img id=injected src=x onerror="window.pwned=1"><script>window.pwned=1</script>',
        "serial": "<img id=injected src=x onerror=window.pwned=1>",  # no slash: it reaches the label route
    }
    for query, attack in attacks.items():
        browser.get(f"{live.url}/l?{urlencode({query: attack, 'lang': 'en'})}")
        browser.execute_script("return new Promise((done) => setTimeout(done, 50))")  # let an onerror fire
        assert browser.execute_script("return window.pwned") is None
        assert not browser.find_elements("id", "injected")
        assert not browser.find_elements("tag name", "script")
        if query == "gtin":
            assert browser.find_element("id", "gtin").get_attribute("value") == attack  # text, not markup
    assert browser.find_element("tag name", "h1").text == "Carbon label"  # the serial's 404 page, naming nothing
    assert "img" not in browser.find_element("tag name", "main").text
