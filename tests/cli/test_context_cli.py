"""``holepilot context`` as a user runs it: a real process, text and JSON, batch, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "shapes"
REPORT = EXAMPLE / "shapes" / "report.py"


def run(*args: str, stdin: str | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "holepilot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_context_json_has_the_contract_keys() -> None:
    result = run("context", f"{REPORT}:26:14", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in (
        "prompt",
        "prompt_tokens",
        "expected_type",
        "typing_context",
        "relevant_types",
        "relevant_headers",
        "elapsed_ms",
    ):
        assert key in data
    assert data["expected_type"] == "Point"
    assert data["prompt_tokens"] <= data["budget"]
    assert any(t["name"].endswith("Point") and t["line"] for t in data["relevant_types"])
    assert "class Point" in data["prompt"]


def test_context_text_output_is_for_people() -> None:
    result = run("context", f"{REPORT}:20:31")
    assert result.returncode == 0, result.stderr
    assert "expected type: float" in result.stdout
    assert "scale(shape: Circle, factor: float)" in result.stdout


def test_small_budget_is_respected_and_keeps_the_expected_type() -> None:
    result = run("context", f"{REPORT}:26:14", "--json", "--budget", "200")
    data = json.loads(result.stdout)
    assert data["prompt_tokens"] <= 200
    assert "Expected type: Point" in data["prompt"]


def test_batch_answers_every_line_in_order_with_errors_in_place(tmp_path: Path) -> None:
    unsaved = REPORT.read_text(encoding="utf-8").replace("return r.__hole__", "return r.")
    lines = [
        {"path": str(REPORT), "line": 30, "column": 21, "budget": 1024},
        "not json",
        {"path": str(REPORT), "line": 9999, "column": 1},
        {"path": str(REPORT), "line": 26, "column": 14, "text": unsaved},
    ]
    source = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines)
    result = run("context", "--batch", "-", "--root", str(EXAMPLE), stdin=source)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["expected_type"] == "Point"
    assert "invalid JSON" in out[1]["error"]
    assert "outside" in out[2]["error"]
    assert out[3]["receiver_type"] == "Rectangle"
    assert {m["name"] for m in out[3]["receiver_members"]} >= {"corner", "center"}


@pytest.mark.parametrize("kind", ["missing", "outside", "not-utf8", "binary", "bad-spec"])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "x.py"
    target.write_text("x = 1\n", encoding="utf-8")
    spec = f"{target}:1:1"
    if kind == "missing":
        spec = f"{tmp_path / 'nope.py'}:1:1"
    elif kind == "outside":
        spec = f"{target}:1:40"
    elif kind == "not-utf8":
        target.write_bytes(b"x = '\xff\xfe'\n")
    elif kind == "binary":
        target.write_bytes(b"\x00\x01\x02binary")
    elif kind == "bad-spec":
        spec = f"{target}:one:1"
    result = run("context", spec)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("holepilot: ")


def test_holes_in_broken_code_still_answer(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "mod.py").write_text(
        "from dataclasses import dataclass\n\n@dataclass\nclass P:\n    x: int\n\n"
        "def broken(:\n    pass\n\ndef f() -> P:\n    return \n\nz = [1, 2\n",
        encoding="utf-8",
    )
    result = run("context", f"{tmp_path / 'mod.py'}:11:12", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["expected_type"] == "P"
    assert any(h["name"] == "P" for h in data["relevant_headers"])


def test_batch_lines_survive_line_separators_in_the_buffer(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    text = "x = 1\x0c\n# a form feed above and a U+2028 here: \u2028 ok\ny: int = \n"
    target = tmp_path / "m.py"
    target.write_text(text, encoding="utf-8")
    request = json.dumps({"path": str(target), "line": 3, "column": 10, "text": text}, ensure_ascii=False)
    result = run("context", "--batch", "-", "--root", str(tmp_path), stdin=request + "\n" + request + "\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()  # splits on U+2028 and form feeds too, as many consumers do
    assert len(lines) == 2
    assert all(json.loads(line)["expected_type"] == "int" for line in lines)


def test_a_file_over_the_size_limit_still_answers_with_less_context(tmp_path: Path) -> None:
    from completion.api import Engine
    from completion.model import HoleRequest
    from completion.settings import Settings

    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    body = "".join(f"def f{i}(x: int) -> int:\n    return x + {i}\n\n" for i in range(3000))
    target = tmp_path / "big.py"
    target.write_text("from dataclasses import dataclass\n\n@dataclass\nclass P:\n    x: int\n\n" + body
                      + "def last() -> P:\n    return \n", encoding="utf-8")
    line = target.read_text(encoding="utf-8").count("\n") - 1
    engine = Engine(tmp_path, Settings(max_file_bytes=20_000))
    report = engine.context(HoleRequest(str(target), line, 11))
    assert report.hole.expected_type == "P"
    assert report.hole.line == line
