"""``holepilot check``: basedpyright by default when installed, ``--pyright`` (required: exit 4
when missing) and ``--no-pyright``, which checkers ran in the text and the JSON, a missing
basedpyright said once in one line, a hung one answered for by the built-in checker."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cli.main import main
from completion import pyright as pyright_module
from tests.diagnostics.fake_pyright import fake_server

SOURCE = "value = obj.fooz\n"  # the built-in checker: 'obj' undefined; the fake pyright: fooz


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    (tmp_path / "mod.py").write_text(SOURCE)
    (tmp_path / "other.py").write_text("fine = 1\n")
    return tmp_path


def with_server(monkeypatch: pytest.MonkeyPatch, project: Path, mode: str | None) -> None:
    """A fake basedpyright first on PATH, or (None) none anywhere."""
    if mode is None:
        monkeypatch.setattr(sys, "executable", str(project / "nowhere" / "python"))
        monkeypatch.setenv("PATH", str(project / "nowhere"))
    else:
        monkeypatch.setenv("PATH", str(fake_server(project / "bin", mode).parent))


def check(project: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, str, list[str]]:
    code = main(["check", str(project / "mod.py"), "--root", str(project), *flags])
    out, err = capsys.readouterr()
    return code, out, [line for line in err.splitlines() if line.strip()]


def test_pyright_is_used_by_default_and_the_json_says_so(project: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with_server(monkeypatch, project, "answer")
    code, out, err = check(project, capsys, "--json")
    data = json.loads(out)
    assert code == 1 and data["checkers"] == ["builtin", "pyright"] and data["not_run"] == {}
    assert {d["source"] for d in data["diagnostics"]} >= {"names", "pyright"}
    assert err == []
    code, out, err = check(project, capsys)
    assert any("[pyright]" in line for line in out.splitlines())
    assert err == ["holepilot: checked by builtin and pyright"]


def test_no_pyright_leaves_it_out(project: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with_server(monkeypatch, project, "answer")
    code, out, _ = check(project, capsys, "--json", "--no-pyright")
    data = json.loads(out)
    assert code == 1 and data["checkers"] == ["builtin"] and data["not_run"] == {}
    assert all(d["source"] != "pyright" for d in data["diagnostics"])
    assert not (project / "bin" / "starts").exists()


def test_a_missing_pyright_is_said_once_in_one_line(project: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with_server(monkeypatch, project, None)
    code, out, err = check(project, capsys)
    assert code == 1 and "undefined name 'obj'" in out
    [line] = err
    assert line.startswith("holepilot: checked by builtin only (pyright did not run:")
    assert "pip install basedpyright" in line
    batch = project / "batch.jsonl"
    batch.write_text(json.dumps({"path": str(project / "mod.py")}) + "\n"
                     + json.dumps({"path": str(project / "other.py")}) + "\n")
    assert main(["check", "--batch", str(batch), "--root", str(project)]) == 0
    out, err = capsys.readouterr()
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["checkers"] for r in results] == [["builtin"], ["builtin"]]
    assert all("pip install basedpyright" in r["not_run"]["pyright"] for r in results)
    assert len([line for line in err.splitlines() if "pyright" in line]) == 1


def test_pyright_required_but_missing_is_exit_4(project: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with_server(monkeypatch, project, None)
    code, out, err = check(project, capsys, "--pyright")
    assert code == 4 and out == ""
    [line] = err
    assert line.startswith("holepilot: configuration: ") and "pip install basedpyright" in line


def test_both_flags_are_bad_input(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(project, capsys, "--pyright", "--no-pyright")
    assert code == 2 and err == ["holepilot: --pyright and --no-pyright exclude each other"]


def test_a_hung_pyright_gives_the_builtin_verdict_and_says_so(project: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with_server(monkeypatch, project, "hang")
    monkeypatch.setattr(pyright_module, "START_TIMEOUT_S", 1.0)
    code, out, err = check(project, capsys, "--json")
    data = json.loads(out)
    assert code == 1 and data["checkers"] == ["builtin"]
    assert "did not answer within 1 s" in data["not_run"]["pyright"]
    assert any("did not answer within 1 s" in line for line in err)
