"""Where the data folders are: beside the packages in a checkout, inside `hub/_data` in a wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder `name` (schema, mappings, rulesets, migrations) of this installation."""
    for base in (_HERE / "_data", _HERE.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"Data folder '{name}' is missing: looked in {_HERE / '_data'} and {_HERE.parent}. "
        "Reinstall cfhub, or run from a complete checkout."
    )
