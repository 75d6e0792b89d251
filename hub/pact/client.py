"""A PACT client: the client-credentials grant at a host's token endpoint, then its REST API with the token.

Used by the outbox (posting events to a partner's `/3/events`) and by the data recipient (listing and
fetching footprints). A token is fetched on first use and fetched again once when the host answers 401
(it expired or was revoked), so a long pull or a queue drain survives a token's end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

CLOUDEVENTS_JSON = "application/cloudevents+json; charset=UTF-8"
# Pages and tokens are small; a host that answers more than this is refused rather than read into memory.
MAX_PAGE_BYTES = 64 * 1024 * 1024
MAX_PAGES = 100_000


class PactHostError(Exception):
    """The host refused, failed or answered something that is not PACT; the message names which and why."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class PactClient:
    base_url: str
    token_url: str
    client_id: str
    client_secret: str
    http: httpx.AsyncClient
    _token: str | None = field(default=None, repr=False)

    async def token(self) -> str:
        if self._token is None:
            self._token = await self._fetch_token()
        return self._token

    async def _fetch_token(self) -> str:
        try:
            response = await self.http.post(
                self.token_url,
                data={"grant_type": "client_credentials"},
                auth=httpx.BasicAuth(self.client_id, self.client_secret),
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as error:
            raise PactHostError(f"token endpoint {self.token_url} unreachable: {error!r}") from None
        if response.status_code != 200:
            raise PactHostError(
                f"token endpoint {self.token_url} answered {response.status_code}: {response.text[:200]}",
                response.status_code,
            )
        body = _json(response, self.token_url)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise PactHostError(f"token endpoint {self.token_url} gave no access_token")
        return token

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request with the bearer token; on 401 a new token is fetched and the request sent once more."""
        for attempt in (1, 2):
            headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {await self.token()}"}
            try:
                response = await self.http.request(method, url, headers=headers, **kwargs)
            except httpx.HTTPError as error:
                raise PactHostError(f"{method} {url} failed: {error!r}") from None
            if response.status_code != 401 or attempt == 2:
                return response
            self._token = None
            kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
        raise AssertionError("unreachable")

    async def post_event(self, event: dict[str, Any]) -> httpx.Response:
        return await self._send(
            "POST",
            f"{self.base_url}/3/events",
            content=orjson.dumps(event),
            headers={"Content-Type": CLOUDEVENTS_JSON},
        )

    async def footprint_pages(self, limit: int = 100) -> AsyncIterator[list[Any]]:
        """Every page of `GET /3/footprints`, following `Link: <...>; rel="next"` to the end."""
        url: str | None = f"{self.base_url}/3/footprints"
        params: dict[str, Any] | None = {"limit": limit}
        seen: set[str] = set()
        while url is not None:
            if url in seen or len(seen) >= MAX_PAGES:
                raise PactHostError(f"pagination of {self.base_url} loops or does not end (at {url})")
            seen.add(url)
            response = await self._send("GET", url, params=params, headers={"Accept": "application/json"})
            if response.status_code != 200:
                raise PactHostError(f"GET {url} answered {response.status_code}: {response.text[:200]}")
            body = _json(response, url)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise PactHostError(f"GET {url} answered no `data` list")
            yield data
            url, params = response.links.get("next", {}).get("url"), None


def _json(response: httpx.Response, url: str) -> Any:
    if len(response.content) > MAX_PAGE_BYTES:
        raise PactHostError(f"{url} answered more than {MAX_PAGE_BYTES} bytes")
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise PactHostError(f"{url} answered something that is not JSON") from None
