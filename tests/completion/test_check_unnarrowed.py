"""Two more of pyright's findings that say nothing about a filling in code written without a type
checker: a value declared as something or None used where None is not taken (a narrowing the
code's invariants make needless), and a container or protocol whose mutable part does not match
exactly (invariance). A value that is None itself, or of a wrong type, is still charged."""

from __future__ import annotations

import pytest

from completion.check import combined, unnarrowed
from context.model import Diagnostic

INDENT, DEEPER = "\n\u00a0\u00a0", "\n\u00a0\u00a0\u00a0\u00a0"


def error(message: str, code: str = "reportArgumentType") -> Diagnostic:
    return Diagnostic(0, 4, 0, 8, "error", message, "pyright", code)


@pytest.mark.parametrize(("message", "code"), [
    ('Argument of type "Markdown | None" cannot be assigned to parameter "md" of type "Markdown" in function '
     f'"__init__"{INDENT}Type "Markdown | None" is not assignable to type "Markdown"{DEEPER}"None" is not '
     'assignable to "Markdown"', "reportArgumentType"),
    (f'Cannot assign to attribute "use_anchors" for class "Toc*"{INDENT}Type "bool | None" is not assignable to '
     f'type "bool"{DEEPER}"None" is not assignable to "bool"', "reportAttributeAccessIssue"),
    ('Argument of type "dict[str, Any]" cannot be assigned to parameter "data" of type "MutableMapping[str | None, '
     f'Any]"{INDENT}"dict[str, Any]" is not assignable to "MutableMapping[str | None, Any]"{DEEPER}Type parameter '
     '"_KT@MutableMapping" is invariant, but "str" is not the same as "str | None"', "reportArgumentType"),
    (f'Cannot assign to attribute "cache" for class "type[Parser]"{INDENT}"_Cache" is incompatible with protocol '
     f'"_CacheType"{DEEPER}"not_in_cache" is invariant because it is mutable', "reportAttributeAccessIssue"),
])
def test_an_unneeded_narrowing_or_an_invariance_is_not_charged(message: str, code: str) -> None:
    assert combined([], [error(message, code)]) == []


@pytest.mark.parametrize("message", [
    f'Argument of type "None" cannot be assigned to parameter "whence" of type "int"{INDENT}"None" is not '
    'assignable to "int"',  # None itself: an argument too many, or a wrong one
    f'Argument of type "str | None" cannot be assigned to parameter "x" of type "int"{INDENT}Type "str | None" is '
    f'not assignable to type "int"{DEEPER}"str" is not assignable to "int"',  # the other member is wrong too
    'Argument of type "Literal[\'wrong\']" cannot be assigned to parameter "c" of type "int"',
])
def test_none_itself_or_a_wrong_type_is_charged(message: str) -> None:
    assert not unnarrowed(error(message))
    assert combined([], [error(message)]) == [error(message)]
