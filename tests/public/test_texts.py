"""The page's texts (hub/public/texts.yaml) and the choice of language, without a server."""

from __future__ import annotations

from typing import Any

import pytest

from hub.public import i18n


def keys(texts: dict[str, Any], prefix: str = "") -> set[str]:
    found = set()
    for key, value in texts.items():
        found |= keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return found


def test_every_language_has_every_text() -> None:
    texts = i18n.load_texts()
    assert set(texts) == set(i18n.LANGUAGES)
    assert keys(texts["zh"]) == keys(texts["en"])


@pytest.mark.parametrize(
    ("lang", "header", "chosen"),
    [
        (None, None, "zh"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "fr-FR, en;q=0.4, zh;q=0.8", "zh"),
        (None, "zh-TW;q=0.2, en;q=0.3", "en"),
        (None, "en;q=0, zh;q=0.1", "zh"),
        (None, "en;q=nan, en;q=2", "zh"),  # NaN and out-of-range weights refuse the language
        (None, "de" + ", de" * 10_000, "zh"),  # a huge header: the first entries only, no language of ours
        ("en", "zh-CN", "en"),  # the switch beats the header
        ("xx", "en", "en"),  # an unknown switch is ignored
    ],
)
def test_the_language_chosen(lang: str | None, header: str | None, chosen: str) -> None:
    assert i18n.choose(lang, header) == chosen
