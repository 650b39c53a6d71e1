"""Reports over collections of shapes: each hole below is a place to try holepilot."""

from __future__ import annotations

from shapes.build import scale, square, unit_circle
from shapes.model import Circle, Point, Rectangle, Shape


def largest(shapes: list[Shape]) -> Shape:
    best: Shape = shapes[0]
    for s in shapes[1:]:
        if s.area() > best.area():
            best = s
    return best


def grow_all(circles: list[Circle], factor: float) -> list[Circle]:
    grown: list[Circle] = []
    for c in circles:
        grown.append(scale(c, ...))
    return grown


def first_corner(rects: list[Rectangle]) -> Point:
    r = rects[0]
    return r.__hole__


def default_shapes() -> list[Shape]:
    origin: Point = ...
    return [unit_circle(origin), square(origin, 2.0)]


def describe(c: Circle) -> str:
    return f"circle at {c.origin} with area {c.area():.2f}"


def biggest_circle(circles: list[Circle]) -> Circle:
    best = circles[0]
    for c in circles:
        if c.radius > best.ra
    return best
