"""The benchmark's glue on a tiny package: baselines, merged tables, JSON and the printed report."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from benchmarks import context_recall as cr
from benchmarks.recall_evaluate import BUDGETS
from benchmarks.recall_holepilot import Answer
from benchmarks.recall_index import PackageIndex
from benchmarks.recall_mining import Hole, Mined, mine_holes
from benchmarks.recall_packages import PackageSpec


def tiny_result(tmp_path: Path) -> tuple[cr.PackageResult, PackageIndex]:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "shapes.py").write_text(
        "class Shape:\n    pass\n\n\ndef make(n):\n    return Shape()\n", encoding="utf-8"
    )
    (package / "use.py").write_text(
        "from .shapes import Shape, make\n\ndef f():\n    a = make(1)\n    return Shape()\n",
        encoding="utf-8",
    )
    index = PackageIndex(tmp_path, ("pkg",))
    holes = mine_holes(index, "pkg")
    mined = Mined(holes, {"assign": 1, "return": 1})
    return cr.PackageResult(PackageSpec("pkg", "1.0", ("pkg",)), mined, len(index.modules)), index


def sources_of(index: PackageIndex) -> dict[str, str]:
    return {info.path: info.source for info in index.modules.values()}


def test_baselines_tables_json_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result, index = tiny_result(tmp_path)
    cr.run_baselines(result, sources_of(index))
    assert set(result.scores) == {(m, b) for m in ("local", "jaccard") for b in BUDGETS}
    table = cr.recall_table(result.scores)
    assert table["jaccard"][1024] == 1.0
    assert table["local"][1024] == 0.0
    assert table["holepilot"][1024] is None
    merged = cr.merged_scores([result, result])
    assert merged["jaccard", 2048].overall.total == 2 * result.definitions
    data = json.loads(json.dumps(cr.package_json(result)))
    assert data["holes"] == 2 and data["definitions"] == 2
    assert data["hole_list"][0]["found"]["jaccard@1024"] == [True]
    cr.print_report([result])
    printed = capsys.readouterr().out
    assert "| pkg-1.0 | 2 / 2 | Jaccard retrieval | 1.000 | 1.000 | 1.000 |" in printed
    assert "| local@1024 |" in printed


def test_latency_summary_leaves_out_the_first_answer_and_errors() -> None:
    answers = [
        Answer("", 0, 900.0),
        Answer("", 0, 10.0),
        Answer("", 0, 20.0),
        Answer("", 0, 5.0, error="x"),
    ]
    summary = cr.latency_summary(answers)
    assert summary["first_ms"] == 900.0
    assert summary["p50_ms"] == 10.0 and summary["p95_ms"] == 20.0
    assert summary["errors"] == 1 and summary["requests"] == 4


def test_slowest_files_rank_by_median_over_budgets(tmp_path: Path) -> None:
    result, _ = tiny_result(tmp_path)
    other = Hole("pkg", "pkg/other.py", 1, 1, "call", "", "", result.holes[0].definitions)
    holes = [result.holes[0], other]
    # Requests go budget by budget: answer i belongs to hole i % len(holes).
    answers = [
        Answer("", 0, 5.0),
        Answer("", 0, 50.0),
        Answer("", 0, 7.0),
        Answer("", 0, 1.0, error="x"),
    ]
    assert cr.slowest_files(holes, answers) == [
        {"path": "pkg/other.py", "median_ms": 50.0},
        {"path": "pkg/use.py", "median_ms": 6.0},
    ]
    assert cr.slowest_files(holes, answers, limit=1) == [
        {"path": "pkg/other.py", "median_ms": 50.0}
    ]


def test_report_groups_packages_by_split_with_totals_and_kind_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tuning, index = tiny_result(tmp_path)
    cr.run_baselines(tuning, sources_of(index))
    tuning.split = "tuning"
    test = dataclasses.replace(tuning, spec=PackageSpec("other", "2.0", ("pkg",)), split="test")
    cr.print_report([tuning, test])
    printed = capsys.readouterr().out
    for row in (
        "| pkg-1.0 | 2 / 2 | Jaccard retrieval |",
        "| **tuning total** | 2 / 2 | Jaccard retrieval |",
        "| other-2.0 | 2 / 2 | Jaccard retrieval |",
        "| **test total** | 2 / 2 | Jaccard retrieval |",
        "| **all** | 4 / 4 | Jaccard retrieval |",
    ):
        assert row in printed
    assert "Recall of the test packages by hole kind" in printed
    assert "| method | assign | return |" in printed  # the hole kinds, in their fixed order
    assert "| pkg-1.0 | 2 | 2 |" in printed  # the oracle table: holes, candidate sites


def test_a_test_split_package_writes_aggregates_only(tmp_path: Path) -> None:
    result, index = tiny_result(tmp_path)
    cr.run_baselines(result, sources_of(index))
    result.split = "test"
    data = cr.package_json(result)
    assert "hole_list" not in data and "holepilot_most_missed" not in data
    assert data["recall"] and data["split"] == "test"
    result.split = "tuning"
    assert "hole_list" in cr.package_json(result)


def test_arguments_default_to_the_tuning_split_and_bad_packages_say_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = cr.parse_args([])
    assert (args.split, args.packages, args.holes) == ("tuning", None, cr.DEFAULT_HOLES)
    assert cr.parse_args(["--split", "test"]).split == "test"
    assert cr.main(["--packages", "no-such-package", "--skip-holepilot"]) == 2
    assert capsys.readouterr().err.strip() == (
        "context_recall: unknown package 'no-such-package': pin it as NAME==VERSION"
    )
