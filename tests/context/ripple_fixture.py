"""A small multi-file package for the ripple tests: a function, a class with methods, a module
variable, used through every kind of reference (imports, ``module.name``, ``__all__``, typed
receivers, ``self``, a subclass, keywords) and look-alikes that must be left alone."""

from __future__ import annotations

import textwrap
from pathlib import Path

FILES = {
    "pyproject.toml": "",
    "pkg/__init__.py": """\
        from .geometry import Shape, area

        __all__ = ["Shape", "area"]
        """,
    "pkg/geometry.py": """\
        LIMIT = 10


        class Shape:
            def scale(self, factor: float) -> "Shape":
                return self

            def grow(self) -> "Shape":
                return self.scale(2.0)


        class Square(Shape):
            pass


        class Other:
            def scale(self, factor: float) -> int:
                return 0


        def area(shape: Shape, precise: bool = False) -> float:
            return 1.0 if precise else 2.0


        def make(size: int, *, label: str = "") -> Shape:
            return Shape()


        def total(count: int) -> int:
            def inner() -> int:
                return count + 1

            def shadow(count: int) -> int:
                return count

            return count + inner() + shadow(3) + LIMIT
        """,
    "pkg/use.py": """\
        from pkg.geometry import Shape, Square, area, make, total
        from pkg import geometry


        def run(s: Shape, o: "geometry.Other", count: int, ratio: float) -> float:
            t = s.scale(2.0)
            Square().scale(1.0)
            o.scale(3.0)
            x = make(3)
            y = geometry.make(4, label="y")
            z = make(size=5)
            n = total(count=2) + geometry.LIMIT
            return area(t) + area(x, precise=True) + area(y, True) + n


        def local() -> int:
            area = 3
            return area


        def measured(s: Shape) -> float:
            return area(s)
        """,
    "pkg/dynamic.py": """\
        from pkg.geometry import Shape, make


        def forward(*args: int, **kwargs: str) -> Shape:
            return make(*args, **kwargs)


        def by_name(s: Shape) -> object:
            return getattr(s, "scale")
        """,
}


def write_package(root: Path, files: dict[str, str] = FILES) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root
