"""The terminal channel through the real console script: piped chat, kill, restart, resume."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


def env_for(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'chat.db'}"
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return env


def chat(tmp_path: Path, lines: list[str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env_for(tmp_path),
        timeout=120,
        check=True,
    )
    return result.stdout


def test_piped_conversation_prints_each_step_in_order(tmp_path: Path) -> None:
    out = chat(tmp_path, ["lam giay khai sinh cho con", "1", "2"] + ["1"] * 12)
    assert "1. Hướng dẫn từng bước" in out
    # "2" answers "Chưa": the VNeID level-2 guide runs inside, then the birth guide continues.
    assert "[Đăng ký tài khoản định danh điện tử VNeID mức 2] Bước 1/" in out
    birth_steps = [int(n) for n in re.findall(r"^Bước (\d+)/6", out, re.M)]
    assert birth_steps == [1, 2, 3, 4, 5, 6]
    assert "Bạn đã làm xong tất cả các bước" in out


def test_exits_cleanly_on_thoat_and_on_eof(tmp_path: Path) -> None:
    out = chat(tmp_path, ["xin chào", "thoát", "khai sinh"])
    assert "Xin chào" in out and "Đăng ký khai sinh" not in out


def read_until(process: subprocess.Popen[str], marker: str) -> str:
    seen = []
    assert process.stdout is not None
    for line in process.stdout:
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} never printed:\n{''.join(seen)}")


@pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX kill")
def test_killed_mid_guide_resumes_at_the_same_step(tmp_path: Path) -> None:
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
    out = chat(tmp_path, ["tiep"])
    assert re.search(r"^Bước 4/", out, re.M), out
