"""The public label page over real HTTP, as a person (and a consumer app) reads it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import segno
from sqlalchemy import select, update

from hub.bootstrap import Hub
from hub.db.models import Footprint, Label, Product
from hub.domain.codes import LabelStatus
from hub.public import qr
from hub.services.uow import unit_of_work
from tests.credentials.live import LiveHub, live_hub

EN = {"accept-language": "en-GB,en;q=0.9"}
ZH = {"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"}


def text_of(page: str) -> str:
    """The words a person reads: tags dropped, entities decoded, whitespace folded."""
    body = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_an_issued_label_shows_its_figures_grade_and_a_verifying_credential(live: LiveHub) -> None:
    serial = live.serials()[0]
    data = live.client.get(f"/l/{serial}.json").json()
    response = live.client.get(f"/l/{serial}", headers=EN)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    words = text_of(page)
    assert '<html lang="en">' in page
    assert f"{data['footprint']['total_kgco2e']:,.2f} kg CO2e" in words
    assert f"per {data['footprint']['declared_unit_amount']:,.2f} {data['footprint']['declared_unit']}" in words
    assert data["label"]["grade"] and f"Grade {data['label']['grade']}" in page  # the grade's accessible name
    assert data["product"]["name"] in words and data["enterprise"]["name_en"] in words
    assert "✓ The credential verifies" in words
    assert "status-banner" not in page
    assert f'alt="QR code linking to this page: {live.url}/l/{serial}"' in page
    assert re.search(r"<h1>[^<]+</h1>", page) and page.count("<h2>") >= 4  # a heading outline
    assert "<script" not in page  # readable without JavaScript
    assert "@media print" in page and "@media (max-width" in page  # printable and on a phone
    assert data["url"] == f"{live.url}/l/{serial}"
    assert data["credential"]["verified"] is True
    assert [v["version"] for v in data["versions"]] == sorted(v["version"] for v in data["versions"])


def test_chinese_by_accept_language_and_the_switch_overrides_it(live: LiveHub) -> None:
    serial = live.serials()[0]
    zh = live.client.get(f"/l/{serial}", headers=ZH)
    assert '<html lang="zh-Hans">' in zh.text
    assert zh.headers["content-language"] == "zh-Hans"
    words = text_of(zh.text)
    assert "碳足迹" in words and "千克二氧化碳当量" in words and "凭证验证通过" in words
    assert 'href="?lang=en"' in zh.text  # the switch, itself marked as English
    switched = live.client.get(f"/l/{serial}?lang=en", headers=ZH)
    assert '<html lang="en">' in switched.text and "Carbon footprint" in switched.text
    assert '<html lang="zh-Hans">' in live.client.get(f"/l/{serial}").text  # no preference: Chinese
    refused = live.client.get(f"/l/{serial}", headers={"accept-language": "en;q=0, fr"})
    assert '<html lang="zh-Hans">' in refused.text  # q=0 means "not English"


def test_revoked_suspended_and_expired_labels_show_a_banner_never_a_404(live: LiveHub) -> None:
    banners = {
        LabelStatus.REVOKED: "This carbon label has been REVOKED",
        LabelStatus.SUSPENDED: "This carbon label is SUSPENDED",
        LabelStatus.EXPIRED: "This carbon label has EXPIRED",
    }
    for status, banner in banners.items():
        [serial, *_] = live.serials(status)
        response = live.client.get(f"/l/{serial}", headers=EN)
        assert response.status_code == 200, status
        data = live.client.get(f"/l/{serial}.json").json()
        words = text_of(response.text)
        assert 'role="alert"' in response.text
        assert banner in words
        assert f"Since: {data['label']['status_on']}" in words
        if data["label"]["status_reason"]:
            assert f"Reason: {data['label']['status_reason']}" in words
        verdict = "✓ The credential verifies" if data["credential"]["verified"] else "✗ The credential does not verify"
        assert verdict in words  # the page says what the hub's verifier says
    [revoked, *_] = live.serials(LabelStatus.REVOKED)
    assert "此碳标签已撤销" in text_of(live.client.get(f"/l/{revoked}", headers=ZH).text)


def test_an_unknown_serial_is_a_404_that_says_nothing_else(live: LiveHub) -> None:
    known = live.serials()
    answers = []
    for serial in ("NO-SUCH-LABEL", "X" * 65, "%00", "%E2%80%8B", known[0] + "0"):
        response = live.client.get(f"/l/{serial}", headers=EN)
        assert response.status_code == 404
        assert not any(s in response.text for s in known)
        answers.append(response.text)
        assert live.client.get(f"/l/{serial}.json").status_code == 404
        assert live.client.get(f"/l/{serial}/qr.svg").status_code == 404
    assert len(set(answers)) == 1  # the same page whatever was asked: nothing to tell serials apart by


def test_the_qr_code_encodes_the_pages_absolute_url(live: LiveHub) -> None:
    serial = live.serials()[0]
    url = f"{live.url}/l/{serial}"
    svg = live.client.get(f"/l/{serial}/qr.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.content == qr.svg(url, title=f"QR code linking to this page ({serial})")
    # segno's own matrix of that URL is what the SVG draws: every dark module one unit of its path
    matrix = segno.make(url, error="m", micro=False).matrix
    assert svg.text.count("h") >= 1 and len(matrix) == qr.code(url).symbol_size(scale=1, border=0)[0]
    png = live.client.get(f"/l/{serial}/qr.png")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert png.content == qr.png(url)


def test_the_json_holds_only_what_the_page_shows(live: LiveHub) -> None:
    serial = live.serials()[0]
    data = live.client.get(f"/l/{serial}.json").json()
    flat = repr(data)
    for secret in ("inventory", "comment", "verification_statement", "certification_statement", "_id", "credit_code"):
        assert secret not in flat, secret
    assert set(data["footprint"]) <= {
        "id", "version", "status", "declared_unit", "declared_unit_amount", "total_kgco2e", "system_boundary",
        "reference_period_start", "reference_period_end", "accounting_standards", "general_rules", "industry_rules",
        "product_rules", "verified_at", "verification_standard", "validity_start", "validity_end",
    }  # fmt: skip
    assert {v["status"] for v in data["versions"]} <= {"published", data["footprint"]["status"]}  # no drafts


def give_gtin(live: LiveHub, serial: str, gtin: str) -> None:
    async def work(hub: Hub) -> None:
        async with unit_of_work(hub.sessions) as session:
            footprint = select(Label.footprint_id).where(Label.serial == serial).scalar_subquery()
            product = select(Footprint.product_id).where(Footprint.id == footprint).scalar_subquery()
            await session.execute(update(Product).where(Product.id == product).values(gtin=gtin))

    live._run(work)


def test_lookup_by_gtin_and_by_serial(live: LiveHub) -> None:
    serial, gtin = live.serials()[0], "06970000000093"  # the demo's labelled products carry no GTIN: give one
    give_gtin(live, serial, gtin)
    found = live.client.get("/l.json", params={"gtin": gtin}).json()["labels"]
    assert serial in [entry["serial"] for entry in found]
    assert f'href="/l/{serial}?lang=en"' in live.client.get("/l", params={"gtin": gtin, "lang": "en"}).text
    go = live.client.get("/l", params={"serial": serial, "lang": "en"}, follow_redirects=False)
    assert go.status_code == 303 and go.headers["location"] == f"/l/{serial}?lang=en"
    for nothing in ("00000000000000", "not-a-gtin", "9" * 200, "\x00", "٣٣٣"):
        assert live.client.get("/l.json", params={"gtin": nothing}).json() == {"labels": []}
    for serial_asked in ("NO-SUCH", "\x00"):
        assert live.client.get("/l.json", params={"serial": serial_asked}).json() == {"labels": []}


def test_a_suspension_through_the_label_service_shows_at_once(demo_db_url: str, tmp_path: Path) -> None:
    with live_hub(demo_db_url, tmp_path / "keys") as own:
        serial = own.serials()[-1]
        own.set_status(serial, LabelStatus.SUSPENDED)
        words = text_of(own.client.get(f"/l/{serial}", headers=EN).text)
        assert "This carbon label is SUSPENDED" in words and "Reason: credential test" in words
        assert "✗ The credential does not verify" in words
        assert own.client.get(f"/l/{serial}.json").json()["credential"]["status"]["suspension"] is True
