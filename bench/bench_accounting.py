"""Benchmark of the hub's accounting: `python -m bench.bench_accounting [--footprints 10000] [--runs 3]`.

1. Accounting: N generated footprints of 50 inventory lines each (5 stages, line units that convert to their
   factor's unit: t/kg/g, MWh/kWh/MJ/GJ, L/m3, tkm, piece, m2), through the hub's path (pint unit factors per
   distinct pair, `hub.accounting.table.account`: lines, stage sums, fossil/biogenic/LUC parts) against a
   hand-written numpy computation of the same sums with the conversion factors typed in by hand. The script
   asserts both give the same figures.
2. Monte Carlo: `hub.accounting.montecarlo.simulate` with 10,000 draws for one 50-line footprint and for N
   footprints (one seeded generator each, as the hub stores them; the 50 lines cite 20 distinct factors, each
   factor drawn once per draw and shared by its lines), against hand-written numpy (the same normals indexed
   by hand, exponentiated, summed, percentiles) for the same work.
Median and spread (min-max) of --runs runs; writes its section of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.report import write_section
from hub.accounting.montecarlo import Spread, simulate
from hub.accounting.table import PARTS, STAGES, LineTable, account
from hub.units import Units

# (line unit, factor unit, what one line unit is in the factor unit), typed in by hand for the baseline
PAIRS = [
    ("t", "kg", 1000.0),
    ("kg", "kg", 1.0),
    ("g", "kg", 0.001),
    ("MWh", "kWh", 1000.0),
    ("kWh", "kWh", 1.0),
    ("MJ", "kWh", 1 / 3.6),
    ("GJ", "MJ", 1000.0),
    ("L", "m3", 0.001),
    ("tkm", "tkm", 1.0),
    ("piece", "piece", 1.0),
    ("m2", "m2", 1.0),
]
LINES = 50
FACTORS = 20  # distinct factors per footprint: its 50 lines cite these, so lines share factor draws
DRAWS = 10_000
SEED = 20261127


def generate(units: Units, footprints: int, lines: int = LINES, seed: int = 1) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    n = footprints * lines
    pair = rng.integers(0, len(PAIRS), n)
    per_unit = rng.uniform(0.01, 20.0, (n, len(PARTS))) * np.array([1.0, 0.1, 0.05])
    return {
        "footprint": np.repeat(np.arange(footprints, dtype=np.int64), lines),
        "stage": rng.integers(0, len(STAGES), n).astype(np.int64),
        "amount": rng.uniform(0.0, 100.0, n),
        # units as codes into the hub's unit list (hub.units.Units.names), as an inventory column holds them
        "unit": np.array([units.code(p[0]) for p in PAIRS])[pair],
        "factor_unit": np.array([units.code(p[1]) for p in PAIRS])[pair],
        "pair": pair,
        "per_unit": per_unit,
        "sigma": rng.uniform(0.02, 0.4, footprints * FACTORS),  # per distinct factor of each footprint
        "source": rng.integers(0, FACTORS, n),  # which of its footprint's factors each line cites
        "footprints": footprints,
    }


def hub_accounting(data: dict[str, Any], units: Units) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    table = LineTable(
        footprint=data["footprint"],
        stage=data["stage"],
        amount=data["amount"],
        conversion=units.factors(data["unit"], data["factor_unit"]),
        per_unit=data["per_unit"],
        footprints=data["footprints"],
    )
    result = account(table)
    return result.lines, result.stages, result.parts


def hand_numpy(data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    conversion = np.array([p[2] for p in PAIRS])[data["pair"]]
    line_parts = (data["amount"] * conversion)[:, None] * data["per_unit"]
    lines = line_parts.sum(axis=1)
    f, s = data["footprints"], len(STAGES)
    stages = np.bincount(data["footprint"] * s + data["stage"], weights=lines, minlength=f * s).reshape(f, s)
    parts = np.column_stack([np.bincount(data["footprint"], weights=line_parts[:, k], minlength=f) for k in range(3)])
    return lines, stages, parts


def hub_monte_carlo(lines: np.ndarray, data: dict[str, Any], footprints: int) -> list[tuple[float, float, float]]:
    per = lines.reshape(footprints, -1)
    sig = data["sigma"].reshape(footprints, -1)
    src = data["source"].reshape(footprints, -1)
    out = []
    for i in range(footprints):
        spread = Spread(source=src[i], source_sigma=sig[i], line_sigma=np.zeros(per.shape[1]))
        r = simulate(per[i], spread, DRAWS, SEED)
        out.append((r.mean, r.low, r.high))
    return out


def hand_monte_carlo(lines: np.ndarray, data: dict[str, Any], footprints: int) -> list[tuple[float, float, float]]:
    per = lines.reshape(footprints, -1)
    sig = data["sigma"].reshape(footprints, -1)
    src = data["source"].reshape(footprints, -1)
    out = []
    for i in range(footprints):
        rng = np.random.default_rng(SEED)
        z = rng.standard_normal((DRAWS, FACTORS))  # one draw per factor, shared by the lines citing it
        totals = (per[i] * np.exp(z[:, src[i]] * sig[i][src[i]])).sum(axis=1)
        low, high = np.percentile(totals, [2.5, 97.5])
        out.append((float(totals.mean()), float(low), float(high)))
    return out


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def cell(times: list[float]) -> str:
    return f"{statistics.median(times):.4g} ({min(times):.4g}-{max(times):.4g})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--footprints", type=int, default=10_000)
    parser.add_argument("--mc-footprints", type=int, default=10_000)
    parser.add_argument("--mc-sample", type=int, default=100, help="footprints timed of --mc-footprints (scaled)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    units = Units()
    _ = units.matrix  # the hub's unit table is built once per hub (pint, 20 x 20 lookups), not per computation
    data = generate(units, args.footprints)
    hub_times, hub = timed(lambda: hub_accounting(data, units), args.runs)
    hand_times, hand = timed(lambda: hand_numpy(data), args.runs)
    for a, b in zip(hub, hand, strict=True):
        assert np.allclose(a, b, rtol=1e-9, atol=1e-9), "the hub and the hand-written sums differ"
    ratio = statistics.median(hub_times) / statistics.median(hand_times)
    print(f"accounting {args.footprints} x {LINES}: hub {cell(hub_times)} s, numpy {cell(hand_times)} s, {ratio:.2f}x")

    one = generate(units, 1, seed=2)
    line_kg = hub_accounting(one, units)[0]
    one_hub, _ = timed(lambda: hub_monte_carlo(line_kg, one, 1), args.runs)
    one_hand, _ = timed(lambda: hand_monte_carlo(line_kg, one, 1), args.runs)
    print(f"monte carlo 1 x {LINES} x {DRAWS}: hub {cell(one_hub)} s, numpy {cell(one_hand)} s")

    sample = min(args.mc_sample, args.mc_footprints)
    scale = args.mc_footprints / sample
    many = generate(units, sample, seed=3)
    many_kg = hub_accounting(many, units)[0]
    many_hub, hub_mc = timed(lambda: hub_monte_carlo(many_kg, many, sample), args.runs)
    many_hand, hand_mc = timed(lambda: hand_monte_carlo(many_kg, many, sample), args.runs)
    # same draws (one generator per footprint, same seed): same figures up to rounding
    assert np.allclose(np.array(hub_mc), np.array(hand_mc), rtol=1e-9)
    many_hub, many_hand = [t * scale for t in many_hub], [t * scale for t in many_hand]
    print(
        f"monte carlo {args.mc_footprints} x {LINES} x {DRAWS} (scaled): "
        f"hub {cell(many_hub)} s, numpy {cell(many_hand)} s"
    )

    def row(what: str, hub_t: list[float], hand_t: list[float]) -> str:
        r = statistics.median(hub_t) / statistics.median(hand_t)
        return f"| {what} | {cell(hub_t)} | {cell(hand_t)} | {r:.2f}x |"

    markdown = "\n".join(
        [
            "## Accounting and Monte Carlo (`python -m bench.bench_accounting`)",
            "",
            f"Generated footprints of {LINES} inventory lines (5 stages; line units converted to their factor's "
            "unit: t/kg/g, MWh/kWh/MJ/GJ, L/m3, tkm, piece, m2). The hub's path (its unit table, built once per "
            "hub with pint, indexed by unit codes; `hub.accounting.table.account`: lines, stage sums, "
            "fossil/biogenic/land-use-change parts) "
            "against hand-written numpy with the conversion factors typed in by hand; the script asserts both "
            f"give the same figures. Monte Carlo: {DRAWS:,} draws per footprint, one seeded generator "
            f"per footprint (as the hub stores it); the {LINES} lines cite {FACTORS} distinct factors, each drawn "
            "once per draw and shared by its lines (correlated, issue 14 item 3), against hand-written numpy "
            f"on the same normals (asserted equal). Seconds: median (min-max) of {args.runs} runs. Monte Carlo "
            "over many footprints "
            "is one footprint after another (each its own generator, so an interval never depends on what else "
            "was computed with it): its time is linear in the footprints, and a sample of them is timed and "
            "scaled.",
            "",
            "| work | hub, s | hand-written numpy, s | hub vs numpy |",
            "|---|---|---|---|",
            row(f"accounting, {args.footprints:,} footprints x {LINES} lines", hub_times, hand_times),
            row(f"Monte Carlo, 1 footprint x {LINES} lines x {DRAWS:,} draws", one_hub, one_hand),
            row(
                f"Monte Carlo, {args.mc_footprints:,} footprints x {LINES} lines x {DRAWS:,} draws "
                f"({sample:,} timed, scaled x{scale:g})",
                many_hub,
                many_hand,
            ),
            "",
            f"Accounting: **{ratio:.2f}x** the hand-written numpy time (aim <= 2x).",
        ]
    )
    write_section("accounting", markdown)


if __name__ == "__main__":
    main()
