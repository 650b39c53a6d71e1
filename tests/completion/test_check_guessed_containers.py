"""A container passed by a name last assigned a ``[...]``/``{...}`` display: pyright takes its
element type from the items it saw (``[sub]`` is a ``list[Sub]``), and then a ``list[Base]``
parameter does not take it (lists are invariant). Declared, or written in the call, the display
would be a ``list[Base]``: the error is about pyright's guess, not the code."""

from __future__ import annotations

import pytest

from completion.check import combined
from context.model import Diagnostic

INVARIANT = ('Argument of type "list[Sub]" cannot be assigned to parameter "items" of type "list[Base]" in function '
             '"build"\n  "list[Sub]" is not assignable to "list[Base]"\n    Type parameter "_T@list" is invariant, but '
             '"Sub" is not the same as "Base"\n    Consider switching from "list" to "Sequence" which is covariant')
OTHER_KIND = ('Argument of type "list[Sub]" cannot be assigned to parameter "items" of type "str" in function "build"\n'
              '  "list[Sub]" is not assignable to "str"')
GUESSED = """\
def f(sub, make):
    if sub:
        items = [sub, make()]
    else:
        items = [sub]
    build(items)
"""


def at(text: str, argument: str, message: str) -> Diagnostic:
    """pyright's argument type error on the last ``argument`` of ``text``."""
    offset = text.rindex(argument)
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return Diagnostic(line, column, line, column + len(argument), "error", message, "pyright", "reportArgumentType")


@pytest.mark.parametrize("text", [
    GUESSED,
    GUESSED.replace("build(items)", "build(1, items=items)"),  # a keyword argument
    "def f(sub):\n    items = {k: sub for k in 'ab'}\n    build(items)\n",  # a comprehension
])
def test_an_element_type_pyright_took_from_a_display_is_not_charged(text: str) -> None:
    message = INVARIANT.replace("_T@list", "_VT@dict") if "{" in text else INVARIANT
    assert combined([], [at(text, "items", message)], text) == []


@pytest.mark.parametrize("text", [
    GUESSED.replace("items = [sub]\n", "items: list[Sub] = [sub]\n"),  # declared
    GUESSED.replace("items = [sub]\n", "items = make()\n"),  # a call's declared type last
    "def f(items: list[Sub]):\n    build(items)\n",  # a parameter
    "class K:\n    def f(self, sub):\n        self.items = [sub]\n        build(self.items)\n",
    GUESSED.replace("build(items)", "build(items[:])"),  # not the name itself
])
def test_a_declared_container_whose_items_are_narrower_is_not_charged_either(text: str) -> None:
    """Invariance (a ``list[Sub]`` for a ``list[Base]``): harmless when the code runs, and code
    written without a type checker does it as often when right as when wrong."""
    argument = "self.items" if "self.items)" in text else "items[:]" if "items[:]" in text else "items"
    assert combined([], [at(text, argument, INVARIANT)], text) == []


def test_another_mismatch_is_charged() -> None:
    error = at(GUESSED, "items", OTHER_KIND)  # not about the element type: a list where a str is wanted
    assert combined([], [error], GUESSED) == [error]
