"""The bot's web server (ASGI, starlette/uvicorn): channel webhooks plus ``/healthz``.

Each channel adapter contributes its own route (Telegram's ``/telegram``, Zalo's ``/zalo``),
so this module imports no platform SDK; it only assembles the routes and serves them inside
the bot's event loop, where the gateway and the couriers run too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route


async def healthz(request: Request) -> Response:
    """Answer while the process is up (for load balancers and container health checks)."""
    return JSONResponse({"status": "ok"})


def make_web_app(routes: Sequence[BaseRoute]) -> Starlette:
    """The ASGI application: the channels' webhook routes and the health check."""
    app = Starlette(routes=[Route("/healthz", healthz), *routes])
    app.state.stopping = asyncio.Event()  # set by Server.stop: endless event streams end themselves
    return app


def stop_signal(request: Request) -> asyncio.Event:
    """The event set when the server serving ``request`` starts stopping (never set elsewhere)."""
    found = getattr(request.app.state, "stopping", None)
    return found if isinstance(found, asyncio.Event) else asyncio.Event()


async def until_stopped(request: Request, seconds: float) -> bool:
    """Wait ``seconds``; True at once when the server starts stopping (a stream then ends)."""
    try:
        await asyncio.wait_for(stop_signal(request).wait(), seconds)
    except TimeoutError:
        return False
    return True


class Server:
    """Uvicorn serving one ASGI app in the running event loop."""

    def __init__(self, app: Starlette, host: str, port: int, trusted_proxies: str = "127.0.0.1"):
        # X-Forwarded-For is believed only from the trusted proxies: the web chat limits per client address.
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            proxy_headers=True,
            forwarded_allow_ips=trusted_proxies,
            access_log=False,
            # The web chat's event streams never finish by themselves: stopping does not wait for them
            # (the pages reconnect, to this process after a restart or to another one).
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.app = app
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start listening; returns once the socket is bound (raises if it could not be)."""
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.task.done():
                self.task.result()  # re-raise why it stopped (port in use ...)
                raise RuntimeError("the web server stopped before it started")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop accepting requests and finish the ones in hand."""
        # Event streams (the web chat, the console's live pages) never end by themselves: told
        # first, they close within a second, so stopping neither waits out the grace period nor
        # cancels them mid-write (which uvicorn logs as an error). The pages reconnect.
        stopping = getattr(self.app.state, "stopping", None)
        if isinstance(stopping, asyncio.Event):
            stopping.set()
        self.server.should_exit = True
        if self.task is not None:
            await self.task
