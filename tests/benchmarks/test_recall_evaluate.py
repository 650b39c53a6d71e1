"""Scoring prompts per hole, the breakdowns and the baseline prompts of a tiny package."""

from __future__ import annotations

from pathlib import Path

from benchmarks.recall_baselines import WindowIndex
from benchmarks.recall_evaluate import (
    Scores,
    baseline_prompts,
    found_per_hole,
    most_missed,
    score_found,
    visibility,
)
from benchmarks.recall_index import Definition, PackageIndex
from benchmarks.recall_mining import Hole, mine_holes
from benchmarks.recall_report import breakdown_markdown
from completion.tokens import count_tokens

F = Definition("pkg/a.py", "helper", 3)
C = Definition("pkg/b.py", "Thing", 7, "class")


def hole(kind: str, text: str, line: int, definitions: tuple[Definition, ...]) -> Hole:
    return Hole("pkg", "pkg/use.py", line, 5, kind, text, "", definitions)


def test_visibility_near_elsewhere_absent() -> None:
    far_import = "from .a import helper\n" + "x = 1\n" * 60 + "y = \n"
    assert visibility(hole("assign", far_import, 62, (F,)), F) == "elsewhere"
    near = "from .a import helper\nz = helper\ny = \n"
    assert visibility(hole("assign", near, 3, (F,)), F) == "near"
    assert visibility(hole("assign", "from . import b\ny = \n", 2, (C,)), C) == "absent"
    assert visibility(hole("assign", "helpers = 1\ny = \n", 2, (F,)), F) == "absent"


def test_scores_by_kind_definition_and_visibility_then_merge() -> None:
    holes = [hole("call", "helper\n", 1, (F, C)), hole("return", "x\n", 1, (C,))]
    found = found_per_hole(holes, ["def helper(a):\n", "class Thing:\n"])
    assert found == [[True, False], [True]]
    scores = score_found(holes, found)
    assert (scores.overall.found, scores.overall.total) == (2, 3)
    assert scores.by_kind["call"].recall == 0.5
    assert scores.by_kind["return"].recall == 1.0
    assert scores.by_definition["class"].found == 1 and scores.by_definition["class"].total == 2
    assert scores.by_visibility["near"].total == 1
    assert most_missed(scores) == [
        {"path": "pkg/b.py", "qualname": "Thing", "line": 7, "kind": "class", "missed": 1}
    ]
    total = Scores()
    total.merge(scores)
    total.merge(scores)
    assert (total.overall.found, total.overall.total) == (4, 6)
    assert total.by_kind["call"].total == 4
    assert total.by_visibility["near"].total == 2
    assert total.by_definition["class"].total == 4
    assert total.missed[C] == 2
    assert set(scores.to_json()) >= {"recall", "by_kind", "by_definition", "by_visibility"}


def test_baseline_prompts_on_a_tiny_package(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "shapes.py").write_text(
        "class Shape:\n    size: int\n\n\ndef make_shape(size):\n    return Shape()\n",
        encoding="utf-8",
    )
    (tmp_path / "pkg" / "use.py").write_text(
        "from .shapes import make_shape\n\ndef build(size):\n    shape = make_shape(size)\n    return shape\n",
        encoding="utf-8",
    )
    index = PackageIndex(tmp_path, ("pkg",))
    holes = mine_holes(index, "pkg")
    windows = WindowIndex((info.path, info.source) for info in index.modules.values())
    prompts = baseline_prompts(holes, windows, 64)
    assert prompts["local"][0].startswith(
        "from .shapes import make_shape\n\ndef build(size):\n    shape = "
    )
    assert "def make_shape(" not in prompts["local"][0]
    assert "def make_shape(" in prompts["jaccard"][0]
    assert all(count_tokens(prompt) <= 64 for prompt in prompts["jaccard"] + prompts["local"])
    assert found_per_hole(holes, prompts["jaccard"]) == [[True]]


def test_breakdown_markdown() -> None:
    text = breakdown_markdown([("holepilot@1024", {"call": (0.5, 4), "name near": (1.0, 2)})])
    assert text.splitlines()[0] == "| method | call | name near |"
    assert text.splitlines()[-1] == "| holepilot@1024 | 0.50 (4) | 1.00 (2) |"
