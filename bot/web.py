"""The bot's web server (ASGI, starlette): channel webhooks plus ``/healthz``.

Each channel adapter contributes its own route (Telegram's ``/telegram``; Zalo's later), so
this module imports no platform SDK; it only assembles the routes and serves them.
"""

from __future__ import annotations

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
    return Starlette(routes=[Route("/healthz", healthz), *routes])


async def serve(app: Starlette, host: str, port: int) -> None:
    """Serve until stopped (Ctrl+C or SIGTERM)."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info", proxy_headers=True))
    await server.serve()
