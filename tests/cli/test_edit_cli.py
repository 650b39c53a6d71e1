"""``holepilot edit`` (inline chat, headless) and edit history on the CLI, against scripted
model servers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from completion.cursorcore import edit_to_answer

REPO = Path(__file__).resolve().parents[2]

OLD = '''def area(w: float, h: float) -> float:
    return w * h


def describe(w: float, h: float) -> str:
    return "area"
'''
NEW = OLD.replace('return "area"', 'return f"area {area(w, h):.1f}"')


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "completion.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=180, env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "geo.py").write_text(OLD, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["sr", "lc", "wf"])
def test_edit_prints_a_diff_and_writes_it(llm_server: Any, project: Path, fmt: str) -> None:
    server = llm_server([{"answer": edit_to_answer(OLD, NEW, fmt)}])
    args = ["edit", "geo.py", "--range", "5:1-6:19", "--instruction", "show the area", "--format", fmt,
            "--backend", "openai", "--base-url", server.url, "--model", "m"]
    shown = run(*args, cwd=project)
    assert shown.returncode == 0, shown.stderr
    assert '+    return f"area {area(w, h):.1f}"' in shown.stdout
    assert (project / "geo.py").read_text(encoding="utf-8") == OLD, "without --write the file stays"
    body = json.dumps(server.requests[0]["messages"])
    assert "show the area" in body and "<|target_start|>" in body
    written = run(*args, "--write", cwd=project)
    assert written.returncode == 0, written.stderr
    assert (project / "geo.py").read_text(encoding="utf-8") == NEW


def test_a_malformed_answer_changes_nothing(llm_server: Any, project: Path) -> None:
    server = llm_server([{"answer": "I cannot do that."}])
    result = run("edit", "geo.py", "--range", "5:1-6:19", "--instruction", "x", "--backend", "openai",
                 "--base-url", server.url, "--model", "m", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["diff"] == "" and data["new_text"] == OLD


def test_static_edit_fills_placeholders_in_the_selection(project: Path) -> None:
    (project / "geo.py").write_text(OLD + "\n\ndef square(s: float) -> float:\n    x: float = ...\n    return x\n",
                                    encoding="utf-8")
    result = run("edit", "geo.py", "--range", "9:1-11:13", "--instruction", "fill it", "--backend", "static",
                 "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "x: float = s" in json.loads(result.stdout)["new_text"]


def test_history_snapshots_reach_the_completion_prompt(llm_server: Any, project: Path) -> None:
    earlier = project / "geo.py.1"
    earlier.write_text(OLD.replace("w * h", "w * h  # old"), encoding="utf-8")
    (project / "geo.py").write_text(OLD + "\n\ntotal: float = \n", encoding="utf-8")
    server = llm_server([{"answer": "area(1.0, 2.0)"}])
    result = run("complete", "geo.py:9:16", "--history", str(earlier), "--backend", "openai", "--base-url",
                 server.url, "--model", "m", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"] == "area(1.0, 2.0)"
    body = json.dumps(server.requests[0]["messages"])
    assert "Recent edits" in body and "-    return w * h  # old" in body


@pytest.mark.slow
def test_pyright_joins_the_error_rounds(llm_server: Any) -> None:
    pytest.importorskip("basedpyright")
    example = REPO / "examples" / "shapes"
    server = llm_server([{"match": "has no attribute", "answer": "corner"}, {"answer": "cornr"}])
    result = run("complete", f"{example / 'shapes' / 'report.py'}:26:14", "--pyright", "--backend", "openai",
                 "--base-url", server.url, "--model", "m", "--json", cwd=REPO)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == "corner"
    assert any(d["source"] == "pyright" for d in data["rounds"][0]["diagnostics"])


def test_edits_show_secrets_masked_and_keep_them_in_untouched_lines(llm_server: Any, project: Path) -> None:
    secret = 'TOKEN = "AKIAABCDEFGHIJKLMNOP"\n\n\n'
    (project / "geo.py").write_text(secret + OLD, encoding="utf-8")
    masked_old = 'TOKEN = "***"\n\n\n' + OLD
    server = llm_server([{"answer": edit_to_answer(masked_old, 'TOKEN = "***"\n\n\n' + NEW, "wf")}])
    result = run("edit", "geo.py", "--range", "8:1-9:19", "--instruction", "show the area", "--format", "wf",
                 "--backend", "openai", "--base-url", server.url, "--model", "m", "--write", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "AKIAABCDEFGHIJKLMNOP" not in json.dumps([r.body for r in server.requests])
    assert (project / "geo.py").read_text(encoding="utf-8") == secret + NEW
