"""The holepilot runner, the package cache and the report, without network or the real engine."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from benchmarks.packages import PINNED, TEST, TUNING, selected_packages, split_packages
from benchmarks.recall_holepilot import (
    entry_module,
    parse_answer,
    percentile,
    request_line,
    run_batch,
)
from benchmarks.recall_index import Definition
from benchmarks.recall_mining import Hole
from benchmarks.recall_packages import PackageSpec, spec_of, unpack
from benchmarks.recall_report import latency_markdown, recall_markdown, recall_svg
from benchmarks.recall_scoring import hits

HOLE = Hole(
    "pkg", "pkg/use.py", 3, 5, "assign", "a\nb\nc = \n", "f()", (Definition("pkg/f.py", "f", 1),)
)

# A stand-in entry point with the batch contract: one JSON answer per request line, in order.
FAKE_CLI = """\
    import json, sys
    args = sys.argv[1:]
    assert args[0] == "context" and args[1] == "--batch" and "--json" in args
    root = args[args.index("--root") + 1]
    for line in open(args[2], encoding="utf-8"):
        request = json.loads(line)
        if request["budget"] > 2000:
            print(json.dumps({"error": "too big"}))
            continue
        prompt = "def f(x):\\n" if request["path"].startswith(root) else ""
        print(json.dumps({"prompt": prompt, "prompt_tokens": 4, "elapsed_ms": request["line"] * 1.5}))
    """


def test_request_line_has_the_batch_fields(tmp_path: Path) -> None:
    record = json.loads(request_line(HOLE, tmp_path, 1024))
    assert record == {
        "path": str(tmp_path / "pkg/use.py"),
        "line": 3,
        "column": 5,
        "budget": 1024,
        "text": HOLE.text,
    }


def test_parse_answer() -> None:
    assert parse_answer('{"prompt": "p", "prompt_tokens": 3, "elapsed_ms": 2.5}').prompt == "p"
    assert parse_answer('{"error": "boom"}').error == "boom"
    assert parse_answer("garbage").error.startswith("not JSON")
    assert parse_answer("[1]").error.startswith("not an object")
    full = {
        "prompt": "p",
        "cross_file": [{"name": "f", "text": "def f(x): ..."}],
        "relevant_types": [{"name": "C", "text": "class C:\n    ..."}],
        "typing_context": [{"name": "v", "text": "def not_a_definition(): ..."}],
    }
    surfaced = parse_answer(json.dumps(full)).surfaced
    assert "def f(x)" in surfaced and "class C:" in surfaced
    assert "not_a_definition" not in surfaced


def test_surfaced_receiver_members_sit_under_their_members_line() -> None:
    answer = {
        "prompt": "p",
        "receiver": "self.reader",
        "receiver_type": "Reader",
        "receiver_members": [
            {"name": "expect", "text": "def expect(self, token: str) -> bool: ..."},
            {"name": "limit", "text": "limit: int"},
        ],
        "cross_file": [{"name": "f", "text": "def f(x): ..."}],
    }
    surfaced = parse_answer(json.dumps(answer)).surfaced
    assert "# members of self.reader: Reader\ndef expect(" in surfaced
    member = Definition("pkg/readers.py", "Reader.expect", 7, "method")
    assert hits(
        surfaced, [member, Definition("pkg/readers.py", "Reader.limit", 2, "attribute")]
    ) == [
        True,
        True,
    ]


def test_run_batch_against_a_real_subprocess(tmp_path: Path) -> None:
    (tmp_path / "fakecli.py").write_text(textwrap.dedent(FAKE_CLI), encoding="utf-8")
    root = tmp_path / "root"
    answers = run_batch(
        "fakecli", tmp_path, root, [(HOLE, 1024), (HOLE, 4096)], tmp_path / "b.jsonl"
    )
    assert [a.prompt for a in answers] == ["def f(x):\n", ""]
    assert answers[0].elapsed_ms == 4.5
    assert answers[1].error == "too big"


def test_run_batch_pads_missing_answers(tmp_path: Path) -> None:
    (tmp_path / "deadcli.py").write_text("import sys\nsys.exit(3)\n", encoding="utf-8")
    answers = run_batch("deadcli", tmp_path, tmp_path, [(HOLE, 1024)], tmp_path / "b.jsonl")
    assert answers[0].error == "no answer (exit 3)"


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.5) == 0.0


def test_unpack_extracts_only_the_import_packages_once(tmp_path: Path) -> None:
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("demo/__init__.py", "x = 1\n")
        archive.writestr("demo/sub/mod.py", "y = 2\n")
        archive.writestr("demo-1.0.dist-info/METADATA", "Name: demo\n")
    spec = PackageSpec("demo", "1.0", ("demo",))
    root = unpack(wheel, spec, tmp_path / "src")
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py")) == [
        "demo/__init__.py",
        "demo/sub/mod.py",
    ]
    assert not (root / "demo-1.0.dist-info").exists()
    (root / "demo" / "__init__.py").write_text("changed\n", encoding="utf-8")
    unpack(wheel, spec, tmp_path / "src")
    assert (root / "demo" / "__init__.py").read_text(encoding="utf-8") == "changed\n"


def test_spec_of_pins() -> None:
    assert spec_of("rich").version
    assert spec_of("markdown-it-py").imports == ("markdown_it",)
    assert spec_of("my-lib==1.2") == PackageSpec("my-lib", "1.2", ("my_lib",))
    with pytest.raises(ValueError):
        spec_of("not-pinned-anywhere")


def test_split_is_disjoint_covers_every_pin_and_leaves_out_reserved_packages() -> None:
    assert len(TUNING) + len(TEST) >= 15
    assert not set(TUNING) & set(TEST)
    assert set(TUNING) | set(TEST) == set(PINNED)
    assert not {"click", "attrs", "marshmallow", "structlog", "jinja2"} & set(PINNED)
    assert selected_packages(None, "test") == TEST
    assert selected_packages(None, "all") == TUNING + TEST
    assert selected_packages("rich, httpx", "test") == ("rich", "httpx")
    with pytest.raises(ValueError):
        split_packages("held-out")


def test_report_table_and_svg() -> None:
    table: dict[str, dict[int, float | None]] = {
        "local": {1024: 0.0, 2048: 0.01},
        "holepilot": {1024: 0.75, 2048: None},
    }
    markdown = recall_markdown([("pkg-1.0", "3 / 4", table)], (1024, 2048))
    assert "| pkg-1.0 | 3 / 4 | holepilot | 0.750 | n/a |" in markdown
    svg = recall_svg(table, (1024, 2048), "Recall <test>")
    root = ET.fromstring(svg)
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "0.75" in texts and "Recall <test>" in texts and "holepilot" in texts
    assert "2048 tokens" in texts
    latency = latency_markdown(
        [
            {
                "package": "p",
                "files": 2,
                "requests": 3,
                "errors": 0,
                "p50_ms": 1.0,
                "p95_ms": 2.0,
                "cold_s": None,
            }
        ]
    )
    assert latency.splitlines()[-1] == "| p | 2 | 3 | 0 | 1.0 | 2.0 | n/a |"


def test_entry_module_needs_a_context_command_with_batch(tmp_path: Path) -> None:
    (tmp_path / "silent.py").write_text("", encoding="utf-8")
    (tmp_path / "good.py").write_text("print('usage: context [--batch FILE]')\n", encoding="utf-8")
    assert entry_module(tmp_path, ("missing_module", "silent", "good")) == "good"
    assert entry_module(tmp_path, ("silent",)) is None
