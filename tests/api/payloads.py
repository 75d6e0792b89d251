"""Valid inputs for the write tests."""

from __future__ import annotations

import random
from typing import Any


def footprint_input(product_iri: str, factor_iri: str, amount: float, value: float) -> dict[str, Any]:
    """A footprint with one production line of `amount` kWh at `value` kgCO2e/kWh."""
    kg = amount * value
    return {
        "product_iri": product_iri,
        "declared_unit": "kg",
        "declared_unit_amount": 1,
        "product_mass_kg_per_declared_unit": 1,
        "total_kgco2e": kg,
        "total_including_biogenic_uptake_kgco2e": kg,
        "fossil_kgco2e": kg,
        "fossil_carbon_content_kgc": 0,
        "ipcc_characterization_factors": ["AR6"],
        "exempted_emissions_percent": 0,
        "system_boundary": "cradle_to_gate",
        "reference_period_start": "2024-01-01",
        "reference_period_end": "2024-12-31",
        "geography_country": "CN",
        "accounting_standards": ["GB/T 24067-2024"],
        "stages": [{"stage": "production", "kgco2e": kg}],
        "inventory": [
            {
                "stage": "production",
                "activity": f"secret activity {random.random():.6f}",
                "amount": amount,
                "unit": "kWh",
                "emission_factor_iri": factor_iri,
                "kgco2e": kg,
            }
        ],
        "comment": "private comment",
    }
