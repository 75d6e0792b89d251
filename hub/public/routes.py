"""HTTP routes of the public label pages (spliced into `create_app` by one line). All are public and read as the
`public` principal:

GET /l/{serial}          the label page, HTML in Chinese or English (Accept-Language, `?lang=zh|en`)
GET /l/{serial}.json     the same data as JSON, for consumer apps
GET /l/{serial}/qr.svg   the QR code of the page's absolute URL (also qr.png), for packaging
GET /l?serial=|gtin=     a lookup: a serial goes to its page, a GTIN lists the product's labels (`.json` too)

An unknown serial is a 404 that names nothing but the serial asked for; a suspended, revoked or expired label
is a 200 page with its banner.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import jinja2
import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from hub.bootstrap import Hub
from hub.labels.public import label_public_view, public_reader
from hub.public import i18n, qr
from hub.public.page import as_json, label_page, page_url, plain, plausible_serial, serials_for_gtin


def number(value: Any) -> str:
    """A figure as a person reads it: two decimals, more for small ones, nothing for a missing one."""
    if value is None:
        return ""
    figure = float(value)
    return f"{figure:,.2f}" if abs(figure) >= 1 else f"{figure:.4g}"


def organization_name(record: dict[str, Any], lang: str) -> str:
    """An organization's name in the page's language, the other one when that is missing."""
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    return str(record.get(first) or record.get(second) or "")


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
    found = await label_page(hub, serial)
    if found is None:
        return await _partner(hub, serial, "") or _not_found(lang)
    return _render("label.html", lang, page=found, serial=serial, url=page_url(hub, serial))


async def page_json(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    serial = request.path_params["serial"]
    found = await label_page(hub, serial)
    if found is None:
        return await _partner(hub, serial, ".json") or JSONResponse({"error": "no label with this serial"}, 404)
    body = orjson.dumps(as_json(hub, found))
    return Response(body, media_type="application/json", headers={"Cache-Control": "public, max-age=60"})


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
    Route("/l/{serial}", page, methods=["GET"]),
]
