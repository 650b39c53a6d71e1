"""The built-in layer is meant to run on every candidate: a typical module takes tens of ms."""

from __future__ import annotations

import statistics
import time

from context.api import Analyzer
from tests.diagnostics.conftest import FIXTURES

HEADER = "from shapes import Circle, Point, Rectangle, Shape\nfrom shapes.util import Registry, clamp\n\n"
BLOCK = '''
class Holder{n}:
    def __init__(self, shape: Shape, name: str = "h{n}") -> None:
        self.shape = shape
        self.name = name
        self.registry = Registry()

    def total(self, others: list[Shape]) -> float:
        value = self.shape.area() + sum(o.area() for o in others)
        self.registry.add(self.name, int(value))
        return clamp(value, 0.0, 10.0)

    def describe(self) -> str:
        corner = Point({n}, {n})
        box = Rectangle(corner, 2.0, height=3.0)
        return f"{{self.name}}: {{box.area():.1f}} {{Circle.unit(corner).radius}}"
'''


def test_a_module_of_four_hundred_lines_checks_fast() -> None:
    text = HEADER + "".join(BLOCK.format(n=n) for n in range(25))
    assert 380 <= text.count("\n") <= 440
    analyzer = Analyzer(FIXTURES)
    path = FIXTURES / "speed_case.py"
    assert analyzer.diagnose(path, text) == []  # warms the caches of the imported modules
    times = []
    for _ in range(5):
        started = time.perf_counter()
        analyzer.diagnose(path, text)
        times.append((time.perf_counter() - started) * 1000)
    assert statistics.median(times) < 250, times
