"""Which language a label page speaks, and its texts (texts.yaml: data, one block per language)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("zh", "en")
DEFAULT = "zh"  # a Zhejiang hub: a caller who states no preference reads Chinese


def load_texts() -> dict[str, dict[str, Any]]:
    raw = resources.files("hub.public").joinpath("texts.yaml").read_text(encoding="utf-8")
    texts: dict[str, dict[str, Any]] = yaml.safe_load(raw)
    return texts


def _weighted(accept_language: str) -> list[tuple[float, int, str]]:
    """Accept-Language (RFC 9110 12.5.4) as (weight, -position, primary subtag), unparseable weights as 0."""
    choices = []
    for position, item in enumerate(accept_language.split(",")[:32]):  # a header of thousands: the first 32
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if not 0.0 < weight <= 1.0:  # q=0 is "not this one"; NaN and out of range count as refused too
            continue
        choices.append((weight, -position, tag.strip().lower().split("-")[0]))
    return choices


def choose(lang: str | None, accept_language: str | None) -> str:
    """`?lang=` when it names a language the page speaks; else the caller's most preferred one; else Chinese."""
    if lang is not None and lang in LANGUAGES:
        return lang
    for _, _, primary in sorted(_weighted(accept_language or ""), reverse=True):
        if primary in LANGUAGES:
            return primary
    return DEFAULT
