"""The unanswered inbox: officers' mappings of question groups to a procedure or out of scope.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the mappings table."""
    op.create_table(
        "inbox_mappings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("figures", sa.Text(), nullable=True),
    )
    op.create_index("ix_inbox_mappings_key", "inbox_mappings", ["key"])
    op.create_index("ix_inbox_mappings_status", "inbox_mappings", ["status"])


def downgrade() -> None:
    """Drop the mappings table."""
    op.drop_index("ix_inbox_mappings_status", table_name="inbox_mappings")
    op.drop_index("ix_inbox_mappings_key", table_name="inbox_mappings")
    op.drop_table("inbox_mappings")
