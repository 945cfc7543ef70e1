"""Flood control with a manual clock: limits per user, one warning, idle users forgotten."""

from __future__ import annotations

from bot.flood import PRUNE_EVERY, FloodGate, Verdict


def test_burst_gets_one_warning_then_silence_and_recovers() -> None:
    now = [0.0]
    gate = FloodGate(limit=3, window=10, clock=lambda: now[0])
    assert [gate.check("a") for _ in range(5)] == [Verdict.PASS] * 3 + [Verdict.WARN, Verdict.DROP]
    assert gate.check("b") is Verdict.PASS  # another user is not affected
    now[0] = 11.0
    assert gate.check("a") is Verdict.PASS


def test_idle_users_are_forgotten() -> None:
    now = [0.0]
    gate = FloodGate(limit=3, window=10, clock=lambda: now[0])
    gate.check("old")
    now[0] = 100.0
    for number in range(PRUNE_EVERY):
        gate.check(f"u{number % 7}")
    assert "old" not in gate._seen and len(gate._seen) <= 7
