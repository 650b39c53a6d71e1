"""The mutation benchmark's harness: verdicts on what a filling introduced, the oracle, the
report per kind and per checker, and the package split — without network or a real pyright."""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import asdict
from pathlib import Path

import pytest

from benchmarks.check_mutants import GROUPS, KINDS, Mutation
from benchmarks.check_mutations import (
    LARGE_LINES,
    Bench,
    Found,
    Outcome,
    Timings,
    judged,
    main,
    markdown,
    parse_args,
    really_an_error,
    run,
    summarize,
    verdicts,
)
from benchmarks.packages import PINNED, TEST, TUNING
from benchmarks.recall_mining import Hole
from completion.check import Edit, check_text
from context.api import Analyzer
from context.model import Diagnostic

RESERVED = ("click", "attrs", "marshmallow", "structlog", "jinja2")


def diag(line: int, column: int, end: int, message: str, source: str = "pyright", code: str = "") -> Diagnostic:
    return Diagnostic(line, column, line, end, "error", message, source, code)


def test_the_split_is_the_decided_one_and_holds_no_reserved_package() -> None:
    assert set(GROUPS) == {"name", "attribute", "call arity", "argument type", "syntax"}
    assert sorted(k for kinds in GROUPS.values() for k in kinds) == sorted(KINDS)
    assert not set(RESERVED) & (set(PINNED) | set(TUNING) | set(TEST))
    assert parse_args([]).split == "tuning"
    with pytest.raises(SystemExit):
        parse_args(["--split", "held-out"])


def test_each_verdict_charges_only_what_the_filling_brought() -> None:
    text = "x = \ny = 1\n"
    edit = Edit.of(text, 4, 4, "obj.fooz")
    before = Found([], [diag(1, 0, 1, "old noise", code="reportGeneralTypeIssues")])
    after = Found(
        [diag(0, 8, 12, "'Obj' has no attribute 'fooz'", source="attributes")],
        [diag(0, 8, 12, 'Cannot access attribute "fooz"', code="reportAttributeAccessIssue"),
         diag(0, 4, 12, "partially unknown", code="reportUnknownMemberType"),
         diag(1, 0, 1, "old noise", code="reportGeneralTypeIssues")],
    )
    charged = verdicts(before, after, edit)
    assert [d.message for d in charged["builtin"]] == ["'Obj' has no attribute 'fooz'"]
    assert [d.message for d in charged["pyright"]] == ['Cannot access attribute "fooz"']
    assert [d.message for d in charged["pyright_all"]] == ['Cannot access attribute "fooz"', "partially unknown"]
    assert [d.message for d in charged["combined"]] == ["'Obj' has no attribute 'fooz'"]  # said once
    without = verdicts(Found([], None), Found(after.builtin, None), edit)
    assert set(without) == {"builtin", "combined"} and without["combined"] == without["builtin"]


def test_the_verdicts_see_the_buffer_and_drop_errors_against_a_guessed_type() -> None:
    text = "items = [1]\n\n"
    filling = 'items.append("a")'
    edit = Edit.of(text, 12, 12, filling)
    guessed = diag(1, 13, 16, 'Argument of type "Literal[\'a\']" cannot be assigned to parameter "object" of type '
                              '"int" in function "append"', code="reportArgumentType")
    after = Found([], [guessed], text[:12] + filling + text[12:])
    charged = verdicts(Found([], [], text), after, edit)
    assert charged["pyright"] == [] and charged["combined"] == []
    assert charged["pyright_all"] == [guessed]  # the oracle still sees it
    assert verdicts(Found([], []), Found([], [guessed]), edit)["combined"] == [guessed]  # no buffer: charged


def test_the_oracle_asks_pyright_first_and_the_vocabulary_without_it() -> None:
    true_text = "x = obj.foo\n"
    mutation = Mutation("attribute", "obj.fooz", "fooz")
    edit = Edit.of(true_text, 4, 11, "obj.fooz")
    new_error = Found([], [diag(0, 8, 12, "nope")])
    assert really_an_error(mutation, Found([], []), new_error, edit, set())
    assert not really_an_error(mutation, Found([], []), Found([], []), edit, set())  # Any receiver
    assert really_an_error(mutation, Found([], None), Found([], None), edit, {"foo"})
    assert not really_an_error(mutation, Found([], None), Found([], None), edit, {"fooz"})
    assert not really_an_error(Mutation("wrong_type", "f(1)", "f"), Found([], None), Found([], None), edit, set())


def test_a_hit_must_name_the_mistake() -> None:
    hole = Hole("p", "p/m.py", 1, 5, "assign", "x = \n", "obj.foo", ())
    mutation = Mutation("attribute", "obj.fooz", "fooz")
    named = judged(hole, "p", mutation, {"builtin": [diag(0, 8, 12, "'Obj' has no attribute 'fooz'", "attributes")],
                                         "combined": [diag(0, 0, 1, "undefined name 'obj'", "names")]}, True)
    assert named.hits == {"builtin": True, "combined": False}
    assert named.charged["builtin"][0]["source"] == "attributes"
    true = judged(hole, "p", None, {"builtin": [diag(0, 4, 7, "x", "names")]}, None)
    assert true.kind == "true" and true.hits == {"builtin": False} and true.charged["builtin"]



def test_an_extra_argument_is_named_by_a_lower_case_class_or_the_callable_it_is_forwarded_to() -> None:
    hole = Hole("p", "p/m.py", 1, 5, "assign", "x = \n", "groupby(items, key)", ())
    extra = Mutation("extra_argument", "groupby(items, key, None)", "groupby")
    no_overload = 'No overloads for "__new__" match the provided arguments\n  Argument types: (Unknown, None)'
    assert judged(hole, "p", extra, {"combined": [diag(0, 0, 9, no_overload, "pyright")]}, True).hits["combined"]
    forwarded = Mutation("extra_argument", "run(file.seek, offset, None)", "run")
    whence = 'Argument of type "None" cannot be assigned to parameter "whence" of type "int"'
    assert judged(hole, "p", forwarded, {"combined": [diag(0, 0, 9, whence, "pyright")]}, True).hits["combined"]
    other = 'Argument of type "str" cannot be assigned to parameter "size" of type "int"'
    assert not judged(hole, "p", forwarded, {"combined": [diag(0, 0, 9, other, "pyright")]}, True).hits["combined"]

PACKAGE = """\
def area(width: int, height: int) -> int:
    return width * height


def perimeter(width: int, height: int) -> int:
    return 2 * (width + height)
"""
USE = "from pkg.shapes import area\n\nsize = 3\ntotal = area(size, height=4)\n"


async def test_a_package_hole_runs_through_the_builtin_checker(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "shapes.py").write_text(PACKAGE)
    (tmp_path / "pkg" / "use.py").write_text(USE)
    cut = USE.index("area(size")
    hole = Hole("pkg", "pkg/use.py", 4, 9, "assign", USE[:cut] + "\n", "area(size, height=4)", ())
    analyzer = Analyzer(tmp_path)
    bench = Bench("pkg", tmp_path, lambda path, text: check_text(analyzer, path, text), None,
                  {"area", "perimeter", "width", "height", "size", "total", "pkg", "shapes"})
    try:
        outcomes = await bench.run_hole(hole, random.Random(3))
    finally:
        bench.thread.shutdown()
    by_kind = {o.kind: o for o in outcomes}
    assert by_kind["true"].charged["builtin"] == [] and by_kind["true"].charged["combined"] == []
    assert by_kind["name"].real and by_kind["name"].hits["builtin"] and by_kind["name"].hits["combined"]
    assert by_kind["bracket"].real and by_kind["bracket"].hits["combined"]
    assert by_kind["wrong_keyword"].hits["builtin"], by_kind["wrong_keyword"]
    assert len(bench.timings.verdict_ms) == len(outcomes)
    summary = summarize(outcomes, bench.timings)
    assert summary["false_alarms"] == {"builtin": 0, "pyright": None, "combined": 0, "pyright_all": None}
    table = markdown(summary, [{"package": "pkg-0", "split": "tuning", "holes": 1, "summary": summary}])
    for label in ("| name |", "| attribute |", "| call arity |", "| argument type |", "| syntax |",
                  "| combined verdict |", "| pkg-0 | tuning | 1 |", "p95 ms"):
        assert label in table, (label, table)


async def test_true_only_checks_the_true_filling_and_no_mutation(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "shapes.py").write_text(PACKAGE)
    cut = USE.index("area(size")
    hole = Hole("pkg", "pkg/use.py", 4, 9, "assign", USE[:cut] + "\n", "area(size, height=4)", ())
    analyzer = Analyzer(tmp_path)
    bench = Bench("pkg", tmp_path, lambda path, text: check_text(analyzer, path, text), None, set(), true_only=True)
    try:
        outcomes = await bench.run_hole(hole, random.Random(3))
    finally:
        bench.thread.shutdown()
    assert [o.kind for o in outcomes] == ["true"] and outcomes[0].charged["combined"] == []
    assert parse_args(["--true-only"]).true_only and not parse_args([]).true_only


def outcome(kind: str, real: bool | None, hits: dict[str, bool], charged: dict[str, list[dict[str, str]]]) -> Outcome:
    return Outcome("p", "p/m.py", 1, kind, "tok", "f()", charged, hits, real)


def test_the_summary_counts_catch_per_kind_and_checker_and_false_alarms() -> None:
    flagged = [{"source": "pyright", "code": "reportCallIssue", "message": "m"}]
    outcomes = [
        outcome("true", None, {}, {"builtin": [], "pyright": flagged, "pyright_all": flagged, "combined": flagged}),
        outcome("true", None, {}, {"builtin": [], "pyright": [], "pyright_all": flagged, "combined": []}),
        outcome("attribute", True, {"builtin": False, "pyright": True, "combined": True}, {}),
        outcome("extra_argument", True, {"builtin": True, "pyright": False, "combined": True}, {}),
        outcome("wrong_keyword", False, {"builtin": True, "pyright": False, "combined": True}, {}),
    ]
    timings = Timings(verdict_ms=[10.0, 20.0, 30.0, 400.0])
    summary = summarize(outcomes, timings)
    assert summary["all"] == {"applied": 3, "real": 2, "builtin": 1, "pyright": 1, "combined": 2}
    assert summary["groups"]["call arity"] == {"applied": 2, "real": 1, "builtin": 1, "pyright": 0, "combined": 1}  # type: ignore[index]
    assert summary["false_alarms"] == {"builtin": 0, "pyright": 1, "combined": 1, "pyright_all": 2}
    assert summary["latency_ms"]["verdict"] == {"p50": 30.0, "p95": 400.0, "n": 4}  # type: ignore[index]
    # a misspelled keyword pyright's oracle does not call an error, that the built-in checker flags
    assert summary["misspelled_unjudged"] == {"count": 1, "builtin": 1, "pyright": 0, "combined": 1}
    assert "| 1 | 1/1 (100.0 %) | 0/1 (0.0 %) | 1/1 (100.0 %) |" in markdown(summary, [])


def test_checks_of_long_buffers_have_a_latency_row_of_their_own(tmp_path: Path) -> None:
    bench = Bench("pkg", tmp_path, lambda path, text: [], None, set())
    try:
        bench._builtin(tmp_path / "short.py", "x = 1\n")
        bench._builtin(tmp_path / "long.py", "x = 1\n" * LARGE_LINES)
    finally:
        bench.thread.shutdown()
    assert len(bench.timings.builtin_ms) == 2 and len(bench.timings.builtin_large_ms) == 1
    summary = summarize([], bench.timings)
    assert summary["latency_ms"]["builtin_large"]["n"] == 1  # type: ignore[index]
    assert f"| built-in, buffers of {LARGE_LINES}+ lines (wall) |" in markdown(summary, [])


async def test_a_split_runs_its_packages_and_writes_the_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ran: list[str] = []

    async def fake_package(name: str, holes: int, seed: int, use_pyright: bool) -> tuple[list[Outcome], Timings,
                                                                                          dict[str, object]]:
        ran.append(name)
        found = [outcome("name", True, {"builtin": True, "pyright": True, "combined": True}, {}),
                 outcome("true", None, {}, {"builtin": [], "combined": []})]
        return found, Timings(), {"package": f"{name}-1", "name": name, "split": "test", "holes": 1}

    out = tmp_path / "r.json"
    args = argparse.Namespace(packages=None, split="test", holes=1, seed=7, no_pyright=True, out=out)
    assert await run(args, fake_package) == 0
    assert tuple(ran) == TEST
    data = json.loads(out.read_text())
    assert len(data["packages"]) == len(TEST) and data["summary"]["all"]["real"] == len(TEST)
    assert "| **all** |" in capsys.readouterr().out
    true_only: list[bool] = []

    async def fake_true_only(name: str, holes: int, seed: int, use_pyright: bool,
                             only: bool = False) -> tuple[list[Outcome], Timings, dict[str, object]]:
        true_only.append(only)
        return [], Timings(), {"package": f"{name}-1", "name": name, "split": "test", "holes": 1}

    args = argparse.Namespace(packages="pkg==1", split="test", holes=1, seed=7, no_pyright=True, out=out, true_only=True)
    assert await run(args, fake_true_only) == 0 and true_only == [True]


def test_rescoring_judges_the_charged_diagnostics_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    overload = {"source": "pyright", "code": "reportCallIssue", "message": 'No overloads for "cast" match'}
    stale = outcome("missing_argument", True, {"builtin": False, "pyright": False, "combined": False},
                    {"builtin": [], "pyright": [overload], "combined": [overload]})
    stale.token = "cast"
    true = outcome("true", None, {}, {"builtin": [], "pyright": [], "combined": []})
    results = tmp_path / "r.json"
    results.write_text(json.dumps({
        "packages": [{"package": "p-1", "name": "p", "split": "tuning", "holes": 1}], "elapsed_s": 60.0,
        "timings": {"builtin_ms": [1.0], "builtin_cpu_ms": [1.0], "pyright_warm_ms": [2.0], "verdict_ms": [3.0],
                    "pyright_failures": 0},
        "outcomes": [asdict(stale), asdict(true)]}))
    assert main(["--rescore", str(results)]) == 0
    table = capsys.readouterr().out
    assert "| call arity | 1 | 1 | 0/1 (0.0 %) | 1/1 (100.0 %) | 1/1 (100.0 %) |" in table
