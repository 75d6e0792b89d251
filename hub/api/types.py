"""The record types of the GraphQL schema.

Each object is built from a record of the data-access layer (hub/queries), which holds only the fields
the caller may read: `resolve_field` (the schema's default resolver) raises an authorization error for
a field that is absent, so a hidden field is an error on that field, never a silently empty value.
Scalar fields are plain attribute reads (sync); a relation is declared by its type alone (`relation()`): its
target and key come from the catalog, its rows through the request's DataLoaders (hub/api/relations.py).
Every type with a global id is an Apollo Federation entity keyed by it (`@key(fields: "id")`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from hub.api.context import Context
from hub.api.relations import newest, relation
from hub.api.views import RECORD_TYPES, field_value, view, views
from hub.queries.mapped import MappedKey


@strawberry.interface(description="A record with a global identifier: its IRI (JSON-LD @id).")
class Node:
    id: strawberry.ID


@strawberry.interface(description="Where a record comes from (plan 二(二)5: every datum traceable).")
class Provenance:
    created_at: datetime | None
    created_by: str | None
    source: str | None
    source_ref: str | None
    mapping_iri: str | None
    mapping_version: str | None
    ruleset_id: str | None
    ruleset_version: str | None


@strawberry.federation.type(keys=["id"], description="An industry or one of the plan's 52 key products.")
class ProductCategory(Node):
    code: str | None
    level: str | None
    seq: int | None
    name_zh: str | None
    name_en: str | None
    stat_code: str | None
    stat_path_zh: str | None

    parent: ProductCategory | None = relation(description="The industry of a key product.")


@strawberry.federation.type(
    keys=["id"], description="An organization: enterprise, platform, body, team, verifier or regulator."
)
class Organization(Node, Provenance):
    kind: str | None
    region: str | None
    name_zh: str | None
    name_en: str | None
    credit_code: str | None = strawberry.field(description="统一社会信用代码 (GB 32100-2015).")
    accreditation: str | None


@strawberry.federation.type(keys=["id"], description="A product of an enterprise, in one key-product category.")
class Product(Node, Provenance):
    name: str | None
    model: str | None
    gtin: str | None
    description: str | None

    owner: Organization | None = relation()

    category: ProductCategory | None = relation()

    footprints: list[Footprint] | None = relation(description="The product's footprints the caller may read.")


@strawberry.federation.type(
    keys=["id"], description="An emission factor: kgCO2e per unit of an activity, with its source."
)
class EmissionFactor(Node, Provenance):
    dataset: str | None
    dataset_version: str | None
    activity_name: str | None
    activity_name_zh: str | None
    region: str | None
    reference_year: int | None
    unit: str | None
    value_kgco2e_per_unit: float | None
    gwp_basis: str | None
    gases_covered: str | None
    source_citation: str | None
    licence: str | None
    uncertainty_percent: float | None
    data_quality_rating: float | None
    valid_from: date | None
    valid_until: date | None
    illustrative: bool | None
    biogenic_kgco2e_per_unit: float | None = strawberry.field(description="The biogenic part of the value.")
    land_use_change_kgco2e_per_unit: float | None = strawberry.field(description="The land-use-change part.")

    supersedes: EmissionFactor | None = relation(
        description="The factor this version supersedes (factors are never edited)."
    )


@strawberry.type(description="One life-cycle stage's share of a footprint.")
class FootprintStage:
    stage: str | None
    kgco2e: float | None

    footprint: Footprint | None = relation()


@strawberry.federation.type(
    keys=["id"], description="A product carbon footprint per declared unit (GB/T 24067-2024, ISO 14067)."
)
class Footprint(Node, Provenance):
    version: int | None
    status: str | None
    declared_unit: str | None
    declared_unit_amount: float | None
    product_mass_kg_per_declared_unit: float | None
    total_kgco2e: float | None
    total_including_biogenic_uptake_kgco2e: float | None
    fossil_kgco2e: float | None
    biogenic_kgco2e: float | None
    land_use_change_kgco2e: float | None
    biogenic_uptake_kgco2e: float | None
    aircraft_kgco2e: float | None
    fossil_carbon_content_kgc: float | None
    biogenic_carbon_content_kgc: float | None
    recycled_carbon_content_kgc: float | None
    packaging_emissions_included: bool | None
    packaging_kgco2e: float | None
    ipcc_characterization_factors: JSON | None
    exempted_emissions_percent: float | None
    exempted_emissions_description: str | None
    ccs_technological_co2_capture_included: bool | None
    mass_balancing_used: bool | None
    waste_incineration_allocation: str | None
    system_boundary: str | None
    boundary_description: str | None
    allocation_description: str | None
    reference_period_start: date | None
    reference_period_end: date | None
    geography_country: str | None
    geography_subdivision: str | None
    accounting_standards: JSON | None
    general_rules: str | None
    industry_rules: str | None
    product_rules: str | None
    battery_capacity_kwh: float | None
    battery_lifetime_energy_kwh: float | None
    primary_data_share_percent: float | None
    dqr_technological: float | None
    dqr_geographical: float | None
    dqr_temporal: float | None
    validity_start: date | None
    validity_end: date | None
    verified_at: date | None
    verification_statement: str | None
    verification_standard: str | None
    comment: str | None
    uncertainty_mean_kgco2e: float | None = strawberry.field(
        description="Monte Carlo mean of the total (lognormal lines, the total as median): see docs/accounting.md."
    )
    uncertainty_low_kgco2e: float | None = strawberry.field(description="2.5th percentile of the total's draws.")
    uncertainty_high_kgco2e: float | None = strawberry.field(description="97.5th percentile of the total's draws.")
    uncertainty_draws: int | None = strawberry.field(description="Monte Carlo draws behind the interval.")
    uncertainty_seed: int | None = strawberry.field(description="The seed that reproduces the draws.")

    product: Product | None = relation()

    verifier: Organization | None = relation(description="The verifier assigned to the footprint.")

    supersedes: Footprint | None = relation(description="The footprint this version replaces.")

    stages: list[FootprintStage] | None = relation()

    inventory: list[InventoryLine] | None = relation(
        description="The activity data behind the footprint; every read is audited."
    )

    labels: list[Label] | None = relation()

    decisions: list[Decision] | None = relation(
        description="The rules engine's decisions on the footprint: label grade and score, "
        "recognition per region, each with its trace and rule-set versions."
    )

    quality: QualityResult | None = newest(
        description="The newest data-quality check of the footprint (rulesets/quality): its status and each "
        "rule's finding. Its owner, its verifier and the regulator read it; anyone else gets FORBIDDEN."
    )

    @strawberry.field(
        description="The footprint in another vocabulary, mapped by the hub's mapping engine from "
        "the fields the caller may read; what the mapping loses, approximates or cannot fill is listed. "
        "Null, with a FORBIDDEN error, for a caller who may not read it."
    )
    async def mapped(self, info: Info[Context, None], to: MappingTarget) -> MappedFootprint | None:
        key = MappedKey(field_value(self, "mapped"), to.value, self.__dict__["_readable"])
        mapper, result = await info.context.loaders.mapped_footprints.load(key)
        return MappedFootprint(
            target=to.value,
            mapping_iri=mapper.mapping.iri,
            mapping_version=mapper.mapping.version,
            record=result.output if not result.errors else None,  # a failed mapping hands out no look-alike
            ok=not result.errors,
            lost=[MappingNote(field=f, reason=r) for f, r in result.lost],
            approximated=[MappingNote(field=f, reason=r) for f, r in result.approximated],
            errors=[MappingNote(field=f, reason=r) for f, r in result.errors],
        )


@strawberry.enum(description="A vocabulary a footprint can be read in (mappings/<target>/).")
class MappingTarget(Enum):
    PACT = "pact"
    BATTERY_PASSPORT = "battery-passport"
    CATENAX_PCF = "catenax-pcf"
    YRD = "yrd"
    GBA = "gba"


@strawberry.type(description="A field a mapping could not carry as it was, and why.")
class MappingNote:
    field: str
    reason: str


@strawberry.type(description="A footprint mapped to another vocabulary, with the mapping that produced it.")
class MappedFootprint:
    target: str
    mapping_iri: str
    mapping_version: str
    record: JSON | None = strawberry.field(
        description="The record in the target vocabulary; null when the mapping failed (see errors)."
    )
    ok: bool = strawberry.field(description="True when no required target field was left unfilled.")
    lost: list[MappingNote]
    approximated: list[MappingNote]
    errors: list[MappingNote]


@strawberry.federation.type(keys=["id"], description="A decision of the rules engine on a footprint, with its trace.")
class Decision(Node, Provenance):
    kind: str | None = strawberry.field(description="label_grade, recognition, ...")
    jurisdiction: str | None
    decided_on: date | None
    status: str | None = strawberry.field(description="decided, undetermined (an input was missing) or error.")
    outcome: JSON | None
    grade: str | None
    score: float | None
    passed: bool | None = strawberry.field(description="Graded (label) or eligible (recognition).")
    chain: JSON | None = strawberry.field(description="The rule sets applied, general -> industry -> product.")
    trace: JSON | None = strawberry.field(description="Every check and table row, the inputs read, thresholds.")

    footprint: Footprint | None = relation()


@strawberry.federation.type(
    keys=["id"], description="A data-quality check of a footprint: pass, warning or failure, with each rule's finding."
)
class QualityResult(Node, Provenance):
    status: str | None = strawberry.field(description="pass, warning or failure: the worst finding.")
    evaluated_at: datetime | None
    summary: JSON | None = strawberry.field(description="How many findings have each status.")
    findings: JSON | None = strawberry.field(
        description="Per rule: rule, status (pass, warning, failure, not_applicable), reason {en, zh}, the figures "
        "it compared, and the rule set (id, version, layer) that holds the rule."
    )
    chain: JSON | None = strawberry.field(description="The quality rule sets applied, general -> product.")

    footprint: Footprint | None = relation()


@strawberry.type(description="A rule set of this hub (rulesets/), as a document.")
class RuleSet:
    ruleset_id: str | None
    version: str | None
    decision_kind: str | None
    jurisdiction: str | None
    layer: str | None = strawberry.field(description="general, industry or product (通则, 行业, 产品).")
    refines: str | None
    applies_to: JSON | None
    status: str | None
    effective_from: str | None
    effective_until: str | None
    title_zh: str | None
    title_en: str | None
    test_count: int | None
    file: str | None
    content: str | None = strawberry.field(description="The rule set's YAML, as the standards team wrote it.")


@strawberry.type(description="A mapping file of this hub (mappings/), as a document.")
class MappingDocument:
    mapping_iri: str | None
    version: str | None
    target: str | None
    direction: str | None
    effective: str | None
    source_type: str | None
    target_type: str | None
    file: str | None
    content: str | None = strawberry.field(description="The mapping's YAML, as the standards team wrote it.")


@strawberry.federation.type(
    keys=["id"], description="One line of a footprint's inventory: an activity, its amount and factor."
)
class InventoryLine(Node, Provenance):
    stage: str | None
    activity: str | None
    amount: float | None
    unit: str | None
    kgco2e: float | None
    uncertainty_percent: float | None = strawberry.field(description="Half-width of the amount's 95 % interval.")

    footprint: Footprint | None = relation()

    emission_factor: EmissionFactor | None = relation()

    supplier_footprint: Footprint | None = relation()


@strawberry.federation.type(keys=["id"], description="A carbon label: a grade or score for a published footprint.")
class Label(Node, Provenance):
    scheme: str | None
    grade: str | None
    score: float | None
    decided_by_ruleset: str | None
    decided_by_ruleset_version: str | None
    serial: str | None
    issued_on: date | None
    expires_on: date | None
    status: str | None = strawberry.field(description="A state of hub/labels/machine.yaml (docs/labels.md).")
    applied_on: date | None
    certified_on: date | None
    certification_statement: str | None
    filing_number: str | None = strawberry.field(description="The regulator's filing number (备案号).")
    filed_on: date | None
    next_recheck_on: date | None
    status_on: date | None = strawberry.field(description="The day of the label's last step.")
    status_reason: str | None = strawberry.field(description="The reason given for the label's last step.")

    footprint: Footprint | None = relation()

    certifier: Organization | None = relation(description="The accredited certification body the enterprise named.")


@strawberry.federation.type(
    keys=["id"], description="One step in a label's life, with its day and reason (docs/labels.md)."
)
class LabelEvent(Node, Provenance):
    step: str | None
    from_status: str | None
    to_status: str | None
    on: date | None
    reason: str | None
    detail: JSON | None = strawberry.field(description="What a re-grading changed: old and new grade, and why.")

    label: Label | None = relation()


@strawberry.federation.type(keys=["id"], description="A named, versioned set of records exchanged with a region.")
class Dataset(Node, Provenance):
    name: str | None
    version: str | None
    region: str | None
    direction: str | None
    record_count: int | None
    content_hash: str | None
    signature: str | None
    signing_key_id: str | None
    source_hub: str | None
    publisher: str | None = strawberry.field(description="Who publishes an imported source file's data.")
    licence: str | None = strawberry.field(description="The terms an imported source file's data is used under.")


@strawberry.federation.type(
    keys=["id"], description="What a partner region's platform may read: record kinds, statuses, fields."
)
class SharingAgreement(Node, Provenance):
    region: str | None
    title: str | None
    record_kinds: JSON | None
    statuses: JSON | None
    fields: JSON | None
    valid_from: date | None
    valid_until: date | None

    granted_by: Organization | None = relation()


@strawberry.type(description="One link of the hash-chained audit trail.")
class AuditEvent:
    at: datetime | None
    actor: str | None
    action: str | None
    record_type: str | None
    record_iri: str | None
    detail: JSON | None
    prev_hash: str | None
    hash: str | None

    @strawberry.field(description="The event's number in the chain.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.__dict__["_id"]))


@strawberry.type(description="Statistics of published footprints per key product and declared unit.")
class CategoryBenchmark:
    declared_unit: str | None
    footprint_count: int | None
    min_kgco2e: float | None
    mean_kgco2e: float | None
    max_kgco2e: float | None
    withheld: str | None = strawberry.field(
        description="Why the statistics are null: the group is below the minimum shown (docs/security.md)."
    )

    category: ProductCategory | None = relation()


@strawberry.federation.type(
    keys=["id"], description="A rule set or mapping drafted, tested and published through the API."
)
class DocumentVersion(Node, Provenance):
    kind: str | None = strawberry.field(description="ruleset or mapping.")
    document_id: str | None = strawberry.field(description="The rule set's id, or the mapping's IRI.")
    version: str | None
    status: str | None = strawberry.field(description="draft, tested, published or retired.")
    content: str | None = strawberry.field(description="The YAML text.")
    tests: str | None = strawberry.field(description="Its test cases (tests.yaml, or golden cases as YAML).")
    test_report: JSON | None = strawberry.field(description="The last run: passed, failed, each failure.")
    published_at: datetime | None


RECORD_TYPES.update(
    {
        "ProductCategory": ProductCategory,
        "Organization": Organization,
        "Product": Product,
        "EmissionFactor": EmissionFactor,
        "Footprint": Footprint,
        "FootprintStage": FootprintStage,
        "InventoryLine": InventoryLine,
        "Label": Label,
        "LabelEvent": LabelEvent,
        "Dataset": Dataset,
        "SharingAgreement": SharingAgreement,
        "AuditEvent": AuditEvent,
        "CategoryBenchmark": CategoryBenchmark,
        "Decision": Decision,
        "QualityResult": QualityResult,
        "RuleSet": RuleSet,
        "MappingDocument": MappingDocument,
        "DocumentVersion": DocumentVersion,
    }
)


__all__ = ["RECORD_TYPES", "field_value", "view", "views"]
