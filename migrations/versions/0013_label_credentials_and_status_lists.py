"""label credentials and their Bitstring Status Lists

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 11:00:00

- `label_credential`: the signed W3C Verifiable Credential of a label and its random index in the status lists.
- `status_list`: one row per status purpose (revocation, suspension): a revision counter bumped when a label's
  status changes, and the signed status list credential with the revision it was built at.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "label_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["label_id"], ["label.id"], name=op.f("fk_label_credential_label_id_label")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_credential")),
        sa.UniqueConstraint("label_id", name=op.f("uq_label_credential_label_id")),
        sa.UniqueConstraint("status_index", name=op.f("uq_label_credential_status_index")),
    )
    op.create_table(
        "status_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("signed_revision", sa.Integer(), nullable=True),
        sa.Column("credential", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_list")),
        sa.UniqueConstraint("purpose", name=op.f("uq_status_list_purpose")),
    )


def downgrade() -> None:
    op.drop_table("status_list")
    op.drop_table("label_credential")
