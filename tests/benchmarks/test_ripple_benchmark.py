"""The ripple benchmark's harness on a small package written to disk: its cases, its oracle (jedi,
not holepilot's finder), its scoring and its table; and the edits it makes at definitions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from benchmarks.ripple import Case, PackageRun, percentile, scores, table
from benchmarks.ripple_cases import (
    add_parameter,
    functions_of,
    remove_parameter,
    rename,
    rename_parameter,
)
from benchmarks.ripple_oracle import Site, renamed_sites

FILES = {
    "pkg/__init__.py": "",
    "pkg/shapes.py": """\
        class Box:
            def grow(self, by: int, twice: bool = False) -> int:
                return by * 2 if twice else by

            def double(self) -> int:
                return self.grow(2, twice=True)


        def scale(value: int, factor: int = 2) -> int:
            return value * factor
        """,
    "pkg/use.py": """\
        from pkg.shapes import Box, scale
        from pkg import shapes


        def run(box: Box, n: int) -> int:
            a = box.grow(n)
            b = Box().grow(by=3, twice=True)
            c = scale(n) + shapes.scale(n, factor=3)
            return a + b + c
        """,
}


@pytest.fixture
def package(tmp_path: Path) -> Path:
    for relative, text in FILES.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_the_harness_scores_holepilot_and_jedi_on_a_small_package(package: Path) -> None:
    run = PackageRun("pkg-0", package, ("pkg",), per_package=5, seed=3, jedi_baseline=True)
    cases = run.run()
    assert {c.function for c in cases} == {"Box.grow", "scale"}
    assert {c.kind for c in cases} == {"rename", "add", "remove", "keyword"}
    rename_grow = next(c for c in cases if c.kind == "rename" and c.function == "Box.grow")
    assert set(rename_grow.sites) == {Site("pkg/shapes.py", 5, 20), Site("pkg/use.py", 5, 12),
                                      Site("pkg/use.py", 6, 14)}
    holepilot = scores(cases, jedi=False)
    assert holepilot["recall"] == 1.0 and holepilot["precision"] == 1.0, holepilot
    assert holepilot["exact"] == 1.0 and holepilot["parse"] == 1.0
    jedi = scores(cases, jedi=True)
    assert jedi["cases"] == len(cases) and jedi["precision"] == 1.0 and jedi["recall"] is not None
    assert all(c.elapsed_ms > 0 and c.jedi_proposed is not None for c in cases)
    printed = table(cases, cases[1:])
    assert "| holepilot | rename |" in printed and "| jedi | keyword |" in printed


def test_files_with_crlf_line_ends_are_scored_where_the_edits_land(package: Path) -> None:
    use = package / "pkg" / "use.py"
    use.write_bytes(use.read_bytes().replace(b"\n", b"\r\n"))
    run = PackageRun("pkg-0", package, ("pkg",), per_package=5, seed=3, jedi_baseline=False)
    cases = run.run()
    holepilot = scores(cases, jedi=False)
    assert holepilot["recall"] == 1.0 and holepilot["exact"] == 1.0 and holepilot["parse"] == 1.0, holepilot


def test_a_missed_site_and_a_wrong_one_count_against_recall_and_precision() -> None:
    truth = [Site("a.py", 1, 0), Site("a.py", 2, 0)]
    case = Case("p", "rename", "f", "a.py", truth, [Site("a.py", 9, 0)],
                proposed=[Site("a.py", 1, 0), Site("a.py", 3, 0), Site("a.py", 9, 0)], exact=False)
    assert case.counts(case.proposed) == (1, 1, 1)  # the undecided site counts neither way
    s = scores([case], jedi=False)
    assert s["recall"] == 0.5 and s["precision"] == 0.5 and s["exact"] == 0.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0


def test_the_edits_made_at_definitions(package: Path) -> None:
    path = package / "pkg/shapes.py"
    text = path.read_text(encoding="utf-8")
    scale, grow, double = functions_of(path, "pkg/shapes.py", text)
    assert (grow.owner, grow.implicit, scale.implicit) == ("Box", 1, 0)
    assert "def grow_r1(self, by" in rename(text, grow)
    added, index = add_parameter(text, grow) or ("", -1)
    assert "def grow(self, by: int, extra_arg: int, twice: bool = False)" in added and index == 2
    assert "def double(self, extra_arg: int)" in (add_parameter(text, double) or ("", 0))[0]
    assert "def grow(self, by: int) -> int" in remove_parameter(text, grow, grow.params[2])
    assert "def grow(self, twice: bool = False)" in remove_parameter(text, grow, grow.params[1])
    assert "def scale(value_r1: int, factor" in rename_parameter(text, scale.params[0])


def test_renamed_sites_reads_a_rename_back_as_sites_of_the_old_text() -> None:
    old = "a = scale(1) + scale_x(2)\nb = x.scale\n"
    new = "a = scale_r1(1) + scale_x(2)\nb = x.scale_r1\n"
    assert renamed_sites(old, new, "m.py", "scale") == {Site("m.py", 0, 4), Site("m.py", 1, 6)}


def test_a_keyword_of_a_call_jedi_cannot_decide_is_undecided_too(package: Path) -> None:
    use = package / "pkg" / "use.py"
    use.write_text(use.read_text(encoding="utf-8") + "\n\ndef unknown(z):\n    return z.grow(1, twice=True)\n",
                   encoding="utf-8")
    run = PackageRun("pkg-0", package, ("pkg",), per_package=5, seed=3, jedi_baseline=False)
    cases = run.run()
    keyword = next(c for c in cases if c.kind == "keyword" and c.function == "Box.grow")
    assert Site("pkg/use.py", 12, 13) in keyword.undecided and Site("pkg/use.py", 12, 21) in keyword.undecided
    assert Site("pkg/use.py", 12, 21) not in keyword.sites
    holepilot = scores(cases, jedi=False)
    assert holepilot["precision"] == 1.0 and holepilot["exact"] == 1.0, holepilot


def test_an_all_entry_of_a_name_a_star_import_brought_is_a_site(package: Path) -> None:
    (package / "pkg" / "__init__.py").write_text('from pkg.shapes import *\n\n__all__ = ["Box", "scale"]\n',
                                                encoding="utf-8")
    run = PackageRun("pkg-0", package, ("pkg",), per_package=5, seed=3, jedi_baseline=False)
    cases = run.run()
    rename_scale = next(c for c in cases if c.kind == "rename" and c.function == "scale")
    assert Site("pkg/__init__.py", 2, 19) in rename_scale.sites
    holepilot = scores(cases, jedi=False)
    assert holepilot["precision"] == 1.0 and holepilot["exact"] == 1.0, holepilot


def test_a_nonlocal_statement_of_a_renamed_parameter_is_a_site(package: Path) -> None:
    shapes = package / "pkg" / "shapes.py"
    shapes.write_text(shapes.read_text(encoding="utf-8") + textwrap.dedent("""\


        def tally(count: int) -> int:
            def bump() -> None:
                nonlocal count
                count += 1

            bump()
            return count
        """), encoding="utf-8")
    use = package / "pkg" / "use.py"
    use.write_text(use.read_text(encoding="utf-8") + "\n\nT = shapes.tally(count=2)\n", encoding="utf-8")
    run = PackageRun("pkg-0", package, ("pkg",), per_package=5, seed=3, jedi_baseline=False)
    cases = run.run()
    keyword = next(c for c in cases if c.kind == "keyword" and c.function == "tally")
    assert Site("pkg/shapes.py", 14, 17) in keyword.sites and Site("pkg/shapes.py", 15, 8) in keyword.sites
    holepilot = scores(cases, jedi=False)
    assert holepilot["recall"] == 1.0 and holepilot["exact"] == 1.0, holepilot


def test_a_package_pinned_by_hand_is_read_under_the_import_names_its_wheel_ships(tmp_path: Path,
                                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import zipfile

    from benchmarks.ripple import main

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with zipfile.ZipFile(downloads / "python_dateutil-2.9.0-py3-none-any.whl", "w") as archive:
        archive.writestr("python_dateutil-2.9.0.dist-info/top_level.txt", "dateutil\n")
        for relative in ("pkg/__init__.py", "pkg/shapes.py", "pkg/use.py"):
            text = textwrap.dedent(FILES[relative]).replace("pkg", "dateutil")
            archive.writestr(relative.replace("pkg", "dateutil"), text)
    assert main(["--packages", "python-dateutil==2.9.0", "--per-package", "1", "--no-jedi",
                 "--work", str(tmp_path)]) == 0
    table_text = capsys.readouterr().out
    assert "| holepilot | rename | 1 |" in table_text  # the cases of the ``dateutil`` package
