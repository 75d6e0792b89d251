"""The transforms a rule may chain: each is built once per rule at load time (constants, factors and
tables baked into a closure) and called by the mapping's generated function per record.

A transform is `fn(value) -> value`, or `fn(value, result, field, source) -> value` when it may report
an approximation (on the target `field`) or a loss (of the `source` field) on the result. It raises
MapFailure with a reason when a value cannot map."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from hub.mapping.codelists import CROSSWALK_SCHEMES, EXACT, LOOKUP_PROPERTIES, MATCHES, CodeLists
from hub.mapping.errors import MapFailure
from hub.mapping.functions import exact


@dataclass
class BuildContext:
    codelists: CodeLists
    source_enum: list[Any] | None  # allowed values of the rule's source, when the schema says
    mapping_name: str


@dataclass
class Built:
    fn: Callable[..., Any]
    notes: bool = False  # takes (value, result, field)


class TransformError(ValueError):
    """A transform's arguments are wrong (reported with the mapping file's line)."""


def to_decimal(v: Any) -> str:
    """A JSON number as a decimal string without exponent (PACT v3 `Decimal`)."""
    cls = v.__class__
    if cls is int:
        return str(v)
    if cls is float:
        r = repr(v)
        if "e" in r or "n" in r:  # exponent, inf or nan
            if v != v or v in (float("inf"), float("-inf")):
                raise MapFailure(f"{v!r} is not a finite number")
            r = np.format_float_positional(v, trim="-")
        return r
    raise MapFailure(f"{v!r} is not a number")


def to_number(v: Any) -> int | float:
    """A decimal string as a JSON number (an int when it has no fraction, keeping its spelling)."""
    if v.__class__ is not str:
        raise MapFailure(f"{v!r} is not a decimal string")
    try:
        return float(v) if ("." in v or "e" in v or "E" in v) else int(v)
    except ValueError:
        raise MapFailure(f"{v!r} is not a decimal string") from None


def _convert(args: dict[str, Any], ctx: BuildContext) -> Built:
    try:
        factor = ctx.codelists.factor(args["from"], args["to"])
    except KeyError as exc:
        raise TransformError(f"unit {exc.args[0]!r} is not in schema/codelists/units.yaml") from None
    except ValueError as exc:
        raise TransformError(str(exc)) from None

    def convert(v: Any) -> float:
        if v.__class__ not in (int, float):
            raise MapFailure(f"{v!r} is not a number")
        return scaled(v, factor)

    return Built(convert)


def _map(args: dict[str, Any], ctx: BuildContext) -> Built:
    values: dict[Any, Any] = dict(args["values"])
    approx: dict[Any, str] = dict(args.get("approx") or {})
    unmapped = args.get("unmapped", "error")
    elementwise = bool(args.get("elementwise"))
    has_default = "default" in args
    default = args.get("default")
    if ctx.source_enum is not None and not args.get("partial") and not has_default:
        missing = [e for e in ctx.source_enum if e not in values]
        if missing:
            raise TransformError(
                f"value map has no entry for source code(s) {missing} of the source schema "
                "(add them, a default, or `partial: <reason>`)"
            )
    if ctx.source_enum is not None:
        unknown = [k for k in values if k not in ctx.source_enum]
        if unknown:
            raise TransformError(f"value map names {unknown}, which the source schema does not allow")
    for k in approx:
        if k not in values:
            raise TransformError(f"approx names {k!r}, which the value map does not map")

    def one(v: Any, result: Any, field: str, source: str) -> Any:
        if v in values:
            if v in approx:
                result.approximated.append((field, approx[v]))
            return values[v]
        if has_default:
            result.approximated.append((field, f"{v!r} has no entry in the value map; default {default!r} used"))
            return default
        if unmapped == "drop":
            result.lost.append((source, f"{v!r} has no entry in the value map"))
            return None
        if unmapped == "keep":
            return v
        raise MapFailure(f"{v!r} has no entry in the value map")

    if elementwise:

        def each(v: Any, result: Any, field: str, source: str) -> Any:
            out = [x for x in (one(e, result, field, source) for e in v) if x is not None]
            return out or None

        return Built(each, notes=True)
    return Built(one, notes=True)


def _crosswalk(args: dict[str, Any], ctx: BuildContext) -> Built:
    scheme = args["scheme"]
    if scheme not in CROSSWALK_SCHEMES:
        raise TransformError(f"crosswalk scheme {scheme!r} is unknown (known: {', '.join(CROSSWALK_SCHEMES)})")
    accept = set(args.get("accept", MATCHES))
    table = ctx.codelists.crosswalks[scheme]
    notes = ctx.codelists.no_crosswalk_notes[scheme]
    for code in args.get("require", []):
        if table.get(code) is None:
            raise TransformError(f"{code} has no {scheme} crosswalk ({notes.get(code, 'unknown code')})")
    if args.get("reverse"):
        back: dict[str, list[tuple[str, str]]] = {}  # crosswalk code -> [(key product, match)]
        for kp, cw in table.items():
            if cw and cw.match in accept:
                back.setdefault(cw.code, []).append((kp, cw.match))

        def reverse(v: Any, result: Any, field: str, source: str) -> Any:
            found = back.get(v)
            if not found:
                raise MapFailure(f"{scheme} code {v!r} has no key product")
            if len(found) > 1:
                kps = ", ".join(kp for kp, _match in found)
                raise MapFailure(f"{scheme} code {v!r} matches several key products ({kps})")
            kp, match = found[0]
            result.approximated.append((field, f"{scheme} {v} -> {kp} ({match})"))
            return kp

        return Built(reverse, notes=True)

    def forward(v: Any, result: Any, field: str, source: str) -> Any:
        if v not in table:
            raise MapFailure(f"{v!r} is not a key-product code")
        cw = table[v]
        if cw is None or cw.match not in accept:
            why = notes.get(v) if cw is None else f"only a {cw.match}"
            raise MapFailure(f"{v} has no {scheme} crosswalk: {why}")
        if cw.match != EXACT:
            result.approximated.append((field, f"{v} {cw.match} {scheme} {cw.code}: {cw.justification}"))
        return cw.code

    return Built(forward, notes=True)


def _lookup(args: dict[str, Any], ctx: BuildContext) -> Built:
    prop = args["property"]
    if prop not in LOOKUP_PROPERTIES:
        raise TransformError(f"lookup property {prop!r} is unknown (known: {', '.join(LOOKUP_PROPERTIES)})")
    table = {code: row[prop] for code, row in ctx.codelists.key_products.items()}

    def lookup(v: Any) -> Any:
        try:
            return table[v]
        except (KeyError, TypeError):
            raise MapFailure(f"{v!r} is not a key-product code") from None

    return Built(lookup)


_DATE_KINDS = ("iso-date", "rfc3339")


def _parse_date(kind: str) -> Callable[[str], date | datetime]:
    if kind == "iso-date":
        return date.fromisoformat
    if kind == "rfc3339":
        return lambda s: datetime.fromisoformat(s)
    has_time = any(d in kind for d in ("%H", "%M", "%S"))
    return (lambda s: datetime.strptime(s, kind)) if has_time else (lambda s: datetime.strptime(s, kind).date())


def _date(args: dict[str, Any], ctx: BuildContext) -> Built:
    src, dst = args["from"], args["to"]
    for k in (src, dst):
        if k not in _DATE_KINDS and "%" not in k:
            raise TransformError(f"date format {k!r} is neither iso-date, rfc3339 nor a strftime pattern")
    parse = _parse_date(src)
    if (src, dst) == ("iso-date", "rfc3339"):
        # The common case (ZJ dates to PACT date-times), without the general parse/format steps.
        fromiso = date.fromisoformat

        def iso_to_rfc3339(v: Any, result: Any, field: str, source: str) -> str:
            if v.__class__ is not str:
                raise MapFailure(f"{v!r} is not a date string")
            try:
                return fromiso(v).isoformat() + "T00:00:00Z"
            except ValueError:
                raise MapFailure(f"{v!r} is not a iso-date date") from None

        return Built(iso_to_rfc3339, notes=True)

    def fmt(d: date | datetime, result: Any, field: str) -> str:
        if dst == "iso-date":
            if isinstance(d, datetime):
                if d.time() != datetime.min.time() or (d.utcoffset() or 0):
                    result.approximated.append((field, f"time of day and offset of {d.isoformat()} dropped"))
                return d.date().isoformat()
            return d.isoformat()
        if dst == "rfc3339":
            if isinstance(d, datetime):
                if d.tzinfo is None:
                    d = d.replace(tzinfo=UTC)
                text = d.isoformat()
                return text[:-6] + "Z" if text.endswith("+00:00") else text
            return f"{d.isoformat()}T00:00:00Z"
        return d.strftime(dst)

    def convert(v: Any, result: Any, field: str, source: str) -> str:
        if v.__class__ is not str:
            raise MapFailure(f"{v!r} is not a date string")
        try:
            d = parse(v)
        except ValueError:
            raise MapFailure(f"{v!r} is not a {src} date") from None
        return fmt(d, result, field)

    return Built(convert, notes=True)


def _simple(fn: Callable[[Any], Any]) -> Callable[[Any, BuildContext], Built]:
    return lambda args, ctx: Built(fn)


def _join(args: Any, ctx: BuildContext) -> Built:
    sep = str(args)
    return Built(lambda v: sep.join(str(x) for x in v) if v else None)


def _split(args: Any, ctx: BuildContext) -> Built:
    sep = str(args)
    return Built(lambda v: [p.strip() for p in v.split(sep) if p.strip()] or None)


def _template(args: Any, ctx: BuildContext) -> Built:
    text = str(args)
    if text.count("{}") != 1:
        raise TransformError(f"template {text!r} must hold '{{}}' exactly once")
    return Built(lambda v: text.replace("{}", str(v)))


def _strip_prefix(args: Any, ctx: BuildContext) -> Built:
    prefix = str(args)

    def strip(v: Any) -> Any:
        if v.__class__ is not str or not v.startswith(prefix):
            raise MapFailure(f"{v!r} does not start with {prefix!r}")
        return v[len(prefix) :]

    return Built(strip)


def _unique(args: Any, ctx: BuildContext) -> Built:
    return Built(lambda v: list(dict.fromkeys(v)))


def _first(args: Any, ctx: BuildContext) -> Built:
    def first(v: Any, result: Any, field: str, source: str) -> Any:
        if not v:
            return None
        if len(v) > 1:
            result.lost.append((source, f"{len(v) - 1} further value(s) dropped: {v[1:]!r}"))
        return v[0]

    return Built(first, notes=True)


def _scale(args: Any, ctx: BuildContext) -> Built:
    factor = float(args)
    return Built(lambda v: scaled(v, factor))


def scaled(v: float | int, factor: float) -> float:
    """`v * factor` in decimal arithmetic: 1.1 t is 1100 kg, not 1100.0000000000002, and a round trip
    kg -> t -> kg gives back the same decimal."""
    if v != v or v in (float("inf"), float("-inf")):
        raise MapFailure(f"{v!r} is not a finite number")
    return float(exact(v) * exact(factor))


BUILDERS: dict[str, Callable[[Any, BuildContext], Built]] = {
    "convert": _convert,
    "scale": _scale,
    "map": _map,
    "crosswalk": _crosswalk,
    "lookup": _lookup,
    "date": _date,
    "decimal": _simple(to_decimal),
    "number": _simple(to_number),
    "join": _join,
    "split": _split,
    "template": _template,
    "strip_prefix": _strip_prefix,
    "unique": _unique,
    "first": _first,
    "list": _simple(lambda v: [v]),
    "string": _simple(str),
}


def build(name: str, args: Any, ctx: BuildContext) -> Built:
    if name not in BUILDERS:
        raise TransformError(f"unknown transform {name!r} (known: {', '.join(BUILDERS)})")
    return BUILDERS[name](args, ctx)
