"""The web chat's site of each event: which embedding portal (or the bot's own page) it came from.

Nullable: events of other channels, and web events stored before this revision, have none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the events' site column."""
    with op.batch_alter_table("events") as batch:  # SQLite alters a table by copying it
        batch.add_column(sa.Column("site", sa.String(length=255), nullable=True))


def downgrade() -> None:
    """Drop the events' site column."""
    with op.batch_alter_table("events") as batch:
        batch.drop_column("site")
