"""Federated queries: footprints from this hub and its peer hubs, asked concurrently, merged with provenance.

Each peer is asked over HTTP as the `regional_platform` client it registered for this hub (hub/federation/
peers.py), so the peer's own policy and sharing agreement decide what it answers: a field the agreement does
not grant comes back FORBIDDEN and is left out of the record, never filled in. This hub's own records are read
under the caller's policy. Every hub speaks the same GraphQL vocabulary, so the answers merge as they come.

A peer that fails or takes longer than `Settings.peer_timeout_seconds` (token included) is reported, with how
long it took, and the others' records still arrive: partial results, never a failed query. Pagination runs
across peers with one opaque cursor holding each region's own cursor.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import httpx
import orjson
from strawberry.utils.str_converters import to_camel_case

from hub.bootstrap import Hub
from hub.federation.peers import PeerView, list_peers, peer_token, read_secret
from hub.policy.access import Forbidden
from hub.queries.footprints import FootprintFilter, footprint_page
from hub.queries.reader import Reader
from hub.validation import FieldError, InvalidInput

QUERY_NAME = "federatedFootprints"
# The fields asked of every hub (python names); a hub answers those its policy grants the asker.
FIELDS = (
    "version", "status", "declared_unit", "declared_unit_amount", "total_kgco2e", "fossil_kgco2e",
    "biogenic_kgco2e", "land_use_change_kgco2e", "system_boundary", "reference_period_start",
    "reference_period_end", "geography_country", "geography_subdivision", "validity_start", "validity_end",
    "verified_at", "created_at", "source", "source_ref", "mapping_iri", "mapping_version", "ruleset_id",
    "ruleset_version",
)  # fmt: skip


def peer_query(refused: frozenset[str]) -> str:
    """The footprint page asked of a peer, without the fields it refused us last time (each refused field is an
    error per record on its side, and the bulk of its work)."""
    fields = " ".join(to_camel_case(f) for f in FIELDS if to_camel_case(f) not in refused)
    return (
        "query($filter: FootprintFilter, $first: Int, $after: String) { footprints(filter: $filter, first: $first, "
        f"after: $after) {{ edges {{ cursor node {{ id {fields} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )


MAX_CURSOR = 4096
# How long a peer's token is reused: well inside the shortest token lifetime a hub issues (60 s), so a token
# is never sent after it expired; a 401 (revoked client, retired key) fetches a new one at once.
TOKEN_REUSE = timedelta(seconds=45)


@dataclass
class PeerSession:
    """Our token at a peer and the fields it refused us, reused until `until` (then both are learnt afresh, so
    a peer that grants more under a new agreement is asked for it within a minute)."""

    token: str
    until: datetime
    refused: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Found:
    """One record as a hub answered it, with the region that holds it and that hub's cursor after it."""

    region: str
    hub: str
    did: str | None
    cursor: str
    record: dict[str, Any]


@dataclass
class RegionAnswer:
    region: str
    status: str  # answered, failed or timed_out
    duration_ms: float
    records: list[Found] = field(default_factory=list)
    has_next: bool = False
    error: str | None = None


@dataclass(frozen=True)
class FederatedPage:
    records: list[tuple[Found, str]]  # each record with the combined cursor after it
    answers: list[RegionAnswer]
    has_next: bool
    end_cursor: str | None


# -- the cursor: each region's own cursor, and whether it is exhausted ----------------------------------------

State = dict[str, tuple[str | None, bool]]  # region -> (its hub's cursor to continue after, exhausted?)


def encode_state(state: State) -> str:
    raw = orjson.dumps({r: [after, done] for r, (after, done) in sorted(state.items())}, option=orjson.OPT_SORT_KEYS)
    return base64.urlsafe_b64encode(raw).decode()


def decode_state(cursor: str | None, regions: list[str]) -> State:
    """The state a cursor holds (every region at its start when None); refused unless this hub issued it."""
    start: State = {r: (None, False) for r in regions}
    if cursor is None:
        return start
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError("too long")
        raw = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(raw, dict) or set(raw) != set(regions):
            raise ValueError("regions differ")
        for region, value in raw.items():
            after, done = value
            if not (after is None or isinstance(after, str)) or not isinstance(done, bool):
                raise ValueError("shape")
            start[region] = (after, done)
    except (ValueError, TypeError):
        reason = "is not a cursor this hub issued for these regions"
        raise InvalidInput([FieldError("$.after", reason)]) from None
    return start


# -- asking -----------------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _local_key(after: str | None) -> int | None:
    if after is None:
        return None
    if not after.isdigit() or len(after) > 18:
        raise InvalidInput([FieldError("$.after", "is not a cursor this hub issued for these regions")])
    return int(after)


async def _local(hub: Hub, reader: Reader, f: FootprintFilter, first: int, after: str | None) -> RegionAnswer:
    """This hub's own footprints under the caller's policy, in the shape a peer answers: the fields a peer is
    asked for, those the policy lets the caller read (the GraphQL request's own field list names none)."""
    started = time.perf_counter()
    wanted = {"Footprint": frozenset(FIELDS)}
    whole = Reader(hub.engine, hub.sessions, hub.policy, reader.principal, hub.rulesets, wanted, hub.clock)
    page = await footprint_page(whole, f, first, _local_key(after))
    region, base, did = hub.settings.region.value, hub.settings.public_base_url, hub.identity.did
    found = [
        Found(
            region,
            base,
            did,
            str(r["_id"]),
            {"id": r["id"], **{to_camel_case(k): _json_value(r[k]) for k in FIELDS if k in r}},
        )
        for r in page.records
    ]
    took = round((time.perf_counter() - started) * 1000, 1)
    return RegionAnswer(region, "answered", took, found, page.has_next)


def _filter_variables(f: FootprintFilter) -> dict[str, Any]:
    out: dict[str, Any] = {
        "categoryCodes": list(f.category_codes) or None,
        "ownerRegions": list(f.owner_regions) or None,
        "statuses": list(f.statuses) or None,
        "grades": list(f.grades) or None,
        "owners": list(f.owners) or None,
        "periodFrom": _json_value(f.period_from),
        "periodTo": _json_value(f.period_to),
    }
    return {k: v for k, v in out.items() if v is not None}


class AnswerError(RuntimeError):
    """A peer's answer that could not be used; the message says why (never a secret)."""


def _records(peer: PeerView, body: dict[str, Any]) -> tuple[list[Found], bool, frozenset[str]]:
    """The peer's records, each without the fields its answer marked FORBIDDEN (or otherwise failed)."""
    data = body.get("data") or {}
    conn = data.get("footprints")
    if not isinstance(conn, dict):
        messages = "; ".join(str(e.get("message")) for e in body.get("errors", []))
        raise AnswerError(f"answered no footprints: {messages or 'no data'}")
    refused: dict[int, set[str]] = {}
    for error in body.get("errors", []):
        path = error.get("path") or []
        if len(path) == 5 and path[:2] == ["footprints", "edges"] and isinstance(path[2], int):
            refused.setdefault(path[2], set()).add(str(path[4]))
    found = []
    for i, edge in enumerate(conn["edges"]):
        node = {k: v for k, v in edge["node"].items() if k not in refused.get(i, set())}
        found.append(Found(peer.region, peer.base_url, peer.did, edge["cursor"], node))
    # refused on every record: not granted at all (a field granted on some rows only is kept asking for)
    every = (
        frozenset.intersection(*(frozenset(refused.get(i, ())) for i in range(len(found)))) if found else frozenset()
    )
    return found, bool(conn["pageInfo"]["hasNextPage"]), every


async def _ask(
    hub: Hub, http: httpx.AsyncClient, peer: PeerView, f: FootprintFilter, first: int, after: str | None
) -> tuple[list[Found], bool]:
    secret = read_secret(hub.settings.key_dir, peer.region)
    if peer.client_id is None or secret is None:
        raise AnswerError(f"this hub holds no client credentials at the {peer.region} hub")
    variables = {"filter": _filter_variables(f), "first": first, "after": after}
    for attempt in (1, 2):  # a token the peer no longer takes (a rotated key, a revoked client) is fetched again
        held = await _session(hub, http, peer, peer.client_id, secret, fresh=attempt == 2)
        answer = await http.post(
            f"{peer.base_url}/graphql",
            json={"query": peer_query(held.refused), "variables": variables},
            headers={"authorization": f"Bearer {held.token}", "accept": "application/json"},
        )
        if answer.status_code != 401:
            break
    if answer.status_code != 200:
        raise AnswerError(f"{peer.base_url}/graphql answered HTTP {answer.status_code}")
    found, has_next, refused = _records(peer, answer.json())
    held.refused |= refused
    return found, has_next


async def _session(
    hub: Hub, http: httpx.AsyncClient, peer: PeerView, client_id: str, secret: str, fresh: bool
) -> PeerSession:
    """Our session at the peer: its token fetched once and reused while it is surely valid, since a
    client-credentials grant costs the peer a deliberately slow secret check."""
    now = hub.clock.now()
    held = hub.peer_sessions.get(peer.base_url)
    if held is not None and not fresh and now < held.until:
        return held
    token = await peer_token(http, peer.base_url, client_id, secret)
    held = hub.peer_sessions[peer.base_url] = PeerSession(token, now + TOKEN_REUSE)
    return held


async def _timed(region: str, timeout: float, work: Callable[[], Awaitable[tuple[list[Found], bool]]]) -> RegionAnswer:
    """`work`'s answer, or the reason it has none: never an exception, never longer than `timeout`."""
    started = time.perf_counter()

    def took() -> float:
        return round((time.perf_counter() - started) * 1000, 1)

    try:
        records, has_next = await asyncio.wait_for(work(), timeout)
    except TimeoutError:
        return RegionAnswer(region, "timed_out", took(), error=f"no answer within {timeout:g} s")
    except Exception as error:  # any fault of a peer is that peer's answer, not the query's
        return RegionAnswer(region, "failed", took(), error=str(error) or type(error).__name__)
    return RegionAnswer(region, "answered", took(), records, has_next)


# -- merging ----------------------------------------------------------------------------------------------


def merge(answers: list[RegionAnswer], state: State, first: int) -> FederatedPage:
    """Up to `first` records taken in turn from each region that answered; each region's cursor moves past
    the records taken from it. A region that did not answer keeps its cursor, to be asked again next page."""
    state = dict(state)
    queues = {a.region: list(a.records) for a in answers if a.status == "answered"}
    taken: list[tuple[Found, str]] = []
    while len(taken) < first and any(queues.values()):
        for answer in answers:
            queue = queues.get(answer.region)
            if not queue or len(taken) >= first:
                continue
            found = queue.pop(0)
            state[answer.region] = (found.cursor, False)
            taken.append((found, encode_state(state)))
    for answer in answers:
        if answer.status == "answered" and not queues[answer.region] and not answer.has_next:
            state[answer.region] = (state[answer.region][0], True)
    has_next = any(not done for region, (_, done) in state.items() if region in queues)
    end = encode_state(state)
    if taken:
        taken[-1] = (taken[-1][0], end)
    return FederatedPage(taken, answers, has_next, end)


async def federated_footprints(
    hub: Hub, reader: Reader, f: FootprintFilter, regions: list[str] | None, first: int, after: str | None
) -> FederatedPage:
    """The caller's page of footprints from the regions asked (this hub's and its peers' by default)."""
    policy = (await reader.access()).policy
    if not policy.may_ask_peers(QUERY_NAME, reader.principal.role.value):
        raise Forbidden(f"role {reader.principal.role.value} may not run {QUERY_NAME}")
    async with hub.sessions() as session:
        peers = {p.region: p for p in await list_peers(session)}
    own = hub.settings.region.value
    asked = _regions(regions, own, sorted(peers))
    state = decode_state(after, asked)
    timeout = hub.settings.peer_timeout_seconds
    async with httpx.AsyncClient(timeout=timeout) as http:
        jobs = []
        for region in asked:
            after_here, done = state[region]
            if done:
                jobs.append(_exhausted(region))
            elif region == own:
                jobs.append(_local(hub, reader, f, first, after_here))
            else:
                work = partial(_ask, hub, http, peers[region], f, first, after_here)
                jobs.append(_timed(region, timeout, work))
        answers = list(await asyncio.gather(*jobs))
    return merge(answers, state, first)


async def _exhausted(region: str) -> RegionAnswer:
    return RegionAnswer(region, "answered", 0.0)


def _regions(asked: list[str] | None, own: str, peers: list[str]) -> list[str]:
    known = [own, *peers]
    if asked is None:
        return known
    if len(asked) > len(known):
        raise InvalidInput([FieldError("$.regions", f"names more regions than this hub knows ({len(known)})")])
    problems = [
        FieldError(f"$.regions[{i}]", f"is neither this hub's region nor a peer's: {r!r} (known: {', '.join(known)})")
        for i, r in enumerate(asked)
        if r not in known
    ]
    if problems:
        raise InvalidInput(problems)
    return [r for r in known if r in asked]
