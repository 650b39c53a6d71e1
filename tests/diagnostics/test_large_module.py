"""A module of four hundred lines that uses a multi-file package: the built-in checker finds
nothing on correct code and exactly the one seeded mistake, however far down it is. (How fast it
is belongs to benchmarks/check_mutations.py, whose latency table has a row for modules of 400
lines or more.)"""

from __future__ import annotations

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


def module(blocks: int = 25) -> str:
    text = HEADER + "".join(BLOCK.format(n=n) for n in range(blocks))
    assert 380 <= text.count("\n") <= 440
    return text


def test_a_correct_module_of_four_hundred_lines_has_no_problems() -> None:
    analyzer = Analyzer(FIXTURES)
    path = FIXTURES / "large_case.py"
    assert analyzer.diagnose(path, module()) == []
    assert analyzer.diagnose(path, module()) == []  # and again, from warm caches


def test_one_mistake_at_the_end_of_a_long_module_is_the_only_problem() -> None:
    text = module()
    where = text.rindex("box.area()")
    seeded = text[:where] + "box.aera()" + text[where + len("box.area()"):]
    [problem] = Analyzer(FIXTURES).diagnose(FIXTURES / "large_case.py", seeded)
    assert problem.source == "attributes" and "'aera'" in problem.message
    assert problem.line == seeded[:where].count("\n")
