"""GraphQL over HTTP: authentication, the protection limits, the response conventions.

Follows the GraphQL-over-HTTP draft: POST application/json (GET only where configured, never for
mutations), responses in application/graphql-response+json when accepted (400 for requests that never
reach execution) or application/json (200 for any well-formed request).
"""

from __future__ import annotations

import json
from typing import Any

import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from hub.api import json_body, multipart
from hub.api.body import bounded_body
from hub.api.context import Context
from hub.api.errors import format_error, unexpected, without_suggestions
from hub.api.extensions import NO_OPERATION
from hub.api.planner.plan import Planner
from hub.auth.principal import PUBLIC, Principal
from hub.auth.tokens import InvalidToken
from hub.bootstrap import Hub
from hub.sheets.layout import layout as sheet_layout
from hub.validation import FieldError, InvalidInput, bound_problems

GRAPHQL_RESPONSE = "application/graphql-response+json"
_QUERY_ONLY = frozenset({OperationType.QUERY})
JSON = "application/json"


class GraphQLEndpoint:
    def __init__(self, hub: Hub, schema: strawberry.Schema) -> None:
        self.hub = hub
        self.schema = schema
        self.dev = hub.settings.dev
        # the query planner (hub/api/planner): answers the pages it covers from SQL, after the caller's checks
        self.planner = Planner(hub, schema._schema, hub.settings.dev)

    # -- the request ---------------------------------------------------------------------------
    async def handle(self, request: Request) -> Response:
        """The response to `request`; an error no step expected is logged and answered as masked JSON."""
        try:
            return await self._handle(request)
        except Exception as exc:  # the last resort: never a text/plain 500 without a trace in the log
            body = {"errors": [unexpected(exc, f"{request.method} {request.url.path}")]}
            return _plain_body(500, body)

    async def _handle(self, request: Request) -> Response:
        settings = self.hub.settings
        if request.method == "GET" and self.dev and "text/html" in request.headers.get("accept", ""):
            from strawberry.http.ides import get_graphql_ide_html

            return HTMLResponse(get_graphql_ide_html("graphiql"))
        if request.method not in {"POST", "GET"} or (request.method == "GET" and not settings.allow_get):
            allow = "GET, POST" if settings.allow_get else "POST"
            return _plain(405, "Use POST for GraphQL on this hub.", {"Allow": allow})
        media = _negotiate(request.headers.get("accept"))
        if media is None:
            return _plain(406, f"Accept {GRAPHQL_RESPONSE} or {JSON}.")
        try:
            principal = await self._principal(request)
        except InvalidToken as exc:
            return self._respond(
                media,
                401,
                {"errors": [{"message": str(exc), "extensions": {"code": "UNAUTHENTICATED"}}]},
                {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{exc}"'},
            )
        params = await self._params(request, media)
        if isinstance(params, Response):
            return params
        query, variables, operation_name = params
        return await self._run(request, media, principal, query, variables, operation_name)

    async def _principal(self, request: Request) -> Principal:
        header = request.headers.get("authorization")
        if header is None:
            return PUBLIC
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("Authorization must be 'Bearer <token>'")
        return await self.hub.tokens.verify_active(token.strip())

    async def _params(self, request: Request, media: str) -> tuple[str, Any, Any] | Response:
        if request.method == "GET":
            raw: Any = dict(request.query_params)
            try:
                for name in ("variables", "extensions"):
                    if name in raw:
                        raw[name] = json_body.loads(raw[name], f"$.{name}")
            except InvalidInput as exc:
                return self._bad_input(media, f"The request's {name} are not valid JSON", exc.errors)
        else:
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "multipart/form-data":  # file uploads (hub/api/multipart.py)
                try:
                    raw = await multipart.operations(request, sheet_layout().limits.max_bytes)
                except multipart.MultipartRefused as exc:
                    return _plain(exc.status, str(exc))
            elif ctype != JSON:
                return _plain(415, f"Send the request body as {JSON}.")
            else:
                body = await bounded_body(request, self.hub.settings.max_body_bytes)
                if body is None:
                    return _plain(413, f"The request body is larger than {self.hub.settings.max_body_bytes} bytes.")
                try:
                    raw = json_body.loads(body)
                except InvalidInput as exc:
                    return self._bad_input(media, "The request body is not valid JSON", exc.errors)
        if not isinstance(raw, dict):
            return self._bad(media, "The request body must be a JSON object.")
        query, variables = raw.get("query"), raw.get("variables")
        operation_name, extensions = raw.get("operationName"), raw.get("extensions")
        if not isinstance(query, str):
            return self._bad(media, "The request needs a string 'query'.")
        if variables is not None and not isinstance(variables, dict):
            return self._bad(media, "'variables' must be an object.")
        if operation_name is not None and not isinstance(operation_name, str):
            return self._bad(media, "'operationName' must be a string.")
        if extensions is not None and not isinstance(extensions, dict):
            return self._bad(media, "'extensions' must be an object.")
        out_of_bounds = _bound_problems(variables, extensions)
        if out_of_bounds:
            return self._bad_input(media, "The request's input is out of bounds", out_of_bounds)
        return query, variables or {}, operation_name

    async def _run(
        self,
        request: Request,
        media: str,
        principal: Principal,
        query: str,
        variables: dict[str, Any],
        operation_name: str | None,
    ) -> Response:
        context = Context.create(self.hub, principal, operation_name=operation_name, planner=self.planner)
        try:
            result = await self._execute(context, query, variables, operation_name, request.method == "GET")
        except CannotGetOperationTypeError:
            return self._refused(media, [GraphQLError(NO_OPERATION)])
        except MissingQueryError:
            return self._refused(media, [GraphQLError("The request's 'query' is empty: send a GraphQL document.")])
        except InvalidOperationTypeError:
            return _plain(405, "Only queries may be sent over GET; use POST.", {"Allow": "POST"})
        finally:
            await context.reader.close()
        if context.planned is not None:  # the planner's answer, written by it (hub/api/extensions.py CallerChecks)
            return Response(context.planned, status_code=200, media_type=f"{media}; charset=utf-8")
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            return self._refused(media, list(result.errors))  # never executed: parsing, validation, limits
        body: dict[str, Any] = {}
        if result.errors:
            body["errors"] = [format_error(e, self.dev) for e in result.errors]
        body["data"] = result.data
        return self._respond(media, 200, body)

    async def _execute(
        self, context: Context, query: str, variables: dict[str, Any], operation_name: str | None, get: bool
    ) -> ExecutionResult:
        """Where an operation is answered: strawberry's execution, with the schema's extensions (parsing and
        validation caches, protection limits, the caller's checks; hub/api/extensions.py). The one seam for
        a component that answers some operations another way before falling back to this."""
        return await self.schema.execute(
            query,
            variable_values=variables,
            context_value=context,
            operation_name=operation_name,
            allowed_operation_types=_QUERY_ONLY if get else None,
        )

    # -- responses -----------------------------------------------------------------------------
    def _refused(self, media: str, errors: list[GraphQLError]) -> Response:
        status = 400 if media == GRAPHQL_RESPONSE else 200
        return self._respond(media, status, {"errors": [self._shown(e) for e in errors]})

    def _shown(self, error: GraphQLError) -> dict[str, Any]:
        """A refusal as shown; a fault no step expected (strawberry answers an extension's exception as an
        error of the request) is logged and masked like any other."""
        if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
            return format_error(error, self.dev)
        out: dict[str, Any] = dict(error.formatted)
        if not self.dev:
            out["message"] = without_suggestions(out["message"])
        return out

    def _bad(self, media: str, message: str) -> Response:
        return self._respond(media, 400, {"errors": [{"message": message}]})

    def _bad_input(self, media: str, message: str, errors: list[FieldError]) -> Response:
        """400 for a request refused before parsing its query: every problem named by its JSON path."""
        fields = [{"path": e.path, "reason": e.reason} for e in errors]
        detail = "; ".join(str(e) for e in errors)
        entry = {"message": f"{message}: {detail}", "extensions": {"code": "BAD_USER_INPUT", "fields": fields}}
        return self._respond(media, 400, {"errors": [entry]})

    def _respond(
        self, media: str, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Response:
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
        return Response(content, status_code=status, media_type=f"{media}; charset=utf-8", headers=headers)


def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return _plain_body(status, {"errors": [{"message": message}]}, headers)


def _plain_body(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body).encode("utf-8")
    return Response(content, status_code=status, media_type=f"{JSON}; charset=utf-8", headers=headers)


def _bound_problems(variables: dict[str, Any] | None, extensions: dict[str, Any] | None) -> list[FieldError]:
    """Variables and extensions nested too deeply or holding integers no column can hold (the JSON parser
    already refused NaN, Infinity and lone surrogates)."""
    found: list[FieldError] = []
    for root, values in (("$.variables", variables), ("$.extensions", extensions)):
        for name, value in (values or {}).items():
            found.extend(bound_problems(value, f"{root}.{name}"))
    return found


def _negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header: graphql-response+json when asked for, else json."""
    if not accept:
        return JSON
    ranges = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    if GRAPHQL_RESPONSE in ranges:
        return GRAPHQL_RESPONSE
    if JSON in ranges or "*/*" in ranges or "application/*" in ranges:
        return JSON
    return None
