"""Conversation tokens: how a web page keeps its conversation on someone else's site.

The widget runs on a portal's origin, where a cookie of ours is a third-party cookie (Safari
blocks it, Chrome restricts it). So the page keeps a token in its own storage and sends it with
every request instead: ``v1.<conversation>.<issued>.<signature>``, where the conversation id is
128 random bits, ``issued`` the Unix second it was signed and the signature an HMAC-SHA-256 with
a key derived from the user salt. Every answer carries a freshly signed token for the same
conversation (the page stores it), so a token in use is never older than a visit, and a token
unused for ``max_age`` is refused: the page starts a new conversation.

The conversation id is the web chat's user id; like every platform user id it is stored only
as a salted hash (:func:`bot.storage.privacy.hash_user`, via the engine's user key).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

VERSION = "v1"
MAX_TOKEN_CHARS = 200
CLOCK_SKEW = dt.timedelta(minutes=5)  # a token from a moment "in the future" of another process


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Tokens:
    """Signs and checks conversation tokens with a key derived from the user salt."""

    salt: str
    max_age: dt.timedelta = dt.timedelta(days=30)

    @property
    def _key(self) -> bytes:
        # A key of its own: a token signature reveals nothing about the user-id hashes.
        return hmac.new(self.salt.encode("utf-8"), b"dvcbot web chat token", hashlib.sha256).digest()

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest()[:18])

    def new_conversation(self) -> str:
        """A fresh random conversation id (128 bits, URL-safe)."""
        return _b64(secrets.token_bytes(16))

    def issue(self, conversation: str, now: dt.datetime) -> str:
        """A token for ``conversation`` signed at ``now``."""
        body = f"{VERSION}.{conversation}.{int(now.timestamp())}"
        return f"{body}.{self._sign(body)}"

    def read(self, token: object, now: dt.datetime) -> str | None:
        """The conversation of a genuine, unexpired token; None for anything else."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 3:
            return None
        if not token.isascii():  # a genuine token is ASCII; anything else would break the signing
            return None
        body, _, signature = token.rpartition(".")
        if not hmac.compare_digest(signature.encode("ascii", "replace"), self._sign(body).encode("ascii")):
            return None
        version, conversation, issued = body.split(".")
        if version != VERSION or not conversation or not issued.isdigit():
            return None
        signed_at = dt.datetime.fromtimestamp(int(issued), dt.UTC)
        if signed_at > now + CLOCK_SKEW or now - signed_at > self.max_age:
            return None
        return conversation


__all__ = ["Tokens"]
