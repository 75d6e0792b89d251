"""Where the data folders (`schema/`, `mappings/`) are: at the repository root in a checkout, or inside
the `hub` package (`hub/_data/`) in a wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """The data folder `name` ("schema" or "mappings")."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


SCHEMA_DIR = data_dir("schema")
MAPPINGS_DIR = data_dir("mappings")
