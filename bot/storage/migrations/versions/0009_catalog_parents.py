"""Each catalog version's parent: the version served when it was built.

A draft is applied only while its parent is still the served version, so applying a file checked
before another version was served can no longer undo that version. Nullable: versions written
before this revision have none (a draft without one is refused when applied: check the file again).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the catalog versions' parent column."""
    with op.batch_alter_table("catalog_versions") as batch:  # SQLite alters a table by copying it
        batch.add_column(sa.Column("parent", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop the catalog versions' parent column."""
    with op.batch_alter_table("catalog_versions") as batch:
        batch.drop_column("parent")
