"""`cfhub rules ...`: list, show, test, explain and import-dmn, as a click group the hub mounts."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
import yaml

from rules_engine.dmn import import_dmn, to_yaml
from rules_engine.issues import LoadError
from rules_engine.registry import NoRuleSet, Registry, default_rulesets_dir, load_registry
from rules_engine.testing import run_all


def _load(path: Path | None) -> Registry:
    try:
        return load_registry(path or default_rulesets_dir())
    except LoadError as error:
        click.echo(str(error), err=True)
        sys.exit(2)


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


@click.group("rules")
@click.option(
    "--rulesets",
    "rulesets",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="Rule-set folder (default: $CFHUB_RULESETS or the repository's rulesets/).",
)
@click.pass_context
def rules(ctx: click.Context, rulesets: Path | None) -> None:
    """Rule sets: list, show, test, explain a decision, import DMN."""
    ctx.obj = rulesets


@rules.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_(rulesets: Path | None, as_json: bool) -> None:
    """List the rule sets with their layer, status and dates."""
    items = _load(rulesets).rulesets()
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        until = item["effective_until"] or "…"
        click.echo(
            f"{item['id']:<32} {item['version']:<8} {item['kind']:<12} {item['jurisdiction']:<5} "
            f"{item['layer']:<9} {item['status']:<10} {item['effective_from']}..{until} {item['tests']} tests"
        )


@rules.command()
@click.argument("ruleset_id")
@click.option("--version", default=None)
@click.pass_obj
def show(rulesets: Path | None, ruleset_id: str, version: str | None) -> None:
    """Show a rule set: its header, layer chain and rules (as merged)."""
    registry = _load(rulesets)
    try:
        source = registry.get(ruleset_id, version)
    except NoRuleSet as error:
        raise click.ClickException(str(error)) from error
    program = registry.program(source)
    click.echo(
        f"{source.id} {source.version} [{source.layer}] {source.kind}/{source.jurisdiction} "
        f"{source.status} from {source.effective_from}"
    )
    click.echo(f"  {source.title['en']} / {source.title['zh']}")
    click.echo("  chain: " + " -> ".join(f"{r.id}@{r.version}" for r in program.chain))
    for param in program.params.values():
        click.echo(f"  param {param.name} = {param.value!r} ({param.origin.ref.id}; source: {param.source})")
    for check in program.checks:
        click.echo(f"  check {check.name}: {check.cond.source}  [{check.origin.ref.id}]")
    for table in program.tables:
        click.echo(
            f"  table {table.name} ({table.hit_policy}) inputs {[i.expr.source for i in table.inputs]}  "
            f"[{table.origin.ref.id}]"
        )
        for row in table.rows:
            click.echo(f"    #{row.index}: {' | '.join(row.cells)} => {', '.join(o.source for o in row.outputs)}")
    for value in program.values:
        click.echo(f"  value {value.name} = {value.expr.source}  [{value.origin.ref.id}]")


@rules.command()
@click.option("--ruleset", "ruleset_id", default=None, help="Only this rule set's cases.")
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
@click.pass_obj
def test(rulesets: Path | None, ruleset_id: str | None, verbose: bool) -> None:
    """Run every rule set's test cases; exit 1 when any fails."""
    results = run_all(_load(rulesets), ruleset_id)
    failed = [r for r in results if not r.passed]
    for result in results:
        if not result.passed:
            click.secho(f"FAIL {result.label}", fg="red", err=True)
            for problem in result.problems:
                click.secho(f"     {problem}", fg="red", err=True)
        elif verbose:
            click.echo(f"ok   {result.label}")
    summary = f"{len(results) - len(failed)} passed, {len(failed)} failed ({len(results)} rule-set test cases)"
    if failed:
        click.secho(f"FAILED: {summary}", fg="red", bold=True, err=True)
        sys.exit(1)
    if not results:
        click.secho("no rule-set test cases found", fg="yellow", err=True)
        sys.exit(1)
    click.echo(summary)


@rules.command()
@click.argument("ruleset_id")
@click.argument("facts_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en")
@click.option("--on", "on", default=None, help="Decision date, YYYY-MM-DD (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the decision with its trace as JSON.")
@click.pass_obj
def explain(rulesets: Path | None, ruleset_id: str, facts_file: Path, lang: str, on: str | None, as_json: bool) -> None:
    """Decide FACTS_FILE (JSON: {"fp": {...}, "benchmark": {...}}) with RULESET_ID and print the trace."""
    registry = _load(rulesets)
    facts: Any = json.loads(facts_file.read_text(encoding="utf-8"))
    try:
        decision = registry.decide_ruleset(ruleset_id, facts, _date(on) or date.today())
    except NoRuleSet as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(decision.to_dict(), ensure_ascii=False, indent=2) if as_json else decision.explain(lang))


@rules.command("import-dmn")
@click.argument("dmn_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Write <out>/<id>/ruleset.yaml instead of printing.",
)
@click.option("--id", "ruleset_id", default=None, help="Rule-set id (default: dmn-<file name>).")
@click.option("--jurisdiction", type=click.Choice(["ZJ", "YRD", "GBA", "INTL"]), default="ZJ")
@click.option("--effective-from", default=None, help="YYYY-MM-DD (default: today).")
def import_dmn_command(
    dmn_file: Path, out: Path | None, ruleset_id: str | None, jurisdiction: str, effective_from: str | None
) -> None:
    """Turn a DMN 1.x decision table into a cfhub rule set (YAML, status draft)."""
    rulesets, issues = import_dmn(dmn_file, jurisdiction, "draft", _date(effective_from), ruleset_id)
    for issue in issues:
        click.secho(str(issue), fg="red", err=True)
    if issues or not rulesets:
        if not rulesets:
            click.secho(f"{dmn_file}: no decision table found", fg="red", err=True)
        sys.exit(2)
    for ruleset in rulesets:
        text = to_yaml(ruleset)
        yaml.safe_load(text)  # what we write must read back
        if out is None:
            click.echo(text)
            continue
        folder = out / ruleset["id"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "ruleset.yaml").write_text(text, encoding="utf-8")
        click.echo(f"wrote {folder / 'ruleset.yaml'}")


def main() -> None:  # pragma: no cover - `python -m rules_engine.cli` while the hub's CLI mounts `rules`
    rules()


if __name__ == "__main__":  # pragma: no cover
    main()
