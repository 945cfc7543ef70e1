"""The statements of one message's transaction, shaped for few round trips.

On PostgreSQL every statement is a round trip, and a message's transaction used to cost
seven (``BEGIN``, lock and read the state, take the inbox row, upsert the state, insert the
events, insert the replies, ``COMMIT``). Here it costs four:

* **one read** (:func:`take_with_state`): lock the conversation's row, read its state and take
  its oldest ready inbox message, closing it in the same statement. The lock comes first
  (the message is only looked for once the conversation's row is locked, through a one-time
  filter on the locked row), so two processes always take the two locks in the same order;
* **one write** (:func:`write_statement`): the state upsert, the event rows and the reply rows,
  as one statement with data-modifying ``WITH`` parts.

A conversation without a row yet still takes the advisory lock by name first (a statement
of its own) and then reads the state and takes the message in one statement
(:data:`TAKE_AFTER_LOCK`). SQLite has no round trips to save, nor ``INSERT`` inside ``WITH``:
it reads the state and the message in one ``SELECT`` (:data:`TAKE_SQLITE`) and writes
table by table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Executable, TextClause, bindparam, insert, select, text

from bot.conversation.state import ConversationState
from bot.storage.tables import Conversation, Event, InboxItem, OutboxItem

IDLE = 0  # psycopg.pq.TransactionStatus.IDLE (psycopg is imported only with PostgreSQL)
_CONVERSATIONS = Conversation.__table__  # type: ignore[attr-defined]
_INBOX = InboxItem.__table__  # type: ignore[attr-defined]
EVENTS = Event.__table__  # type: ignore[attr-defined]
OUTBOX = OutboxItem.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Take:
    """Claim the conversation's oldest inbox message ready at ``now`` with its state (statuses from the inbox)."""

    now: dt.datetime
    pending: str
    done: str

    def parameters(self, key: str) -> dict[str, Any]:
        """The bound values of the take statements for conversation ``key``."""
        return {"key": key, "now": self.now, "pending": self.pending, "done": self.done}


# The oldest ready message, locked (a row closed meanwhile by another process is skipped),
# then closed; its old values come back through the CTE. ``{gate}`` orders the locks.
_TAKE = (
    "old AS (SELECT id, body, received_at, document FROM inbox WHERE conversation = :key "
    "AND status = :pending AND not_before <= :now AND {gate} ORDER BY id LIMIT 1 FOR UPDATE OF inbox), "
    "up AS (UPDATE inbox SET status = :done, body = NULL, document = NULL FROM old WHERE inbox.id = old.id "
    "RETURNING old.id, old.body, old.received_at, old.document) "
)
# PostgreSQL, a conversation with a row: no row back when it has none. The message is looked
# for only once the row is locked (EXISTS on the locked CTE is a one-time filter, run first).
# set_config: the commit need not wait for the WAL flush (see ConversationStore.open).
TAKE_WITH_STATE = text(
    "WITH c AS MATERIALIZED (SELECT state, set_config('synchronous_commit', 'off', true) AS relaxed "
    "FROM conversations WHERE key = :key FOR UPDATE), "
    + _TAKE.format(gate="EXISTS (SELECT FROM c)")
    + "SELECT c.state, up.id, up.body, up.received_at, up.document FROM c LEFT JOIN up ON true"
)
# PostgreSQL, once the conversation's advisory lock is held: one row always (a new statement,
# so a row another process created meanwhile is seen, and locked).
TAKE_AFTER_LOCK = text(
    "WITH c AS MATERIALIZED (SELECT state FROM conversations WHERE key = :key FOR UPDATE), "
    + _TAKE.format(gate="(SELECT count(*) FROM c) < 2")
    + "SELECT (SELECT state FROM c), set_config('synchronous_commit', 'off', true) AS relaxed, "
    "up.id, up.body, up.received_at, up.document FROM (SELECT 1) AS one LEFT JOIN up ON true"
)
_I = _INBOX.c
# SQLite: the state and the oldest ready message in one SELECT (no row: nothing to do). The
# writer lock is already held, so nothing can change in between; closing it is a statement
# of the commit.
TAKE_SQLITE = (
    select(
        select(_CONVERSATIONS.c.state).where(_CONVERSATIONS.c.key == bindparam("key")).scalar_subquery(),
        _I.id,
        _I.body,
        _I.received_at,
        _I.document,
    )
    .where(_I.conversation == bindparam("key"), _I.status == bindparam("pending"), _I.not_before <= bindparam("now"))
    .order_by(_I.id)
    .limit(1)
)


def _quoted(name: str) -> str:
    return f'"{name}"'  # "user", "text", "at": reserved or near it in PostgreSQL


def _values(prefix: str, columns: Sequence[str], count: int) -> str:
    rows = (f"({', '.join(f':{prefix}{n}_{column}' for column in columns)})" for n in range(count))
    return ", ".join(rows)


@lru_cache(maxsize=256)
def write_statement(shapes: tuple[tuple[str, tuple[str, ...], int], ...]) -> TextClause:
    """PostgreSQL: the state upsert with the rows of ``shapes`` ((table, columns, rows) each) in one statement.

    Built once per shape (the number of events and replies varies a little); psycopg
    prepares each after a few uses. Parameters are named ``t<table>r<row>_<column>``.
    """
    parts = []
    for number, (table, columns, count) in enumerate(shapes):
        names = ", ".join(_quoted(column) for column in columns)
        parts.append(
            f"w{number} AS (INSERT INTO {_quoted(table)} ({names}) VALUES {_values(f't{number}r', columns, count)})"
        )
    upsert = (
        "INSERT INTO conversations (key, channel, state, updated_at) VALUES (:key, :channel, :state, :now) "
        "ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
    )
    return text(f"WITH {', '.join(parts)} {upsert}" if parts else upsert)


def combined_write(
    state: dict[str, Any], inserts: Sequence[tuple[Any, list[dict[str, Any]]]]
) -> tuple[TextClause, dict[str, Any]]:
    """The one statement writing ``state`` (key, channel, state, now) and ``inserts``, with its parameters.

    Only tables whose rows our code fills completely belong here (events and replies): a text
    statement applies no Python-side column defaults.
    """
    shapes = []
    parameters = dict(state)
    for number, (table, rows) in enumerate(inserts):
        columns = tuple(rows[0])
        shapes.append((table.name, columns, len(rows)))
        for row_number, row in enumerate(rows):
            prefix = f"t{number}r{row_number}_"
            parameters.update({prefix + column: row[column] for column in columns})
    return write_statement(tuple(shapes)), parameters


class Inserts:
    """Insert statements built once per table (building one costs more than running it)."""

    def __init__(self) -> None:
        self._by_table: dict[Any, Executable] = {}

    def __call__(self, table: Any) -> Executable:
        """The insert statement of ``table``."""
        statement = self._by_table.get(table)
        if statement is None:
            statement = self._by_table[table] = insert(table)
        return statement


@dataclass
class Unit:
    """What one message writes, committed together: the state, events, replies, other rows.

    Statements are built once and executed with parameters on the transaction's connection:
    at a few thousand messages a second, building and caching SQL per message was most of
    the cost of a message.
    """

    connection: Connection
    state: ConversationState
    channel: str
    insert_of: Inserts
    skip: bool = False  # nothing happened: commit without writing the state
    taken: Any = None  # the inbox message claimed with the state (id, body, received_at, document), if asked
    manual: Manual | None = None  # PostgreSQL with a take: the write goes with the COMMIT
    events: list[dict[str, Any]] = field(default_factory=list)  # rows of ``events``
    inserts: list[tuple[Any, list[dict[str, Any]]]] = field(default_factory=list)  # (table, rows)
    statements: list[tuple[Executable, dict[str, Any]]] = field(default_factory=list)  # (statement, parameters)

    def insert(self, table: Any, rows: list[dict[str, Any]]) -> None:
        """Insert ``rows`` into ``table`` with this message's commit."""
        if rows:
            self.inserts.append((table, rows))

    def flush(self, upsert: Executable, state: dict[str, Any], combine: bool) -> None:
        """Write the state and everything collected.

        ``combine`` (PostgreSQL): the state, the events and the replies in one statement (one
        round trip), after other tables' rows and statements. SQLite has no round trips to
        save: one multi-row insert per table.
        """
        connection = self.connection
        tables = [(EVENTS, self.events)] if self.events else []
        tables += self.inserts
        if combine:
            together = [(table, rows) for table, rows in tables if table is EVENTS or table is OUTBOX]
            tables = [(table, rows) for table, rows in tables if not (table is EVENTS or table is OUTBOX)]
        else:
            connection.execute(upsert, state)
        for table, rows in tables:
            connection.execute(self.insert_of(table), rows)
        for statement, parameters in self.statements:
            connection.execute(statement, parameters)
        if combine:  # last: with a manual transaction, the COMMIT goes with it
            (self.manual.last if self.manual is not None else connection.execute)(*combined_write(state, together))


@lru_cache(maxsize=512)
def _driver_sql(statement: TextClause, dialect: Dialect) -> str:
    """The statement in the driver's own form (``%(name)s`` parameters), compiled once."""
    return str(statement.compile(dialect=dialect))


class Manual:
    """PostgreSQL: the transaction's ``BEGIN`` and ``COMMIT`` go with its first and last statements.

    psycopg sends ``BEGIN`` on its own before a transaction's first statement and waits for it,
    and ``COMMIT`` likewise: two of a message's four round trips. Here the driver is in
    autocommit mode (it sends neither) and the transaction is opened and closed by our own
    ``BEGIN`` and ``COMMIT``, pipelined with the read and with the write: one round trip each.
    Statements in between (SQLAlchemy's, on the same connection) run inside it as usual.
    Listeners of ``before_cursor_execute`` (statement counts) see the pipelined statements too.
    """

    def __init__(self, connection: Connection):
        self.connection = connection
        self.driver: Any = connection.connection.driver_connection

    def _run(self, statement: TextClause, parameters: dict[str, Any], before: str, after: str) -> Any:
        sql = _driver_sql(statement, self.connection.dialect)
        with self.driver.cursor() as cursor:
            self.connection.dispatch.before_cursor_execute(self.connection, cursor, sql, parameters, None, False)
            with self.driver.pipeline():  # one Sync: every statement below in one round trip
                if before:
                    self.driver.execute(before)
                cursor.execute(sql, parameters)
                if after:
                    self.driver.execute(after)
            return cursor.fetchone() if cursor.description is not None else None

    def first(self, statement: TextClause, parameters: dict[str, Any]) -> Any:
        """``BEGIN`` and ``statement``; its first row (or None)."""
        return self._run(statement, parameters, "BEGIN", "")

    def last(self, statement: TextClause, parameters: dict[str, Any]) -> None:
        """``statement`` and ``COMMIT``."""
        self._run(statement, parameters, "", "COMMIT")


@contextmanager
def manual(connection: Connection) -> Iterator[Manual]:
    """A :class:`Manual` transaction on ``connection`` (PostgreSQL), always closed on leaving.

    On success a transaction not yet committed (nothing was written) is committed; on an
    error it is rolled back. The driver leaves in its normal mode, or the connection is
    invalidated (never returned to the pool in autocommit mode).
    """
    unit = Manual(connection)
    driver = unit.driver
    driver.autocommit = True
    try:
        yield unit
        if driver.info.transaction_status != IDLE:
            driver.commit()
    except BaseException:
        if driver.info.transaction_status != IDLE:
            driver.rollback()
        raise
    finally:
        try:
            driver.autocommit = False
        except Exception:
            connection.invalidate()
            raise


__all__ = [
    "EVENTS",
    "OUTBOX",
    "TAKE_AFTER_LOCK",
    "TAKE_SQLITE",
    "TAKE_WITH_STATE",
    "Inserts",
    "Manual",
    "Take",
    "Unit",
    "combined_write",
    "manual",
]
