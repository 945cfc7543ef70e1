"""Start-up benchmark: how soon ``dvcbot chat`` answers, and how much memory ``dvcbot run`` holds.

Starts ``python -m bot chat`` as a user would pipe it -- no messenger tokens, ``DATABASE_URL``
pointing at a temporary SQLite file that one earlier run already migrated and seeded with the
catalog (a warm database) -- writes one question and measures the wall time from starting the
process to the first line of its reply (and the CPU time the bot used until then, a figure a busy
machine disturbs less). Then starts ``python -m bot run`` (the terminal chat, as
no token is set), asks the same question, and reads the process's resident memory (``VmRSS``)
and its peak (``VmHWM``) from ``/proc`` once the answer is printed. Prints JSON.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--question "làm căn cước"]

Targets (issue 15): first reply ≤ 1 s, ``dvcbot run`` ≤ 150 MB resident. ``python -X importtime
-m bot chat`` shows which imports cost the time.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_REPLY_TARGET_S = 1.0
RSS_TARGET_MB = 150
# Everything that would start a messenger channel or change the catalog is left out.
DROPPED = ("TELEGRAM_", "ZALO_", "DVCBOT_", "DATABASE_URL", "ROUTER_", "ALLOWED_LINK_DOMAINS")


def environment(database: Path) -> dict[str, str]:
    """The environment of this process without bot settings, pointed at ``database``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(DROPPED)}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    env["PYTHONUNBUFFERED"] = "1"
    # An installed bot has its bytecode cached (pip compiles it at install time; a source
    # checkout writes it on the first run). A shell that forbids the cache would measure
    # compiling every module on every start instead of starting.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def read_line(process: subprocess.Popen[bytes], deadline: float) -> bytes:
    """The first non-blank line the process prints (raises on time-out or exit)."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    buffer = b""
    while True:
        lines = [line for line in buffer.split(b"\n")[:-1] if line.strip()]
        if lines:
            return lines[0]
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no reply")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                raise RuntimeError(f"the bot exited without replying (code {process.wait()})")
            buffer += chunk


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a running process has used so far (less sensitive to a busy machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a running process, in MB."""
    figures: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures[key] = round(int(value.split()[0]) / 1024, 1)
    return figures


def ask(command: str, env: dict[str, str], question: str, user: str, timeout: float = 120.0) -> dict[str, object]:
    """Start ``python -m bot <command>``, ask one question; the time to its first reply line and the memory."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", command, "--user", user],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None
    try:
        process.stdin.write(question.encode("utf-8") + b"\n")
        process.stdin.flush()  # stdin stays open: the bot waits for the next line once it has answered
        line = read_line(process, started + timeout)
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(process.pid)
        time.sleep(0.5)  # the rest of the answer is printed; the bot is idle, reading stdin
        figures = memory(process.pid)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return {"seconds": elapsed, "cpu": cpu, "first_line": line.decode("utf-8", "replace"), **figures}


def main() -> int:
    """Measure and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--question", default="làm căn cước")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dvcbot-startup-") as folder:
        env = environment(Path(folder) / "bench.db")
        ask("chat", env, args.question, "warm-up")  # migrates and stores the catalog: a warm database
        runs = [ask("chat", env, args.question, f"chat-{number}") for number in range(args.runs)]
        served = ask("run", env, args.question, "run")
    seconds = [float(str(run["seconds"])) for run in runs]
    cpu = [float(str(run["cpu"])) for run in runs]
    result = {
        "first_reply_s": {
            "command": "python -m bot chat, one piped question, warm SQLite database",
            "p50": round(statistics.median(seconds), 2),
            "max": round(max(seconds), 2),
            "runs": [round(value, 2) for value in seconds],
            "cpu_p50": round(statistics.median(cpu), 2),  # the bot's own CPU time until then
            "target": FIRST_REPLY_TARGET_S,
        },
        "memory_mb": {
            "command": "python -m bot run (terminal mode, no token) after answering one question",
            "VmRSS": served.get("VmRSS"),
            "VmHWM": served.get("VmHWM"),
            "target": RSS_TARGET_MB,
        },
        "first_line": runs[0]["first_line"] if runs else served["first_line"],
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
