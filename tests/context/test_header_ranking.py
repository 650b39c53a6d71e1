"""Relevant headers: the workspace's own code before its tests' helpers; no private methods."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer

LIB = """class Shape:
    @staticmethod
    def _internal() -> "Shape":
        return Shape()

    @classmethod
    def unit(cls) -> "Shape":
        return cls()
"""
HELPERS = "from pkg.shapes import Shape\n\n\ndef a_fake_shape() -> Shape:\n    return Shape()\n"
FACTORY = "from pkg.shapes import Shape\n\n\ndef z_build_shape() -> Shape:\n    return Shape()\n"


def headers(tmp_path: Path, where: str) -> list[str]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'w'\n", encoding="utf-8")
    for rel, text in {
        "pkg/__init__.py": "",
        "pkg/shapes.py": LIB,
        "pkg/factory.py": FACTORY,
        "tests/helpers.py": HELPERS,
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    use = tmp_path / where
    use.parent.mkdir(parents=True, exist_ok=True)
    text = "from pkg.shapes import Shape\n\nvalue: Shape = "
    use.write_text(text, encoding="utf-8")
    hole = Analyzer(tmp_path).hole_context(use, 2, len("value: Shape = "), text)
    return [h.name for h in hole.relevant_headers]


def test_library_code_sees_library_producers_before_test_helpers(tmp_path: Path) -> None:
    names = headers(tmp_path, "pkg/use.py")
    assert names.index("z_build_shape") < names.index("a_fake_shape")
    assert "Shape._internal" not in names and "Shape.unit" in names


def test_test_code_sees_test_helpers_as_any_other(tmp_path: Path) -> None:
    names = headers(tmp_path, "tests/test_use.py")
    assert names.index("a_fake_shape") < names.index("z_build_shape")  # equal scores: by name
