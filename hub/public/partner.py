"""The public page of a label a partner hub issued (YRD, GBA), received through exchange (hub/federation/labels.py).

Serials are unique per issuing hub only (every hub numbers its own labels), so a partner label is addressed by
its origin's region and its serial: `/l/partner/{REGION}/{serial}` (and `.json`, and `/credential.json`: the
credential exactly as the origin signed it). `/l/{serial}` stays this hub's own label; only where this hub has
no label of that serial and exactly one partner has, it redirects there (hub/public/routes.py).

What the page shows is read as the `public` principal through hub/queries (policy kind `PartnerLabel`): the
origin (region and did:web), what the origin's credential says (product, value, grade, validity), whether the
credential verified against the origin's key, the status from the origin's status list as received with its
date, and this hub's mutual-recognition decision with its reasons. Never the partner's footprint data, which
its usage policy keeps to this hub's regulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from hub.bootstrap import Hub
from hub.credentials.verify import check_validity
from hub.federation.labels import displayed_status
from hub.labels.public import public_reader
from hub.public.page import plain, plausible_serial
from hub.queries.partner_labels import origins_of, partner_label
from hub.queries.records import Record


@dataclass(frozen=True)
class PartnerPage:
    region: str
    serial: str
    label: Record
    status: str  # what the origin's status list says, else the status the origin last sent
    subject: Mapping[str, Any]  # the credential's subject: the product and its carbon label, as the origin signed
    verified: bool  # the credential's proof and status verified against the origin's key and lists, valid today
    checks: list[dict[str, Any]]
    recognition: Mapping[str, Any]


def page_path(region: str, serial: str) -> str:
    return f"/l/partner/{quote(region, safe='')}/{quote(serial, safe='')}"


async def partner_page(hub: Hub, region: str, serial: str) -> PartnerPage | None:
    if not plausible_serial(serial) or len(region) > 8:
        return None
    found = await partner_label(public_reader(hub), region.upper(), serial)
    if found is None or "credential" not in found:
        return None
    credential = orjson.loads(found["credential"])
    report = dict(found.get("verification") or {})
    checks = [c for c in report.get("checks", []) if c.get("check") != "validity"]
    ok, detail = check_validity(credential, hub.clock.now())  # validity as of today, not as of receipt
    checks.append({"check": "validity", "ok": ok, "detail": detail})
    subject = credential.get("credentialSubject") or {}
    return PartnerPage(
        region=region.upper(),
        serial=serial,
        label=found,
        status=displayed_status(str(found.get("status")), report),
        subject=subject if isinstance(subject, Mapping) else {},
        verified=all(c["ok"] for c in checks),
        checks=checks,
        recognition=found.get("recognition") or {},
    )


def as_json(hub: Hub, page: PartnerPage) -> dict[str, Any]:
    base = hub.settings.public_base_url.rstrip("/")
    label = page.label
    carbon = page.subject.get("carbonLabel") or {}
    as_of = label.get("status_as_of")
    return {
        "url": base + page_path(page.region, page.serial),
        "origin": {"region": page.region, "did": label.get("origin_did")},
        "label": {
            "serial": page.serial,
            "status": page.status,
            "scheme": label.get("scheme"),
            "grade": label.get("grade"),
            "score": label.get("score"),
            "issued_on": plain(label.get("issued_on")),
            "expires_on": plain(label.get("expires_on")),
        },
        "status": {"value": page.status, "as_of": plain(as_of), "source": "the origin's status list, as received"},
        "product": {k: page.subject.get(k) for k in ("id", "name", "gtin") if page.subject.get(k) is not None},
        "footprint": dict(carbon.get("footprint") or {}),
        "credential": {
            "url": base + page_path(page.region, page.serial) + "/credential.json",
            "verified": page.verified,
            "checks": page.checks,
        },
        "recognition": dict(page.recognition),
    }


async def _found(request: Request) -> tuple[Hub, PartnerPage | None]:
    hub: Hub = request.app.state.hub
    return hub, await partner_page(hub, request.path_params["region"], request.path_params["serial"])


def _missing() -> Response:
    return JSONResponse({"error": "no partner label with this origin and serial"}, status_code=404)


async def page(request: Request) -> Response:
    from hub.public.routes import TEXTS, _lang, _not_found, _render

    hub, found = await _found(request)
    lang = _lang(request)
    if found is None:
        return _not_found(lang)
    path = page_path(found.region, found.serial)
    url = hub.settings.public_base_url.rstrip("/") + path
    response: HTMLResponse = _render(
        "partner_label.html", lang, page=found, p=TEXTS[lang]["partner"], url=url, path=path
    )
    return response


async def page_json(request: Request) -> Response:
    hub, found = await _found(request)
    if found is None:
        return _missing()
    body = orjson.dumps(as_json(hub, found))
    return Response(body, media_type="application/json", headers={"Cache-Control": "public, max-age=60"})


async def credential(request: Request) -> Response:
    """The origin's credential, byte for byte as received: a buyer verifies it with the origin, not with us."""
    _, found = await _found(request)
    if found is None:
        return _missing()
    return Response(str(found.label["credential"]), media_type="application/vc+ld+json")


async def redirect_for(hub: Hub, serial: str, suffix: str = "") -> str | None:
    """Where `/l/{serial}` leads when this hub has no label of that serial: the partner label's page, when
    exactly one partner hub issued one with it (two: the serial alone does not say which; None)."""
    if not plausible_serial(serial):
        return None
    regions = await origins_of(public_reader(hub), serial)
    return page_path(regions[0], serial) + suffix if len(regions) == 1 else None


routes = [
    Route("/l/partner/{region}/{serial}.json", page_json, methods=["GET"]),
    Route("/l/partner/{region}/{serial}/credential.json", credential, methods=["GET"]),
    Route("/l/partner/{region}/{serial}", page, methods=["GET"]),
]
