"""The oracle's miner on a small on-disk package: shares per kind, the seed, the cache."""

from __future__ import annotations

from pathlib import Path

from benchmarks.recall_mining import mine_oracle_holes, package_sources, shares
from benchmarks.recall_oracle import Oracle, OracleCache
from benchmarks.recall_sites import HOLE_KINDS
from tests.benchmarks.oracle_fixture import write_fixture


def test_shares_split_the_limit_evenly() -> None:
    assert shares(10, ("a", "b", "c")) == {"a": 4, "b": 3, "c": 3}
    assert sum(shares(64, HOLE_KINDS).values()) == 64


def test_holes_use_other_modules_are_seeded_and_cached(tmp_path: Path) -> None:
    root = write_fixture(tmp_path / "src")
    sources = package_sources(root, ("pkg",))
    assert "pkg/stubbed.pyi" not in sources and "pkg/use.py" in sources
    cache_file = tmp_path / "oracle.json"
    first = mine_oracle_holes(
        "pkg", sources, Oracle(root, ("pkg",)), OracleCache(cache_file), 12, seed=3
    )
    assert 0 < len(first.holes) <= 12
    assert first.resolved == first.examined > 0
    assert all(hole.definitions for hole in first.holes)
    assert {hole.kind for hole in first.holes} >= {"assign", "receiver", "member"}
    hole = next(h for h in first.holes if h.kind == "receiver" and h.line == 12)
    assert hole.expected == 'self.reader.expect("x")'
    assert hole.text.split("\n")[11] == "        "
    assert [d.qualname for d in hole.definitions] == ["Reader.expect"]
    again = mine_oracle_holes(
        "pkg", sources, Oracle(root, ("pkg",)), OracleCache(cache_file), 12, seed=3
    )
    assert again.resolved == 0 and again.examined == first.examined
    assert again.holes == first.holes
    small = mine_oracle_holes(
        "pkg", sources, Oracle(root, ("pkg",)), OracleCache(cache_file), 3, seed=3
    )
    assert len(small.holes) == 3
    assert len({hole.kind for hole in small.holes}) == 3  # one per kind before a second of any


def test_sites_that_refer_to_nothing_do_not_use_up_a_kinds_tries(tmp_path: Path) -> None:
    root = write_fixture(tmp_path / "src")
    # A data module: hundreds of assignments of literals, as in generated tables.
    data = "".join(f"NAME_{i} = 'value {i}'\n" for i in range(400))
    (root / "pkg" / "data.py").write_text(data, encoding="utf-8")
    sources = package_sources(root, ("pkg",))
    mined = mine_oracle_holes(
        "pkg", sources, Oracle(root, ("pkg",)), OracleCache(tmp_path / "o.json"), 8, seed=5
    )
    assert mined.sites["assign"] < 20  # the literals are no candidates
    assert any(hole.kind == "assign" for hole in mined.holes)
