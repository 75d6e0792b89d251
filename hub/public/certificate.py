"""The printable certificate of a label (`/l/{serial}/certificate.pdf`): one A4 page in the page's language with
what matters on paper, the QR code to the label page and the credential's id.

A certificate is printed and kept, so it must never pass for valid when the label is not: a suspended, revoked,
expired or superseded label (or one whose credential does not verify) gets a red banner saying the certificate
is not valid and its status written across the page.

The font is Noto Sans SC (SIL Open Font License 1.1) from the PyPI package `pylopdf-fonts-zh-cn`, a dependency
of cfhub; fpdf2 embeds only the glyphs the page uses (a subset of a few kilobytes, not the 8 MB font).
"""

from __future__ import annotations

import hashlib
import importlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from hub.public import qr
from hub.public.page import LabelPage, number, organization_name, plain

FONT = "NotoSansSC"
FONT_PACKAGE = "pylopdf_fonts_zh_cn"  # PyPI: pylopdf-fonts-zh-cn (Noto Sans SC / Noto Serif SC, OFL 1.1)
VALID = "issued"

INK, MUTED, ACCENT, WARN, PALE_WARN = (26, 26, 26), (74, 74, 74), (11, 93, 59), (138, 17, 17), (244, 214, 214)
MARGIN, PAGE_WIDTH = 18.0, 210.0
QR_SIZE = 38.0
KEPT = 512  # certificates kept per hub: one per label and language a day, for the labels printed most


class FontMissing(RuntimeError):
    """The CJK font the certificate is set in is not installed: the route answers 503 with this message."""


def font_path() -> Path:
    """The Noto Sans SC file the font package ships."""
    try:
        package = importlib.import_module(FONT_PACKAGE)
    except ImportError:
        raise FontMissing(
            "the certificate's CJK font is missing: the package pylopdf-fonts-zh-cn (Noto Sans SC) is not "
            "installed (pip install pylopdf-fonts-zh-cn)"
        ) from None
    path = Path(package.sans_path())
    if not path.is_file():
        raise FontMissing(f"the certificate's CJK font Noto Sans SC is missing: {path} does not exist")
    return path


@dataclass(frozen=True)
class Sheet:
    """What one certificate says, already in its language: no database record reaches the renderer."""

    lang: str
    title: str
    product: str
    enterprise: str
    figure: str
    per: str
    grade: str
    score: str
    rows: list[tuple[str, str]]
    warning: list[str]  # empty for a valid label; else the banner's lines
    stamp: str  # the status written across an invalid certificate
    url: str
    footer: list[str]


def _status_lines(page: LabelPage, t: dict[str, Any], status: str) -> list[str]:
    label, verified = page.label, bool(page.credential and page.credential.get("verified"))
    if status == VALID and verified:
        return []
    lines = [t.get(f"banner_{status}", t["statuses"].get(status, status)), t["certificate_invalid"]]
    if status == VALID:
        lines[0] = t["certificate_unverified"]
    if label.get("status_on"):
        lines.append(f"{t['status_on']}: {plain(label.get('status_on'))}")
    if label.get("status_reason"):
        lines.append(f"{t['reason']}: {label.get('status_reason')}")
    return lines


def _rows(page: LabelPage, t: dict[str, Any], lang: str, credential_id: str) -> list[tuple[str, str]]:
    label, fp = page.label, page.footprint or {}
    status = str(plain(label.get("status")))
    boundary = str(plain(fp.get("system_boundary")) or "")
    period = ""
    if fp.get("reference_period_start"):
        period = f"{plain(fp.get('reference_period_start'))} – {plain(fp.get('reference_period_end'))}"
    rules = "; ".join(str(r) for r in (fp.get("general_rules"), fp.get("industry_rules"), fp.get("product_rules")) if r)
    verifier = organization_name(page.verifier, lang) if page.verifier else ""
    if fp.get("verification_standard"):
        verifier = f"{verifier} ({fp.get('verification_standard')})"
    verified = bool(page.credential and page.credential.get("verified"))
    ruleset_version = label.get("decided_by_ruleset_version")
    rows = [
        (t["system_boundary"], t["boundaries"].get(boundary, boundary)),
        (t["reference_period"], period),
        (t["standards"], ", ".join(fp.get("accounting_standards") or [])),
        (t["rules"], rules),
        (t["decided_by"], f"{label.get('scheme')}: {label.get('decided_by_ruleset')} {ruleset_version}"),
        (t["verifier"], verifier),
        (t["certifier"], organization_name(page.certifier, lang) if page.certifier else ""),
        (t["certified_on"], str(plain(label.get("certified_on")) or "")),
        (t["filing_number"], str(label.get("filing_number") or "")),
        (t["serial"], str(label.get("serial") or "")),
        (t["issued_on"], str(plain(label.get("issued_on")) or "")),
        (t["expires_on"], str(plain(label.get("expires_on")) or "")),
        (t["status"], f"{t['statuses'].get(status, status)} ({plain(label.get('status_on')) or ''})"),
        (t["credential"], t["credential_ok"] if verified else t["credential_failed"]),  # no ✓ ✗ in the font
        (t["credential_id"], credential_id),
    ]
    return [(name, value) for name, value in rows if value]


def sheet(page: LabelPage, t: dict[str, Any], lang: str, url: str, credential_id: str, today: date) -> Sheet:
    """The certificate's content from the label page's data, in the language of `t`."""
    label, fp, product = page.label, page.footprint or {}, page.product or {}
    status = str(plain(label.get("status")))
    figure = f"{number(fp.get('total_kgco2e'))} {t['kgco2e']}" if fp.get("total_kgco2e") is not None else ""
    per = f"{t['per']} {number(fp.get('declared_unit_amount'))} {plain(fp.get('declared_unit')) or ''}".strip()
    warning = _status_lines(page, t, status)
    return Sheet(
        lang=lang,
        title=t["certificate"],
        product=str(product.get("name") or t["title"]),
        enterprise=organization_name(page.enterprise, lang) if page.enterprise else "",
        figure=figure,
        per=per if figure else "",
        grade=str(label.get("grade") or ""),
        score=f"{t['score']}: {number(label.get('score'))}" if label.get("score") is not None else "",
        rows=_rows(page, t, lang, credential_id),
        warning=warning,
        stamp=t["statuses"].get(status, status) if warning else "",
        url=url,
        footer=[f"{t['verify_at']}: {url}", t["certificate_as_of"].format(day=today.isoformat())],
    )


class _Certificate(FPDF):
    """One page, no automatic page break: a certificate that does not fit is a layout bug, not a second page."""

    def __init__(self, font: Path) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.add_font(FONT, fname=str(font))
        self.c_margin = 1.0


def _ink(pdf: FPDF, colour: tuple[int, int, int]) -> None:
    pdf.set_text_color(*colour)


def _banner(pdf: FPDF, lines: list[str], wrap: WrapMode) -> None:
    pdf.set_fill_color(*WARN)
    _ink(pdf, (255, 255, 255))
    width = PAGE_WIDTH - 2 * MARGIN
    for size, height, text, padding in ((16, 9, lines[0], (3, 4, 0, 4)), (11, 6, "\n".join(lines[1:]), (1, 4, 3, 4))):
        pdf.set_font(FONT, size=size)
        pdf.multi_cell(
            width, height, text, fill=True, align=Align.L, wrapmode=wrap, padding=padding, new_x=XPos.LMARGIN
        )
    pdf.ln(4)


def _stamp(pdf: FPDF, text: str) -> None:
    """The status across the page, drawn first so that every line stays readable on top of it."""
    pdf.set_font(FONT, size=90)
    _ink(pdf, PALE_WARN)
    with pdf.rotation(angle=35, x=PAGE_WIDTH / 2, y=170):
        width = pdf.get_string_width(text)
        pdf.text(PAGE_WIDTH / 2 - width / 2, 190, text)


def _qr(pdf: FPDF, url: str, x: float, y: float) -> None:
    """The QR code as vector squares (segno's matrix), sharp at any print size."""
    matrix = qr.code(url).matrix
    module = QR_SIZE / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                pdf.rect(x + column * module, y + row * module, module, module, style="F")


def _figures(pdf: FPDF, page: Sheet, top: float) -> float:
    """Value, grade and score on the left, the QR code on the right; returns the y below them."""
    left_width = PAGE_WIDTH - 2 * MARGIN - QR_SIZE - 6
    pdf.set_xy(MARGIN, top)
    if page.figure:
        pdf.set_font(FONT, size=24)
        _ink(pdf, INK)
        pdf.cell(left_width, 12, page.figure, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, size=12)
        _ink(pdf, MUTED)
        pdf.cell(left_width, 7, page.per, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if page.grade:
        pdf.ln(3)
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.8)
        _ink(pdf, ACCENT)
        pdf.set_font(FONT, size=28)
        pdf.cell(18, 16, page.grade, border=1, align=Align.C)
        pdf.set_font(FONT, size=12)
        _ink(pdf, INK)
        pdf.cell(left_width - 18, 16, f"  {page.score}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _qr(pdf, page.url, PAGE_WIDTH - MARGIN - QR_SIZE, top)
    return max(pdf.get_y(), top + QR_SIZE) + 6


def _table(pdf: FPDF, rows: list[tuple[str, str]], wrap: WrapMode) -> None:
    name_width = 46.0
    value_width = PAGE_WIDTH - 2 * MARGIN - name_width
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.2)
    for name, value in rows:
        y = pdf.get_y()
        pdf.set_font(FONT, size=10)
        _ink(pdf, MUTED)
        pdf.multi_cell(name_width, 6, name, wrapmode=wrap, align=Align.L, new_x=XPos.RIGHT, new_y=YPos.TOP)
        _ink(pdf, INK)
        pdf.multi_cell(value_width, 6, value, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # whole words
        bottom = max(pdf.get_y(), y + 6)
        pdf.line(MARGIN, bottom + 0.5, PAGE_WIDTH - MARGIN, bottom + 0.5)
        pdf.set_xy(MARGIN, bottom + 1.5)


def fingerprint(page: Sheet) -> str:
    """What a certificate says, as a key: the same words and figures make the same PDF."""
    return hashlib.sha256(repr(page).encode("utf-8")).hexdigest()


def kept(store: OrderedDict[str, bytes], key: str) -> bytes | None:
    """The certificate kept under `key`, if any. Rendering takes about a second of CPU: without this, anyone
    could keep a hub busy by asking for the same certificate again and again. Kept on the Hub, not the process."""
    found = store.get(key)
    if found is not None:
        store.move_to_end(key)
    return found


def keep(store: OrderedDict[str, bytes], key: str, pdf: bytes) -> bytes:
    """Keep `pdf` under `key`, dropping the least recently used past KEPT."""
    store[key] = pdf
    while len(store) > KEPT:
        store.popitem(last=False)
    return pdf


def render(page: Sheet, font: Path) -> bytes:
    """The certificate as PDF bytes: one A4 page, the font embedded as a subset of the glyphs used."""
    wrap = WrapMode.CHAR if page.lang == "zh" else WrapMode.WORD
    pdf = _Certificate(font)
    pdf.set_lang("zh-Hans" if page.lang == "zh" else "en")
    pdf.set_title(f"{page.title}: {page.product}")
    pdf.set_creator("cfhub")
    pdf.add_page()
    if page.stamp:
        _stamp(pdf, page.stamp)
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font(FONT, size=11)
    _ink(pdf, ACCENT)
    pdf.cell(0, 6, f"cfhub · {page.title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    if page.warning:
        _banner(pdf, page.warning, wrap)
    _ink(pdf, INK)
    pdf.set_font(FONT, size=20)
    pdf.multi_cell(0, 10, page.product, wrapmode=wrap, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=12)
    _ink(pdf, MUTED)
    pdf.multi_cell(0, 7, page.enterprise, wrapmode=wrap, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(_figures(pdf, page, pdf.get_y() + 4))
    _table(pdf, page.rows, wrap)
    pdf.set_y(297 - MARGIN - 12)
    pdf.set_font(FONT, size=9)
    _ink(pdf, MUTED)
    for line in page.footer:
        pdf.cell(0, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
