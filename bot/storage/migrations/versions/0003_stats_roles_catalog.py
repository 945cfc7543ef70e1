"""Statistics, roles, reminders and catalog versions.

Adds the commune and role of each event (per-commune and helper figures), community
helpers and their one-time invite codes, citizen reminders, catalog versions with their
audit record, and APScheduler's job table (created here so every table comes from a
migration).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the new tables and event columns."""
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("commune", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("role", sa.String(length=16), nullable=True))
    op.create_table(
        "helpers",
        sa.Column("user", sa.String(length=64), primary_key=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("commune", sa.String(length=128), nullable=False),
        sa.Column("invited_by", sa.String(length=64), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "invites",
        sa.Column("code_hash", sa.String(length=64), primary_key=True),
        sa.Column("commune", sa.String(length=128), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.String(length=64), nullable=True),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("procedure", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_reminders_user", "reminders", ["user"])
    op.create_index("ix_reminders_due", "reminders", ["status", "due_at"])
    op.create_table(
        "catalog_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("shipped", sa.Boolean(), nullable=False),
        sa.Column("curated", sa.LargeBinary(), nullable=False),
        sa.Column("listing", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_catalog_versions_status", "catalog_versions", ["status"])
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), primary_key=True),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_apscheduler_jobs_next_run_time", "apscheduler_jobs", ["next_run_time"])


def downgrade() -> None:
    """Drop the new tables and event columns."""
    op.drop_table("apscheduler_jobs")
    op.drop_table("catalog_versions")
    op.drop_table("reminders")
    op.drop_table("invites")
    op.drop_table("helpers")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("role")
        batch.drop_column("commune")
