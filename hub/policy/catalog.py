"""The record kinds the policy speaks of: their table, readable fields, relations and filter attributes.

This is the data-access layer's map of the database. A policy names kinds and fields from here; the
loader refuses a policy that names anything else, and a test refuses a schema field that is not here.
Field names are the records' own (snake_case) names; the GraphQL schema shows them in camelCase.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, exists, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import KeyedColumnElement

from hub.db import models as m

PROVENANCE = (
    "created_at",
    "created_by",
    "source",
    "source_ref",
    "mapping_iri",
    "mapping_version",
    "ruleset_id",
    "ruleset_version",
)


@dataclass(frozen=True)
class Relation:
    """A field that leads to other records: to one (by this row's `column`) or to many (by theirs)."""

    target: str
    column: str  # to one: this row's foreign key; to many: the target's foreign key to this row
    many: bool = False

    @property
    def target_key(self) -> str:
        """The target's column its rows are loaded by: its key (to one) or its foreign key to this row (to many).
        One DataLoader serves every relation with the same (target, target_key) (hub/api/loaders)."""
        return self.column if self.many else "id"


# A test on an attribute's value, as SQL: given the expression the attribute is read from, the condition.
Test = Callable[[SQLColumnExpression[Any]], ColumnElement[bool]]


@dataclass(frozen=True)
class Via:
    """An attribute reached through this row's foreign key `key`, tested as a semi-join: `key IN (SELECT ...
    WHERE test)` over indexed keys, rather than a correlated subquery evaluated once per row. Used for the
    selective attributes (the owner: one enterprise's few products among a million footprints), where the
    per-row form made the enterprise's first page scan every footprint (issue 15)."""

    key: Callable[[], SQLColumnExpression[Any]]
    keys: Callable[[Test], Select[Any]]  # the keys whose far attribute passes the test


# An SQL expression over a kind's row (a mapped column `m.Footprint.status`, or a subquery), or a `Via`.
Attribute = Callable[[], SQLColumnExpression[Any]] | Via


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[m.Base] | None  # None: a computed kind (e.g. CategoryBenchmark)
    columns: tuple[str, ...]
    relations: dict[str, Relation] = field(default_factory=dict)
    # Names a row filter may test, each an SQL expression over the kind's row.
    attributes: dict[str, Attribute] = field(default_factory=dict)
    # How a sharing agreement's `statuses` (footprint statuses) restrict rows of this kind, if they do.
    status_filter: Callable[[list[str]], ColumnElement[bool]] | None = None
    # Every read of a row of this kind is written to the audit trail (the most private data).
    audit_reads: bool = False
    doc: str = ""
    # Fields computed from the whole row by the API (e.g. a footprint mapped to another vocabulary): the
    # policy grants them like any field; a read hands the resolver the row's key and readable fields.
    computed: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return self.columns + tuple(self.relations) + self.computed

    def stored(self) -> type[m.Base]:
        """The model of a kind that is a table (every kind but the computed ones)."""
        if self.model is None:
            raise TypeError(f"{self.name} is computed: it has no table")
        return self.model

    def column(self, name: str) -> KeyedColumnElement[Any] | InstrumentedAttribute[Any]:
        return getattr(self.stored(), name)


def _product_owner(product_id: Callable[[], SQLColumnExpression[Any]]) -> Via:
    """The owner of the row's product: `product_id IN (SELECT id FROM product WHERE owner_id ...)`."""
    return Via(product_id, lambda test: select(m.Product.id).where(test(m.Product.owner_id)))


def _footprint_owner(footprint_id: Callable[[], SQLColumnExpression[Any]]) -> Via:
    """The owner of the row's footprint: `footprint_id IN (SELECT footprint.id FROM footprint JOIN product
    WHERE owner_id ...)`, driven by the product's owner index."""
    return Via(
        footprint_id,
        lambda test: (
            select(m.Footprint.id)
            .join(m.Product, m.Footprint.product_id == m.Product.id)
            .where(test(m.Product.owner_id))
        ),
    )


def _label_owner(label_id: Callable[[], SQLColumnExpression[Any]]) -> Via:
    """The owner of the row's label's footprint: `label_id IN (SELECT label.id FROM label JOIN footprint JOIN
    product WHERE owner_id ...)`."""
    return Via(
        label_id,
        lambda test: (
            select(m.Label.id)
            .join(m.Footprint, m.Label.footprint_id == m.Footprint.id)
            .join(m.Product, m.Footprint.product_id == m.Product.id)
            .where(test(m.Product.owner_id))
        ),
    )


def _footprint_column(footprint_id: Any, column: Any) -> ColumnElement[Any]:
    fp = m.Footprint.__table__.alias("fp_of")
    return select(fp.c[column]).where(fp.c.id == footprint_id).scalar_subquery()


def _footprint_owner_region(product_id: Any) -> ColumnElement[Any]:
    """One subquery joining owner and product: a subquery nested in another (`_org_region` of
    `_product_owner`) would not correlate with the footprint row and give every row the same region."""
    return (
        select(m.Organization.region)
        .join(m.Product, m.Product.owner_id == m.Organization.id)
        .where(m.Product.id == product_id)
        .scalar_subquery()
    )


def _org_region(org_id: Any) -> ColumnElement[Any]:
    return select(m.Organization.region).where(m.Organization.id == org_id).scalar_subquery()


def _label_column(label_id: Any, expression: Any) -> ColumnElement[Any]:
    """`expression` (over the label table) for the label `label_id` names: a label event's attributes."""
    return select(expression).where(m.Label.id == label_id).scalar_subquery()


def _has_footprint_in(statuses: list[str]) -> ColumnElement[bool]:
    fp = m.Footprint.__table__.alias("fp_in")
    return exists().where(fp.c.product_id == m.Product.id, fp.c.status.in_(statuses))


def _has_published_footprint() -> ColumnElement[Any]:
    return _has_footprint_in(["published"])


def _footprint_labelled() -> ColumnElement[Any]:
    """The footprint carries a label once issued (it has a serial): its label page shows it."""
    lb = m.Label.__table__.alias("lb_on")
    return exists().where(lb.c.footprint_id == m.Footprint.id, lb.c.serial.is_not(None))


def _product_labelled(product_id: Any) -> ColumnElement[Any]:
    """The product has a footprint carrying a label once issued: its label page names it and its versions."""
    lb, fp = m.Label.__table__.alias("lb_of"), m.Footprint.__table__.alias("fp_lb")
    return exists().where(fp.c.product_id == product_id, lb.c.footprint_id == fp.c.id, lb.c.serial.is_not(None))


def _footprint_status_in(footprint_id: Any) -> Callable[[list[str]], ColumnElement[bool]]:
    return lambda statuses: _footprint_column(footprint_id, "status").in_(statuses)


KINDS: dict[str, Kind] = {}


def _kind(kind: Kind) -> None:
    KINDS[kind.name] = kind


_kind(
    Kind(
        "ProductCategory",
        m.ProductCategory,
        ("code", "level", "seq", "name_zh", "name_en", "stat_code", "stat_path_zh"),
        {"parent": Relation("ProductCategory", "parent_id")},
        {"level": lambda: m.ProductCategory.level},
        doc="The plan's 19 industries and 52 key products (reference data).",
    )
)
_kind(
    Kind(
        "Organization",
        m.Organization,
        ("kind", "region", "name_zh", "name_en", "credit_code", "accreditation", *PROVENANCE),
        {},
        {
            "id": lambda: m.Organization.id,
            "kind": lambda: m.Organization.kind,
            "region": lambda: m.Organization.region,
        },
    )
)
_kind(
    Kind(
        "Product",
        m.Product,
        ("name", "model", "gtin", "description", *PROVENANCE),
        {
            "owner": Relation("Organization", "owner_id"),
            "category": Relation("ProductCategory", "category_id"),
            "footprints": Relation("Footprint", "product_id", many=True),
        },
        {
            "owner": lambda: m.Product.owner_id,
            "owner_region": lambda: _org_region(m.Product.owner_id),
            "has_published_footprint": _has_published_footprint,
            "labelled": lambda: _product_labelled(m.Product.id),
        },
        status_filter=_has_footprint_in,
    )
)
_kind(
    Kind(
        "EmissionFactor",
        m.EmissionFactor,
        (
            "dataset",
            "dataset_version",
            "activity_name",
            "activity_name_zh",
            "region",
            "reference_year",
            "unit",
            "value_kgco2e_per_unit",
            "gwp_basis",
            "gases_covered",
            "source_citation",
            "licence",
            "uncertainty_percent",
            "data_quality_rating",
            "valid_from",
            "valid_until",
            "illustrative",
            "biogenic_kgco2e_per_unit",
            "land_use_change_kgco2e_per_unit",
            *PROVENANCE,
        ),
        {"supersedes": Relation("EmissionFactor", "supersedes_id")},
        {"illustrative": lambda: m.EmissionFactor.illustrative},
    )
)
# The Monte Carlo interval of a footprint's total (hub/accounting/montecarlo.py), shown beside the total.
UNCERTAINTY_COLUMNS = (
    "uncertainty_mean_kgco2e",
    "uncertainty_low_kgco2e",
    "uncertainty_high_kgco2e",
    "uncertainty_draws",
    "uncertainty_seed",
)
FOOTPRINT_COLUMNS = (
    "version",
    "status",
    "declared_unit",
    "declared_unit_amount",
    "product_mass_kg_per_declared_unit",
    "total_kgco2e",
    "total_including_biogenic_uptake_kgco2e",
    "fossil_kgco2e",
    "biogenic_kgco2e",
    "land_use_change_kgco2e",
    "biogenic_uptake_kgco2e",
    "aircraft_kgco2e",
    "fossil_carbon_content_kgc",
    "biogenic_carbon_content_kgc",
    "recycled_carbon_content_kgc",
    "packaging_emissions_included",
    "packaging_kgco2e",
    "ipcc_characterization_factors",
    "exempted_emissions_percent",
    "exempted_emissions_description",
    "ccs_technological_co2_capture_included",
    "mass_balancing_used",
    "waste_incineration_allocation",
    "system_boundary",
    "boundary_description",
    "allocation_description",
    "reference_period_start",
    "reference_period_end",
    "geography_country",
    "geography_subdivision",
    "accounting_standards",
    "general_rules",
    "industry_rules",
    "product_rules",
    "battery_capacity_kwh",
    "battery_lifetime_energy_kwh",
    "primary_data_share_percent",
    "dqr_technological",
    "dqr_geographical",
    "dqr_temporal",
    "validity_start",
    "validity_end",
    "verified_at",
    "verification_statement",
    "verification_standard",
    "comment",
    *UNCERTAINTY_COLUMNS,
    *PROVENANCE,
)
_kind(
    Kind(
        "Footprint",
        m.Footprint,
        FOOTPRINT_COLUMNS,
        {
            "product": Relation("Product", "product_id"),
            "verifier": Relation("Organization", "verifier_id"),
            "supersedes": Relation("Footprint", "supersedes_id"),
            "stages": Relation("FootprintStage", "footprint_id", many=True),
            "inventory": Relation("InventoryLine", "footprint_id", many=True),
            "labels": Relation("Label", "footprint_id", many=True),
            "decisions": Relation("Decision", "footprint_id", many=True),
            "quality": Relation("QualityResult", "footprint_id", many=True),
        },
        {
            "owner": _product_owner(lambda: m.Footprint.product_id),
            "owner_region": lambda: _footprint_owner_region(m.Footprint.product_id),
            "status": lambda: m.Footprint.status,
            "verifier": lambda: m.Footprint.verifier_id,
            "labelled": _footprint_labelled,
            "product_labelled": lambda: _product_labelled(m.Footprint.product_id),
        },
        status_filter=lambda statuses: m.Footprint.status.in_(statuses),
        computed=("mapped",),
    )
)
_kind(
    Kind(
        "FootprintStage",
        m.FootprintStage,
        ("stage", "kgco2e"),
        {"footprint": Relation("Footprint", "footprint_id")},
        {
            "owner": _footprint_owner(lambda: m.FootprintStage.footprint_id),
            "footprint_status": lambda: _footprint_column(m.FootprintStage.footprint_id, "status"),
            "footprint_verifier": lambda: _footprint_column(m.FootprintStage.footprint_id, "verifier_id"),
        },
        status_filter=_footprint_status_in(m.FootprintStage.footprint_id),
    )
)
_kind(
    Kind(
        "InventoryLine",
        m.InventoryLine,
        ("stage", "activity", "amount", "unit", "kgco2e", "uncertainty_percent", *PROVENANCE),
        {
            "footprint": Relation("Footprint", "footprint_id"),
            "emission_factor": Relation("EmissionFactor", "emission_factor_id"),
            "supplier_footprint": Relation("Footprint", "supplier_footprint_id"),
        },
        {
            "owner": _footprint_owner(lambda: m.InventoryLine.footprint_id),
            "footprint_status": lambda: _footprint_column(m.InventoryLine.footprint_id, "status"),
            "footprint_verifier": lambda: _footprint_column(m.InventoryLine.footprint_id, "verifier_id"),
        },
        status_filter=_footprint_status_in(m.InventoryLine.footprint_id),
        audit_reads=True,
    )
)
_kind(
    Kind(
        "Label",
        m.Label,
        (
            "scheme",
            "grade",
            "score",
            "decided_by_ruleset",
            "decided_by_ruleset_version",
            "serial",
            "issued_on",
            "expires_on",
            "status",
            "applied_on",
            "certified_on",
            "certification_statement",
            "filing_number",
            "filed_on",
            "next_recheck_on",
            "status_on",
            "status_reason",
            *PROVENANCE,
        ),
        {"footprint": Relation("Footprint", "footprint_id"), "certifier": Relation("Organization", "certifier_id")},
        {
            "owner": _footprint_owner(lambda: m.Label.footprint_id),
            "status": lambda: m.Label.status,
            "footprint_status": lambda: _footprint_column(m.Label.footprint_id, "status"),
            "certifier": lambda: m.Label.certifier_id,
            # issued once: it has a serial, whatever its status now (a suspended or revoked label stays public)
            "issued": lambda: m.Label.serial.is_not(None),
        },
        status_filter=_footprint_status_in(m.Label.footprint_id),
    )
)
_kind(
    Kind(
        "LabelEvent",
        m.LabelEvent,
        ("step", "from_status", "to_status", "on", "reason", "detail", *PROVENANCE),
        {"label": Relation("Label", "label_id")},
        {
            "owner": _label_owner(lambda: m.LabelEvent.label_id),
            "certifier": lambda: _label_column(m.LabelEvent.label_id, m.Label.certifier_id),
            "label_issued": lambda: _label_column(m.LabelEvent.label_id, m.Label.serial.is_not(None)),
        },
        status_filter=lambda statuses: _label_column(
            m.LabelEvent.label_id, _footprint_column(m.Label.footprint_id, "status")
        ).in_(statuses),
    )
)
_kind(
    Kind(
        "Dataset",
        m.Dataset,
        (
            "name",
            "version",
            "region",
            "direction",
            "record_count",
            "content_hash",
            "signature",
            "signing_key_id",
            "source_hub",
            "publisher",
            "licence",
            *PROVENANCE,
        ),
        {},
        {"region": lambda: m.Dataset.region},
    )
)
_kind(
    Kind(
        "SourceRecord",
        m.SourceRecord,
        ("kind", "period_start", "period_end", "item", "amount", "unit", "verifier", "note", "row"),
        {"organization": Relation("Organization", "org_id")},
        {"owner": lambda: m.SourceRecord.org_id, "kind": lambda: m.SourceRecord.kind},
        doc="A figure of another data source (hub/sources): an enterprise's monitored energy use, output or "
        "verified emissions for one period.",
    )
)
_kind(
    Kind(
        "SharingAgreement",
        m.SharingAgreement,
        ("region", "title", "record_kinds", "statuses", "fields", "valid_from", "valid_until", *PROVENANCE),
        {"granted_by": Relation("Organization", "granted_by_id")},
        {"region": lambda: m.SharingAgreement.region},
    )
)
_kind(
    Kind(
        "ImportedRecord",
        m.ImportedRecord,
        (
            "kind",
            "version",
            "document",
            "source_hub",
            "source_region",
            "bundle_iri",
            "bundle_created_at",
            "mapping_iri",
            "mapping_version",
            "rulesets",
            "usage_policy",
            "onward_transfer",
            "retain_until",
            "supersedes_iri",
            "superseded_by_iri",
            "imported_at",
        ),
        doc="A record a peer hub sent in a signed bundle (hub/federation), with its source and usage policy; "
        "reads are further narrowed to the roles that policy names (hub/queries/imported.py).",
    )
)
_kind(
    Kind(
        "PartnerLabel",
        m.PartnerLabel,
        (
            "origin_did",
            "origin_region",
            "serial",
            "footprint_iri",
            "status",
            "scheme",
            "grade",
            "score",
            "issued_on",
            "expires_on",
            "credential",
            "status_lists",
            "status_as_of",
            "verification",
            "recognition",
            "bundle_iri",
            "received_at",
        ),
        doc="A label a partner hub issued, received in its signed bundle with its credential as signed, the "
        "origin's status lists as received and this hub's recognition decision (hub/federation/labels.py).",
    )
)
_kind(
    Kind(
        "AuditEvent",
        m.AuditEvent,
        ("at", "actor", "action", "record_type", "record_iri", "detail", "prev_hash", "hash"),
        {},
        {"actor": lambda: m.AuditEvent.actor},
    )
)
_kind(
    Kind(
        "Decision",
        m.Decision,
        (
            "kind",
            "jurisdiction",
            "decided_on",
            "status",
            "outcome",
            "grade",
            "score",
            "passed",
            "chain",
            "trace",
            *PROVENANCE,
        ),
        {"footprint": Relation("Footprint", "footprint_id")},
        {
            "owner": _footprint_owner(lambda: m.Decision.footprint_id),
            "footprint_status": lambda: _footprint_column(m.Decision.footprint_id, "status"),
            "footprint_verifier": lambda: _footprint_column(m.Decision.footprint_id, "verifier_id"),
            "jurisdiction": lambda: m.Decision.jurisdiction,
        },
        status_filter=_footprint_status_in(m.Decision.footprint_id),
        doc="A decision of the rules engine on a footprint, with its trace and the rule sets that made it.",
    )
)
_kind(
    Kind(
        "QualityResult",
        m.QualityResult,
        ("status", "evaluated_at", "summary", "findings", "chain", *PROVENANCE),
        {"footprint": Relation("Footprint", "footprint_id")},
        {
            "owner": _footprint_owner(lambda: m.QualityResult.footprint_id),
            "footprint_status": lambda: _footprint_column(m.QualityResult.footprint_id, "status"),
            "footprint_verifier": lambda: _footprint_column(m.QualityResult.footprint_id, "verifier_id"),
        },
        status_filter=_footprint_status_in(m.QualityResult.footprint_id),
        doc="The data-quality findings on a footprint (hub/quality): each rule's status and reason, and the summary.",
    )
)
_kind(
    Kind(
        "RuleSet",
        None,
        (
            "ruleset_id",
            "version",
            "decision_kind",
            "jurisdiction",
            "layer",
            "refines",
            "applies_to",
            "status",
            "effective_from",
            "effective_until",
            "title_zh",
            "title_en",
            "test_count",
            "file",
            "content",
        ),
        {},
        {},
        doc="A rule set of this hub (rulesets/), as a document: published data, readable by every role.",
    )
)
_kind(
    Kind(
        "MappingDocument",
        None,
        ("mapping_iri", "version", "target", "direction", "effective", "source_type", "target_type", "file", "content"),
        {},
        {},
        doc="A mapping file of this hub (mappings/), as a document: published data, readable by every role.",
    )
)
_kind(
    Kind(
        "DocumentVersion",
        m.DocumentVersion,
        ("kind", "document_id", "version", "status", "content", "tests", "test_report", "published_at", *PROVENANCE),
        {},
        {"status": lambda: m.DocumentVersion.status, "kind": lambda: m.DocumentVersion.kind},
        doc="A rule set or mapping drafted through the API: draft, tested, published or retired.",
    )
)
_kind(
    Kind(
        "FactorChange",
        None,
        (
            "current_kgco2e",
            "recomputed_kgco2e",
            "change_kgco2e",
            "change_percent",
            "superseded_factor_iri",
            "newest_factor_iri",
        ),
        {"footprint": Relation("Footprint", "footprint")},
        {},
        doc="A footprint that used a superseded emission factor: its total now and with the factor's newest "
        "version (hub/queries/factor_changes.py); computed over the inventory lines the caller may read.",
    )
)
_kind(
    Kind(
        "PactOutboxEvent",
        m.PactOutboxEvent,
        ("event_id", "event_type", "status", "attempts", "next_attempt_at", "last_error", "created_at", "delivered_at"),
        {},
        {"status": lambda: m.PactOutboxEvent.status},
        doc="A PACT event this hub sends a partner (hub/pact/outbox.py): pending, sending, delivered or abandoned.",
    )
)
_kind(
    Kind(
        "CategoryBenchmark",
        None,
        ("declared_unit", "footprint_count", "min_kgco2e", "mean_kgco2e", "max_kgco2e", "withheld"),
        {"category": Relation("ProductCategory", "category_id")},
        {},
        doc="Per key product and declared unit: statistics over published footprints only; a group below the "
        "policy's minimum_group is withheld (null statistics, `withheld` says why).",
    )
)
