"""The ``holepilot`` command: ``serve`` goes to the language server, everything else to the
CLI; the installed console script is that command."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "holepilot", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_serve_goes_to_the_language_server() -> None:
    result = run("serve", "--help")
    assert result.returncode == 0, result.stderr
    assert "--tcp" in result.stdout and "--log-file" in result.stdout


def test_other_commands_go_to_the_cli() -> None:
    result = run("check", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: holepilot check")


def test_the_console_script_is_the_entry_package() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["holepilot"] == "holepilot.main:main"
