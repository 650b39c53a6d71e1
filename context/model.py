"""Plain, frozen results of the analysis at a hole.

Every coordinate here is 0-based; columns count Unicode code points (not UTF-16 units,
not bytes). Conversions to other units live in :mod:`context.positions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Where a hole sits: an expression, after ``obj.``, an argument of a call, a statement of its
# own, or a placeholder (``...``, ``__hole__``) that the filling replaces.
HoleKind = Literal["expression", "attribute", "argument", "statement", "placeholder"]


@dataclass(frozen=True)
class Location:
    """A place in a file: absolute path, 0-based line, 0-based code-point column."""

    path: str
    line: int
    column: int = 0


@dataclass(frozen=True)
class Definition:
    """A rendered definition: a class skeleton, a function header or a signature."""

    name: str
    kind: str  # "class", "function", "method", "constructor", "field", "alias", "variable", "module",
    # "members" (a class's members), "receiver" (those of an attribute hole's receiver)
    text: str
    location: Location | None = None
    score: float = 0.0
    type: str | None = None  # the return type of a header, the value type of a variable


@dataclass(frozen=True)
class Binding:
    """A name usable at the hole, with its type when known."""

    name: str
    type: str | None
    kind: str  # "parameter", "local", "loop", "comprehension", "attribute", "global", "import"
    location: Location | None = None


@dataclass(frozen=True)
class CallInfo:
    """The call being written around the hole and the parameter the hole fills."""

    callee: str
    signature: str
    parameters: tuple[str, ...]
    active_parameter: int | None
    active_name: str | None
    location: Location | None = None


@dataclass(frozen=True)
class HoleContext:
    """What a type checker knows at a hole."""

    path: str
    line: int
    column: int
    hole_kind: HoleKind
    prefix: str  # document text before the hole
    suffix: str  # document text after the hole (a placeholder itself is removed)
    expected_type: str | None = None
    expected_type_source: str | None = None  # why we believe it, e.g. "annotation of best"
    expected_type_location: Location | None = None
    typing_context: tuple[Binding, ...] = ()
    relevant_types: tuple[Definition, ...] = ()
    relevant_headers: tuple[Definition, ...] = ()
    receiver: str | None = None
    receiver_type: str | None = None
    receiver_members: tuple[Definition, ...] = ()
    # The members of the classes of the receivers and bindings used around the hole, one class
    # per definition (kind "members"; "receiver" for the class of an attribute hole's receiver),
    # nearest first; inherited members under the class that defines them.
    nearby_members: tuple[Definition, ...] = ()
    call: CallInfo | None = None
    cross_file: tuple[Definition, ...] = ()
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Diagnostic:
    """A problem in a buffer, found by the analysis or by an external checker (pyright):
    0-based lines, code-point columns, the end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
    severity: str  # "error" | "warning" | "information"
    message: str
    source: str  # "syntax", "names", "attributes", "arity", "types", "pyright"
    code: str = ""  # the rule: "undefined-name", pyright's "reportAttributeAccessIssue", ...

    def to_json(self) -> dict[str, Any]:
        """1-based lines and columns, as compiler messages and the CLI show them."""
        return {
            "line": self.line + 1,
            "column": self.column + 1,
            "end_line": self.end_line + 1,
            "end_column": self.end_column + 1,
            "severity": self.severity,
            "message": self.message,
            "source": self.source,
            "code": self.code,
        }
