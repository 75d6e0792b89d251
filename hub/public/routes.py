"""HTTP routes of the public label pages (spliced into `create_app` by one line). All are public and read as the
`public` principal:

GET /l/{serial}          the label page, HTML in Chinese or English (Accept-Language, `?lang=zh|en`)
GET /l/{serial}.json     the same data as JSON, for consumer apps
GET /l/{serial}/qr.svg   the QR code of the page's absolute URL (also qr.png), for packaging
GET /l/{serial}/certificate.pdf   the printable certificate (hub/public/certificate.py), in the page's language
GET /c/{code}            a product category's benchmark chart (SVG, no JavaScript) under the minimum-group rule
GET /l?serial=|gtin=     a lookup: a serial goes to its page, a GTIN lists the product's labels (`.json` too)

An unknown serial is a 404 that names nothing but the serial asked for; a suspended, revoked or expired label
is a 200 page with its banner.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import jinja2
import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from hub.bootstrap import Hub
from hub.credentials.vc import credential_url
from hub.labels.public import label_public_view, public_reader
from hub.public import certificate, i18n, qr
from hub.public.category import category_page
from hub.public.kept import page_key
from hub.public.page import (
    as_json,
    label_page,
    number,
    organization_name,
    page_url,
    plain,
    plausible_serial,
    serials_for_gtin,
)

# Templates and texts are read once, like code; nothing in them changes while the process runs.
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("hub.public", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
TEMPLATES.filters.update(plain=plain, num=number, org=organization_name)
TEXTS = i18n.load_texts()
CACHE = {"Cache-Control": "public, max-age=60", "Vary": "Accept-Language"}  # a suspension shows within a minute


def _lang(request: Request) -> str:
    return i18n.choose(request.query_params.get("lang"), request.headers.get("accept-language"))


def _render(name: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = TEMPLATES.get_template(name).render(t=TEXTS[lang], lang=lang, **context)
    headers = {**CACHE, "Content-Language": TEXTS[lang]["html_lang"]}
    return HTMLResponse(html, status_code=status_code, headers=headers)


def _not_found(lang: str) -> HTMLResponse:
    return _render("not_found.html", lang, status_code=404)


async def _partner(hub: Hub, serial: str, suffix: str) -> Response | None:
    """No label of ours has this serial: a partner hub's label may (hub/public/partner.py)."""
    from hub.public.partner import redirect_for

    target = await redirect_for(hub, serial, suffix)
    return None if target is None else RedirectResponse(target, status_code=303)


async def page(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    serial = request.path_params["serial"]
    lang = _lang(request)
    headers = {**CACHE, "Content-Language": TEXTS[lang]["html_lang"]}
    key = await page_key(hub, "html", serial, lang)
    kept = hub.pages.get(key)  # rendered before, from what is still current (hub/public/kept.py)
    if kept is not None:
        return Response(kept, media_type="text/html; charset=utf-8", headers=headers)
    found = await label_page(hub, serial)
    if found is None:
        return await _partner(hub, serial, "") or _not_found(lang)
    response = _render("label.html", lang, page=found, serial=serial, url=page_url(hub, serial))
    await _keep(hub, key, ("html", serial, lang), bytes(response.body))
    return response


async def page_json(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    serial = request.path_params["serial"]
    headers = {"Cache-Control": "public, max-age=60"}
    key = await page_key(hub, "json", serial, "")
    kept = hub.pages.get(key)
    if kept is not None:
        return Response(kept, media_type="application/json", headers=headers)
    found = await label_page(hub, serial)
    if found is None:
        return await _partner(hub, serial, ".json") or JSONResponse({"error": "no label with this serial"}, 404)
    body = orjson.dumps(as_json(hub, found))
    await _keep(hub, key, ("json", serial, ""), body)
    return Response(body, media_type="application/json", headers=headers)


async def _keep(hub: Hub, before: tuple[Any, ...], page: tuple[str, str, str], body: bytes) -> None:
    """Keep a page only if nothing it may show changed while it was made (the key read again is the key read
    before): a page made across a write is not kept, as the first view of a label is not (its credential is
    signed then, which moves the status lists' revisions)."""
    hub.pages.made += 1
    if await page_key(hub, *page) == before:
        hub.pages.put(before, body)


async def certificate_pdf(request: Request) -> Response:
    """The printable certificate in the page's language; rendered in a worker thread (fpdf2 and the font subset
    take a second of CPU, which must not stall every other request on the event loop)."""
    hub: Hub = request.app.state.hub
    serial = request.path_params["serial"]
    lang = _lang(request)
    found = await label_page(hub, serial)
    if found is None:
        return _not_found(lang)
    try:
        font = certificate.font_path()
    except certificate.FontMissing as missing:
        return JSONResponse({"error": str(missing)}, status_code=503)
    base = hub.settings.public_base_url
    content = certificate.sheet(
        found, TEXTS[lang], lang, page_url(hub, serial), credential_url(base, serial), hub.clock.today()
    )
    key = certificate.fingerprint(content)
    body = certificate.kept(hub.certificates, key)
    if body is None:
        body = certificate.keep(hub.certificates, key, await run_in_threadpool(certificate.render, content, font))
    filename = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in serial)
    headers = {
        **CACHE,
        "Content-Language": TEXTS[lang]["html_lang"],
        "Content-Disposition": f'inline; filename="{filename}-{lang}.pdf"',
    }
    return Response(body, media_type="application/pdf", headers=headers)


async def category(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    lang = _lang(request)
    found = await category_page(hub, request.path_params["code"])
    if found is None:
        return _render("category_not_found.html", lang, status_code=404)
    return _render("category.html", lang, page=found)


async def _readable(hub: Hub, serial: str) -> bool:
    """The QR code is drawn only for a label the public may read: no codes for serials that name nothing."""
    if not plausible_serial(serial):
        return False
    return await label_public_view(public_reader(hub), serial) is not None


async def qr_svg(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    serial = request.path_params["serial"]
    if not await _readable(hub, serial):
        return JSONResponse({"error": "no label with this serial"}, status_code=404)
    body = qr.svg(page_url(hub, serial), title=f"{TEXTS['en']['qr_alt']} ({serial})")
    return Response(body, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


async def qr_png(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    serial = request.path_params["serial"]
    if not await _readable(hub, serial):
        return JSONResponse({"error": "no label with this serial"}, status_code=404)
    return Response(
        qr.png(page_url(hub, serial)), media_type="image/png", headers={"Cache-Control": "public, max-age=86400"}
    )


async def _lookup(request: Request) -> tuple[str, str, list[str]]:
    hub: Hub = request.app.state.hub
    gtin = request.query_params.get("gtin", "").strip()
    return gtin, request.query_params.get("serial", "").strip(), await serials_for_gtin(hub, gtin) if gtin else []


async def lookup(request: Request) -> Response:
    gtin, serial, serials = await _lookup(request)
    lang = _lang(request)
    if serial:
        return RedirectResponse(f"/l/{quote(serial, safe='')}?lang={lang}", status_code=303)
    return _render("lookup.html", lang, gtin=gtin, serials=serials)


async def lookup_json(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    _, serial, serials = await _lookup(request)
    if serial:
        serials = [serial] if await _readable(hub, serial) else []
    labels = [{"serial": s, "url": page_url(hub, s), "json": page_url(hub, s) + ".json"} for s in serials]
    return JSONResponse({"labels": labels})


routes = [
    Route("/l", lookup, methods=["GET"]),
    Route("/l.json", lookup_json, methods=["GET"]),
    Route("/l/{serial}.json", page_json, methods=["GET"]),
    Route("/l/{serial}/qr.svg", qr_svg, methods=["GET"]),
    Route("/l/{serial}/qr.png", qr_png, methods=["GET"]),
    Route("/l/{serial}/certificate.pdf", certificate_pdf, methods=["GET"]),
    Route("/l/{serial}", page, methods=["GET"]),
    Route("/c/{code}", category, methods=["GET"]),
]
