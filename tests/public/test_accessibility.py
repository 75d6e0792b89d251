"""Accessibility of the public pages in headless Chromium: Deque's axe-core (npm, installed by the test into a
cache folder) injected into each page, plus the checks a screen-reader user relies on, spelled out: the page's
language, one h1 and an outline without gaps, a text alternative on every image, contrast."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.domain.codes import LabelStatus
from tests import node_packages
from tests.credentials.live import LiveHub
from tests.public.chromium import chromium, phone, speak

HERE = Path(__file__).resolve().parent
# WCAG 2.1 A and AA and axe's best practices. Passes come back by rule, so a rule that found nothing to check
# (inapplicable) cannot pass for one that ran and passed; `review` is axe's "incomplete" (needs a person).
RUN_AXE = """
const done = arguments[arguments.length - 1];
const brief = (results) => results.map((r) => ({id: r.id, impact: r.impact,
  nodes: r.nodes.map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '')).slice(0, 5)}));
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
  .then((r) => done({violations: brief(r.violations), review: brief(r.incomplete), passes: r.passes.map((p) => p.id)}))
  .catch((e) => done({error: String(e)}));
"""
OUTLINE = "return [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => Number(h.tagName[1]))"
# Images without a text alternative: an <img> needs alt, an <svg> its own <title> (or aria-label), any other
# role="img" element an aria-label.
UNNAMED_IMAGES = """
const name = (e) => {
  const tag = e.tagName.toLowerCase();
  if (tag === 'img') return e.getAttribute('alt');
  if (tag === 'svg') return e.querySelector(':scope > title')?.textContent || e.getAttribute('aria-label');
  return e.getAttribute('aria-label');
};
return [...document.querySelectorAll('img, svg, [role=img]')].filter((e) => !(name(e) || '').trim())
  .map((e) => e.outerHTML.slice(0, 80));
"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    folder = node_packages.installed(HERE / "axe", "axe-core", "axe-core/axe.min.js", ())
    return (folder / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def audit(browser: Any, axe_source: str) -> dict[str, Any]:
    browser.execute_script(axe_source)
    browser.set_script_timeout(60)
    result: dict[str, Any] = browser.execute_async_script(RUN_AXE)
    assert "error" not in result, result
    return result


# (a label's status, "lookup" or "missing" (an unknown serial's 404 page), Accept-Language, the page's lang,
# phone width or None)
PAGES = [
    ("issued", "en", "en", None),
    ("revoked", "zh-CN,zh;q=0.9", "zh-Hans", None),
    ("suspended", "en", "en", 375),
    ("lookup", "zh-CN", "zh-Hans", 375),
    ("missing", "en", "en", None),
]


def path_of(live: LiveHub, page: str) -> str:
    if page == "lookup":
        return "/l"
    if page == "missing":
        return "/l/ZJ-PCF-2026-0000000000"
    return f"/l/{live.serials(LabelStatus(page))[0]}"


@pytest.mark.parametrize(("page", "accept", "lang", "width"), PAGES)
def test_the_public_pages_pass_axe_and_read_well_with_a_screen_reader(
    browser: Any, live: LiveHub, axe_source: str, page: str, accept: str, lang: str, width: int | None
) -> None:
    speak(browser, accept)
    phone(browser, width)
    path = path_of(live, page)
    browser.get(f"{live.url}{path}")
    assert browser.find_element("tag name", "html").get_attribute("lang") == lang

    result = audit(browser, axe_source)
    grave = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert grave == [], f"axe on {path}: {grave}"
    assert result["violations"] == [], f"axe on {path} (minor or moderate): {result['violations']}"
    # what axe could not decide alone (e.g. aria-label on an element whose role does not take one) must not be grave
    doubtful = [v for v in result["review"] if v["impact"] in ("serious", "critical")]
    assert doubtful == [], f"axe on {path} needs review: {doubtful}"
    # rules that must have run and passed here, not merely found nothing to check
    assert {"color-contrast", "html-has-lang", "html-lang-valid", "document-title"} <= set(result["passes"])
    if page not in ("lookup", "missing"):
        assert {"image-alt", "page-has-heading-one", "heading-order", "valid-lang"} <= set(result["passes"])

    outline = browser.execute_script(OUTLINE)
    assert outline[0] == 1 and outline.count(1) == 1, outline  # one h1, first
    assert all(b <= a + 1 for a, b in itertools.pairwise(outline)), outline  # no level skipped
    assert browser.execute_script(UNNAMED_IMAGES) == []
