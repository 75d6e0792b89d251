"""Fixtures for the rules-engine tests: the shipped rule sets, and a writer of throwaway rule sets."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from rules_engine import Registry, load_registry

REPO = Path(__file__).resolve().parents[2]
RULESETS = REPO / "rulesets"


def shared_dir() -> Path:
    """`../shared` beside the repository (works for /work/main and a CI clone); $CFHUB_SHARED_DIR wins."""
    return Path(os.environ.get("CFHUB_SHARED_DIR") or REPO.parent / "shared")


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(RULESETS)


GENERAL = """
id: t-general
version: "1"
kind: label_grade
jurisdiction: ZJ
layer: general
status: published
effective_from: 2025-01-01
title: {en: test general, zh: 测试通则}
"""


@pytest.fixture
def write_rulesets(tmp_path: Path) -> Callable[..., Path]:
    """write_rulesets({"folder": "yaml text", ...}) -> a rule-set root with the shipped vocabulary."""

    def write(files: dict[str, str]) -> Path:
        (tmp_path / "facts.yaml").write_text((RULESETS / "facts.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        for folder, text in files.items():
            (tmp_path / folder).mkdir(parents=True, exist_ok=True)
            (tmp_path / folder / "ruleset.yaml").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return tmp_path

    return write
