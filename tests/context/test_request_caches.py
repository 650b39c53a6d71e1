"""What a request in a large file does not redo: summaries of statements moved by lines added
above them, summaries read back from the disk index with the pieces they were made of, and the
cyclic collector's walks over the caches."""

from __future__ import annotations

import gc
import re
import weakref
from pathlib import Path

import pytest

from context import summarize
from context.api import Analyzer, settle_heap
from context.gather import _uses_of
from context.parsing import tolerant_ast
from context.summarize import summarize_module
from context.summary import ModuleSummary
from context.workspace import Workspace
from tests.support.projects import numbered_package

METHODS = 6
SUMMARIZED = METHODS + 1  # and the method of the nested class


def _source(i: int) -> str:
    methods = "".join(
        f"    def m{k}(self, x: int) -> int:\n        self.f{k} = x\n        return x + {k}\n\n"
        for k in range(METHODS)
    )
    return (
        "import os\n\nLIMIT: int = 3\n\n\n"
        f"class Big{i}:\n    size: int = 0\n\n{methods}"
        "    class Inner:\n        def deep(self) -> str:\n            return ''\n\n\n"
        "def helper(y: str) -> str:\n    return y\n"
    )


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The methods summarized afresh (not taken from the fragment caches)."""
    calls: list[str] = []
    original = summarize._summarize_method

    def count(fn: object, qualname: str) -> object:
        calls.append(qualname)
        return original(fn, qualname)  # type: ignore[arg-type]

    monkeypatch.setattr(summarize, "_summarize_method", count)
    summarize._METHODS.clear()
    return calls


def _summary(text: str, cache: dict | None) -> ModuleSummary:  # type: ignore[type-arg]
    return summarize_module(tolerant_ast(text).tree, "/p/mod.py", "mod", lines=text.split("\n"),
                            cache=cache)


def _lines(summary: ModuleSummary) -> dict[str, int]:
    out = {f"f:{n}": f.line for n, f in summary.functions.items()}
    out |= {f"v:{n}": v.line for n, v in summary.variables.items()}
    out |= {f"i:{n}": i.line for n, i in summary.imports.items()}
    for name, cls in summary.classes.items():
        out[f"c:{name}"] = cls.line
        out |= {f"c:{name}.{m.name}": m.line for m in cls.methods}
        out |= {f"c:{name}.field.{f.name}": f.line for f in cls.fields}
        out |= {f"c:{name}.{c.name}.{m.name}": m.line for c in cls.classes for m in c.methods}
    return out


def test_statements_moved_by_added_lines_are_not_summarized_again(counted: list[str]) -> None:
    cache: dict = {}  # type: ignore[type-arg]
    text = _source(0)
    _summary(text, cache)
    assert len(counted) == SUMMARIZED
    counted.clear()
    # Two lines added in the middle of the class: the methods below only move.
    moved = text.replace("    def m2(", "    # a note\n    # another\n    def m2(")
    cached = _summary(moved, cache)
    assert counted == []
    assert cached == _summary(moved, None)  # the same summary, lines included
    # Lines added above the class: the whole statement moves.
    counted.clear()
    above = "# header\n\n\n" + moved
    cached = _summary(above, cache)
    assert counted == []
    fresh = _summary(above, None)
    assert cached == fresh
    assert _lines(cached)["c:Big0.m5"] == _lines(_summary(moved, None))["c:Big0.m5"] + 3
    assert _lines(cached)["c:Big0.field.f5"] == fresh.classes["Big0"].field("f5").line  # type: ignore[union-attr]


def test_an_edited_method_is_summarized_again_and_its_neighbours_are_not(counted: list[str]) -> None:
    cache: dict = {}  # type: ignore[type-arg]
    text = _source(0)
    _summary(text, cache)
    counted.clear()
    edited = text.replace("return x + 3", "value = x * 2\n        return value + 3")
    cached = _summary(edited, cache)
    assert counted == ["Big0.m3"]
    assert cached == _summary(edited, None)


def test_a_summary_read_back_from_disk_brings_its_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: list[str]
) -> None:
    root = numbered_package(tmp_path, monkeypatch, 2, _source)
    first = Workspace(root)
    for path in first.files():
        first.summary_for_path(path)
    first.disk.save()
    assert len(counted) == 2 * METHODS + 1  # the nested methods are alike
    # A new session: the summaries come from disk, the fragment caches are empty.
    summarize._METHODS.clear()
    counted.clear()
    second = Workspace(root)
    path = (root / "pkg" / "m1.py").resolve()
    assert second.summary_for_path(path) is not None and second.disk.hits == 1
    buffer = path.read_text(encoding="utf-8").replace("return x + 4", "return x - 4\n\n# new")
    summary = second.summary_for_text(path, buffer)
    assert counted == ["Big1.m4"]  # only the method the buffer changed
    assert summary == _summary_as_workspace(buffer, path)
    # The pieces are stored again with the summary (a save keeps what a session used).
    second.disk.save()
    summarize._METHODS.clear()
    counted.clear()
    third = Workspace(root)
    third.summary_for_path(path)
    third.summary_for_text(path, buffer)
    assert counted == ["Big1.m4"]


def _summary_as_workspace(text: str, path: Path) -> ModuleSummary:
    return summarize_module(tolerant_ast(text).tree, str(path), "pkg.m1")


def test_the_pieces_of_a_changed_file_are_not_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: list[str]
) -> None:
    root = numbered_package(tmp_path, monkeypatch, 1, _source)
    first = Workspace(root)
    first.summary_for_path((root / "pkg" / "m0.py").resolve())
    first.disk.save()
    path = (root / "pkg" / "m0.py").resolve()
    path.write_text(_source(0).replace("return x + 1", "return x + 100"), encoding="utf-8")
    summarize._METHODS.clear()
    counted.clear()
    second = Workspace(root)
    second.summary_for_text(path, path.read_text(encoding="utf-8"))
    assert len(counted) == SUMMARIZED  # the stored pieces were of another text


def test_uses_of_finds_what_the_lookbehind_pattern_finds() -> None:
    text = "a.b(1); xa.b; .a.c; a.b.d; (a.e) a.f\na.g a_a.h a.b"
    for dotted in ("a", "a.b"):
        pattern = rf"{re.escape(dotted)}\.([A-Za-z_]\w*)"
        expected = re.findall(rf"(?<![\w.]){pattern}", text)
        assert [m.group(1) for m in _uses_of(pattern, text)] == expected
        bare = rf"{re.escape(dotted)}\b"
        assert [m.start() for m in _uses_of(bare, text)] == \
            [m.start() for m in re.finditer(rf"(?<![\w.]){bare}", text)]


class _Node:
    def __init__(self) -> None:
        self.other: object = self


def test_settle_heap_collects_the_garbage_of_a_request_and_freezes_what_stays() -> None:
    try:
        garbage = _Node()  # a cycle: only the collector frees it
        gone = weakref.ref(garbage)
        del garbage
        kept = [_Node() for _ in range(100)]
        settle_heap()
        assert gone() is None
        assert gc.get_freeze_count() >= len(kept)
        assert all(not gc.is_tracked(k) or gc.get_freeze_count() for k in kept)
    finally:
        gc.unfreeze()


def test_a_request_leaves_its_caches_out_of_the_collectors_walks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = numbered_package(tmp_path, monkeypatch, 2, _source)
    settled: list[int] = []
    monkeypatch.setattr("context.api.settle_heap", lambda: settled.append(1))
    analyzer = Analyzer(root, jedi_cap_s=None)
    path = root / "pkg" / "m0.py"
    text = path.read_text(encoding="utf-8").replace("return x + 2", "return x.")
    line = text.split("\n").index("        return x.")
    analyzer.hole_context(path, line, len("        return x."), text)
    assert settled == [1]


def test_a_cycle_among_frozen_objects_is_collected_by_a_later_whole_collection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    try:
        settle_heap()
        cycle = _Node()
        gone = weakref.ref(cycle)
        settle_heap()  # frozen with the caches
        del cycle
        settle_heap()
        assert gone() is not None  # out of the collector's sight
        monkeypatch.setattr("context.api._settled", [0, 1])
        settle_heap()
        assert gone() is None
    finally:
        gc.unfreeze()
