"""The oracle: jedi on the true code of a small on-disk package, every way of reaching a
definition of another module, the time bound and the cache."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from benchmarks.recall_index import Definition
from benchmarks.recall_oracle import (
    DefinitionTable,
    Oracle,
    OracleCache,
    OracleTimeout,
    Resolution,
    module_stem,
    time_limit,
)
from benchmarks.recall_sites import Site, sites_in_source
from tests.benchmarks.oracle_fixture import write_fixture


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixture(tmp_path_factory.mktemp("oracle"))


@pytest.fixture(scope="module")
def oracle(package: Path) -> Oracle:
    return Oracle(package, ("pkg",))


def use_source(package: Path) -> str:
    return (package / "pkg/use.py").read_text(encoding="utf-8")


def site(package: Path, kind: str, cut: str) -> Site:
    source = use_source(package)
    [found] = [
        s
        for s in sites_in_source(source, "pkg/use.py")
        if s.kind == kind and source[s.begin : s.end] == cut
    ]
    return found


def resolve(oracle: Oracle, package: Path, kind: str, cut: str) -> tuple[Definition, ...]:
    resolution = oracle.resolve(site(package, kind, cut), use_source(package))
    assert resolution.timeouts == 0
    return resolution.definitions


def test_method_through_an_attribute_assigned_in_init(oracle: Oracle, package: Path) -> None:
    found = resolve(oracle, package, "receiver", 'self.reader.expect("x")')
    # ``self.reader`` is defined in this module: only the method of the other module counts.
    assert found == (Definition("pkg/readers.py", "Reader.expect", 7, "method"),)


def test_inherited_method(oracle: Oracle, package: Path) -> None:
    found = resolve(oracle, package, "receiver", "self.visit(None)")
    assert found == (Definition("pkg/base.py", "Visitor.visit", 2, "method"),)


def test_class_method_and_its_class(oracle: Oracle, package: Path) -> None:
    found = resolve(oracle, package, "assign", 'Color.parse("red")')
    assert found == (
        Definition("pkg/base.py", "Color", 6, "class"),
        Definition("pkg/base.py", "Color.parse", 8, "method"),
    )


def test_attribute_of_a_function_result_builtins_left_out(oracle: Oracle, package: Path) -> None:
    found = resolve(oracle, package, "assign", 'readers.open_reader("y").position + len("abc")')
    assert found == (
        Definition("pkg/readers.py", "Reader.position", 5, "attribute"),
        Definition("pkg/readers.py", "open_reader", 15, "function"),
    )


def test_after_a_dot_only_the_cut_member_counts(oracle: Oracle, package: Path) -> None:
    found = resolve(oracle, package, "member", 'position + len("abc")')
    assert found == (Definition("pkg/readers.py", "Reader.position", 5, "attribute"),)


def test_property_and_class_level_annotated_attribute(oracle: Oracle, package: Path) -> None:
    assert resolve(oracle, package, "assign", "self.reader.done") == (
        Definition("pkg/readers.py", "Reader.done", 11, "property"),
    )
    assert resolve(oracle, package, "assign", "self.reader.limit") == (
        Definition("pkg/readers.py", "Reader.limit", 2, "attribute"),
    )


def test_stub_beside_a_module_gives_the_stub_definition(oracle: Oracle, package: Path) -> None:
    found = resolve(oracle, package, "assign", "scale(2, 3)")
    assert found == (Definition("pkg/stubbed.pyi", "scale", 1, "function"),)


def test_alias_at_module_level_is_inferred(oracle: Oracle, package: Path) -> None:
    found = resolve(oracle, package, "assign", 'Shade.parse("blue")')
    assert found == (
        Definition("pkg/base.py", "Color", 6, "class"),
        Definition("pkg/base.py", "Color.parse", 8, "method"),
    )


def test_definitions_of_the_same_module_do_not_count(oracle: Oracle, package: Path) -> None:
    assert resolve(oracle, package, "receiver", "self.helper(n)") == ()


def test_a_goto_over_its_time_is_counted_not_waited_for(package: Path) -> None:
    hurried = Oracle(package, ("pkg",), timeout_s=1e-6)
    chosen = site(package, "receiver", 'self.reader.expect("x")')
    resolution = hurried.resolve(chosen, use_source(package))
    assert resolution.references == len(chosen.references) > 0
    assert resolution.timeouts == resolution.references
    assert resolution.definitions == ()


def test_definition_table_kinds() -> None:
    table = DefinitionTable(
        "class A:\n"
        "    x: int\n"
        "    y = 2\n"
        "    def __init__(self):\n"
        "        self.z = 1\n"
        "    @property\n"
        "    def p(self): ...\n"
        "    @p.setter\n"
        "    def p(self, v): ...\n"
        "    @staticmethod\n"
        "    def s(): ...\n"
        "    class Inner:\n"
        "        def m(self): ...\n"
        "def f(): ...\n"
        "V = 1\n"
        "if True:\n"
        "    def g(): ...\n"
    )
    kinds = {(line, name): (e.qualname, e.kind) for (line, name), e in table.entries.items()}
    assert kinds[2, "x"] == ("A.x", "attribute")
    assert kinds[3, "y"] == ("A.y", "attribute")
    assert kinds[5, "z"] == ("A.z", "attribute")
    assert kinds[7, "p"] == ("A.p", "property") and kinds[9, "p"] == ("A.p", "property")
    assert kinds[11, "s"] == ("A.s", "method")
    assert kinds[13, "m"] == ("A.Inner.m", "method")
    assert kinds[14, "f"] == ("f", "function")
    assert kinds[15, "V"] == ("V", "variable")
    assert kinds[17, "g"] == ("g", "function")
    assert table.first_line["A.p"] == 7


def test_module_stem_ignores_the_stub_suffix() -> None:
    assert module_stem("pkg/a.pyi") == module_stem("pkg/a.py") == "pkg/a"


def test_cache_round_trip_and_stale_stamp(tmp_path: Path) -> None:
    file = tmp_path / "oracle" / "pkg-1.0.json"
    cache = OracleCache(file)
    resolution = Resolution((Definition("pkg/a.py", "A.f", 3, "method"),), 4, timeouts=1)
    cache.put("pkg/use.py:3:5:member", resolution)
    cache.save()
    again = OracleCache(file)
    assert again.get("pkg/use.py:3:5:member") == resolution
    file.write_text(file.read_text().replace('"oracle": ', '"oracle": 1000 + '), encoding="utf-8")
    assert OracleCache(file).get("pkg/use.py:3:5:member") is None  # unreadable: ignored
    text = file.read_text().replace("1000 + ", "")
    file.write_text(text.replace('"jedi": "', '"jedi": "old-'), encoding="utf-8")
    assert OracleCache(file).get("pkg/use.py:3:5:member") is None  # another jedi: stale


def test_time_limit_interrupts_again_when_an_interruption_is_swallowed() -> None:
    before = signal.getsignal(signal.SIGALRM)
    swallowed = 0
    with pytest.raises(OracleTimeout), time_limit(0.01):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                while time.monotonic() < deadline:
                    pass
            except OracleTimeout:
                swallowed += 1  # as a finalizer would: the loop goes on
                if swallowed > 1:
                    raise
    assert swallowed == 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before
    with time_limit(5):
        pass  # a quick body leaves nothing armed
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
