"""GraphQL multipart requests: file uploads as the GraphQL multipart request spec defines them
(https://github.com/jaydenseric/graphql-multipart-request-spec): a multipart/form-data body with an
`operations` part (the JSON request, each file's variable null), a `map` part (file part name -> the
variable paths it fills) and the file parts. The files end up as `Uploaded` values of strawberry's `Upload`
scalar, put in place by strawberry's own `replace_placeholders_with_files`; Starlette's form parser
(python-multipart) reads the parts.

Two protections, as strawberry's and Apollo's servers have them:
- CSRF: multipart/form-data is a "simple" content type a browser sends cross-site without a CORS preflight,
  so a request must carry a header no simple request can (`Apollo-Require-Preflight` or
  `X-Apollo-Operation-Name`, as Apollo Server requires; any non-empty value). Without one it is refused
  before its body is read.
- Size: a body larger than the largest file the hub takes (plus room for `operations` and `map`) is
  refused before it is read when it declares its length, and as soon as it passes the limit otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message
from strawberry.file_uploads.utils import replace_placeholders_with_files

from hub.api import json_body
from hub.api.body import bounded_body
from hub.validation import InvalidInput

PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name")
FIELD_BYTES = 1024 * 1024  # `operations` and `map`: JSON, far below this
MAX_FILES = 4


@dataclass(frozen=True)
class Uploaded:
    """One uploaded file, read whole (it is within the size limit): the value of an `Upload` variable."""

    filename: str
    content_type: str
    data: bytes


class MultipartRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def has_preflight_header(request: Request) -> bool:
    return any(request.headers.get(name, "").strip() for name in PREFLIGHT_HEADERS)


async def operations(request: Request, max_file_bytes: int) -> dict[str, Any]:
    """The request's operation with its files in place; raises MultipartRefused naming what is wrong."""
    if not has_preflight_header(request):
        raise MultipartRefused(
            400,
            "A multipart request needs the header Apollo-Require-Preflight (or X-Apollo-Operation-Name), "
            "so that a browser cannot send it cross-site without a preflight (CSRF protection).",
        )
    limit = max_file_bytes + FIELD_BYTES
    body = await bounded_body(request, limit)
    if body is None:
        raise MultipartRefused(413, f"The upload is larger than {max_file_bytes} bytes.")
    replayed = Request(request.scope, _replay(body))
    try:
        async with replayed.form(max_files=MAX_FILES, max_fields=2, max_part_size=FIELD_BYTES) as form:
            raw_operations, raw_map = form.get("operations"), form.get("map")
            if not isinstance(raw_operations, str) or not isinstance(raw_map, str):
                raise MultipartRefused(400, "A multipart request needs the text parts 'operations' and 'map'.")
            files = {
                name: await _uploaded(value, max_file_bytes)
                for name, value in form.items()
                if isinstance(value, UploadFile)
            }
    except (ValueError, KeyError) as exc:  # python-multipart: a damaged body, too many parts or fields
        raise MultipartRefused(400, f"The multipart body cannot be read: {exc}") from None
    try:
        ops, files_map = json_body.loads(raw_operations, "$.operations"), json_body.loads(raw_map, "$.map")
    except InvalidInput as exc:
        raise MultipartRefused(400, "; ".join(str(e) for e in exc.errors)) from None
    problem = _map_problem(ops, files_map, files)
    if problem is not None:
        raise MultipartRefused(400, problem)
    return replace_placeholders_with_files(ops, files_map, files)


async def _uploaded(file: UploadFile, limit: int) -> Uploaded:
    data = await file.read()
    if len(data) > limit:
        raise MultipartRefused(413, f"The file {file.filename!r} is larger than {limit} bytes.")
    return Uploaded(file.filename or "upload", file.content_type or "application/octet-stream", data)


def _map_problem(ops: Any, files_map: Any, files: Mapping[str, Uploaded]) -> str | None:
    """Why `map` does not fit the spec (batched operations are not taken), or None."""
    if not isinstance(ops, dict):
        return "'operations' must be one JSON object (batched operations are not taken)."
    if not isinstance(files_map, dict):
        return "'map' must be a JSON object from file part names to lists of variable paths."
    for name, paths in files_map.items():
        if name not in files:
            return f"'map' names the file part {name!r}, which the request does not hold."
        if not isinstance(paths, list) or not paths:
            return f"'map' must give the file part {name!r} a list of variable paths."
        for path in paths:
            if not isinstance(path, str) or not path.startswith("variables."):
                return f"'map' path {path!r} of {name!r} must name a variable (variables.NAME)."
            if not _path_exists(ops, path):
                return f"'map' path {path!r} of {name!r} is not in 'operations' (a file's variable is null)."
    unmapped = sorted(set(files) - set(files_map))
    if unmapped:
        return f"the file part(s) {', '.join(unmapped)} are not in 'map'."
    return None


def _path_exists(ops: dict[str, Any], path: str) -> bool:
    target: Any = ops
    for key in path.split("."):
        if isinstance(target, dict) and key in target:
            target = target[key]
        elif isinstance(target, list) and key.isdigit() and int(key) < len(target):
            target = target[int(key)]
        else:
            return False
    return target is None


def _replay(body: bytes) -> Any:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
