"""ZJ <-> YRD and ZJ <-> GBA: a ZJ document mapped out and back in differs only in the fields the
export reports lost, and the partner's units, codes, names and dates are the partner's."""

from typing import Any

import pytest

from hub.mapping import load_catalog
from tests.mapping.helpers import all_examples, example

CATALOG = load_catalog()
NOT_DATA = {"@context", "@type", "provenance"}  # the import records its own provenance


def _flat(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{path}.{k}" if path else k))
        return out
    return {path: value}


@pytest.mark.parametrize("target", ["yrd", "gba"])
@pytest.mark.parametrize("name", sorted(all_examples()))
def test_round_trip_loses_only_what_is_reported(target: str, name: str) -> None:
    doc = all_examples()[name]
    out = CATALOG.get(target, "export").map(doc)
    assert out.errors == []
    assert CATALOG.validate_output(target, out.output) == []
    back = CATALOG.get(target, "import").map(out.output)
    assert back.errors == []
    assert CATALOG.validate_output(target, back.output, "import") == []
    lost = {f for f, _ in out.lost}
    before, after = _flat(doc), _flat(back.output)
    for path in before:
        if path.split(".")[0] in NOT_DATA or path in lost or path.split(".")[0] in lost:
            continue
        assert after.get(path) == before[path], f"{target}: {path} changed"


def test_yrd_uses_tonnes_hs_codes_chinese_names_and_compact_dates() -> None:
    out = CATALOG.get("yrd").map(example("kp46-battery")).output
    assert out["tanZujiTco2e"] == 0.0965
    assert out["hsBianma"] == "850760"
    assert out["shengmingDanwei"] == "千瓦时"
    assert out["xitongBianjie"] == "摇篮到大门"
    assert out["hesuanKaishi"] == "20240101"
    assert out["jieduanPaifang"][0] == {"jieduan": "原料获取", "paifangTco2e": 0.0701}
    assert "stat_code" not in repr(out)


def test_gba_uses_traditional_chinese_labels_nesting_and_day_first_dates() -> None:
    out = CATALOG.get("gba").map(example("kp46-battery")).output
    assert out["product"]["category"]["label"] == {"zh-Hant": "動力電池", "en": "Traction (power) batteries"}
    assert out["product"]["industry"]["label"]["zh-Hant"] == "電池製造"
    assert out["footprint"]["totalTco2e"] == 0.0965
    assert out["footprint"]["reportingPeriod"] == {"from": "01/01/2024", "to": "31/12/2024"}
    assert out["footprint"]["boundary"]["scope"] == "C2G"
    assert out["footprint"]["declaredUnit"] == {"unit": "KWH", "quantity": 1}
    assert out["verification"]["date"] == "20/03/2025"


def test_tonne_round_trip_is_exact() -> None:
    doc = example("kp10-tshirt")
    back = CATALOG.get("yrd", "import").map(CATALOG.get("yrd").map(doc).output).output
    for key in (
        "total_kgco2e",
        "total_including_biogenic_uptake_kgco2e",
        "biogenic_uptake_kgco2e",
        "packaging_kgco2e",
    ):
        assert back[key] == doc[key], key
    assert [s["kgco2e"] for s in back["stages"]] == [s["kgco2e"] for s in doc["stages"]]


def test_a_partner_record_with_an_unknown_code_fails_on_that_field_only() -> None:
    yrd = CATALOG.get("yrd").map(example("kp28-clinker")).output
    yrd["xitongBianjie"] = "摇篮到摇篮"
    yrd["hesuanKaishi"] = "2024-01-01"
    back = CATALOG.get("yrd", "import").map(yrd)
    assert dict(back.errors) == {
        "system_boundary": "'摇篮到摇篮' has no entry in the value map",
        "reference_period_start": "'2024-01-01' is not a %Y%m%d date",
    }
    assert back.output["total_kgco2e"] == 852.0
