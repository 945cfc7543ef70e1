"""Stopping the web server ends the endless event streams first, so nothing is cancelled mid-write."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from bot.web.server import Server, make_web_app, until_stopped
from tests.fake_telegram import free_port


async def endless(request: Request) -> Response:
    """An event stream like the web chat's and the console's: it ends only when the server stops."""

    async def events() -> AsyncIterator[str]:
        yield "retry: 1000\n\n"
        while not await until_stopped(request, 0.05):
            yield ": idle\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


def test_an_open_event_stream_ends_when_the_server_stops(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> list[str]:
        port = free_port()
        server = Server(make_web_app([Route("/events", endless)]), "127.0.0.1", port)
        await server.start()
        received: list[str] = []
        async with httpx.AsyncClient(timeout=10) as client:
            async with client.stream("GET", f"http://127.0.0.1:{port}/events") as response:
                lines = response.aiter_lines()
                received.append(await anext(lines))  # the stream is open and idle
                await server.stop()
                received += [line async for line in lines]  # then it ends by itself
        return received

    with caplog.at_level(logging.INFO):
        received = asyncio.run(scenario())
    assert received[0] == "retry: 1000"
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == [], "the stream was cancelled instead of ending"
