"""The database tables: one SQLModel class per table, the schema Alembic migrates.

Every time column is set by the code from the injected clock (no column defaults to "now"),
so stored dates never depend on the machine's clock. Raw platform identifiers appear only
where delivery needs them -- ``outbox.chat_id``, ``reminders.chat_id``, the ``inbox`` body of
a message not yet processed -- and are blanked as soon as they are no longer needed; every
other user reference is a salted hash.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, LargeBinary, UniqueConstraint
from sqlmodel import Column, Field, SQLModel


class Conversation(SQLModel, table=True):
    """One conversation's state, keyed by the hashed (channel, user)."""

    __tablename__ = "conversations"

    key: str = Field(primary_key=True, max_length=64)
    channel: str = Field(max_length=32, index=True)
    state: str
    updated_at: dt.datetime


class Event(SQLModel, table=True):
    """A usage event. ``text`` is always redacted; ``user`` is always a salted hash."""

    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    channel: str = Field(max_length=32)
    user: str = Field(max_length=64, index=True)
    type: str = Field(max_length=32, index=True)
    intent: str | None = Field(default=None, max_length=64)
    decision: str | None = Field(default=None, max_length=16)
    confidence: float | None = None
    step: str | None = Field(default=None, max_length=64)
    text: str | None = None  # redacted; set to NULL by the scheduled purge after N days
    commune: str | None = Field(default=None, max_length=128)  # the user's (or helper's) commune
    role: str | None = Field(default=None, max_length=16)  # citizen | helper | admin
    # The web chat's site: an allowed embedding origin, or "/chat" (the bot's own page); else NULL.
    site: str | None = Field(default=None, max_length=255)


class ChannelToken(SQLModel, table=True):
    """Rotating credentials of a channel (Zalo refresh tokens are single-use: losing one locks the bot out)."""

    __tablename__ = "channel_tokens"

    channel: str = Field(primary_key=True, max_length=32)
    access_token: str
    refresh_token: str
    expires_at: dt.datetime | None = None
    updated_at: dt.datetime


class Helper(SQLModel, table=True):
    """A community tech-team member, bound to a commune by the invite code they redeemed."""

    __tablename__ = "helpers"

    user: str = Field(primary_key=True, max_length=64)  # salted hash, like every stored user id
    channel: str = Field(max_length=32)
    commune: str = Field(max_length=128)
    invited_by: str = Field(max_length=64)
    joined_at: dt.datetime
    active: bool = True


class Invite(SQLModel, table=True):
    """A one-time invite code (only its hash is stored) an admin created for a commune."""

    __tablename__ = "invites"

    code_hash: str = Field(primary_key=True, max_length=64)
    commune: str = Field(max_length=128)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    used_by: str | None = Field(default=None, max_length=64)


class Reminder(SQLModel, table=True):
    """A reminder a citizen asked for.

    ``chat_id`` is the platform chat to write to -- the one raw identifier we keep, because a
    reminder cannot be delivered without it; it is blanked as soon as the reminder is sent,
    skipped or cancelled.
    """

    __tablename__ = "reminders"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    user: str = Field(max_length=64, index=True)
    chat_id: str = Field(max_length=128)
    procedure: str = Field(max_length=64)
    locale: str = Field(default="vi", max_length=8)
    created_at: dt.datetime
    due_at: dt.datetime
    status: str = Field(default="pending", max_length=16)  # pending | sent | skipped | cancelled
    closed_at: dt.datetime | None = None


class CatalogVersion(SQLModel, table=True):
    """One catalog version with its audit record; the newest ``applied`` row is served."""

    __tablename__ = "catalog_versions"

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime
    author: str = Field(max_length=128)
    source: str = Field(max_length=255)
    summary: str
    status: str = Field(default="applied", max_length=16, index=True)  # draft | applied | discarded
    digest: str = Field(max_length=64)
    shipped: bool = False  # imported from the files shipped with the release
    curated: bytes  # gzip of a JSON list of curated entries
    listing: bytes  # gzip of JSON lines of national listing cards
    # The version served when this one was built (None: the first, or written before 0009). A draft
    # is applied only while its parent is still served; otherwise it would undo what came since.
    parent: int | None = None


class InboxItem(SQLModel, table=True):
    """A message a channel accepted: stored before the platform is answered, processed in order.

    ``dedupe`` is a salted hash of the platform's message id (or of sender, platform time and
    body when there is none): a retried or replayed delivery hits the unique constraint and
    is answered once. ``body`` holds the message (raw ids and text) only until it is
    processed; done rows keep nothing but the hash and the times, and are pruned after the
    dedupe period.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "dedupe", name="uq_inbox_channel_dedupe"),
        Index("ix_inbox_conversation", "conversation", "status", "id"),
        Index("ix_inbox_pending", "status", "channel", "conversation", "id"),
        Index("ix_inbox_received_at", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    dedupe: str | None = Field(default=None, max_length=64)
    conversation: str = Field(max_length=64)  # the salted hash of (channel, user)
    received_at: dt.datetime
    not_before: dt.datetime  # flood control: a fast sender's messages wait their turn
    status: str = Field(default="pending", max_length=16)  # pending | done | failed
    body: str | None = None  # JSON of the inbound message; blanked once processed
    document: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class OutboxItem(SQLModel, table=True):
    """A reply waiting to be delivered, written in the same transaction as the state change.

    Delivered in order per chat (``chat_key``, ``id``), at most at the channel's send rate:
    ``granted_at`` records when a send was allowed, so the outbox is also the rate limiter's
    log across every process. ``chat_id`` and ``body`` are blanked once the reply is delivered
    or dropped.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_chat", "chat_key", "status", "id"),
        Index("ix_outbox_conversation", "conversation", "status"),
        Index("ix_outbox_pending", "channel", "status", "id"),
        Index("ix_outbox_channel_grants", "channel", "granted_at"),
        Index("ix_outbox_chat_grants", "chat_key", "granted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    chat_id: str = Field(max_length=128)  # raw platform chat id: needed to deliver, blanked after
    chat_key: str = Field(max_length=64)  # salted hash of (channel, chat id)
    conversation: str = Field(max_length=64)
    body: str | None = None  # JSON of the reply (text, options, links, receipt); blanked after
    image: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    version: str = Field(default="", max_length=32)  # catalog version the buttons belong to
    created_at: dt.datetime
    status: str = Field(default="pending", max_length=16)  # pending | delivered | dropped
    attempts: int = 0
    next_attempt_at: dt.datetime
    lease_until: dt.datetime | None = None  # a worker is sending it until then
    granted_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    reason: str | None = Field(default=None, max_length=64)  # why it was dropped


class ConsoleUser(SQLModel, table=True):
    """A person who signs in to the web console.

    ``role`` is admin, officer or helper. Officers and helpers see one commune (its official
    unit code). A user linked to a chat identity (``chat_channel`` and the salted hash
    ``chat_user``, as in ``helpers``) is the same person in the chat: an admin only while
    ``DVCBOT_ADMINS`` still lists them, a helper only while their helper row is active.
    """

    __tablename__ = "console_users"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=255)  # Argon2id, with its parameters and salt
    role: str = Field(max_length=16)  # admin | officer | helper
    commune: str | None = Field(default=None, max_length=16)
    chat_channel: str | None = Field(default=None, max_length=32)
    chat_user: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime
    created_by: str = Field(max_length=64)
    active: bool = True


class ConsoleSession(SQLModel, table=True):
    """A signed-in browser: only the hash of its cookie's token is stored, with its CSRF token."""

    __tablename__ = "console_sessions"

    id: str = Field(primary_key=True, max_length=64)  # sha256 of the cookie's random token
    user_id: int = Field(index=True)
    csrf: str = Field(max_length=64)
    created_at: dt.datetime
    seen_at: dt.datetime
    expires_at: dt.datetime = Field(index=True)


class ConsoleAttempt(SQLModel, table=True):
    """Failed sign-ins counted per (account, client address) and per client address, for back-off."""

    __tablename__ = "console_attempts"

    key: str = Field(primary_key=True, max_length=64)  # salted hash: no login or address at rest
    failures: int = 0
    last_at: dt.datetime
    not_before: dt.datetime  # the next attempt under this key is refused before then


class ConsoleAudit(SQLModel, table=True):
    """One console action: who, when, what (the detail redacted)."""

    __tablename__ = "console_audit"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    actor: str = Field(max_length=64)  # the console login, or "anonymous"
    action: str = Field(max_length=32)
    detail: str = Field(default="", max_length=500)


class ConsoleText(SQLModel, table=True):
    """A text officers set without a developer: the notice, the welcome text, a commune's office hours.

    ``key`` is ``notice``, ``welcome`` or ``hours:<commune code>``; the notice alone has a start
    and an end (UTC instants, compared with the injected clock).
    """

    __tablename__ = "console_texts"

    key: str = Field(primary_key=True, max_length=32)
    vi: str = Field(default="", max_length=1000)
    en: str = Field(default="", max_length=1000)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    updated_at: dt.datetime
    updated_by: str = Field(max_length=64)


class Handoff(SQLModel, table=True):
    """A conversation handed to a person: queued for a commune (or the province), taken, closed.

    ``chat_id`` is the raw platform chat the officer's replies go to -- kept only while the
    handoff is open and blanked when it closes (like ``outbox.chat_id``). ``revision`` grows with
    every change, so the console's live pages notice one without comparing times.
    """

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_status", "status", "commune"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation: str = Field(max_length=64, index=True)  # the salted hash of (channel, user)
    channel: str = Field(max_length=32)
    chat_id: str = Field(default="", max_length=128)  # raw: needed to deliver, blanked at close
    commune: str | None = Field(default=None, max_length=16)  # None: the province queue
    locale: str = Field(default="vi", max_length=8)
    kind: str = Field(default="live", max_length=16)  # live | question (left outside office hours)
    status: str = Field(default="waiting", max_length=16)  # waiting | taken | closed
    officer: str | None = Field(default=None, max_length=64)  # the console login holding it
    tried: str = Field(default="", max_length=255)  # what the bot was helping with (entry ids)
    opened_at: dt.datetime
    taken_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    citizen_at: dt.datetime  # the citizen's last message (reply windows count from it)
    active_at: dt.datetime  # the last message either way (the officer's time-out counts from it)
    officer_replies: int = 0  # officer replies since the citizen's last message
    closed_by: str | None = Field(default=None, max_length=16)  # handback | timeout
    rating: int | None = None  # 1..5, the citizen's rating of the help
    revision: int = 0


class HandoffMessage(SQLModel, table=True):
    """One message of a handoff, redacted: the citizen's, an officer's, or a reply refused."""

    __tablename__ = "handoff_messages"

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(index=True)
    at: dt.datetime
    author: str = Field(max_length=16)  # citizen | officer | refused
    officer: str | None = Field(default=None, max_length=64)
    text: str = Field(default="")  # redacted (bot.storage.privacy.redact)


class InboxMapping(SQLModel, table=True):
    """An officer's answer to a group of unanswered questions: "this is procedure X" or out of scope.

    ``key`` is the group's folded text (:func:`bot.stats.queries.question_key`); ``phrase`` the
    redacted wording that becomes a router alias once an administrator approves, in catalog
    version ``version_id``. ``figures`` keep the evaluation shown at the decision (JSON).
    """

    __tablename__ = "inbox_mappings"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=500, index=True)
    phrase: str = Field(max_length=200)
    target: str = Field(max_length=64)  # a curated entry id, a national code, or "out_of_scope"
    status: str = Field(default="proposed", max_length=16, index=True)  # proposed | applied | refused
    proposed_by: str = Field(max_length=64)
    proposed_at: dt.datetime
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: dt.datetime | None = None
    version_id: int | None = None  # the catalog version that carries the alias
    figures: str | None = None
