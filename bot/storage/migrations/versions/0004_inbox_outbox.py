"""The inbox (messages stored before the platform is answered, and their dedupe keys) and the
transactional outbox (replies written with the state change, delivered after the commit).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the inbox and outbox tables."""
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("dedupe", sa.String(length=64), nullable=True),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("document", sa.LargeBinary(), nullable=True),
        sa.UniqueConstraint("channel", "dedupe", name="uq_inbox_channel_dedupe"),
    )
    op.create_index("ix_inbox_conversation", "inbox", ["conversation", "status", "id"])
    op.create_index("ix_inbox_pending", "inbox", ["status", "channel", "conversation", "id"])
    op.create_index("ix_inbox_received_at", "inbox", ["received_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("chat_key", sa.String(length=64), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
    )
    # Heads of chats, claims, and the send-cap log (grants in the last seconds, per channel and chat).
    op.create_index("ix_outbox_chat", "outbox", ["chat_key", "status", "id"])
    op.create_index("ix_outbox_conversation", "outbox", ["conversation", "status"])
    op.create_index("ix_outbox_pending", "outbox", ["channel", "status", "id"])
    op.create_index("ix_outbox_channel_grants", "outbox", ["channel", "granted_at"])
    op.create_index("ix_outbox_chat_grants", "outbox", ["chat_key", "granted_at"])
    # Conversation states kept recent platform message ids ("m<chat id>:<message id>") to drop
    # retries; the inbox does that now, and raw chat ids have no business at rest.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE conversations SET state = (state::jsonb - 'seen')::text WHERE state LIKE '%\"seen\"%'")
    else:
        op.execute("UPDATE conversations SET state = json_remove(state, '$.seen') WHERE state LIKE '%\"seen\"%'")


def downgrade() -> None:
    """Drop the inbox and outbox tables."""
    op.drop_table("outbox")
    op.drop_table("inbox")
