"""PACT error bodies: `{code, message}` with the codes and HTTP statuses the v3 specification lists."""

from __future__ import annotations

from enum import StrEnum

from starlette.responses import JSONResponse


class Code(StrEnum):
    BAD_REQUEST = "BadRequest"
    ACCESS_DENIED = "AccessDenied"
    TOKEN_EXPIRED = "TokenExpired"
    NOT_FOUND = "NotFound"
    INTERNAL_ERROR = "InternalError"
    NOT_IMPLEMENTED = "NotImplemented"


STATUS = {
    Code.BAD_REQUEST: 400,
    Code.ACCESS_DENIED: 403,
    Code.TOKEN_EXPIRED: 401,
    Code.NOT_FOUND: 404,
    Code.INTERNAL_ERROR: 500,
    Code.NOT_IMPLEMENTED: 501,
}


class PactError(Exception):
    """A refusal a PACT client is told about: its code, the HTTP status (the code's own unless given), a message."""

    def __init__(self, code: Code, message: str, status: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.code, self.message = code, message
        self.status = status if status is not None else STATUS[code]
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        headers = {"Cache-Control": "no-store", **self.headers}
        return JSONResponse({"code": self.code.value, "message": self.message}, self.status, headers=headers)


def bad_request(message: str) -> PactError:
    return PactError(Code.BAD_REQUEST, message)
