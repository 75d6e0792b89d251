"""Unique constraints that back an invariant, turned into conflict errors that name the input field.

Two callers can both pass a service's checks and race to write; the database lets one in, and the other's
INSERT or UPDATE fails on the constraint. That is not an unexpected error but a conflict the caller can act
on, so the service names it. Any other integrity error is a bug and goes on as one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from hub.validation import FieldError, InvalidInput


def violates(exc: IntegrityError, constraint: UniqueConstraint | Index) -> bool:
    """Whether `exc` is a violation of `constraint`: PostgreSQL names the constraint, SQLite its columns."""
    diag = getattr(exc.orig, "diag", None)
    if diag is not None:
        return bool(getattr(diag, "constraint_name", None) == constraint.name)
    table = constraint.table
    assert table is not None
    columns = ", ".join(f"{table.name}.{column.name}" for column in constraint.columns)
    return f"UNIQUE constraint failed: {columns}" in str(exc.orig)


@asynccontextmanager
async def conflict_as(constraint: UniqueConstraint | Index, error: FieldError) -> AsyncIterator[None]:
    """Run the block; a violation of `constraint` in it becomes `error` (nothing of the block is written: the
    unit of work rolls back on the raised InvalidInput)."""
    try:
        yield
    except IntegrityError as exc:
        if not violates(exc, constraint):
            raise
        raise InvalidInput([error]) from exc
