"""Emission-factor search over GraphQL (issue 14 item 6): zh and en words, facets that count the matches, a
pinned data version, superseded factors marked, and bad text refused. Expected answers are worked out here from
the factor table itself (read directly), not from the hub's search code."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import event, select

from hub.auth.principal import Role
from hub.db.models import EmissionFactor
from hub.units import Units
from tests.api.test_mutations import bearer, run

SEARCH = """query($t: String!, $f: FactorSearchFilter, $first: Int, $after: String) {
  factorSearch(text: $t, filter: $f, first: $first, after: $after) {
    dataVersion totalCount pageInfo { hasNextPage endCursor }
    facets { name values { value count } }
    hits { cursor rank superseded factor { id activityName activityNameZh sourceCitation licence } } } }"""
CREATE_FACTOR = """mutation($d: JSON!) {
  createEmissionFactor(data: $d) { emissionFactor { id } errors { path reason } } }"""


async def _rows(client: Any) -> list[EmissionFactor]:
    async with client.hub.sessions() as session:
        return list((await session.scalars(select(EmissionFactor))).all())


def _matches(row: EmissionFactor, words: list[str]) -> bool:
    names = (row.activity_name.lower(), (row.activity_name_zh or "").lower())
    return all(any(w in n for n in names) for w in words)


async def _search(client: Any, headers: dict[str, str], text: str, **variables: Any) -> Any:
    body = await run(client, SEARCH, headers, {"t": text, **variables})
    assert "errors" not in body, body
    return body["data"]["factorSearch"]


def _facet(result: Any, name: str) -> dict[str | None, int]:
    return {v["value"]: v["count"] for f in result["facets"] if f["name"] == name for v in f["values"]}


async def test_english_words_match_either_name_in_any_case_with_facets_counted(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-pv")
        found = await _search(client, ent, "GRID electricity", first=40)
        rows = [r for r in await _rows(client) if _matches(r, ["grid", "electricity"])]
    assert len(rows) >= 5 and found["totalCount"] == len(rows) == len(found["hits"])
    assert {h["factor"]["activityName"] for h in found["hits"]} == {r.activity_name for r in rows}
    assert _facet(found, "region") == Counter(r.region for r in rows)
    assert _facet(found, "year") == Counter(str(r.reference_year) for r in rows)
    assert _facet(found, "dataset") == Counter(r.dataset for r in rows)
    assert _facet(found, "gwpBasis") == Counter(r.gwp_basis for r in rows)
    assert _facet(found, "gasesCovered") == Counter(r.gases_covered for r in rows)
    assert _facet(found, "unitType") == Counter(Units().dimension_of[r.unit] for r in rows)
    assert all(h["factor"]["sourceCitation"] and h["factor"]["licence"] for h in found["hits"])


async def test_chinese_words_and_the_exact_name_first(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-pv")
        zh = await _search(client, ent, "电力 碳足迹", first=40)
        exact = await _search(client, ent, "natural gas combustion", first=40)
        phrase = await _search(client, ent, "electricity, national", first=40)
        rows = await _rows(client)
    assert {h["factor"]["activityNameZh"] for h in zh["hits"]} == {
        r.activity_name_zh for r in rows if _matches(r, ["电力", "碳足迹"])
    }
    assert zh["totalCount"] == 3 and _facet(zh, "unitType") == {"energy": 3}
    assert exact["hits"][0]["factor"]["activityName"] == "Natural gas combustion" and exact["hits"][0]["rank"] == 0
    ranks = [h["rank"] for h in phrase["hits"]]
    assert ranks == sorted(ranks) and ranks[0] == 1, "names holding the phrase come before scattered words"


async def test_pages_hand_out_every_match_once_in_rank_order(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-pv")
        whole = await _search(client, ent, "electricity", first=40)
        seen, after = [], None
        while True:
            page = await _search(client, ent, "electricity", first=2, after=after)
            seen += page["hits"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    assert [h["factor"]["id"] for h in seen] == [h["factor"]["id"] for h in whole["hits"]]


async def test_the_public_is_refused_not_answered_with_nothing(asgi: Any) -> None:
    async with asgi() as client:
        body = await run(client, SEARCH, {}, {"t": "electricity"})
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_like_wildcards_in_the_text_are_literal(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-pv")
        for text in ("%", "_", "elec%", "e_ectricity", "\\"):
            assert (await _search(client, ent, text))["totalCount"] == 0, text


async def test_too_long_text_is_refused_naming_the_field(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-pv")
        for text in ("a" * 10_000, "x\x00y", " ".join(["w"] * 13)):
            body = await run(client, SEARCH, ent, {"t": text})
            assert body["data"] is None, text[:20]
            error = body["errors"][0]["extensions"]
            assert error["code"] == "BAD_USER_INPUT" and error["fields"][0]["path"] == "$.text", error
        body = await run(client, SEARCH, ent, {"t": "", "f": {"dataVersion": "99999999"}})
        assert body["errors"][0]["extensions"]["fields"][0]["path"] == "$.filter.dataVersion"


async def test_superseded_factors_are_marked_and_a_pinned_version_answers_as_before(asgi: Any) -> None:
    async with asgi() as client:
        ent, reg = bearer(client, Role.ENTERPRISE, "zj-pv"), bearer(client, Role.REGULATOR, "zj-regulator")
        before = await _search(client, ent, "lpg combustion")
        old = before["hits"][0]["factor"]["id"]
        data = {
            "dataset": "IPCC 2006 stationary combustion defaults",
            "dataset_version": "2006-rev",
            "activity_name": "LPG combustion",
            "region": "GLO",
            "reference_year": 2006,
            "unit": "MJ",
            "value_kgco2e_per_unit": 0.0632,
            "gwp_basis": "IPCC AR6 GWP100",
            "gases_covered": "co2e",
            "source_citation": "test",
            "licence": "test",
            "supersedes_iri": old,
        }
        created = (await run(client, CREATE_FACTOR, reg, {"d": data}))["data"]["createEmissionFactor"]
        assert created["errors"] == [], created
        after = await _search(client, ent, "lpg combustion")
        pinned = await _search(client, ent, "lpg combustion", f={"dataVersion": before["dataVersion"]})
    marks = {h["factor"]["id"]: h["superseded"] for h in after["hits"]}
    assert marks == {old: True, created["emissionFactor"]["id"]: False}
    assert int(after["dataVersion"]) > int(before["dataVersion"])
    assert pinned["hits"] == before["hits"] and pinned["dataVersion"] == before["dataVersion"]


async def test_filters_narrow_the_matches_and_their_facets(asgi: Any) -> None:
    f = {"unitTypes": ["mass"], "regions": ["GLO"], "gasesCovered": ["co2e"]}
    async with asgi() as client:
        found = await _search(client, bearer(client, Role.ENTERPRISE, "zj-pv"), "", f=f, first=40)
        rows = [
            r
            for r in await _rows(client)
            if Units().dimension_of.get(r.unit) == "mass" and r.region == "GLO" and r.gases_covered == "co2e"
        ]
    assert len(rows) >= 3 and {h["factor"]["id"] for h in found["hits"]} == {r.iri for r in rows}
    assert _facet(found, "unitType") == {"mass": len(rows)} and _facet(found, "region") == {"GLO": len(rows)}
    assert _facet(found, "dataset") == Counter(r.dataset for r in rows)


async def test_a_search_takes_the_same_statements_whatever_the_page_size(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-pv")
        statements: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        event.listen(client.hub.engine.sync_engine, "before_cursor_execute", count)
        try:
            sizes = []
            for n in (1, 30):
                statements.clear()
                found = await _search(client, ent, "", first=n)
                sizes.append(len(statements))
        finally:
            event.remove(client.hub.engine.sync_engine, "before_cursor_execute", count)
    assert len(found["hits"]) == 30 and sizes[0] == sizes[1] <= 5, sizes


async def test_oversized_filters_and_broken_text_are_refused_naming_the_field(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-pv")
        many = await run(client, SEARCH, ent, {"t": "", "f": {"regions": [f"R{i}" for i in range(5_000)]}})
        surrogate = await client.post(
            "/graphql",
            content=b'{"query": "query($t: String!) { factorSearch(text: $t) { totalCount } }", "variables": '
            b'{"t": "\\ud800"}}',
            headers={**ent, "Content-Type": "application/json"},
        )
    assert many["data"] is None and many["errors"][0]["extensions"]["fields"][0]["path"] == "$.filter.regions"
    assert surrogate.status_code == 400, surrogate.text  # the JSON body is refused before the search sees it
    assert surrogate.json()["errors"][0]["extensions"]["fields"][0]["path"] == "$.variables.t"
