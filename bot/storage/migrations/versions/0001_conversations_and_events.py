"""Conversations and usage events.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the conversation-state and event tables."""
    op.create_table(
        "conversations",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_conversations_channel", "conversations", ["channel"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("step", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
    )
    op.create_index("ix_events_at", "events", ["at"])
    op.create_index("ix_events_user", "events", ["user"])
    op.create_index("ix_events_type", "events", ["type"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("events")
    op.drop_table("conversations")
