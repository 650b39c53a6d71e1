"""Factories for shapes."""

from __future__ import annotations

from shapes.model import Circle, Color, Point, Rectangle


def unit_circle(at: Point | None = None) -> Circle:
    """A circle of radius 1."""
    return Circle(at or Point(0.0, 0.0), 1.0)


def square(corner: Point, side: float, color: Color = Color.GREEN) -> Rectangle:
    """A square as a rectangle with equal sides."""
    return Rectangle(corner, side, side, color)


def scale(shape: Circle, factor: float) -> Circle:
    """The same circle, its radius multiplied by ``factor``."""
    return Circle(shape.origin, shape.radius * factor, shape.color)
