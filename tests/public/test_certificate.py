"""The printable certificate (/l/{serial}/certificate.pdf) over real HTTP: a one-page PDF that parses, in the
page's language, its CJK font embedded as a small subset, and a revoked label's certificate saying so."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ByteStringObject, ContentStream, TextStringObject
from sqlalchemy import select, update

from hub.bootstrap import Hub
from hub.db.models import Footprint, Label, Product
from hub.domain.codes import LabelStatus
from hub.services.uow import unit_of_work
from tests import databases
from tests.credentials.live import LiveHub, live_hub
from tests.public.test_label_page import EN, ZH

# A product named in Chinese, with markup in it: the PDF prints it as text, the page escapes it.
NAME_ZH = "龙井绿茶 <b>特级</b>"
MAX_BYTES = 150_000  # the font is 8 MB: a certificate far above this embeds it whole


@pytest.fixture(scope="module")
def live(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
    """The demo hub, every labelled product renamed in Chinese (its own database: the module's only)."""
    url = templates.fresh("demo", databases.with_demo)
    with live_hub(url, tmp_path_factory.mktemp("keys")) as served:

        async def rename(hub: Hub) -> None:
            async with unit_of_work(hub.sessions) as session:
                labelled = select(Footprint.product_id).join(Label, Label.footprint_id == Footprint.id)
                await session.execute(update(Product).where(Product.id.in_(labelled)).values(name=NAME_ZH))

        served._run(rename)
        yield served


def to_unicode(font: Any) -> dict[bytes, str]:
    """A Type0 font's ToUnicode CMap (bfchar entries: fpdf2 writes one per glyph used) as code -> text."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    pairs = re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)
    return {bytes.fromhex(code): bytes.fromhex(text).decode("utf-16-be") for code, text in pairs}


def page_text(reader: PdfReader) -> str:
    """The text of every string shown, read through its font's ToUnicode CMap two bytes a code.

    pypdf's extract_text reads a Type0 font's /Encoding only when it names a predefined CMap; fpdf2 embeds
    a CID-keyed CFF font (Noto Sans SC) with an embedded encoding CMap stream, whose two-byte codes pypdf
    then splits in one-byte halves. The codes and the ToUnicode map are exact, so they are read here."""
    out = []
    for page in reader.pages:
        fonts = {name: to_unicode(ref.get_object()) for name, ref in page["/Resources"]["/Font"].items()}
        current: dict[bytes, str] = {}
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = fonts[operands[0]]
            shown = operands if operator == b"TJ" else [operands] if operator == b"Tj" else []
            for item in [x for group in shown for x in (group if isinstance(group, list) else [group])]:
                if isinstance(item, TextStringObject | ByteStringObject):
                    raw = item.original_bytes
                    out.append("".join(current.get(raw[i : i + 2], "?") for i in range(0, len(raw), 2)))
            if operator in (b"ET", b"Td", b"TD", b"T*"):
                out.append(" ")
    return " ".join("".join(out).split())


def certificate(live: LiveHub, serial: str, headers: dict[str, str]) -> tuple[bytes, PdfReader, str]:
    response = live.client.get(f"/l/{serial}/certificate.pdf", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return response.content, reader, page_text(reader)


def embedded_fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    """(base font name, font file embedded) of every font the pages use, through Type0 descendants."""
    found = []
    for page in reader.pages:
        fonts: Any = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            for part in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                descriptor = part.get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    has_file = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    found.append((str(part["/BaseFont"]), has_file))
    return found


def test_an_issued_labels_certificate_in_chinese_with_its_font_embedded_as_a_subset(live: LiveHub) -> None:
    serial = live.serials()[0]
    data = live.client.get(f"/l/{serial}.json").json()
    content, reader, text = certificate(live, serial, ZH)
    assert len(reader.pages) == 1 and len(content) < MAX_BYTES
    assert NAME_ZH in text  # the markup is text on paper, not a tag
    for words in ("碳标签证书", "千克二氧化碳当量", "有效", "备案号", serial, data["label"]["filing_number"]):
        assert words in text, words
    assert f"{live.url}/l/{serial}/credential.json" in text  # the credential's id
    assert "评级规则集" in text and data["label"]["decided_by_ruleset"] in text
    assert "本证书无效" not in text
    fonts = embedded_fonts(reader)
    assert fonts and all(has_file for _, has_file in fonts)
    assert all(name.split("+")[-1] == "/NotoSansSC" or name.endswith("NotoSansSC") for name, _ in fonts)
    assert all(len(name.lstrip("/").split("+")[0]) == 6 for name, _ in fonts)  # ABCDEF+: a subset
    english = certificate(live, serial, EN)[2]
    assert "Carbon label certificate" in english and "kg CO2e" in english and NAME_ZH in english


def test_a_revoked_labels_certificate_says_it_is_not_valid(live: LiveHub) -> None:
    [serial, *_] = live.serials(LabelStatus.REVOKED)
    text = certificate(live, serial, EN)[2]
    assert "This carbon label has been REVOKED" in text
    assert "This certificate is NOT VALID" in text
    assert "The credential does not verify" in text
    zh = certificate(live, serial, ZH)[2]
    assert "此碳标签已撤销" in zh and "本证书无效" in zh
    [suspended, *_] = live.serials(LabelStatus.SUSPENDED)
    assert "This carbon label is SUSPENDED" in certificate(live, suspended, EN)[2]


def test_the_page_links_its_certificate_and_an_unknown_serial_has_none(live: LiveHub) -> None:
    serial = live.serials()[0]
    page = live.client.get(f"/l/{serial}?lang=en").text
    assert f'href="/l/{serial}/certificate.pdf?lang=en"' in page
    assert "&lt;b&gt;特级&lt;/b&gt;" in page and "<b>特级</b>" not in page  # autoescaped on the page
    not_found = live.client.get("/l/NO-SUCH/certificate.pdf", headers=EN)
    assert not_found.status_code == 404 and not_found.text == live.client.get("/l/NO-SUCH", headers=EN).text


def test_the_certificate_renders_to_an_image(live: LiveHub, tmp_path: Path) -> None:
    """pdftoppm (poppler-utils) draws the page as a printer would; the PNG stays in the test's tmp dir."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (Debian: apt-get install poppler-utils); the PDF is not rendered")
    [serial, *_] = live.serials(LabelStatus.REVOKED)
    pdf = tmp_path / f"certificate-{serial}.pdf"
    pdf.write_bytes(certificate(live, serial, ZH)[0])
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", pdf, tmp_path / pdf.stem], check=True)
    png = (tmp_path / f"{pdf.stem}.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_a_certificate_asked_again_is_not_rendered_again(live: LiveHub) -> None:
    serial = live.serials()[0]
    first = certificate(live, serial, EN)[0]
    kept = len(live.hub.certificates)
    assert kept >= 1
    assert certificate(live, serial, EN)[0] == first  # the kept bytes
    assert len(live.hub.certificates) == kept
