"""`cfhub mappings`: the standards teams' commands (the lead mounts `mappings` under `cfhub`).

cfhub mappings test [--update]            run every golden case, validate outputs; non-zero on failure
cfhub mappings diff OLD NEW               which output fields change between two mapping files
cfhub mappings show TARGET [--direction]  the rules of a mapping as a table
cfhub mappings export --sssom TARGET      the correspondences as an SSSOM mapping set
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from hub.mapping.cases import EXAMPLES, find_cases, run_case, update_case
from hub.mapping.catalog import DIRECTIONS, Mapper, compile_file, load_catalog
from hub.mapping.errors import MappingFileError


@click.group("mappings")
def mappings() -> None:
    """Test, compare, show and export the mappings in mappings/."""


def _catalog(root: str | None) -> Any:
    try:
        return load_catalog(Path(root) if root else None)
    except MappingFileError as exc:
        raise click.ClickException(f"a mapping file is refused: {exc}") from None


@mappings.command("test")
@click.option("--root", type=click.Path(exists=True, file_okay=False), help="Mappings folder (default: the project's).")
@click.option(
    "--update",
    is_flag=True,
    help="Rewrite the expected results from the current mappings (review the diff first).",
)
def test_cmd(root: str | None, update: bool) -> None:
    """Run every mapping's golden cases and validate the outputs against the target schemas."""
    catalog = _catalog(root)
    failures = total = 0
    for mapper in catalog.mappers():
        for case in find_cases(mapper):
            total += 1
            if update:
                update_case(mapper, case)
            outcome = run_case(catalog, mapper, case)
            if outcome.ok:
                click.echo(f"ok    {outcome.mapping} :: {outcome.case}")
                continue
            failures += 1
            click.secho(f"FAIL  {outcome.mapping} :: {outcome.case}", fg="red", bold=True)
            for problem in outcome.problems:
                click.echo(f"        {problem}")
    click.echo(f"{total - failures} of {total} golden cases passed")
    if failures or not total:
        click.secho(f"{failures} golden case(s) FAILED" if failures else "no golden cases found", fg="red", bold=True)
        sys.exit(1)


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_leaves(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict | list) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(_leaves(v, f"{path}[{i}]"))
        return out
    return {path: value}


def _inputs(mapper: Mapper) -> list[tuple[str, Any]]:
    if mapper.mapping.direction == "export":
        files = sorted(EXAMPLES.glob("*.json"))
    else:
        files = [c.input_path for c in find_cases(mapper)]
    return [(f.stem, json.loads(f.read_text(encoding="utf-8"))) for f in files]


@mappings.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
def diff_cmd(old: str, new: str) -> None:
    """Show which output fields change between mapping files OLD and NEW over the golden/demo inputs.

    OLD may live anywhere (e.g. `git show main:mappings/yrd/zj-to-yrd.yaml > /tmp/old.yaml`): it is
    compiled from a temporary copy beside NEW, so that its relative schema paths resolve the same way.
    """
    new_path = Path(new)
    old_copy = new_path.parent / f".{new_path.stem}.diff-old.tmp"
    try:
        old_copy.write_text(Path(old).read_text(encoding="utf-8"), encoding="utf-8")
        a, b = compile_file(old_copy), compile_file(new_path)
    except MappingFileError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        old_copy.unlink(missing_ok=True)
    click.echo(f"{a.iri} {a.version} -> {b.iri} {b.version}")
    changed = 0
    for name, doc in _inputs(b):
        la, lb = _leaves(a.map(doc).as_dict()), _leaves(b.map(doc).as_dict())
        lines = []
        for key in sorted(set(la) | set(lb)):
            if la.get(key, "<absent>") != lb.get(key, "<absent>"):
                lines.append(f"    {key}: {la.get(key, '<absent>')!r} -> {lb.get(key, '<absent>')!r}")
        if lines:
            changed += 1
            click.echo(f"  {name}:")
            click.echo("\n".join(lines))
    click.echo(f"{changed} input(s) change" if changed else "no output changes")


def _describe(rule: Any) -> str:
    if rule.each:
        return f"each {rule.each}"
    if rule.source:
        return rule.source
    if rule.expr is not None:
        binds = ", ".join(f"{k}={v}" for k, v in rule.with_.items())
        return f"{rule.expr}" + (f"  [{binds}]" if binds else "")
    return f"= {rule.value!r}"


@mappings.command("show")
@click.argument("target")
@click.option("--direction", type=click.Choice(DIRECTIONS), default="export", show_default=True)
@click.option("--source", "show_source", is_flag=True, help="Print the generated Python instead.")
def show_cmd(target: str, direction: str, show_source: bool) -> None:
    """Print the rules of the TARGET mapping as a table."""
    catalog = _catalog(None)
    try:
        mapper = catalog.get(target, direction)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    if show_source:
        click.echo(mapper.compiled.source)
        return
    m = mapper.mapping
    click.echo(f"{m.title}\n{m.iri} version {m.version}, effective {m.effective} ({m.file})\n")
    rows = [("line", "target", "from", "transforms", "predicate")]

    def add(rules: list[Any], prefix: str) -> None:
        for r in rules:
            transforms = ", ".join(t.name for t in r.transforms)
            cond = f" when {r.when}" if r.when else ""
            rows.append(
                (
                    str(r.line),
                    prefix + r.target,
                    _describe(r) + cond,
                    transforms,
                    r.predicate.replace("skos:", ""),
                )
            )
            add(r.rules, f"{prefix}{r.target}[].")

    add(m.rules, "")
    widths = [min(max(len(row[i]) for row in rows), cap) for i, cap in enumerate((5, 48, 60, 24, 12))]
    for i, row in enumerate(rows):
        click.echo("  ".join(cell[: widths[j]].ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            click.echo("  ".join("-" * w for w in widths))
    if m.drops:
        click.echo("\nnot mapped (reported as lost):")
        for path, why in m.drops.items():
            click.echo(f"  {path}: {why}")


@mappings.command("export")
@click.argument("target")
@click.option("--sssom", "fmt", flag_value="sssom", required=True, help="Write an SSSOM mapping set (TSV).")
@click.option("--direction", type=click.Choice(DIRECTIONS), default="export", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: standard output).")
def export_cmd(target: str, fmt: str, direction: str, output: str | None) -> None:
    """Write the field and code correspondences of the TARGET mapping as SSSOM."""
    from hub.mapping.sssom import to_sssom

    catalog = _catalog(None)
    try:
        mapper = catalog.get(target, direction)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    text = to_sssom(mapper)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)


if __name__ == "__main__":
    mappings()
