"""The terminal channel: piped chat, kill, restart, resume; one run of the real console script.

The conversations run ``dvcbot chat`` in this process (the ``dvcbot`` fixture); the smoke test
and the kill need a real process.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.processes import bot_environment


def console_script() -> list[str]:
    """The installed ``dvcbot`` script next to this Python, else ``python -m bot``."""
    script = Path(sys.executable).with_name("dvcbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def env_for(tmp_path: Path) -> dict[str, str]:
    return bot_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'chat.db'}")


def test_the_console_script_chats_piped_and_exits_on_thoat(tmp_path: Path) -> None:
    """The smoke test: the installed script starts, answers, and stops at "thoát" before the next line."""
    result = subprocess.run(
        console_script() + ["chat"],
        input="xin chào\nthoát\nkhai sinh\n",
        capture_output=True,
        text=True,
        env=env_for(tmp_path),
        timeout=120,
        check=True,
    )
    assert "Xin chào" in result.stdout and "Đăng ký khai sinh" not in result.stdout


def test_piped_conversation_prints_each_step_in_order(terminal_chat: Callable[[list[str]], str]) -> None:
    out = terminal_chat(["lam giay khai sinh cho con", "1", "2"] + ["1"] * 12)
    assert "1. Hướng dẫn từng bước" in out
    # "2" answers "Chưa": the VNeID level-2 guide runs inside, then the birth guide continues.
    assert "[Đăng ký tài khoản định danh điện tử VNeID mức 2] Bước 1/" in out
    birth_steps = [int(n) for n in re.findall(r"^Bước (\d+)/6", out, re.M)]
    assert birth_steps == [1, 2, 3, 4, 5, 6]
    assert "Bạn đã làm xong tất cả các bước" in out


def test_exits_cleanly_on_thoat_and_on_eof(terminal_chat: Callable[[list[str]], str]) -> None:
    out = terminal_chat(["xin chào", "thoát", "khai sinh"])
    assert "Xin chào" in out and "Đăng ký khai sinh" not in out
    assert "Xin chào" in terminal_chat(["xin chào"]), "end of input ends the chat"


def read_until(process: subprocess.Popen[str], marker: str) -> str:
    seen = []
    assert process.stdout is not None
    for line in process.stdout:
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} never printed:\n{''.join(seen)}")


@pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX kill")
def test_killed_mid_guide_resumes_at_the_same_step(tmp_path: Path, terminal_chat: Callable[[list[str]], str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env_for(tmp_path),
    )
    assert process.stdin is not None
    for line in ["tam tru", "1", "1", "tiep"]:
        process.stdin.write(line + "\n")
        process.stdin.flush()
    read_until(process, "Bước 3/")
    process.kill()
    process.wait(timeout=30)
    out = terminal_chat(["tiep"])  # the restart: the same database, in this process
    assert re.search(r"^Bước 4/", out, re.M), out
