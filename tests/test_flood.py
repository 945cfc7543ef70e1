"""Flood control: fast senders are paced (queued), refused only far over pace, and told once."""

from __future__ import annotations

from bot.channels.flood import PRUNE_EVERY, FloodControl


def test_a_burst_is_handled_at_once_then_paced() -> None:
    gate = FloodControl(burst=3, rate=1.0, max_delay=10)
    delays = [gate.admit("u", 0.0).delay for _ in range(6)]
    assert delays == [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]
    assert gate.admit("other", 0.0).delay == 0.0, "one sender's pace is not another's"


def test_someone_typing_every_0_9_seconds_loses_nothing() -> None:
    gate = FloodControl(burst=8, rate=1.0, max_delay=30)
    admissions = [gate.admit("u", 0.9 * n) for n in range(40)]
    assert all(item.accepted for item in admissions)
    assert admissions[9].delay == 0.0, "messages 9 and 10 (dropped by the old gate) are handled at once"
    assert max(item.delay for item in admissions) < 5


def test_far_over_pace_is_refused_with_one_notice_per_window() -> None:
    gate = FloodControl(burst=2, rate=1.0, max_delay=3)
    results = [gate.admit("u", 0.0) for _ in range(10)]
    assert [r.accepted for r in results] == [True] * 5 + [False] * 5  # delays 0, 0, 1, 2, 3; then over 3 s
    assert [r.notify for r in results if not r.accepted] == [True, False, False, False, False]
    assert gate.admit("u", 2.0).notify is False, "still inside the window: no second notice"
    later = gate.admit("u", 4.0)
    assert later.accepted, "the queue drained: the sender is heard again"


def test_idle_senders_are_forgotten() -> None:
    gate = FloodControl(burst=1, rate=1.0, max_delay=1)
    for n in range(PRUNE_EVERY - 1):
        gate.admit(f"user-{n}", 0.0)
    gate.admit("late", 5.0)  # the PRUNE_EVERY-th check: everyone else is back on pace
    assert set(gate._due) == {"late"}
