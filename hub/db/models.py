"""The domain records, as SQLAlchemy 2 typed mapped classes.

One truth per record: every row has a database key (`id`), a stable global identifier (`iri`, the JSON-LD
`@id`) and its provenance (who made it, from which source, under which mapping and rule-set version).
Relationships are `lazy="raise"`: a relation is reached through an explicit load or a DataLoader, never
by an accidental query per row.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from hub.domain.codes import (
    DatasetDirection,
    FootprintStatus,
    LabelStatus,
    LifeCycleStage,
    OrgKind,
    Region,
    SourceKind,
    SystemBoundary,
)
from hub.domain.documents import DocumentKind, DocumentStatus

# Names for constraints, so that migrations name them the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp with time zone that always reads back as UTC, also on SQLite (which keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: cfhub stores timestamps with a time zone")
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum_type(enum_cls: type[enum.Enum]) -> Enum:
    # Stored as the enum's value in a VARCHAR: no native PostgreSQL ENUM types, so that migrations stay
    # simple on both databases and a code list can grow without an ALTER TYPE.
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        OrgKind: _enum_type(OrgKind),
        Region: _enum_type(Region),
        SourceKind: _enum_type(SourceKind),
        SystemBoundary: _enum_type(SystemBoundary),
        FootprintStatus: _enum_type(FootprintStatus),
        LifeCycleStage: _enum_type(LifeCycleStage),
        LabelStatus: _enum_type(LabelStatus),
        DatasetDirection: _enum_type(DatasetDirection),
        DocumentKind: _enum_type(DocumentKind),
        DocumentStatus: _enum_type(DocumentStatus),
        dict[str, Any]: JSON,
        list[Any]: JSON,
        float: Float(precision=53),
        datetime: UTCDateTime(),
    }


class Identified:
    """A database key plus the record's global IRI."""

    id: Mapped[int] = mapped_column(primary_key=True)
    iri: Mapped[str] = mapped_column(String(255), unique=True)


class Provenance:
    """Where a record comes from: every record carries it (plan 二(二)5: every datum traceable)."""

    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(255))
    source: Mapped[SourceKind]
    # The hub, file or system the record came from, when not entered directly.
    source_ref: Mapped[str | None] = mapped_column(String(255))
    mapping_iri: Mapped[str | None] = mapped_column(String(255))
    mapping_version: Mapped[str | None] = mapped_column(String(32))
    ruleset_id: Mapped[str | None] = mapped_column(String(128))
    ruleset_version: Mapped[str | None] = mapped_column(String(32))


class Organization(Identified, Provenance, Base):
    __tablename__ = "organization"

    kind: Mapped[OrgKind]
    region: Mapped[Region]
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # 统一社会信用代码 (GB 32100-2015); required for enterprises, checked with its check character.
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    # For verifiers: the accreditation they hold (e.g. "CNAS"); empty when not accredited.
    accreditation: Mapped[str | None] = mapped_column(String(100))


class ProductCategory(Identified, Provenance, Base):
    """An industry (level 'industry') or one of the plan's key products (level 'product')."""

    __tablename__ = "product_category"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("product_category.id"), index=True)
    seq: Mapped[int]
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # 统计用产品分类目录 code; not unique (1701 names three key products).
    stat_code: Mapped[str | None] = mapped_column(String(16), index=True)
    stat_path_zh: Mapped[str | None] = mapped_column(String(400))

    parent: Mapped[ProductCategory | None] = relationship(remote_side="ProductCategory.id", lazy="raise")

    __table_args__ = (CheckConstraint("level in ('industry', 'product')", name="level"),)


class Product(Identified, Provenance, Base):
    __tablename__ = "product"

    owner_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("product_category.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    gtin: Mapped[str | None] = mapped_column(String(14))
    description: Mapped[str | None] = mapped_column(Text)

    owner: Mapped[Organization] = relationship(lazy="raise")
    category: Mapped[ProductCategory] = relationship(lazy="raise")


# A factor is superseded at most once: its versions form a chain, like a footprint's.
FACTOR_SUPERSEDED_AT_MOST_ONCE = UniqueConstraint("supersedes_id", name="uq_emission_factor_supersedes_id")


class EmissionFactor(Identified, Provenance, Base):
    __tablename__ = "emission_factor"

    dataset: Mapped[str] = mapped_column(String(200))
    dataset_version: Mapped[str] = mapped_column(String(32))
    activity_name: Mapped[str] = mapped_column(String(200))
    activity_name_zh: Mapped[str | None] = mapped_column(String(200))
    # Geography of the factor: an ISO 3166 code, a subdivision (CN-ZJ) or a grid name (CN-EAST-GRID).
    region: Mapped[str] = mapped_column(String(64))
    reference_year: Mapped[int]
    unit: Mapped[str] = mapped_column(String(16))
    value_kgco2e_per_unit: Mapped[float]
    gwp_basis: Mapped[str] = mapped_column(String(64))
    # "co2e" (every greenhouse gas the activity emits, in kgCO2e) or "co2" (CO2 only, kgCO2): a CO2-only factor
    # is never used in a footprint as if it were CO2e. NULL: not recorded (factors stored before issue 10).
    gases_covered: Mapped[str | None] = mapped_column(String(8))
    source_citation: Mapped[str] = mapped_column(Text)
    licence: Mapped[str] = mapped_column(String(100))
    uncertainty_percent: Mapped[float | None]
    data_quality_rating: Mapped[float | None]
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    illustrative: Mapped[bool] = mapped_column(default=False)
    # The parts of value_kgco2e_per_unit that are biogenic (non-CO2) and land-use change; the rest is fossil.
    biogenic_kgco2e_per_unit: Mapped[float | None]
    land_use_change_kgco2e_per_unit: Mapped[float | None]
    # A factor is never edited: a new version supersedes it (at most once), and the footprints that used the
    # old one keep it until they are recomputed (hub/services/accounting.py).
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("emission_factor.id"))

    __table_args__ = (
        Index("ix_emission_factor_search", "activity_name", "region", "reference_year"),
        CheckConstraint("value_kgco2e_per_unit >= 0", name="value_nonnegative"),
        FACTOR_SUPERSEDED_AT_MOST_ONCE,
    )


# A footprint is superseded at most once: its versions form a chain, numbered along it (see docs/security.md,
# "Version numbers"), and of two new versions of one footprint written at once only one gets in.
SUPERSEDED_AT_MOST_ONCE = UniqueConstraint("supersedes_id", name="uq_footprint_supersedes_id")


class Footprint(Identified, Provenance, Base):
    """A product carbon footprint per declared unit (GB/T 24067-2024, ISO 14067, PACT v3 CarbonFootprint).

    Every quantity PACT v3 requires is held here, so that mapping to it never invents a value.
    All emissions are kgCO2e per declared unit; carbon contents are kgC per declared unit.
    """

    __tablename__ = "footprint"

    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    # 1 for a footprint that supersedes none, else the superseded one's version + 1: counts only its own chain.
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("footprint.id"))
    status: Mapped[FootprintStatus] = mapped_column(index=True)

    declared_unit: Mapped[str] = mapped_column(String(16))
    declared_unit_amount: Mapped[float]
    product_mass_kg_per_declared_unit: Mapped[float]

    total_kgco2e: Mapped[float]  # excluding biogenic uptake (PACT pcfExcludingBiogenicUptake)
    total_including_biogenic_uptake_kgco2e: Mapped[float]
    fossil_kgco2e: Mapped[float]
    biogenic_kgco2e: Mapped[float | None]  # biogenic non-CO2 emissions
    land_use_change_kgco2e: Mapped[float | None]
    biogenic_uptake_kgco2e: Mapped[float | None]  # <= 0
    aircraft_kgco2e: Mapped[float | None]
    fossil_carbon_content_kgc: Mapped[float]
    biogenic_carbon_content_kgc: Mapped[float | None]
    recycled_carbon_content_kgc: Mapped[float | None]
    packaging_emissions_included: Mapped[bool] = mapped_column(default=False)
    packaging_kgco2e: Mapped[float | None]
    ipcc_characterization_factors: Mapped[list[Any]]  # e.g. ["AR6"]
    exempted_emissions_percent: Mapped[float] = mapped_column(default=0.0)
    # Method facts Catena-X PCF requires (and PACT v3 carries in part); absent when not declared.
    ccs_technological_co2_capture_included: Mapped[bool | None]
    mass_balancing_used: Mapped[bool | None]
    waste_incineration_allocation: Mapped[str | None] = mapped_column(String(32))
    exempted_emissions_description: Mapped[str | None] = mapped_column(Text)

    system_boundary: Mapped[SystemBoundary]
    boundary_description: Mapped[str | None] = mapped_column(Text)
    allocation_description: Mapped[str | None] = mapped_column(Text)
    reference_period_start: Mapped[date]
    reference_period_end: Mapped[date]
    geography_country: Mapped[str] = mapped_column(String(2))
    geography_subdivision: Mapped[str | None] = mapped_column(String(8))
    accounting_standards: Mapped[list[Any]]  # e.g. ["GB/T 24067-2024", "ISO 14067:2018"]
    # The accounting rules followed, in the plan's three layers (通则 + 行业 + 产品).
    general_rules: Mapped[str | None] = mapped_column(String(200))
    industry_rules: Mapped[str | None] = mapped_column(String(200))
    product_rules: Mapped[str | None] = mapped_column(String(200))

    # A battery's rated energy capacity and expected energy delivered over its service life, kWh per declared
    # unit: the EU Battery Regulation's figure is the footprint per kWh of the latter (EU 2023/1542 Art. 7).
    battery_capacity_kwh: Mapped[float | None]
    battery_lifetime_energy_kwh: Mapped[float | None]

    primary_data_share_percent: Mapped[float | None]
    dqr_technological: Mapped[float | None]
    dqr_geographical: Mapped[float | None]
    dqr_temporal: Mapped[float | None]

    validity_start: Mapped[date | None]
    validity_end: Mapped[date | None]

    verifier_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    verified_at: Mapped[date | None]
    verification_statement: Mapped[str | None] = mapped_column(Text)
    verification_standard: Mapped[str | None] = mapped_column(String(100))
    comment: Mapped[str | None] = mapped_column(Text)
    # Monte Carlo propagation of the inventory's uncertainty (hub/accounting/montecarlo.py): the mean and 95 %
    # interval of total_kgco2e, with the draw count and seed that reproduce them; absent without an inventory.
    uncertainty_mean_kgco2e: Mapped[float | None]
    uncertainty_low_kgco2e: Mapped[float | None]
    uncertainty_high_kgco2e: Mapped[float | None]
    uncertainty_draws: Mapped[int | None]
    uncertainty_seed: Mapped[int | None] = mapped_column(BigInteger)

    product: Mapped[Product] = relationship(lazy="raise")
    verifier: Mapped[Organization | None] = relationship(lazy="raise")
    stages: Mapped[list[FootprintStage]] = relationship(
        back_populates="footprint", lazy="raise", cascade="all, delete-orphan"
    )
    inventory: Mapped[list[InventoryLine]] = relationship(
        back_populates="footprint",
        lazy="raise",
        cascade="all, delete-orphan",
        foreign_keys="InventoryLine.footprint_id",
    )

    __table_args__ = (
        SUPERSEDED_AT_MOST_ONCE,
        CheckConstraint("total_kgco2e >= 0", name="total_nonnegative"),
        CheckConstraint("declared_unit_amount > 0", name="declared_amount_positive"),
        CheckConstraint("reference_period_start <= reference_period_end", name="reference_period_order"),
        # Keyset pages in key order under the two common row filters (issue 15, migration 0020).
        Index("ix_footprint_product_id_id", "product_id", "id"),
        Index("ix_footprint_status_id", "status", "id"),
    )


class FootprintStage(Base):
    """One life-cycle stage's share of a footprint; the stages add up to the footprint's total."""

    __tablename__ = "footprint_stage"

    id: Mapped[int] = mapped_column(primary_key=True)
    footprint_id: Mapped[int] = mapped_column(ForeignKey("footprint.id", ondelete="CASCADE"))
    stage: Mapped[LifeCycleStage]
    kgco2e: Mapped[float]

    footprint: Mapped[Footprint] = relationship(back_populates="stages", lazy="raise")

    __table_args__ = (UniqueConstraint("footprint_id", "stage", name="uq_footprint_stage"),)


class InventoryLine(Identified, Provenance, Base):
    """The enterprise's own activity data (实景数据) behind a footprint: the most private data."""

    __tablename__ = "inventory_line"

    footprint_id: Mapped[int] = mapped_column(ForeignKey("footprint.id", ondelete="CASCADE"), index=True)
    stage: Mapped[LifeCycleStage]
    activity: Mapped[str] = mapped_column(String(200))
    amount: Mapped[float]
    unit: Mapped[str] = mapped_column(String(16))
    emission_factor_id: Mapped[int | None] = mapped_column(ForeignKey("emission_factor.id"), index=True)
    supplier_footprint_id: Mapped[int | None] = mapped_column(ForeignKey("footprint.id"), index=True)
    # The line's contribution per declared unit of the footprint, kgCO2e.
    kgco2e: Mapped[float]
    # Half-width of the 95 % interval of the activity amount, per cent (Monte Carlo, hub/accounting).
    uncertainty_percent: Mapped[float | None]
    # The enterprise's own pedigree scores of the line (five indicators, 1-5), preferred to the matrix's in the
    # computed DQR (hub/quality/pedigree.py); None: the hub derives them. Migration 0022.
    pedigree: Mapped[dict[str, Any] | None]

    footprint: Mapped[Footprint] = relationship(back_populates="inventory", lazy="raise", foreign_keys=[footprint_id])
    emission_factor: Mapped[EmissionFactor | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint("(emission_factor_id IS NULL) <> (supplier_footprint_id IS NULL)", name="one_factor_source"),
    )


# One label in force per footprint and scheme: from application to suspension (the machine's `in_force` states,
# hub/labels/machine.yaml; a test compares the two); refused, revoked, expired and superseded ones are history.
LABEL_IN_FORCE_SQL = "status IN ('applied', 'certified', 'filed', 'issued', 'suspended')"
ONE_LABEL_IN_FORCE = Index(
    "uq_label_footprint_scheme_in_force",
    "footprint_id",
    "scheme",
    unique=True,
    sqlite_where=text(LABEL_IN_FORCE_SQL),
    postgresql_where=text(LABEL_IN_FORCE_SQL),
)


class Label(Identified, Provenance, Base):
    """A carbon label through its whole life (hub/labels/machine.yaml): applied for, certified, filed, issued,
    supervised. Grade and score are always the rules engine's stored decision (`decision_id`)."""

    __tablename__ = "label"

    footprint_id: Mapped[int] = mapped_column(ForeignKey("footprint.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(64))
    grade: Mapped[str | None] = mapped_column(String(8))
    score: Mapped[float | None]
    decided_by_ruleset: Mapped[str] = mapped_column(String(128))
    decided_by_ruleset_version: Mapped[str] = mapped_column(String(32))
    # The label decision the grade and score were taken from (None for labels from before migration 0012).
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    # The accredited certification body the enterprise named when applying.
    certifier_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    applied_on: Mapped[date | None]
    certified_on: Mapped[date | None]
    certification_statement: Mapped[str | None] = mapped_column(Text)
    filing_number: Mapped[str | None] = mapped_column(String(64), unique=True)  # 备案号
    filed_on: Mapped[date | None]
    serial: Mapped[str | None] = mapped_column(String(64), unique=True)  # set on issue
    issued_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    next_recheck_on: Mapped[date | None]
    status: Mapped[LabelStatus]
    status_on: Mapped[date | None]  # the day of the last step
    status_reason: Mapped[str | None] = mapped_column(Text)
    # Bumped by every step: the compare-and-set token, so that of two steps at once (even a re-check, which
    # keeps the status) exactly one is taken.
    revision: Mapped[int] = mapped_column(server_default="0")

    footprint: Mapped[Footprint] = relationship(lazy="raise")

    __table_args__ = (ONE_LABEL_IN_FORCE, Index("ix_label_grade_footprint", "grade", "footprint_id"))


class Dataset(Identified, Provenance, Base):
    """A named, versioned set of records exchanged with a region (a dataset bundle's register entry)."""

    __tablename__ = "dataset"

    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(32))
    region: Mapped[Region]
    direction: Mapped[DatasetDirection]
    record_count: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(80))
    signature: Mapped[str | None] = mapped_column(Text)
    signing_key_id: Mapped[str | None] = mapped_column(String(128))
    source_hub: Mapped[str] = mapped_column(String(255))
    # An imported source file (hub/sources): who publishes the data, and under which licence.
    publisher: Mapped[str | None] = mapped_column(String(200))
    licence: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("name", "version", name="uq_dataset_name_version"),)


class AuditEvent(Base):
    """Who did what to which record, when; each event's hash covers the previous event's hash."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(64))
    record_iri: Mapped[str | None] = mapped_column(String(255), index=True)
    detail: Mapped[dict[str, Any]]
    # Unique: two events can never extend the same link, so the chain cannot fork under concurrency.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Decision(Identified, Provenance, Base):
    """A decision of the rules engine on a footprint (a label grade, a region's recognition, ...), stored with
    its whole trace and the rule set (id, version, layer chain) that made it. Decisions are never edited: a
    new decision on the same footprint and kind is a new row, and the newest is the one in force."""

    __tablename__ = "decision"

    footprint_id: Mapped[int] = mapped_column(ForeignKey("footprint.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    jurisdiction: Mapped[Region]
    decided_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))  # decided | undetermined | error
    outcome: Mapped[dict[str, Any]]
    # Denormalised from `outcome` for filtering: the grade and score of a label decision, the verdict of a
    # recognition decision.
    grade: Mapped[str | None] = mapped_column(String(8))
    score: Mapped[float | None]
    passed: Mapped[bool | None]
    chain: Mapped[list[Any]]
    trace: Mapped[dict[str, Any]]

    footprint: Mapped[Footprint] = relationship(lazy="raise")

    __table_args__ = (
        Index("ix_decision_footprint_kind", "footprint_id", "kind", "jurisdiction"),
        # The grade filter's semi-join: the decisions of one kind and grade, by footprint (issue 15).
        Index("ix_decision_kind_grade_footprint", "kind", "grade", "footprint_id"),
        # The newest decision of a kind on a footprint: the grade filter's "superseded" probe (migration 0020).
        Index("ix_decision_footprint_kind_id", "footprint_id", "kind", "id"),
    )


class SharingAgreement(Identified, Provenance, Base):
    """What a partner region's platform may read on this hub: record kinds, statuses and fields.

    The policy (`policy/policy.yaml`) says that regional platforms read through sharing agreements; the
    agreements themselves are data, granted by the regulator and effective for a period.
    """

    __tablename__ = "sharing_agreement"

    # The partner region whose platform the agreement grants (YRD, GBA, INTL).
    region: Mapped[Region] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    # GraphQL type names the agreement covers, e.g. ["Footprint", "Product", "Label"].
    record_kinds: Mapped[list[Any]]
    # Statuses of those records that may be read (footprint or label statuses); empty means any.
    statuses: Mapped[list[Any]]
    # Per record kind, the fields granted: {"Footprint": ["totalKgco2e", ...]}.
    fields: Mapped[dict[str, Any]]
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)


class DocumentVersion(Identified, Provenance, Base):
    """A rule set or mapping drafted through the API: its YAML text, its own test cases and their last report.

    Versions are never edited once published; a later published version of the same document retires the
    one before it (`supersedes_id`). The files under `rulesets/` and `mappings/` stay the reviewed source;
    published versions are added on top of them (hub/documents/effective.py)."""

    __tablename__ = "document_version"

    kind: Mapped[DocumentKind]
    # The rule set's `id`, or the mapping's IRI.
    document_id: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[str] = mapped_column(String(32))
    status: Mapped[DocumentStatus] = mapped_column(index=True)
    content: Mapped[str] = mapped_column(Text)
    # YAML text of its test cases: a rule set's tests.yaml, or a mapping's golden cases [{input, expected}].
    tests: Mapped[str | None] = mapped_column(Text)
    # The last test run: {"passed": n, "failed": n, "failures": [{"case": ..., "problems": [...]}]}.
    test_report: Mapped[dict[str, Any] | None]
    published_at: Mapped[datetime | None]
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("document_version.id"))

    __table_args__ = (
        UniqueConstraint("kind", "document_id", "version", name="uq_document_version_kind_document_version"),
    )


class OAuthClient(Base):
    """A machine client (a regional platform, an international body) of the client-credentials grant."""

    __tablename__ = "oauth_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    # scrypt$<salt hex>$<hash hex>: the secret itself is shown once, at creation, and never stored.
    secret_hash: Mapped[str] = mapped_column(String(255))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


# -- federation (hub/federation): the peer hubs we exchange with, and the records they sent us ----------------


class Peer(Base):
    """A partner hub: where it is, who it is (its did:web), what we give it and how we sign in to it.

    What it receives is governed by one of our sharing agreements (`agreement_id`, deny when absent). To ask
    it anything we act as its `regional_platform` OAuth client: `client_id` is ours at ITS /oauth/token; the
    matching secret is kept beside the hub's keys (hub/federation/peers.py), never in the database."""

    __tablename__ = "peer"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[Region] = mapped_column(unique=True)
    base_url: Mapped[str] = mapped_column(String(255))
    did: Mapped[str] = mapped_column(String(255), unique=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("sharing_agreement.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(String(64))
    # The usage policy its bundles carry (hub/federation/odrl.py): who on its side may read what we give it,
    # whether it may pass it on to a third hub, and for how many days it may keep it (None: no limit).
    read_by: Mapped[list[Any]]
    onward_transfer: Mapped[bool] = mapped_column(default=False)
    retention_days: Mapped[int | None]
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(255))


class ImportedRecord(Base):
    """A record a peer hub sent us in a signed bundle, mapped into the ZJ vocabulary (`document`), with where it
    came from and the usage policy (ODRL) it arrived under. One row per record IRI: a newer version replaces
    an older one, an older one never replaces a newer; a record superseded along its chain names its successor.
    """

    __tablename__ = "imported_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    iri: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    document: Mapped[dict[str, Any]]
    # sha-256 of the RFC 8785 form of the received record: the same record twice changes nothing.
    content_hash: Mapped[str] = mapped_column(String(64))
    source_hub: Mapped[str] = mapped_column(String(255), index=True)  # the sending hub's DID
    source_region: Mapped[Region]
    bundle_iri: Mapped[str] = mapped_column(String(255))
    bundle_created_at: Mapped[datetime]
    mapping_iri: Mapped[str | None] = mapped_column(String(255))
    mapping_version: Mapped[str | None] = mapped_column(String(32))
    # The rule sets behind the record's decisions at the source: [{"id": ..., "version": ...}].
    rulesets: Mapped[list[Any]]
    # The ODRL policy the record arrived under, and what it says that we must enforce.
    usage_policy: Mapped[dict[str, Any]]
    # The roles here that the policy lets read the record, space-separated and space-bounded (" regulator "),
    # so that a read filters on them in SQL on any database.
    read_by: Mapped[str] = mapped_column(String(255))
    onward_transfer: Mapped[bool] = mapped_column(default=False)
    retain_until: Mapped[date | None]
    supersedes_iri: Mapped[str | None] = mapped_column(String(255), index=True)
    superseded_by_iri: Mapped[str | None] = mapped_column(String(255))
    imported_at: Mapped[datetime]


# -- PACT exchange (issue 12: events, the outbox, the data recipient) -----------------------------------


class PactPartner(Base):
    """A PACT host this hub talks to: where its `/3/events` and token endpoint are, the client credentials
    it gave this hub, and the local organization its own calls authenticate as (so an event it sends us is
    answered at its host). The secret is the partner's credential for this hub's calls, not one of ours."""

    __tablename__ = "pact_partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    base_url: Mapped[str] = mapped_column(String(255))
    token_url: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret: Mapped[str] = mapped_column(String(255))
    organization_iri: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime]


class PactOutboxEvent(Base):
    """A CloudEvent waiting for (or done with) delivery to a partner's `/3/events`.

    A worker claims a due row with one compare-and-set UPDATE (status pending -> sending, with its own
    claim token and a lease); only the worker whose UPDATE matched posts it, so concurrent workers never
    deliver one event twice. A lease that runs out (a worker that died) makes the row due again."""

    __tablename__ = "pact_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(96))
    partner_id: Mapped[int] = mapped_column(ForeignKey("pact_partner.id"), index=True)
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16))  # pending | sending | delivered | abandoned
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claim: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_pact_outbox_due", "status", "next_attempt_at"),
        CheckConstraint("status in ('pending', 'sending', 'delivered', 'abandoned')", name="status"),
    )


class PactRequest(Base):
    """A RequestCreatedEvent: received from a partner (answered by the hub) or sent to one (answered by it).

    A received request remembers the PACT ids it was fulfilled with, so that a newer version of one of them
    is announced to the requester with a PublishedEvent."""

    __tablename__ = "pact_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255))
    direction: Mapped[str] = mapped_column(String(8))  # received | sent
    partner_id: Mapped[int] = mapped_column(ForeignKey("pact_partner.id"), index=True)
    criteria: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16))  # pending | fulfilled | rejected
    footprint_ids: Mapped[list[Any]]  # received: local footprint keys sent; sent: local keys stored
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("partner_id", "direction", "event_id", name="uq_pact_request_partner_id"),
        CheckConstraint("direction in ('received', 'sent')", name="direction"),
    )


class PactSupplierFootprint(Base):
    """Where a footprint pulled from a PACT host came from: the host, its PACT id, the ids it succeeds, and
    when it was fetched. One row per (host, PACT id): pulling again finds it and writes nothing."""

    __tablename__ = "pact_supplier_footprint"

    id: Mapped[int] = mapped_column(primary_key=True)
    footprint_id: Mapped[int] = mapped_column(ForeignKey("footprint.id", ondelete="CASCADE"), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    pact_id: Mapped[str] = mapped_column(String(64))
    preceding_pact_ids: Mapped[list[Any]]
    pact_status: Mapped[str] = mapped_column(String(16))
    pact_created: Mapped[str] = mapped_column(String(40))
    # The secondary emission-factor datasets the host named (ZJ derives them from inventory lines, which a
    # pulled footprint does not have): [{"name": ..., "version": ...}]
    emission_factor_sources: Mapped[list[Any]]
    fetched_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("host", "pact_id", name="uq_pact_supplier_footprint_host"),)


class LabelCredential(Base):
    """A label's W3C Verifiable Credential, signed once when first asked for (hub/credentials/vc.py), and the
    label's index in the Bitstring Status Lists: the same index in the revocation and the suspension list,
    drawn at random so that neighbouring indexes say nothing about when labels were issued."""

    __tablename__ = "label_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id"), unique=True)
    status_index: Mapped[int] = mapped_column(unique=True)
    credential: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime]


class StatusList(Base):
    """One Bitstring Status List of label credentials (purpose revocation or suspension). `revision` goes up in
    the transaction that changes a label's status; the signed list credential is kept with the revision it was
    built at and rebuilt when the two differ (hub/credentials/status_list.py)."""

    __tablename__ = "status_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16), unique=True)
    revision: Mapped[int] = mapped_column(default=0)
    signed_revision: Mapped[int | None]
    credential: Mapped[str | None] = mapped_column(Text)


class LabelEvent(Identified, Provenance, Base):
    """One step in a label's life (hub/labels/machine.yaml), or a re-grading: its history, with the day and the
    reason. The owner and the regulator read all of it; the public the steps of a label once issued."""

    __tablename__ = "label_event"

    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]]

    label: Mapped[Label] = relationship(lazy="raise")


class SyncCursor(Base):
    """How far this hub has applied a peer's changes (hub/federation/sync.py): the peer's change cursor (its
    audit-trail position) up to which every change is applied here. It moves only in the transaction that
    applies the batch it ends, so a sync that fails part-way leaves it where it was."""

    __tablename__ = "sync_cursor"

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("peer.id", ondelete="CASCADE"), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    bundle_iri: Mapped[str | None] = mapped_column(String(255))  # the changes bundle that moved it last
    synced_at: Mapped[datetime]


class AuthFailure(Base):
    """One failed (or still running) client authentication at /oauth/token, counted in the throttle's moving
    windows (hub/auth/throttle.py). Kept in the database, not in a process, so that every worker serving one
    hub counts the same failures. The key is a digest: an attacker's client id is never stored as sent."""

    __tablename__ = "auth_failure"
    __table_args__ = (Index("ix_auth_failure_window", "kind", "key_digest", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "client" or "address"
    key_digest: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    pending: Mapped[bool] = mapped_column(default=True)  # the attempt is still being checked


class SourceRecord(Base):
    """One figure of another data source (hub/sources, docs/sources.md): an enterprise's energy use, product
    output or verified emissions for one period, as the file of its dataset states it (amount in its unit)."""

    __tablename__ = "source_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # energy-monitoring or verified-emissions
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    item: Mapped[str] = mapped_column(String(32))
    amount: Mapped[float]
    unit: Mapped[str] = mapped_column(String(16))
    verifier: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(200))
    row: Mapped[int]  # the row of the dataset's file it comes from

    __table_args__ = (Index("ix_source_record_org_period", "org_id", "period_start"),)


class DataVersion(Base):
    """One row whose `version` database triggers bump with every write to the tables a footprint read depends
    on (migration 0020): exact counts cached on the Hub are keyed by it (hub/queries/counting.py), so every
    worker and every writer agrees on when a cached count is stale."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


# -- Labels from partner regions (issue 13 item 5: hub/federation/labels.py) ----------------------------


class PartnerLabel(Base):
    """A label a partner hub issued, received in one of its signed bundles: its public fields, its credential
    exactly as the origin signed it (checked against the origin's did:web key from the peer registry), the
    origin's status list credentials as received with the day they were vouched for ("status as of"), and
    this hub's mutual-recognition decision for its footprint. Serials are unique per origin, not across hubs."""

    __tablename__ = "partner_label"
    __table_args__ = (UniqueConstraint("origin_did", "serial", name="uq_partner_label_origin_did_serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    iri: Mapped[str] = mapped_column(String(255), unique=True)  # the label's IRI at its origin
    origin_did: Mapped[str] = mapped_column(String(255))
    origin_region: Mapped[Region]
    serial: Mapped[str] = mapped_column(String(64), index=True)
    footprint_iri: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(32))
    scheme: Mapped[str] = mapped_column(String(64))
    grade: Mapped[str | None] = mapped_column(String(8))
    score: Mapped[float | None]
    issued_on: Mapped[date]
    expires_on: Mapped[date]
    credential: Mapped[str] = mapped_column(Text)  # the signed credential, byte for byte as received
    status_lists: Mapped[dict[str, Any]]  # statusListCredential URL -> the origin's signed list credential
    status_as_of: Mapped[datetime]  # when the origin vouched for those lists (its bundle's created_at)
    verification: Mapped[dict[str, Any]]  # the credential's verification report against the origin's key
    recognition: Mapped[dict[str, Any]]  # this hub's recognition decision for the label's footprint
    bundle_iri: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime]


class QualityResult(Identified, Provenance, Base):
    """The data-quality findings on a footprint (hub/quality, rulesets/quality): each rule's status (pass, warning,
    failure, not_applicable) with its reason and rule set, and the summary status, the worst of them. Never edited:
    each check is a new row, and the newest is the one in force; the label rules read its status. The rule set
    (most specific layer) and version are the record's provenance (`ruleset_id`, `ruleset_version`)."""

    __tablename__ = "quality_result"

    footprint_id: Mapped[int] = mapped_column(ForeignKey("footprint.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # pass | warning | failure
    evaluated_at: Mapped[datetime]
    summary: Mapped[dict[str, Any]]  # count of findings per status
    findings: Mapped[list[Any]]
    chain: Mapped[list[Any]]
    facts: Mapped[dict[str, Any]]  # the quality and source facts the rules read

    footprint: Mapped[Footprint] = relationship(lazy="raise")

    __table_args__ = (Index("ix_quality_result_footprint", "footprint_id", "id"),)
