"""Every user error of the CLI is one line on stderr, no usage dump and no traceback, with the
documented exit code (2 for bad input); a bad line of a batch is an error on its line only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "shapes"
REPORT = EXAMPLE / "shapes" / "report.py"


def run(*args: str, stdin: str | None = None, cwd: Path = REPO,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "holepilot", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, timeout=120, env={**os.environ, **(env or {})})


def one_line(stderr: str) -> str:
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr and "usage:" not in stderr
    return stderr.rstrip("\n")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "good.py").write_text("total: int = \n", encoding="utf-8")
    (tmp_path / "latin.py").write_bytes(b"name = 'caf\xe9'\n")
    (tmp_path / "binary.py").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "folder").mkdir()
    return tmp_path


# -- arguments ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--log-level", "LOUD", "check", "x.py"],
         "holepilot: --log-level must be one of DEBUG, INFO, WARNING, ERROR, not 'LOUD' "
         "(see holepilot --help)"),
        (["complete", "x.py:1:1", "-n", "0"],
         "holepilot complete: -n must be at least 1 (see holepilot complete --help)"),
        (["context", "x.py:1:1", "--budget", "50"],
         "holepilot context: --budget must be at least 128 (see holepilot context --help)"),
        (["context", "x.py:1:1", "--budget", "many"],
         "holepilot context: --budget must be a whole number, not 'many' (see holepilot context --help)"),
        (["complete", "x.py:1:1", "--max-rounds", "9"],
         "holepilot complete: --max-rounds must be at most 5 (see holepilot complete --help)"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert one_line(captured.err) == expected


def test_a_small_budget_is_refused_not_warned_about_and_used() -> None:
    result = run("context", f"{REPORT}:26:14", "--json", "--budget", "50")
    assert result.returncode == 2
    assert "using 2048" not in result.stderr and result.stdout == ""
    assert one_line(result.stderr).startswith("holepilot context: --budget must be at least 128")


def test_the_budget_flag_is_the_budget_used_without_a_warning() -> None:
    result = run("context", f"{REPORT}:26:14", "--json", "--budget", "300")
    assert result.returncode == 0 and result.stderr == ""
    data = json.loads(result.stdout)
    assert data["budget"] == 300 and data["prompt_tokens"] <= 300


def test_a_bad_log_level_in_the_environment_is_one_line() -> None:
    result = run("check", str(REPORT), env={"HOLEPILOT_LOG": "LOUD"})
    assert result.returncode == 2
    assert "--log-level must be one of" in one_line(result.stderr)


@pytest.mark.parametrize("command", ["check", "context", "complete"])
def test_a_command_without_its_target_shows_its_usage_in_one_line(command: str) -> None:
    result = run(command)
    assert result.returncode == 2 and result.stdout == ""
    line = result.stderr.rstrip("\n")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert line.startswith(f"holepilot {command}: needs ")
    assert f"holepilot {command} --batch FILE" in line and f"holepilot {command} --help" in line


def test_help_lists_serve_and_shows_no_markup() -> None:
    result = run("--help")
    assert result.returncode == 0, result.stderr
    assert "serve" in result.stdout and "context" in result.stdout
    assert "``" not in result.stdout and ":func:" not in result.stdout


def test_version_prints_the_package_version() -> None:
    expected = next(
        line.split('"')[1]
        for line in (REPO / "pyproject.toml").read_text(encoding="utf-8").splitlines()
        if line.startswith("version = ")
    )
    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"holepilot {expected}"


# -- batches -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("missing.jsonl", "no such file"),
        ("folder", "is a directory"),
        ("binary.py", "binary file"),
        ("latin.py", "not UTF-8"),
    ],
)
@pytest.mark.parametrize("command", ["context", "complete", "check"])
def test_a_batch_source_that_cannot_be_read_is_one_line_and_exit_2(
    files: Path, command: str, source: str, reason: str
) -> None:
    result = run(command, "--batch", source, "--root", str(files), "--backend", "static", cwd=files)
    assert result.returncode == 2
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith(f"holepilot: --batch {files / source}: ") or line.startswith(
        f"holepilot: --batch {source}: "
    )
    assert reason in line


def test_bad_paths_inside_a_batch_fail_their_line_and_the_rest_go_on(files: Path) -> None:
    requests = [
        {"path": "missing.py", "line": 1, "column": 1},
        {"path": "folder", "line": 1, "column": 1},
        {"path": "binary.py", "line": 1, "column": 1},
        {"path": "latin.py", "line": 1, "column": 1},
        {"path": "good.py", "line": 1, "column": 14, "budget": 50},
        {"path": "good.py", "line": 1, "column": 14},
    ]
    stdin = "\n".join(json.dumps(r) for r in requests) + "\n"
    result = run("context", "--batch", "-", "--root", str(files), stdin=stdin, cwd=files)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(requests)
    reasons = ["no such file", "is a directory", "binary file", "not UTF-8", "'budget' must be at least 128"]
    for number, (answer, reason) in enumerate(zip(out, reasons, strict=False), 1):
        assert answer["error"].startswith(f"line {number}: ") and reason in answer["error"], answer
    assert out[-1]["expected_type"] == "int"


def test_a_line_of_stdin_that_is_not_utf8_fails_alone(files: Path) -> None:
    good = json.dumps({"path": "good.py", "line": 1, "column": 14}).encode()
    stdin = b'{"path": "caf\xe9.py"}\n' + good + b"\n"
    result = subprocess.run([sys.executable, "-m", "holepilot", "check", "--batch", "-", "--root", str(files)],
                            input=stdin, capture_output=True, cwd=files, timeout=120)
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["error"].startswith("line 1: not UTF-8")
    assert second["path"] == "good.py" and second["errors"] == 1  # the hole is a syntax error


def test_check_batch_answers_each_file(files: Path) -> None:
    stdin = json.dumps({"path": "good.py", "text": "x: int = 'a'\nprint(y)\n"}) + "\n"
    result = run("check", "--batch", "-", "--root", str(files), stdin=stdin, cwd=files)
    assert result.returncode == 0, result.stderr
    (answer,) = (json.loads(line) for line in result.stdout.splitlines())
    assert answer["errors"] >= 1 and any("y" in d["message"] for d in answer["diagnostics"])


def test_a_history_snapshot_that_is_not_utf8_is_bad_input(files: Path) -> None:
    (files / "good.py.1").write_bytes(b"total = '\xe9'\n")
    result = run("complete", "good.py:1:14", "--history", "good.py.1", "--backend", "static", cwd=files)
    assert result.returncode == 2
    assert "good.py.1: not UTF-8" in one_line(result.stderr)
