"""Golden transcripts: whole conversations in ``tests/transcripts/``, replayed through the engine.

Each file reads like a chat log. Lines starting with ``#`` at the top are its description.
Then every turn is one line of what a person does, followed by the bot's replies:

* ``> text`` -- the file's main person types ``text``;
* ``> [Label]`` -- they tap the button labelled exactly ``Label``;
* ``> 📎 name`` -- they send the file ``name`` (made by this test, see ``UPLOADS``);
* ``admin> …``, ``citizen> …`` -- someone else does it (``admin`` is a configured admin);
* the lines below, up to the next turn, are the replies: the text, ``🔗 label: url`` links and
  ``[Label]`` buttons; ``---`` separates two messages of one turn. A verdict on an uploaded file
  arrives later through the outbox and is shown in the turn that sent the file.

Invite codes are random: the bot's ``ABCD-EFGH`` shows as ``<mã mời>``, and ``<mã mời>`` in a
person's line stands for the last code the bot gave. The clock is fixed (``NOW``).

A reply that differs fails the test with a diff. After a deliberate change, rewrite the files
locally and read the diff before committing::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

The test never rewrites a file when ``CI`` is set.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.messages import Address, Attachment, Inbound, Reply
from bot.testing import Conversation
from procedures.formats import export_catalog
from tests.test_catalog_admin import add_fee_and_step

TRANSCRIPTS = Path(__file__).parent / "transcripts"
NOW = dt.datetime(2026, 12, 7, 2, 30, tzinfo=dt.UTC)  # a Monday, 09:30 in Hà Nội
MAIN = {"citizen-guide.txt": "citizen", "helper-session.txt": "helper", "admin-upload.txt": "admin"}
ADMIN = "admin"
TURN = re.compile(r"^([a-z][a-z0-9-]*)?> (.*)$")
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")
CODE_MARK = "<mã mời>"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def edited_catalog(app: App, folder: Path) -> bytes:
    """The served catalog as .xlsx with a new fee and a new last step for birth registration."""
    book = load_workbook(export_catalog(app.catalog, "xlsx", folder / "export.xlsx")[0])
    add_fee_and_step(book)
    book.save(folder / "edited.xlsx")
    return (folder / "edited.xlsx").read_bytes()


UPLOADS: dict[str, Callable[[App, Path], bytes]] = {"danh-muc.xlsx": edited_catalog}


def render(replies: list[Reply]) -> list[str]:
    """The replies of one turn as transcript lines."""
    lines: list[str] = []
    for index, reply in enumerate(replies):
        if index:
            lines.append("---")
        lines += reply.text.split("\n")
        lines += [f"🔗 {link.label}: {link.url}" for link in reply.links]
        lines += [f"  [{option.label}]" for option in reply.options]
    lines = [CODE.sub(CODE_MARK, line).rstrip() for line in lines]
    for line in lines:
        assert not TURN.match(line), f"a reply line reads like a turn: {line!r}"
    return lines


class Replay:
    """The people of one transcript talking to one bot at a fixed time."""

    def __init__(self, app: App, clock: ManualClock, main: str, folder: Path):
        self.app = app
        self.clock = clock
        self.main = main
        self.folder = folder
        self.people: dict[str, Conversation] = {}
        self.code = ""

    def person(self, name: str) -> Conversation:
        if name not in self.people:
            self.people[name] = Conversation(self.app.engine, user_id=name, now=NOW, clock=self.clock)
        return self.people[name]

    def turn(self, speaker: str, action: str) -> list[str]:
        chat = self.person(speaker or self.main)
        action = action.replace(CODE_MARK, self.code)
        if action.startswith("[") and action.endswith("]"):
            label = action[1:-1]
            chosen = [option for option in chat.options if option.label == label]
            assert chosen, f"no button {label!r} among {[option.label for option in chat.options]}"
            chat.send_payload(chosen[0].payload)
        elif action.startswith("📎 "):
            name = action.removeprefix("📎 ")
            document = Attachment(name, UPLOADS[name](self.app, self.folder), XLSX)
            chat.replies = self.app.engine.handle(Inbound(chat.address, document=document, received_at=NOW))
        else:
            chat.say(action)
        chat.replies = chat.replies + self.later(chat.address, wait=action.startswith("📎 "))
        for reply in chat.replies:
            self.code = next(iter(CODE.findall(reply.text)), self.code)
        return render(chat.replies)

    def later(self, address: Address, wait: bool) -> list[Reply]:
        """Replies written to the outbox after the turn (a file's verdict: ``wait`` for it), in order."""
        deadline = time.monotonic() + 120
        replies: list[Reply] = []
        while True:
            parcels = self.app.outbox.claim(address.channel, NOW, 10, dt.timedelta(minutes=1))
            for parcel in parcels:
                assert parcel.address.chat_id == address.chat_id, "a reply to someone else"
                self.app.outbox.delivered(parcel, NOW)
                if parcel.reply is not None:
                    replies.append(parcel.reply)
            if parcels or (wait and not replies):
                assert time.monotonic() < deadline, "no verdict on the uploaded file"
                time.sleep(0.02)
                continue
            return replies


def replay(app: App, clock: ManualClock, path: Path, folder: Path) -> tuple[str, str]:
    """The file's text, and the transcript the bot gives now for the same turns."""
    expected = path.read_text(encoding="utf-8")
    lines = expected.split("\n")
    header = []
    while lines and not TURN.match(lines[0]):
        header.append(lines.pop(0))
    session = Replay(app, clock, MAIN[path.name], folder)
    actual = list(header)
    for line in lines:
        match = TURN.match(line)
        if match:
            actual += [line, *session.turn(match.group(1) or "", match.group(2)), ""]
    return expected, "\n".join(actual).rstrip("\n") + "\n"


@pytest.fixture
def bot(settings: Settings, patch: Callable[[], None]) -> Iterator[tuple[App, ManualClock]]:
    """A bot with one admin, on a clock that stands still at ``NOW``."""
    patch()
    clock = ManualClock(NOW)
    app = build_app(replace(settings, admins=frozenset({("test", ADMIN)})), clock)
    yield app, clock
    app.close()


@pytest.mark.parametrize("name", sorted(MAIN))
def test_a_transcript_replays_word_for_word(name: str, bot: tuple[App, ManualClock], tmp_path: Path) -> None:
    path = TRANSCRIPTS / name
    expected, actual = replay(*bot, path, tmp_path)
    if actual == expected:
        return
    if os.environ.get("UPDATE_GOLDEN") and not os.environ.get("CI"):
        path.write_text(actual, encoding="utf-8")
        pytest.skip(f"rewrote {name}: read the diff before committing")
    diff = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), f"{name} (file)", f"{name} (bot)", lineterm=""
    )
    pytest.fail("the bot no longer says what the transcript says:\n" + "\n".join(diff), pytrace=False)
