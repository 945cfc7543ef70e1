"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

It speaks the HTTP API python-telegram-bot uses (``POST /bot<token>/<method>``: getMe, getUpdates
(long polling), sendMessage, sendPhoto, getFile, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, setMyCommands, deleteWebhook, setWebhook) and serves file downloads. Tests
inject user actions (:meth:`FakeTelegram.user_says`, :meth:`press`, :meth:`send_photo`,
:meth:`send_document`) and read what the bot sent; errors (429 retry-after, 502) can be scheduled.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT = {"id": 999, "is_bot": True, "first_name": "DVC", "username": "dvc_test_bot", "can_join_groups": True}
BOT |= {"can_read_all_group_messages": False, "supports_inline_queries": False}


async def start_loopback(app: Starlette, port: int) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    """Serve an ASGI app on 127.0.0.1:port inside the running event loop; return when it listens."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    return server, task


async def stop_loopback(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    """Stop a server started by :func:`start_loopback`."""
    server.should_exit = True
    await task


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Sent:
    """A message the bot sent (for a photo: the caption as text, and the uploaded bytes)."""

    chat_id: int
    text: str
    buttons: list[dict[str, Any]]
    message_id: int
    photo: bytes | None = None
    at: float = field(default_factory=time.monotonic)  # when the fake received it


@dataclass
class FakeTelegram:
    """State of the fake server; run it with :meth:`serve` inside the test's event loop."""

    token: str = "123:TEST"
    port: int = field(default_factory=free_port)
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    answered: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # scheduled for sendMessage
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # file_id -> (file_path, bytes)
    downloads: list[str] = field(default_factory=list)  # file paths the bot fetched
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _messages: Any = field(default_factory=lambda: itertools.count(100))
    _server: uvicorn.Server | None = None
    _marks: dict[int, int] = field(default_factory=dict)
    pending: Callable[[], int] | None = None  # replies the bot under test has yet to send (see turn)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- user side ------------------------------------------------------------------------

    def _user(self, user_id: int, language: str = "vi") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Dân", "language_code": language}

    def _chat(self, chat_id: int, kind: str = "private") -> dict[str, Any]:
        return {"id": chat_id, "type": kind} | ({"title": "Tổ dân phố"} if kind != "private" else {})

    def message_update(
        self,
        user_id: int,
        text: str | None = None,
        chat_id: int | None = None,
        kind: str = "private",
        extra: dict[str, Any] | None = None,
        language: str = "vi",
    ) -> dict[str, Any]:
        message = {
            "message_id": next(self._messages),
            "date": int(time.time()),
            "chat": self._chat(chat_id or user_id, kind),
            "from": self._user(user_id, language),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        message.update(extra or {})
        return {"update_id": next(self._ids), "message": message}

    def user_says(self, user_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
        update = self.message_update(user_id, text, **kwargs)
        self.updates.append(update)
        return update

    def send_photo(self, user_id: int) -> None:
        photo = {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]}
        self.updates.append(self.message_update(user_id, None, extra=photo))

    def send_document(
        self, user_id: int, file_name: str, content: bytes, mime: str = "application/octet-stream"
    ) -> dict[str, Any]:
        """The user sends a file; its bytes are served to the bot by getFile and the file route."""
        number = len(self.files) + 1
        file_id = f"doc{number}"
        suffix = file_name.rpartition(".")[2] if "." in file_name else "bin"
        self.files[file_id] = (f"documents/file_{number}.{suffix}", bytes(content))
        document = {
            "file_id": file_id,
            "file_unique_id": f"udoc{number}",
            "file_name": file_name,
            "mime_type": mime,
            "file_size": len(content),
        }
        update = self.message_update(user_id, None, extra={"document": document})
        self.updates.append(update)
        return update

    def press(self, user_id: int, data: str, message_id: int = 1) -> dict[str, Any]:
        update = {
            "update_id": next(self._ids),
            "callback_query": {
                "id": f"cb{next(self._ids)}",
                "from": self._user(user_id),
                "chat_instance": "ci",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": self._chat(user_id),
                    "from": BOT,
                    "text": "…",
                },
            },
        }
        self.updates.append(update)
        return update

    def to(self, chat_id: int) -> list[Sent]:
        return [message for message in self.sent if message.chat_id == chat_id]

    async def wait_for(self, chat_id: int, count: int, timeout: float = 10.0) -> list[Sent]:
        """Wait until the bot has sent ``count`` messages in total to ``chat_id``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.to(chat_id)) >= count:
                await asyncio.sleep(0.05)
                return self.to(chat_id)
            await asyncio.sleep(0.02)
        raise AssertionError(f"only {len(self.to(chat_id))} messages to {chat_id}, wanted {count}: {self.to(chat_id)}")

    async def turn(
        self, chat_id: int, timeout: float = 10, quiet: float | None = None, at_least: int = 1
    ) -> list[Sent]:
        """Wait for the bot's answer to the last action: ``at_least`` new messages, then a short silence.

        Silence ends a turn, and with :attr:`pending` wired an empty outbox too: on a busy machine
        two messages of one reply can come further apart than the silence. A turn's replies are
        committed to the outbox together, so once one has arrived and the outbox is empty the
        whole reply is here and a short silence is enough.
        """
        if quiet is None:
            quiet = 0.3 if self.pending is None else 0.05
        before = self._marks.get(chat_id, 0)
        deadline = time.monotonic() + timeout
        while len(self.to(chat_id)) < before + at_least:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no answer in chat {chat_id}; sent so far: {[m.text[:50] for m in self.to(chat_id)]}"
                )
            await asyncio.sleep(0.02)
        count = len(self.to(chat_id))
        while True:
            await asyncio.sleep(quiet)
            settled = self.pending is None or time.monotonic() > deadline or not self.pending()
            if len(self.to(chat_id)) == count and settled:
                break
            count = len(self.to(chat_id))
        self._marks[chat_id] = count
        return self.to(chat_id)[before:]

    # -- server side ---------------------------------------------------------------------

    async def _params(self, request: Request) -> dict[str, Any]:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            return dict(await request.json())
        if content_type.startswith("multipart/form-data"):  # uploads: files as bytes, other fields as text
            params: dict[str, Any] = {}
            async with request.form() as parts:
                for key, value in parts.multi_items():
                    if isinstance(value, UploadFile):
                        params[key] = await value.read()
                    else:
                        params[key] = _decoded(value)
            return params
        # PTB posts application/x-www-form-urlencoded, JSON-encoding object values.
        form = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True)
        return {key: _decoded(value) for key, value in form}

    async def _api(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params = await self._params(request)
        self.calls.append(method)
        handlers = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "getFile": self._get_file,
            "answerCallbackQuery": self._answer_callback,
            "setMyCommands": self._set_commands,
            "editMessageText": self._edit,
            "editMessageReplyMarkup": self._edit,
        }
        handler = handlers.get(method)
        return self._ok(True) if handler is None else await handler(params)

    async def _get_me(self, params: dict[str, Any]) -> JSONResponse:
        return self._ok(BOT)

    async def _get_updates(self, params: dict[str, Any]) -> JSONResponse:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        while True:
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if pending or time.monotonic() >= deadline:
                return self._ok(pending)
            await asyncio.sleep(0.02)

    async def _send_message(self, params: dict[str, Any]) -> JSONResponse:
        if self.errors:
            error = self.errors.pop(0)
            return JSONResponse(error, status_code=error.get("error_code", 400))
        markup = params.get("reply_markup") or {}
        buttons = [button for row in markup.get("inline_keyboard", []) for button in row]
        sent = Sent(int(params["chat_id"]), str(params["text"]), buttons, next(self._messages))
        self.sent.append(sent)
        return self._ok(
            {
                "message_id": sent.message_id,
                "date": int(time.time()),
                "chat": self._chat(sent.chat_id),
                "from": BOT,
                "text": sent.text,
            }
        )

    async def _send_photo(self, params: dict[str, Any]) -> JSONResponse:
        photo = params.get("photo")
        caption = params.get("caption")
        sent = Sent(
            int(params["chat_id"]),
            "" if caption is None else str(caption),
            [],
            next(self._messages),
            photo=photo if isinstance(photo, bytes) else str(photo).encode(),
        )
        self.sent.append(sent)
        return self._ok(
            {
                "message_id": sent.message_id,
                "date": int(time.time()),
                "chat": self._chat(sent.chat_id),
                "from": BOT,
                "photo": [{"file_id": f"sent{sent.message_id}", "file_unique_id": "s", "width": 1, "height": 1}],
                **({"caption": sent.text} if sent.text else {}),
            }
        )

    async def _get_file(self, params: dict[str, Any]) -> JSONResponse:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            error = {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            return JSONResponse(error, status_code=400)
        path, content = self.files[file_id]
        return self._ok(
            {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content), "file_path": path}
        )

    async def _answer_callback(self, params: dict[str, Any]) -> JSONResponse:
        self.answered.append(params)
        return self._ok(True)

    async def _set_commands(self, params: dict[str, Any]) -> JSONResponse:
        self.commands.append(params)  # params hold commands, language_code and scope (when given)
        return self._ok(True)

    async def _edit(self, params: dict[str, Any]) -> JSONResponse:
        return self._ok(
            {
                "message_id": int(params.get("message_id") or 1),
                "date": int(time.time()),
                "chat": self._chat(int(params.get("chat_id") or 1)),
                "from": BOT,
                "text": "…",
            }
        )

    async def _file(self, request: Request) -> Response:
        """``GET /file/bot<token>/<file_path>``: the bytes of a document a user sent."""
        path = request.path_params["path"]
        for stored, content in self.files.values():
            if stored == path and request.path_params["token"] == self.token:
                self.downloads.append(path)
                return Response(content, media_type="application/octet-stream")
        return Response(b"not found", status_code=404)

    def _ok(self, result: Any) -> JSONResponse:
        return JSONResponse({"ok": True, "result": result})

    async def start(self) -> asyncio.Task[None]:
        routes = [
            Route("/bot{token}/{method}", self._api, methods=["POST", "GET"]),
            Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
        ]
        app = Starlette(routes=routes)
        self._server, task = await start_loopback(app, self.port)
        return task

    async def stop(self, task: asyncio.Task[None]) -> None:
        assert self._server is not None
        await stop_loopback(self._server, task)


class Served(Protocol):
    """A fake platform server (:class:`FakeTelegram`, ``FakeZalo``): ``start`` listens, ``stop`` ends it."""

    async def start(self) -> asyncio.Task[None]: ...

    async def stop(self, task: asyncio.Task[None]) -> None: ...


@contextmanager
def in_thread(fake: Served) -> Iterator[None]:
    """Serve ``fake`` from a thread with an event loop of its own until the block ends.

    For synchronous tests (the browser tests drive Chromium with blocking calls): the test reads
    the fake's lists (``sent``) and adds updates from its own thread, as the bot would see them.
    """
    ready = threading.Event()
    loops: list[asyncio.AbstractEventLoop] = []
    stops: list[asyncio.Event] = []

    async def serve() -> None:
        loops.append(asyncio.get_running_loop())
        stops.append(asyncio.Event())
        task = await fake.start()
        ready.set()
        await stops[0].wait()
        await fake.stop(task)

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(60), "the fake server did not start"
    loop, stopping = loops[0], stops[0]
    try:
        yield
    finally:
        loop.call_soon_threadsafe(stopping.set)
        thread.join(60)


def _decoded(value: Any) -> Any:
    """PTB JSON-encodes every non-string parameter (numbers, objects); strings come as they are."""
    try:
        return json.loads(str(value))
    except ValueError:
        return value
