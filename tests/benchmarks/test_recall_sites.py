"""Where holes are cut: every kind of position, the cut, and the references the oracle resolves."""

from __future__ import annotations

import textwrap

from benchmarks.recall_sites import HOLE_KINDS, Positions, Site, sites_in_source

SOURCE = textwrap.dedent(
    """\
    from . import models
    from .util import build

    def run(self, count):
        value = build(count, size=models.SIZE)
        self.reader.skip(value)
        build(1)
        total = value + models.extra(count)
        return table[models.key(value)]
    """
)


def cuts(source: str) -> list[tuple[str, int, int, str]]:
    """(kind, line, column, cut text) of every site."""
    return [
        (s.kind, s.line, s.column, source[s.begin : s.end])
        for s in sites_in_source(source, "pkg/m.py")
    ]


def test_every_kind_of_position_and_the_cut_runs_to_the_end_of_the_statement() -> None:
    found = cuts(SOURCE)
    assert ("assign", 5, 13, "build(count, size=models.SIZE)") in found
    assert ("argument", 5, 19, "count, size=models.SIZE)") in found
    assert ("argument", 5, 26, "size=models.SIZE)") in found  # a keyword from its keyword
    assert ("member", 5, 38, "SIZE)") in found  # right after the dot
    assert ("receiver", 6, 5, "self.reader.skip(value)") in found  # a receiver chain starts it
    assert ("member", 6, 10, "reader.skip(value)") in found
    assert ("call", 7, 5, "build(1)") in found  # a plain callee
    assert ("operand", 8, 21, "models.extra(count)") in found
    assert ("return", 9, 12, "table[models.key(value)]") in found
    assert ("subscript", 9, 18, "models.key(value)]") in found
    assert {kind for kind, *_ in found} == set(HOLE_KINDS)


def by_cut(source: str, kind: str, cut: str) -> Site:
    [site] = [
        s
        for s in sites_in_source(source, "pkg/m.py")
        if s.kind == kind and source[s.begin : s.end] == cut
    ]
    return site


def test_references_are_those_after_the_cursor_without_locals_and_builtins() -> None:
    source = SOURCE.replace("build(1)", "build(len(models.key(count)))")
    site = by_cut(source, "call", "build(len(models.key(count)))")
    # ``len`` is a builtin nothing rebinds, ``count`` a parameter: they can only be local.
    assert [r.name for r in site.references] == ["build", "models", "key"]
    member = by_cut(source, "member", "skip(value)")
    assert [(r.name, r.line, r.column) for r in member.references] == [("skip", 6, 16)]


def test_a_rebound_builtin_is_kept() -> None:
    source = "from .compat import open\n\ndef f():\n    return open('x')\n"
    site = by_cut(source, "return", "open('x')")
    assert [r.name for r in site.references] == ["open"]


def test_non_ascii_columns_are_code_points() -> None:
    source = "from . import m\né = '🙂' + m.f(1)\n"
    site = by_cut(source, "member", "f(1)")
    assert (site.line, site.column) == (2, 13)  # 1-based, like the holes
    assert [(r.name, r.line, r.column) for r in site.references] == [("f", 2, 12)]  # jedi's
    assert Positions(source).line_column(site.begin) == (2, 12)


def test_compound_statement_headers_and_unparsable_modules_give_no_sites() -> None:
    assert sites_in_source("if models.flag(x):\n    pass\n", "pkg/m.py") == []
    assert sites_in_source("def broken(:\n", "pkg/m.py") == []


def test_site_key_names_path_position_and_kind() -> None:
    site = by_cut(SOURCE, "call", "build(1)")
    assert site.key == "pkg/m.py:7:5:call"
