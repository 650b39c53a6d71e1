"""A small package written to disk for the oracle, miner and report tests: every way the true code
can reach a definition of another module (through ``self.x`` assigned in ``__init__``, an
inherited method, a class method, an attribute of a function's result, an alias, a ``.pyi`` stub
beside a ``.py``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

FILES = {
    "pkg/__init__.py": "from .readers import Reader as Reader\n",
    "pkg/readers.py": """\
        class Reader:
            limit: int = 3

            def __init__(self, text: str) -> None:
                self.position = 0

            def expect(self, token: str) -> bool:
                return True

            @property
            def done(self) -> bool:
                return False


        def open_reader(text: str) -> Reader:
            return Reader(text)
        """,
    "pkg/base.py": """\
        class Visitor:
            def visit(self, node: object) -> None:
                pass


        class Color:
            @classmethod
            def parse(cls, text: str) -> "Color":
                return cls()
        """,
    "pkg/aliases.py": """\
        from .base import Color

        Shade = Color
        """,
    "pkg/stubbed.py": """\
        def _make():
            def inner(x, factor):
                return x * factor
            return inner


        scale = _make()
        """,
    "pkg/stubbed.pyi": """\
        def scale(x: int, factor: int) -> int: ...
        """,
    "pkg/use.py": """\
        from . import readers
        from .aliases import Shade
        from .base import Color, Visitor
        from .stubbed import scale


        class Parser(Visitor):
            def __init__(self, text: str) -> None:
                self.reader = readers.open_reader(text)

            def run(self) -> None:
                self.reader.expect("x")
                self.visit(None)
                c = Color.parse("red")
                n = readers.open_reader("y").position + len("abc")
                d = self.reader.done
                m = self.reader.limit
                s = scale(2, 3)
                k = Shade.parse("blue")
                self.helper(n)

            def helper(self, n: int) -> int:
                return n
        """,
}


def write_fixture(root: Path) -> Path:
    """The fixture package under ``root`` (which becomes the package root); returns ``root``."""
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root
