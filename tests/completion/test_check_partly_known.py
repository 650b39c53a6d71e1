"""Two more of pyright's findings that say nothing about a filling: a type error about a value
whose type pyright knows only in part (``Unknown`` in it), and a call of a value of
a type that is not callable that the buffer without the filling already makes elsewhere."""

from __future__ import annotations

import pytest

from completion.check import Edit, combined, introduced, partly_unknown
from context.model import Diagnostic


def error(message: str, code: str = "reportArgumentType", line: int = 0) -> Diagnostic:
    return Diagnostic(line, 4, line, 8, "error", message, "pyright", code)


PARTLY = 'Argument of type "Any | list[Any] | Unknown | ParseResults" cannot be assigned to parameter "c" of type "str"'


@pytest.mark.parametrize(("message", "code"), [
    (PARTLY, "reportArgumentType"),
    ('Type "Unknown | None" is not assignable to return type "str"', "reportReturnType"),
    ('Type "int | Unknown" is not assignable to declared type "str"', "reportAssignmentType"),
    ('Argument of type "list[Unknown] | None" cannot be assigned to parameter "m" of type "Iterable[str]"',
     "reportArgumentType"),  # deeper
    ('Argument of type "tuple[Unknown, ...] | list[Unknown]" cannot be assigned to parameter "c" of type '
     '"List[int]"', "reportArgumentType"),
    ('Argument of type "Generator[Unknown, None, None]" cannot be assigned to parameter "l" of type '
     '"Sequence[T@dedup]"', "reportArgumentType"),
])
def test_a_type_error_about_a_value_pyright_knows_only_in_part_is_not_charged(message: str, code: str) -> None:
    assert partly_unknown(error(message, code))
    assert combined([], [error(message, code)]) == []


@pytest.mark.parametrize("message", [
    'Argument of type "Literal[\'wrong\']" cannot be assigned to parameter "c" of type "int"',
    'Argument of type "UnknownThing" cannot be assigned to parameter "c" of type "int"',  # a class of that name
    'Argument of type "list[mod.Unknown]" cannot be assigned to parameter "c" of type "int"',
    'Cannot access attribute "fooz" for class "Unknown | str"',  # not a type error about a value
])
def test_a_type_pyright_knows_whole_is_charged(message: str) -> None:
    code = "reportAttributeAccessIssue" if message.startswith("Cannot") else "reportArgumentType"
    assert not partly_unknown(error(message, code))
    assert combined([], [error(message, code)]) == [error(message, code)]


def test_a_call_of_what_is_not_callable_that_the_buffer_already_makes_is_not_charged() -> None:
    text = "a = t[0].strip()\nb = \n"
    edit = Edit.of(text, len(text) - 1, len(text) - 1, "t[0].strip()")
    called = 'Object of type "Literal[\'\']" is not callable\n  Attribute "__call__" is unknown'
    before = [error(called, "reportCallIssue", 0)]
    again = error(called, "reportCallIssue", 1)
    other = error(called.replace("Literal['']", "int"), "reportCallIssue", 1)
    assert introduced(before, [before[0], again], edit) == []
    assert introduced(before, [before[0], other], edit) == [other]  # another type called
    # a call issue that does not name its subject is charged again
    arity = error("Expected 1 positional argument", "reportCallIssue", 1)
    assert introduced([error("Expected 1 positional argument", "reportCallIssue", 0)], [arity], edit) == [arity]


def test_no_overload_taking_a_partly_unknown_argument_is_not_charged_either() -> None:
    argument = error('Argument of type "list[Unknown | str | None]" cannot be assigned to parameter "components" '
                     'of type "Iterable[AnyStr@urlunparse | None]"')
    overload = Diagnostic(0, 0, 0, 40, "error", 'No overloads for "urlunparse" match the provided arguments',
                          "pyright", "reportCallIssue")
    assert combined([], [overload, argument]) == []
    literal = error('Argument of type "Literal[1]" cannot be assigned to parameter "c" of type "str"')
    assert combined([], [overload, literal]) == [overload, literal]
