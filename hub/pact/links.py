"""The hub's public origin as a PACT client sees it, for absolute pagination links and discovery URLs.

Behind a reverse proxy the proxy's forwarded headers say it (RFC 7239 `Forwarded`, or `X-Forwarded-Proto`
with `X-Forwarded-Host`); otherwise the configured public base URL (CFHUB_PUBLIC_BASE_URL). Spoofing them
only changes the links in the spoofer's own response.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.requests import Request

from hub.bootstrap import Hub

_FORWARDED_PAIR = re.compile(r'(?i)\b(proto|host)=("?)([^";,]+)\2')
_HOST = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")


def public_origin(request: Request) -> str:
    """`scheme://host[:port]` of the hub as the client reached it, without a trailing slash."""
    forwarded = _forwarded(request)
    if forwarded is not None:
        return forwarded
    hub: Hub = request.app.state.hub
    parts = urlsplit(hub.settings.public_base_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _forwarded(request: Request) -> str | None:
    header = request.headers.get("forwarded")
    if header:
        first = header.split(",", 1)[0]
        pairs = {m.group(1).lower(): m.group(3) for m in _FORWARDED_PAIR.finditer(first)}
        proto, host = pairs.get("proto"), pairs.get("host")
    else:
        proto = request.headers.get("x-forwarded-proto")
        host = request.headers.get("x-forwarded-host")
        proto = proto.split(",", 1)[0].strip() if proto else None
        host = host.split(",", 1)[0].strip() if host else None
    if not host or not _HOST.match(host):
        return None
    scheme = proto.lower() if proto and proto.lower() in {"http", "https"} else "https"
    return f"{scheme}://{host}"
