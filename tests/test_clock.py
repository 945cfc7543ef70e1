"""One clock: nothing reads the machine's time except ``bot/clock.py``.

Every date the bot stores or shows comes from the clock the composition root passes in, so
the suite passes on any date (``.ci/run`` runs it again three years ahead with libfaketime)
and tests move time by hand.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK = ROOT / "bot" / "clock.py"
# (owner, attribute) of calls that read the machine's clock.
READS = {("datetime", name) for name in ("now", "utcnow", "today")} | {("date", "today")}
READS |= {("time", name) for name in ("time", "time_ns", "monotonic", "monotonic_ns", "localtime", "gmtime", "ctime")}


def clock_reads(path: Path) -> list[str]:
    """Where ``path`` calls ``datetime.now()``, ``time.time()`` and the like (``line: call``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
        if (name, node.func.attr) in READS:
            found.append(f"{node.lineno}: {name}.{node.func.attr}()")
    return found


def test_only_the_clock_module_reads_the_time() -> None:
    reads = [
        f"{path.relative_to(ROOT)}:{read}"
        for package in ("bot", "intents", "procedures")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != CLOCK
        for read in clock_reads(path)
    ]
    assert reads == [], "pass the clock in instead:\n" + "\n".join(reads)


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import datetime as dt, time\n"
        "a = dt.datetime.now(dt.UTC)\nb = time.time()\nc = dt.date.today()\nd = dt.time(3, 0)\n"
        "from datetime import datetime\ne = datetime.now()\n"
    )
    assert [read.split(": ")[1] for read in clock_reads(sample)] == [
        "datetime.now()",
        "time.time()",
        "date.today()",
        "datetime.now()",
    ]
