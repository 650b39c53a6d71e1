"""An argument type error against a parameter its function does not annotate: pyright took the
parameter's type from its default value (``renderer='html'`` is a ``str`` to it), a guess the
callee's code does not declare, so the verdict does not charge a filling with it. The pyright
checker finds the callee's definition and notes such errors; the verdict drops the noted ones."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from completion import pyright as pyright_module
from completion.check import (
    GUESSED_PARAMETER,
    ParameterQuestion,
    combined,
    parameter_questions,
    unannotated_parameter,
)
from completion.pyright import PyrightChecker
from context.model import Diagnostic


def argument_error(text: str, argument: str, parameter: str, type_name: str, function: str,
                   *, argument_type: str = "bool | str", occurrence: int = 0) -> Diagnostic:
    """pyright's argument type error on an ``argument`` of ``text`` (the first, or a later one)."""
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(argument, offset + 1)
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    message = (f'Argument of type "{argument_type}" cannot be assigned to parameter "{parameter}" of type '
               f'"{type_name}" in function "{function}"\n  Type "{argument_type}" is not assignable to type '
               f'"{type_name}"')
    return Diagnostic(line, column, line, column + len(argument), "error", message, "pyright", "reportArgumentType")


def question(function: str, parameter: str, type_name: str) -> ParameterQuestion:
    return ParameterQuestion((0, 0), function, parameter, type_name)


# -- where the callee of an argument type error is named ---------------------------------------------
def test_the_callee_of_an_argument_type_error_is_found_by_the_arguments_position() -> None:
    text = ("def go(options, value):\n"
            "    build([], options.flag, mode=value)\n"
            "    return lib.make(renderer=value)\n")
    positional = argument_error(text, "options.flag", "flag", "bool", "__init__")
    keyword = argument_error(text, "value", "mode", "str", "__init__", occurrence=1)
    method = argument_error(text, "value", "renderer", "str", "make", occurrence=2)
    found = parameter_questions(text, [positional, keyword, method])
    assert found == {0: ParameterQuestion((1, 4), "__init__", "flag", "bool"),
                     1: ParameterQuestion((1, 4), "__init__", "mode", "str"),
                     2: ParameterQuestion((2, 15), "make", "renderer", "str")}
    assert text.split("\n")[2][15:19] == "make"


def test_only_argument_errors_against_a_single_class_are_asked_about() -> None:
    text = "build(flag)\n(factory())(flag)\n"
    union = argument_error(text, "flag", "flag", "bool | None", "build")
    other_rule = Diagnostic(0, 6, 0, 10, "error", argument_error(text, "flag", "flag", "bool", "build").message,
                            "pyright", "reportCallIssue")
    warning = Diagnostic(0, 6, 0, 10, "warning", other_rule.message, "pyright", "reportArgumentType")
    called_result = Diagnostic(1, 12, 1, 16, "error", other_rule.message, "pyright", "reportArgumentType")
    assert parameter_questions(text, [union, other_rule, warning, called_result]) == {}
    assert parameter_questions("build(flag\n", [argument_error("build(flag\n", "flag", "flag", "bool", "build")]) == {}


def test_a_callee_after_wide_characters_is_placed_in_code_points() -> None:
    text = "s = ('é', lib.make(flag))\n"
    d = argument_error(text, "flag", "flag", "bool", "make")
    [found] = parameter_questions(text, [d]).values()
    assert text[found.callee[1]:].startswith("make(")


# -- whether the callee's definition annotates the parameter ----------------------------------------
MODULE = '''\
def make(escape: bool = True, renderer='html', plugins=None, level=0, *, strict=False, limit=LIMIT):
    return renderer


class Builder:
    def __init__(self, rules, propagate=False, mode: str = "a", sentinel=MISSING):
        self.rules = rules


class Derived(Base):
    def run(self, verbose=False, where=HERE):
        pass


def typed(flag=False):
    # type: (bool) -> None
    pass
'''


@pytest.mark.parametrize(("line", "function", "parameter", "type_name", "guessed"), [
    (0, "make", "renderer", "str", True),  # a constant of the type pyright names
    (0, "make", "strict", "bool", True),  # keyword-only
    (0, "make", "limit", "int", True),  # another value: its type is pyright's to say
    (0, "make", "escape", "bool", False),  # annotated
    (0, "make", "plugins", "list", False),  # None: pyright guesses nothing from it
    (0, "make", "level", "str", False),  # 0 is no str: the type came from elsewhere
    (0, "make", "missing", "str", False),  # no such parameter
    (0, "build", "renderer", "str", False),  # the definition found is another function
    (4, "__init__", "propagate", "bool", True),  # a class: its own __init__
    (4, "__init__", "mode", "str", False),
    (4, "__new__", "propagate", "bool", False),  # a method the class does not define here
    (9, "run", "verbose", "bool", True),  # in a subclass, a constant default still says the type
    (9, "run", "where", "Place", False),  # another value there may be the base's annotation
    (14, "typed", "flag", "bool", False),  # a signature type comment declares it
    (2, "make", "renderer", "str", False),  # no definition on that line
])
def test_a_parameter_is_guessed_only_when_its_definition_leaves_it_unannotated(
        line: int, function: str, parameter: str, type_name: str, guessed: bool) -> None:
    assert unannotated_parameter(MODULE, line, question(function, parameter, type_name)) is guessed
    assert unannotated_parameter(MODULE + "def broken(:\n", line, question(function, parameter, type_name)) is False


def test_the_verdict_drops_a_noted_error_and_keeps_the_same_error_without_the_note() -> None:
    text = "make(renderer=value)\n"
    error = argument_error(text, "value", "renderer", "str", "make")
    noted = Diagnostic(**{**error.__dict__, "message": f'{error.message}\n  parameter "renderer" {GUESSED_PARAMETER}'})
    assert combined([], [noted], text) == []
    assert combined([], [error], text) == [error]


# -- the real pyright notes what it guessed ---------------------------------------------------------
LIBRARY = '''\
class Builder:
    def __init__(self, rules, propagate=False, mode: str = "a"):
        self.rules = rules


def make(escape: bool = True, renderer='html'):
    return renderer
'''
USE = '''\
from typing import Union

from lib import Builder, make


def go(flag: Union[bool, str], value: Union[str, None], count: int):
    Builder([], flag)
    Builder([], True, count)
    make(True, renderer=value)
    make(renderer=count)
    local(value)


def local(size=0.5):
    return size
'''


@pytest.mark.slow
async def test_real_pyright_errors_against_unannotated_parameters_are_noted(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    (tmp_path / "lib.py").write_text(LIBRARY)
    path = tmp_path / "use.py"
    path.write_text(USE)
    real = PyrightChecker(tmp_path, timeout=60, start_timeout=120)
    try:
        found = [d for d in await real.diagnose(path, USE) if d.code == "reportArgumentType"]
    finally:
        await real.aclose()
    lines = USE.split("\n")
    noted = sorted((lines[d.line].strip(), GUESSED_PARAMETER in d.message) for d in found)
    # guessed: ``propagate=False`` and ``renderer='html'`` (of another module), ``size=0.5`` (of this
    # one); declared: ``mode: str``
    assert noted == [("Builder([], True, count)", False), ("Builder([], flag)", True), ("local(value)", True),
                     ("make(True, renderer=value)", True), ("make(renderer=count)", True)], found
    assert [lines[d.line].strip() for d in combined([], found, USE)] == ["Builder([], True, count)"]


# -- the definitions asked for, with stand-ins for the server ----------------------------------------
class Definitions:
    """A stand-in for a server session: the definitions of any name, or no answer at all."""

    def __init__(self, answer: list[tuple[str, int]] | None) -> None:
        self.answer = answer
        self.asked: list[tuple[int, int]] = []

    async def definition_lines(self, uri: str, line: int, character: int) -> list[tuple[str, int]]:
        self.asked.append((line, character))
        if self.answer is None:
            await asyncio.sleep(3600)
        return self.answer or []


CALLS = "from lib import make\n\nmake(renderer=value)\nmake(other, renderer=other)\n"


async def test_each_callee_is_looked_up_once_in_the_module_pyright_names(tmp_path: Path) -> None:
    (tmp_path / "lib.py").write_text(MODULE)
    found = [argument_error(CALLS, "value", "renderer", "str", "make"),
             argument_error(CALLS, "other", "escape", "bool", "make"),
             argument_error(CALLS, "other", "renderer", "str", "make", occurrence=1)]
    checker = PyrightChecker(tmp_path)
    session = Definitions([((tmp_path / "lib.py").as_uri(), 0)])
    noted = await checker._noted(session, (tmp_path / "use.py").as_uri(), CALLS, found)  # type: ignore[arg-type]
    assert [GUESSED_PARAMETER in d.message for d in noted] == [True, False, True]  # ``escape: bool``
    assert session.asked == [(2, 0), (3, 0)]  # each call once
    # the callee defined in the buffer itself is read from the buffer, not from the disk
    inside = MODULE + CALLS.split("\n", 1)[1]
    here = (tmp_path / "use.py").as_uri()
    found_inside = [argument_error(inside, "value", "renderer", "str", "make")]
    assert GUESSED_PARAMETER in (await checker._noted(Definitions([(here, 0)]), here, inside, found_inside))[0].message  # type: ignore[arg-type]
    # no definition, or one that annotates the parameter: left as pyright gave it
    assert await checker._noted(Definitions([]), here, CALLS, found) == found  # type: ignore[arg-type]
    (tmp_path / "lib.py").write_text(MODULE.replace("renderer='html'", "renderer: str = 'html'"))
    assert await checker._noted(session, here, CALLS, found) == found  # type: ignore[arg-type]


async def test_a_server_that_does_not_answer_lookups_leaves_the_errors_within_the_cap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyright_module, "LOOKUPS_SHARE", 0.04)  # of a 5 s cap
    found = [argument_error(CALLS, "value", "renderer", "str", "make")]
    started = time.perf_counter()
    noted = await PyrightChecker(tmp_path)._noted(Definitions(None), (tmp_path / "use.py").as_uri(), CALLS, found)  # type: ignore[arg-type]
    assert noted == found
    assert time.perf_counter() - started < 2.0


async def test_a_callee_module_that_is_not_utf8_is_not_guessed_from(tmp_path: Path) -> None:
    # read as every file is read (context.workspace.read_source): a non-UTF-8 module is no text to judge by
    (tmp_path / "lib.py").write_bytes(MODULE.encode("utf-8") + b"\n# caf\xe9\n")
    found = [argument_error(CALLS, "value", "renderer", "str", "make")]
    session = Definitions([((tmp_path / "lib.py").as_uri(), 0)])
    here = (tmp_path / "use.py").as_uri()
    assert await PyrightChecker(tmp_path)._noted(session, here, CALLS, found) == found  # type: ignore[arg-type]
    (tmp_path / "lib.py").write_text(MODULE)
    assert GUESSED_PARAMETER in (await PyrightChecker(tmp_path)._noted(session, here, CALLS, found))[0].message  # type: ignore[arg-type]
