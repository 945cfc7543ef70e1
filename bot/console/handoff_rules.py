"""The handoff's fixed rules: office hours, each channel's reply window, the time-out.

Office hours decide whether a citizen asking for a person joins a live queue or leaves a
question. A reply window is how long (and how many times) an officer may still write to a
citizen after the citizen's last message; past it the console refuses the reply and says so,
so no answer is ever silently lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Zalo OA: 8 free replies ("tin phản hồi") within 48 h of the citizen's last message; the 9th, or any
# reply after 48 h, is a paid proactive message or refused (-230 after 7 days). The sources conflict
# (48 h by the Zalo OA help desk, 7 days by newer ones): see ../shared/research/channels-facts.md §1.6.
# The console keeps to the stricter 48 h / 8 replies, so a reply it lets through is one Zalo accepts.
ZALO_WINDOW = dt.timedelta(hours=48)
ZALO_REPLIES = 8


@dataclass(frozen=True)
class ReplyWindow:
    """What an officer may still send: until ``closes_at`` (None: no limit), ``left`` replies (None: any)."""

    closes_at: dt.datetime | None
    left: int | None

    def open(self, now: dt.datetime) -> bool:
        """Whether one more reply may go now."""
        in_time = self.closes_at is None or now < self.closes_at
        return in_time and (self.left is None or self.left > 0)


def reply_window(channel: str, citizen_at: dt.datetime, replies: int) -> ReplyWindow:
    """The window of ``channel`` after the citizen's last message and ``replies`` officer replies since.

    Telegram and the web chat let a bot write to a chat at any time (the web chat delivers when the
    page is next open); Zalo does not.
    """
    if channel == "zalo":
        return ReplyWindow(citizen_at + ZALO_WINDOW, max(0, ZALO_REPLIES - replies))
    return ReplyWindow(None, None)


@dataclass(frozen=True)
class OfficeHours:
    """When officers answer: spans of local time on some weekdays (no spans: always)."""

    spans: tuple[tuple[dt.time, dt.time], ...]
    weekdays: frozenset[int]  # 0 = Monday
    zone: ZoneInfo

    @classmethod
    def parse(cls, spans: str, weekdays: str, zone: ZoneInfo) -> OfficeHours:
        """``"07:30-11:30,13:30-17:00"`` and ``"0-4"`` (or ``"0,2,4"``); an empty ``spans`` is always open."""
        parsed = []
        for part in spans.split(","):
            start, _, end = part.strip().partition("-")
            if start and end:
                parsed.append((dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())))
        days: set[int] = set()
        for part in weekdays.split(","):
            first, _, last = part.strip().partition("-")
            if first.strip().isdigit():
                days.update(range(int(first), int(last or first) + 1))
        return cls(tuple(parsed), frozenset(days or range(7)), zone)

    def is_open(self, now: dt.datetime) -> bool:
        """Whether ``now`` falls in office hours."""
        if not self.spans:
            return True
        local = now.astimezone(self.zone)
        clock = local.time().replace(tzinfo=None)
        return local.weekday() in self.weekdays and any(start <= clock < end for start, end in self.spans)

    def opens_at(self, now: dt.datetime) -> dt.datetime:
        """The next opening (``now`` itself while open), local time."""
        local = now.astimezone(self.zone)
        if self.is_open(now) or not self.spans:
            return local
        for days in range(8):
            day = local.date() + dt.timedelta(days=days)
            if day.weekday() not in self.weekdays:
                continue
            for start, _end in sorted(self.spans):
                opening = dt.datetime.combine(day, start, self.zone)
                if opening > local:
                    return opening
        return local


__all__ = ["OfficeHours", "ReplyWindow", "ZALO_REPLIES", "ZALO_WINDOW", "reply_window"]
