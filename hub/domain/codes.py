"""The closed code lists the domain's behaviour depends on (kinds, regions, statuses, stages).

The same codes, with zh/en labels and definitions, are published as SKOS concept schemes in `schema/`;
a test checks that the two agree, so that these enums are never the only place a code is defined.
"""

from enum import StrEnum


class OrgKind(StrEnum):
    ENTERPRISE = "enterprise"
    REGIONAL_PLATFORM = "regional_platform"
    INTERNATIONAL_BODY = "international_body"
    STANDARDS_TEAM = "standards_team"
    VERIFIER = "verifier"
    REGULATOR = "regulator"


class Region(StrEnum):
    ZJ = "ZJ"
    YRD = "YRD"
    GBA = "GBA"
    INTL = "INTL"


class SourceKind(StrEnum):
    DIRECT = "direct"  # entered on this hub by its owner
    IMPORT = "import"  # arrived from another hub or file, through a mapping
    DEMO = "demo"  # illustrative demo data
    SYSTEM = "system"  # made by the hub itself (reference data, decisions)


class SystemBoundary(StrEnum):
    CRADLE_TO_GATE = "cradle_to_gate"
    CRADLE_TO_GRAVE = "cradle_to_grave"
    GATE_TO_GATE = "gate_to_gate"


class LifeCycleStage(StrEnum):
    """Life-cycle stages of GB/T 24067-2024 (after ISO 14067)."""

    RAW_MATERIAL = "raw_material_acquisition"
    PRODUCTION = "production"
    DISTRIBUTION = "distribution"
    USE = "use"
    END_OF_LIFE = "end_of_life"


class GasCoverage(StrEnum):
    """Which greenhouse gases an emission factor covers: a footprint uses only CO2E factors."""

    CO2E = "co2e"
    CO2 = "co2"


class AccountingStandard(StrEnum):
    """The one spelling of each accounting standard (schema/codelists/accounting-standards.yaml): the footprint
    input, the rule sets and the PACT maps all use these, so that a rule never misses a standard spelt otherwise."""

    GB_T_24067_2024 = "GB/T 24067-2024"
    ISO_14067_2018 = "ISO 14067:2018"
    ISO_14083_2023 = "ISO 14083:2023"
    ISO_14040_44 = "ISO 14040:2006/14044:2006"
    GHGP_PRODUCT = "GHG Protocol Product Standard"
    EU_PEF = "EU PEF"
    PACT_1_0 = "PACT Methodology 1.0"
    PACT_2_0 = "PACT Methodology 2.0"
    PACT_3_0 = "PACT Methodology 3.0"
    PAS_2050_2011 = "PAS 2050:2011"


class FootprintStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class LabelStatus(StrEnum):
    """The states of hub/labels/machine.yaml (which declares the steps between them)."""

    APPLIED = "applied"
    CERTIFIED = "certified"
    REFUSED = "refused"
    FILED = "filed"
    ISSUED = "issued"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


class DatasetDirection(StrEnum):
    EXPORT = "export"
    IMPORT = "import"
