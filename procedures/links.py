"""The official-domain allowlist: the only places a link shown to a citizen may point to.

A typo or a compromised admin account must never put a phishing link in front of citizens,
so every URL in the catalog is checked against this list when the catalog is validated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

# Government sites end in .gov.vn. No app-store or short-link host is allowed: an app is
# named in the text ("ứng dụng VNeID"), never linked to a store page that may change owner.
DEFAULT_ALLOWED_SUFFIXES: tuple[str, ...] = ("gov.vn",)

URL_IN_TEXT = re.compile(r"https?://[^\s)\"'<>]+|\b[a-z0-9.-]+\.(?:vn|com|net|org|io|me|ly)\b[^\s)\"'<>]*", re.I)


@dataclass(frozen=True)
class LinkPolicy:
    """Which hosts are official. A host matches a suffix exactly or as a sub-domain."""

    allowed_suffixes: tuple[str, ...] = DEFAULT_ALLOWED_SUFFIXES

    def is_allowed(self, url: str) -> bool:
        """Return True when ``url`` is https (or bare host) on an allowed domain."""
        candidate = url if "://" in url else f"https://{url}"
        parts = urlsplit(candidate)
        if parts.scheme != "https" and "://" in url:
            return False
        if parts.username or parts.password or parts.port not in (None, 443):
            return False
        host = (parts.hostname or "").rstrip(".").lower()
        if not host:
            return False
        return any(host == suffix or host.endswith("." + suffix) for suffix in self.allowed_suffixes)

    def urls_in(self, text: str) -> Iterator[str]:
        """Yield every URL-looking token of a free text (for links written inside prose)."""
        for match in URL_IN_TEXT.finditer(text):
            yield match.group(0).rstrip(".,;:")

    def offending(self, urls: Iterable[str]) -> list[str]:
        """Return the URLs that are not allowed."""
        return [url for url in urls if not self.is_allowed(url)]
