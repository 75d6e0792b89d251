"""`totalCount` counts exactly the rows the caller may see: per role, it equals the number of rows the
pages hand out, and the rows themselves are those a plain-SQL reading of the reviewed permissions
(tests/security/permissions_table.py) gives, over real HTTP. A count wider than the rows would tell a
caller how many records it may not read; a narrower one would hide records from their owner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from hub.auth.principal import Role
from hub.db.engine import make_engine
from tests.api.conftest import Live, live  # noqa: F401 (the module's live hub over real HTTP)
from tests.api.fixtures import gql, token

BASE = "https://zj.cfhub.example.org/id/org/"

FOOTPRINTS = """query($f: FootprintFilter, $after: String, $first: Int = 100) {
  footprints(first: $first, filter: $f, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
PRODUCTS = """query($after: String) {
  products(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
}"""

FOOTPRINT_ROWS = """
SELECT f.iri, f.status, owner.iri AS owner, verifier.iri AS verifier
FROM footprint f JOIN product p ON p.id = f.product_id JOIN organization owner ON owner.id = p.owner_id
LEFT JOIN organization verifier ON verifier.id = f.verifier_id
"""

# Which footprints each caller sees, in the words of the reviewed table (the demo's sharing agreements:
# YRD reads published and verified footprints, GBA published ones).
CALLERS: dict[str, tuple[Role, str | None, Any]] = {
    "enterprise": (Role.ENTERPRISE, "zj-battery", lambda r: r.owner == BASE + "zj-battery" or r.status == "published"),
    "yrd platform": (Role.REGIONAL_PLATFORM, "yrd-platform", lambda r: r.status in ("published", "verified")),
    "gba platform": (Role.REGIONAL_PLATFORM, "gba-platform", lambda r: r.status == "published"),
    "international body": (Role.INTERNATIONAL_BODY, "intl-body", lambda r: r.status == "published"),
    "standards team": (Role.STANDARDS_TEAM, "zj-standards", lambda r: r.status == "published"),
    "verifier": (
        Role.VERIFIER,
        "cert-accredited",
        lambda r: r.verifier == BASE + "cert-accredited" or r.status == "published",
    ),
    "regulator": (Role.REGULATOR, "zj-regulator", lambda r: True),
}


@pytest.fixture(scope="module")
def engine(live: Live) -> Iterator[Engine]:  # noqa: F811
    e = make_engine(live.hub.settings.database_url)
    yield e
    e.dispose()


def footprint_rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(FOOTPRINT_ROWS)))


def every_page(
    live: Live,  # noqa: F811
    query: str,
    field: str,
    bearer: str | None,
    variables: dict[str, Any],
) -> tuple[int, list[str]]:
    """totalCount (the same on every page) and every id the pages hand out."""
    ids: list[str] = []
    totals: set[int] = set()
    after = None
    for _ in range(200):  # a cursor that is ignored would page forever
        body = gql(live.client, query, bearer, {**variables, "after": after}).json()
        assert "errors" not in body, body
        conn = body["data"][field]
        totals.add(conn["totalCount"])
        ids += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    else:
        raise AssertionError("the pages never end")
    assert len(ids) == len(set(ids)), "a row came back on two pages"
    assert len(totals) == 1, f"totalCount changed from page to page: {totals}"
    return totals.pop(), ids


@pytest.mark.parametrize("caller", list(CALLERS))
def test_footprint_total_count_is_what_the_caller_may_see(live: Live, engine: Engine, caller: str) -> None:  # noqa: F811
    role, org, sees = CALLERS[caller]
    expected = sorted(r.iri for r in footprint_rows(engine) if sees(r))
    total, ids = every_page(live, FOOTPRINTS, "footprints", token(live.hub, role, org), {"f": None})
    assert sorted(ids) == expected
    assert total == len(expected)


@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize("status", ["draft", "submitted", "verified", "published"])
def test_footprint_total_count_under_a_status_filter(live: Live, engine: Engine, caller: str, status: str) -> None:  # noqa: F811
    role, org, sees = CALLERS[caller]
    expected = sorted(r.iri for r in footprint_rows(engine) if sees(r) and r.status == status)
    f = {"statuses": [status]}
    total, ids = every_page(live, FOOTPRINTS, "footprints", token(live.hub, role, org), {"f": f})
    assert (total, sorted(ids)) == (len(expected), expected)


def test_the_demo_has_footprints_each_caller_sees_and_does_not(engine: Engine) -> None:
    """Otherwise the comparisons above would prove nothing."""
    rows = footprint_rows(engine)
    for caller, (_, _, sees) in CALLERS.items():
        seen = sum(1 for r in rows if sees(r))
        assert seen > 0, caller
        if caller != "regulator":
            assert seen < len(rows), caller


def test_the_public_may_not_count_footprints(live: Live) -> None:  # noqa: F811
    body = gql(live.client, "{ footprints(first: 1) { totalCount } }").json()
    assert body["errors"][0]["message"] == "role public may not aggregate Footprint records"
    assert body["data"]["footprints"]["totalCount"] is None


@pytest.mark.parametrize("caller", ["enterprise", "international body", "verifier", "regulator"])
def test_product_total_count_is_what_the_caller_may_see(live: Live, engine: Engine, caller: str) -> None:  # noqa: F811
    role, org, _ = CALLERS[caller]
    with engine.connect() as conn:
        rows = list(
            conn.execute(
                text(
                    "SELECT p.iri, o.iri AS owner, EXISTS (SELECT 1 FROM footprint f WHERE f.product_id = p.id "
                    "AND f.status = 'published') AS published FROM product p JOIN organization o ON o.id = p.owner_id"
                )
            )
        )
    if caller == "regulator":
        expected = sorted(r.iri for r in rows)
    elif caller == "enterprise":
        expected = sorted(r.iri for r in rows if r.owner == BASE + "zj-battery" or r.published)
    else:
        expected = sorted(r.iri for r in rows if r.published)
    total, ids = every_page(live, PRODUCTS, "products", token(live.hub, role, org), {})
    assert (total, sorted(ids)) == (len(expected), expected)


# -- each filter: the rows and the count are those a plain-SQL reading of the filter gives -------------

FILTER_ROWS = """
SELECT f.id, f.iri, f.status, owner.iri AS owner, owner.region AS owner_region, c.code AS category,
       f.reference_period_start AS period_start, f.reference_period_end AS period_end,
       (SELECT d.grade FROM decision d WHERE d.footprint_id = f.id AND d.kind = 'label_grade'
        ORDER BY d.id DESC LIMIT 1) AS decided_grade
FROM footprint f JOIN product p ON p.id = f.product_id JOIN organization owner ON owner.id = p.owner_id
JOIN product_category c ON c.id = p.category_id
"""


def filter_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text(FILTER_ROWS))]
        labels = conn.execute(text("SELECT footprint_id, grade, serial IS NOT NULL FROM label")).all()
    for r in rows:
        r["labels"] = [(grade, bool(issued)) for fid, grade, issued in labels if fid == r["id"]]
        r["period_start"], r["period_end"] = str(r["period_start"])[:10], str(r["period_end"])[:10]
    return rows


def graded(row: dict[str, Any], grades: set[str], caller: str) -> bool:
    """The newest label decision's grade, or a label's grade the caller may read (the regulator every
    label; the enterprise its own, and every label once issued, whatever its status now: docs/labels.md)."""
    if row["decided_grade"] in grades:
        return True
    own = row["owner"] == BASE + "zj-battery"
    return any(grade in grades and (caller == "regulator" or own or issued) for grade, issued in row["labels"])


FILTERS: dict[str, tuple[dict[str, Any], Any]] = {
    "category": ({"categoryCodes": ["KP-46", "KP-04"]}, lambda r, _: r["category"] in ("KP-46", "KP-04")),
    "owner": (
        {"owners": [BASE + "zj-battery", BASE + "yrd-battery"]},
        lambda r, _: r["owner"] in (BASE + "zj-battery", BASE + "yrd-battery"),
    ),
    "owner region": ({"ownerRegions": ["YRD", "GBA"]}, lambda r, _: r["owner_region"] in ("YRD", "GBA")),
    "period from": ({"periodFrom": "2024-06-01"}, lambda r, _: r["period_end"] >= "2024-06-01"),
    "period to": ({"periodTo": "2024-06-30"}, lambda r, _: r["period_start"] <= "2024-06-30"),
    "period to its first day": ({"periodTo": "2024-01-01"}, lambda r, _: r["period_start"] <= "2024-01-01"),
    "period from its last day": ({"periodFrom": "2024-12-31"}, lambda r, _: r["period_end"] >= "2024-12-31"),
    "period after": ({"periodFrom": "2025-01-01"}, lambda r, _: r["period_end"] >= "2025-01-01"),
    "period before": ({"periodTo": "2023-12-31"}, lambda r, _: r["period_start"] <= "2023-12-31"),
    "grade A": ({"grades": ["A"]}, lambda r, who: graded(r, {"A"}, who)),
    "grade B or E": ({"grades": ["B", "E"]}, lambda r, who: graded(r, {"B", "E"}, who)),
    # grades only labels carry (see `label_only_grades`): an issued label, and a suspended one
    "issued label grade": ({"grades": ["X"]}, lambda r, who: graded(r, {"X"}, who)),
    "suspended label grade": ({"grades": ["Y"]}, lambda r, who: graded(r, {"Y"}, who)),
    "status and category": (
        {"statuses": ["published"], "categoryCodes": ["KP-46"]},
        lambda r, _: r["status"] == "published" and r["category"] == "KP-46",
    ),
}


@pytest.fixture(scope="module", autouse=True)
def label_only_grades(engine: Engine) -> None:
    """Give one issued and one suspended label a grade no decision has, so that the grade filter's label
    half is tested on its own (the demo's labels repeat their footprint's decided grade)."""
    with engine.begin() as conn:
        issued = conn.execute(text("SELECT MIN(id) FROM label WHERE status = 'issued'")).scalar_one()
        suspended = conn.execute(text("SELECT MIN(id) FROM label WHERE status = 'suspended'")).scalar_one()
        assert issued is not None and suspended is not None
        conn.execute(text("UPDATE label SET grade = 'X' WHERE id = :i"), {"i": issued})
        conn.execute(text("UPDATE label SET grade = 'Y' WHERE id = :i"), {"i": suspended})


@pytest.mark.parametrize("caller", ["enterprise", "regulator"])
@pytest.mark.parametrize("name", list(FILTERS))
def test_each_footprint_filter_gives_the_rows_it_names(live: Live, engine: Engine, caller: str, name: str) -> None:  # noqa: F811
    role, org, sees = CALLERS[caller]
    f, keeps = FILTERS[name]
    expected = sorted(r["iri"] for r in filter_rows(engine) if sees(_Row(r)) and keeps(r, caller))
    total, ids = every_page(live, FOOTPRINTS, "footprints", token(live.hub, role, org), {"f": f})
    assert (total, sorted(ids)) == (len(expected), expected)


class _Row:
    """A dict read as attributes, for the CALLERS predicates."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.__dict__.update(row)
        self.verifier = None


FACTORS = """query($f: EmissionFactorFilter, $after: String, $first: Int = 100) {
  emissionFactors(first: $first, filter: $f, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
FACTOR_FILTERS: dict[str, tuple[dict[str, Any], str]] = {
    "activity in English, any case": ({"activity": "EAST china"}, "lower(activity_name) LIKE '%east china%'"),
    "activity in Chinese": ({"activity": "全国电网"}, "activity_name_zh LIKE '%全国电网%'"),
    "regions": ({"regions": ["CN", "CN-EAST-GRID"]}, "region IN ('CN', 'CN-EAST-GRID')"),
    "years": ({"years": [2020, 2023]}, "reference_year IN (2020, 2023)"),
    "units": ({"units": ["kWh"]}, "unit = 'kWh'"),
    "units and years": ({"units": ["kg"], "years": [2020]}, "unit = 'kg' AND reference_year = 2020"),
}


@pytest.mark.parametrize("name", list(FACTOR_FILTERS))
def test_each_factor_filter_gives_the_rows_it_names(live: Live, engine: Engine, name: str) -> None:  # noqa: F811
    f, where = FACTOR_FILTERS[name]
    with engine.connect() as conn:
        expected = sorted(conn.scalars(text(f"SELECT iri FROM emission_factor WHERE {where}")))
        every = conn.execute(text("SELECT COUNT(*) FROM emission_factor")).scalar_one()
    assert 0 < len(expected) < every
    total, ids = every_page(live, FACTORS, "emissionFactors", token(live.hub, Role.ENTERPRISE), {"f": f})
    assert (total, sorted(ids)) == (len(expected), expected)


@pytest.mark.parametrize(("caller", "size"), [("regulator", 7), ("enterprise", 10)])
def test_pages_of_any_size_hand_out_every_row_once(live: Live, engine: Engine, caller: str, size: int) -> None:  # noqa: F811
    role, org, sees = CALLERS[caller]
    expected = sorted(r.iri for r in footprint_rows(engine) if sees(r))
    total, ids = every_page(live, FOOTPRINTS, "footprints", token(live.hub, role, org), {"f": None, "first": size})
    assert (total, sorted(ids)) == (len(expected), expected)
    total, ids = every_page(live, FACTORS, "emissionFactors", token(live.hub, role, org), {"f": None, "first": 5})
    with engine.connect() as conn:
        assert sorted(ids) == sorted(conn.scalars(text("SELECT iri FROM emission_factor")))


def test_an_activity_no_factor_names_finds_none(live: Live) -> None:  # noqa: F811
    """Also not the factors without a Chinese name (their missing name is no text to match)."""
    total, ids = every_page(
        live, FACTORS, "emissionFactors", token(live.hub, Role.ENTERPRISE), {"f": {"activity": "xxxx"}}
    )
    assert (total, ids) == (0, [])
