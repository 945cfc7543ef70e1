"""What keeps the web chat safe on someone else's page: origins, headers, limits, body sizes.

* **Origins**: the sites allowed to embed the chat come from ``DVCBOT_WEB_ORIGINS``. One list
  drives the CORS answer of the chat's API, the ``frame-ancestors`` of ``/chat``, and the
  refusal of a request (or an event stream) whose ``Origin`` is another site's (403 -- not
  merely a missing CORS header, since a "simple" request would still reach the bot).
* **Headers**: ``/chat`` gets a strict Content-Security-Policy (scripts, styles and requests
  only from this server, no inline code, nothing framing it but the allowed origins).
* **Limits**: a conversation token is paced by the gateway's flood control; a client address
  is limited here, generously, because mobile carriers put many phones behind one address.
  The address is the peer's, or the one a trusted proxy forwarded (uvicorn resolves
  ``X-Forwarded-For`` only from ``DVCBOT_WEB_TRUSTED_PROXIES``).
* **Bodies**: a request body over ``MAX_BODY_BYTES`` is refused before it is read whole.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

MAX_BODY_BYTES = 16_384  # a chat message is at most a few kB of JSON
MAX_ADDRESSES = 50_000  # addresses remembered by the limiter (the least recent are forgotten)


class Refused(Exception):
    """A request the web chat will not serve: its HTTP status and a short reason."""

    def __init__(self, status: int, reason: str, retry_after: int | None = None):
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.retry_after = retry_after


def normal_origin(origin: str) -> str:
    """``scheme://host[:port]`` lower-cased, without a trailing slash (how browsers send Origin)."""
    return origin.strip().rstrip("/").lower()


@dataclass(frozen=True)
class Origins:
    """The sites allowed to embed the chat, besides the bot's own."""

    allowed: frozenset[str]

    @classmethod
    def of(cls, origins: tuple[str, ...]) -> Origins:
        """From the configured list (``https://portal.example.gov.vn``, …)."""
        return cls(frozenset(normal_origin(origin) for origin in origins if origin.strip()))

    def check(self, request: Request) -> str | None:
        """The request's allowed foreign origin (for CORS), None when same-site; :class:`Refused` otherwise."""
        origin = request.headers.get("origin")
        if origin is None:
            return None  # not a cross-site browser request (a same-origin GET, curl)
        origin = normal_origin(origin)
        own = normal_origin(f"{request.url.scheme}://{request.url.netloc}")
        if origin == own:
            return None
        if origin in self.allowed:
            return origin
        raise Refused(403, "origin not allowed")

    def cors(self, origin: str | None) -> dict[str, str]:
        """CORS headers for an allowed foreign origin (none for a same-site request)."""
        if origin is None:
            return {}
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Last-Event-ID",
            "Access-Control-Max-Age": "600",
            "Vary": "Origin",
        }

    def page_policy(self) -> str:
        """The Content-Security-Policy of ``/chat``: nothing but this server, framed only by allowed sites."""
        ancestors = " ".join(["'self'", *sorted(self.allowed)])
        return (
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
            f"base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
        )


SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass
class Bucket:
    """Tokens left and when they were counted (a token bucket)."""

    tokens: float
    at: float


@dataclass
class AddressLimits:
    """Per client address: at most ``burst`` requests at once, then ``rate`` a second.

    A separate, smaller budget bounds the new conversations an address may start, so one
    machine cannot mint tokens to get round the per-token pace.
    """

    burst: float = 120.0
    rate: float = 10.0
    new_burst: float = 30.0
    new_rate: float = 0.5
    buckets: OrderedDict[tuple[str, str], Bucket] = field(default_factory=OrderedDict)

    def take(self, address: str, now: float, kind: str = "request") -> bool:
        """Spend one request (or one new conversation) of ``address``; False when over the limit."""
        burst, rate = (self.new_burst, self.new_rate) if kind == "new" else (self.burst, self.rate)
        key = (kind, address)
        bucket = self.buckets.pop(key, None) or Bucket(burst, now)
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        self.buckets[key] = bucket  # most recent last
        while len(self.buckets) > MAX_ADDRESSES:
            self.buckets.popitem(last=False)
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True


def client_address(request: Request) -> str:
    """The client's address (uvicorn has already resolved trusted proxies' ``X-Forwarded-For``)."""
    return request.client.host if request.client is not None else "unknown"


async def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object, refusing a body over ``MAX_BODY_BYTES`` before reading it whole."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise Refused(413, "body too large")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise Refused(413, "body too large")
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError) as exc:
        raise Refused(400, "not JSON") from exc
    if not isinstance(data, dict):
        raise Refused(400, "not a JSON object")
    return data


__all__ = [
    "AddressLimits",
    "MAX_BODY_BYTES",
    "Origins",
    "Refused",
    "SAFE_HEADERS",
    "client_address",
    "normal_origin",
    "read_json",
]
