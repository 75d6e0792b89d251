"""indexes for the grade filter's semi-joins

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-27 11:20:00

The footprint search's grade filter reads the decisions of one kind and grade, and the labels of a grade, by
footprint (`footprint.id IN (SELECT footprint_id ...)`); without these indexes each is a scan of its table.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_decision_kind_grade_footprint", "decision", ["kind", "grade", "footprint_id"])
    op.create_index("ix_label_grade_footprint", "label", ["grade", "footprint_id"])


def downgrade() -> None:
    op.drop_index("ix_label_grade_footprint", table_name="label")
    op.drop_index("ix_decision_kind_grade_footprint", table_name="decision")
