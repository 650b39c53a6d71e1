"""The hole miner on tiny packages written to a temporary directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

from benchmarks.recall_index import Definition, PackageIndex, absolute_module
from benchmarks.recall_mining import cursor_offset, mine_holes, sample_holes


def write_package(root: Path, files: dict[str, str]) -> PackageIndex:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return PackageIndex(root, ("pkg",))


SHAPES = """\
    class Shape:
        pass


    def make_shape(size: int) -> Shape:
        return Shape()
    """


def test_absolute_module_of_relative_imports() -> None:
    assert absolute_module("pkg.sub.mod", False, 1, "x") == "pkg.sub.x"
    assert absolute_module("pkg.sub.mod", False, 2, "x") == "pkg.x"
    assert absolute_module("pkg.sub", True, 1, None) == "pkg.sub"
    assert absolute_module("pkg.sub.mod", False, 0, "pkg.y") == "pkg.y"


def test_relative_from_import_gives_an_assign_hole(tmp_path: Path) -> None:
    index = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/shapes.py": SHAPES,
            "pkg/use.py": """\
                from .shapes import make_shape

                def build() -> None:
                    value = make_shape(3)
                """,
        },
    )
    [hole] = mine_holes(index, "pkg")
    assert (hole.path, hole.line, hole.column, hole.kind) == ("pkg/use.py", 4, 13, "assign")
    assert hole.expected == "make_shape(3)"
    assert hole.definitions == (Definition("pkg/shapes.py", "make_shape", 5, "function"),)
    assert hole.text.split("\n")[3] == "    value = "


def test_absolute_import_and_module_alias_and_reexport(tmp_path: Path) -> None:
    index = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.shapes import Shape as Shape\n",
            "pkg/shapes.py": SHAPES,
            "pkg/use.py": """\
                import pkg.shapes as sh
                from pkg import Shape

                def build():
                    return sh.make_shape(1), Shape()

                def draw():
                    sh.make_shape(2)
                """,
        },
    )
    holes = mine_holes(index, "pkg")
    assert [(hole.kind, hole.line) for hole in holes] == [("return", 5), ("call", 8)]
    names = {d.name for d in holes[0].definitions}
    assert names == {"make_shape", "Shape"}
    assert all(d.path == "pkg/shapes.py" for d in holes[0].definitions)
    assert holes[1].column == 5
    assert holes[1].text.split("\n")[7] == "    "


def test_dotted_import_chain_and_await_call(tmp_path: Path) -> None:
    index = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/sub/__init__.py": "",
            "pkg/sub/tasks.py": "async def run() -> int:\n    return 1\n",
            "pkg/use.py": """\
                import pkg.sub.tasks

                async def main():
                    await pkg.sub.tasks.run()
                """,
        },
    )
    [hole] = mine_holes(index, "pkg")
    assert hole.kind == "call"
    assert hole.expected == "await pkg.sub.tasks.run()"
    assert hole.definitions == (Definition("pkg/sub/tasks.py", "run", 1, "function"),)


def test_same_file_and_foreign_definitions_make_no_hole(tmp_path: Path) -> None:
    index = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/use.py": """\
                import os
                from os.path import join

                def local():
                    return 1

                def f():
                    x = local()
                    y = join("a", "b")
                    os.getcwd()
                    return x
                """,
        },
    )
    assert mine_holes(index, "pkg") == []


def test_class_definitions_are_marked_and_lines_point_at_the_keyword(tmp_path: Path) -> None:
    index = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/model.py": "import dataclasses\n\n@dataclasses.dataclass\nclass Point:\n    x: int\n",
            "pkg/use.py": "from pkg.model import Point\n\norigin: Point = Point(0)\n",
        },
    )
    [hole] = mine_holes(index, "pkg")
    assert hole.definitions == (Definition("pkg/model.py", "Point", 4, "class"),)
    assert (hole.line, hole.column) == (3, 17)


def test_non_ascii_columns_are_code_points_and_the_cut_ends_at_the_statement(
    tmp_path: Path,
) -> None:
    index = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/shapes.py": SHAPES,
            "pkg/use.py": "from .shapes import make_shape\n"
            "éa['🙂'] = make_shape(\n    2,\n)  # tail\nnext_line = 1\n",
        },
    )
    [hole] = mine_holes(index, "pkg")
    assert (hole.line, hole.column) == (2, 11)
    assert hole.expected == "make_shape(\n    2,\n)"
    assert hole.text.endswith("éa['🙂'] =   # tail\nnext_line = 1\n")
    offset = cursor_offset(hole.text, hole.line, hole.column)
    assert hole.text[:offset].endswith("éa['🙂'] = ")


def test_star_import_and_from_dot_import_module(tmp_path: Path) -> None:
    index = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "from .shapes import *\n",
            "pkg/shapes.py": SHAPES,
            "pkg/use.py": "from . import shapes\nfrom pkg import make_shape\na = shapes.Shape()\nb = make_shape(1)\n",
        },
    )
    holes = mine_holes(index, "pkg")
    assert [h.definitions[0].name for h in holes] == ["Shape", "make_shape"]


def test_sampling_is_seeded_and_bounded(tmp_path: Path) -> None:
    body = "".join(f"v{i} = make_shape({i})\n" for i in range(30))
    index = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/shapes.py": SHAPES,
            "pkg/use.py": "from .shapes import make_shape\n" + body,
        },
    )
    holes = mine_holes(index, "pkg")
    assert len(holes) == 30
    first, again, other = (sample_holes(holes, 10, seed) for seed in (1, 1, 2))
    assert first == again
    assert first != other
    assert len(first) == 10
    assert [h.line for h in first] == sorted(h.line for h in first)
    assert sample_holes(holes, 100, 1) == holes
