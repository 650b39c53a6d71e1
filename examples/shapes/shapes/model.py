"""Shapes and the points they are made of."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Protocol


class Color(Enum):
    """Fill colours a shape may have."""

    RED = "red"
    GREEN = "green"
    BLUE = "blue"


@dataclass(frozen=True)
class Point:
    """A point in the plane."""

    x: float
    y: float

    def distance(self, other: Point) -> float:
        return math.hypot(self.x - other.x, self.y - other.y)


class Shape(Protocol):
    """Anything with an area and a position."""

    def area(self) -> float: ...

    def center(self) -> Point: ...


@dataclass
class Circle:
    """A circle given by its center and radius."""

    origin: Point
    radius: float
    color: Color = Color.RED

    def area(self) -> float:
        return math.pi * self.radius**2

    def center(self) -> Point:
        return self.origin


@dataclass
class Rectangle:
    """An axis-aligned rectangle."""

    corner: Point
    width: float
    height: float
    color: Color = Color.BLUE

    def area(self) -> float:
        return self.width * self.height

    def center(self) -> Point:
        return Point(self.corner.x + self.width / 2, self.corner.y + self.height / 2)
