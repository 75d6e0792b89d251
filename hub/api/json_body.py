"""Reads a request's JSON: strictly (orjson), and a refusal names the field where the JSON went wrong.

The standard library's `json.loads` accepts NaN and Infinity, turns a 4,000-digit number into a Python int
that no column can hold, and recurses once per nesting level (a body of nested arrays raised
RecursionError, answered as HTTP 500). orjson refuses NaN, Infinity, numbers beyond a double's range, lone
surrogates and nesting beyond 1,024 levels, without recursion; this module turns its refusal into a
`FieldError` whose path is read from the valid part of the text before the error.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from hub.validation import MAX_DEPTH, FieldError, InvalidInput, json_path

_NON_FINITE = ("NaN", "Infinity", "-Infinity")


def loads(raw: bytes | str, root: str = "$") -> Any:
    """The JSON value of `raw`, or InvalidInput naming the path (under `root`) where it is not valid JSON."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput([FieldError(root, f"is not valid UTF-8 (byte {exc.start})")]) from None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        path = path_at(raw, exc.pos, root)
        reason = f"{_reason(raw, exc)} (line {exc.lineno}, column {exc.colno})"
        raise InvalidInput([FieldError(path, reason)]) from None


def _reason(text: str, exc: orjson.JSONDecodeError) -> str:
    message = exc.msg
    at = text[max(exc.pos - 1, 0) : exc.pos + 9]
    if any(word in at for word in _NON_FINITE):
        return "is not a finite number: NaN and Infinity are not JSON numbers"
    if "infinity" in message:
        return "is a number too large in magnitude (beyond ±1.8e308)"
    if "surrogate" in message:
        return "holds a lone surrogate (\\ud800-\\udfff outside a pair): not valid Unicode"
    if "depth" in message or "recursion" in message:
        return f"nests deeper than {MAX_DEPTH} levels"
    return f"is not valid JSON: {message}"


def path_at(text: str, pos: int, root: str = "$") -> str:
    """The JSON path of the value being read at character `pos` of `text`.

    `text[:pos]` is valid JSON so far (the parser stopped at `pos`), so a scan of its brackets, keys and
    commas says where `pos` lies. Paths deeper than MAX_DEPTH are cut there (the rest is not news)."""
    frames: list[list[Any]] = []  # per open container: [is_object, key or index, expecting a key]
    i = 0
    while i < pos:
        c = text[i]
        if c == '"':
            end = _string_end(text, i, pos)
            if frames and frames[-1][0] and frames[-1][2]:
                frames[-1][1] = _key(text[i:end])
            i = end
            continue
        if c in "{[":
            frames.append([c == "{", None if c == "{" else 0, c == "{"])
        elif c in "}]" and frames:
            frames.pop()
        elif c == ":" and frames:
            frames[-1][2] = False
        elif c == "," and frames:
            if frames[-1][0]:
                frames[-1][2] = True
            else:
                frames[-1][1] += 1
        i += 1
    parts = [f[1] for f in frames if f[1] is not None][:MAX_DEPTH]
    return root + json_path(parts)[1:]


def _string_end(text: str, start: int, limit: int) -> int:
    """The index after the string starting at `start` (a quote), or `limit` if it does not end before."""
    i = start + 1
    while i < limit:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i + 1
        i += 1
    return limit


def _key(quoted: str) -> str:
    try:
        key = json.loads(quoted)
    except ValueError:
        return quoted.strip('"')
    return key if isinstance(key, str) else quoted
