"""The QR code printed on a product: the label page's absolute URL, as SVG (for print shops) and PNG."""

from __future__ import annotations

import io

import segno

ERROR_CORRECTION = "m"  # 15 % of the code may be scuffed on packaging and it still reads


def code(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_CORRECTION, micro=False)


def svg(url: str, title: str) -> bytes:
    out = io.BytesIO()
    code(url).save(out, kind="svg", scale=4, border=4, title=title, xmldecl=False)
    return out.getvalue()


def png(url: str) -> bytes:
    out = io.BytesIO()
    code(url).save(out, kind="png", scale=8, border=4)
    return out.getvalue()
