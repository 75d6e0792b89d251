"""The JSON-LD context, vocabulary and SKOS code lists are generated from schema/vocab and
schema/codelists; the committed files must be what the generator writes now."""

from hub.jsonld.generate import GENERATED_NOTE, outputs


def test_generated_files_are_current() -> None:
    for path, text in outputs().items():
        assert path.exists(), f"{path} is missing: run python -m hub.jsonld.generate"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run python -m hub.jsonld.generate"


def test_generated_files_say_so_in_their_first_line() -> None:
    for path in outputs():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert GENERATED_NOTE in first
