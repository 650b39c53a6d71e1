"""An attribute pyright typed by widening the literal assigned to it (``self.kind = kind``, a
``Literal["auto", "on"]`` parameter, is a ``str`` attribute to pyright unless declared): an
argument type error about it where a parameter wants those literals is pyright's guess, not the
filling's mistake. A declared attribute, or another argument, is charged."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from completion.check import combined, widened_literal
from completion.pyright import PyrightChecker
from context.model import Diagnostic

CONFIG = '''from typing import Literal

Kind = Literal["auto", "on"]
TABLE: dict[Kind, str] = {"auto": "a", "on": "b"}


def pick(kind: Kind) -> str:
    return kind


class Config:
    def __init__(self, kind: Kind = "auto", name: str = "x") -> None:
        self.kind = kind
        self.name = name

    def load(self) -> str:
        return TABLE[self.kind] + pick(self.kind) + pick(self.name)
'''

REASONS = ('\n  Type "str" is not assignable to type "Kind"\n    "str" is not assignable to type "Literal[\'auto\']"'
           '\n    "str" is not assignable to type "Literal[\'on\']"')


def error(text: str, argument: str, occurrence: int = 0) -> Diagnostic:
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(argument, offset + 1)
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    message = f'Argument of type "str" cannot be assigned to parameter "kind" of type "Kind" in function "pick"{REASONS}'
    return Diagnostic(line, column, line, column + len(argument), "error", message, "pyright", "reportArgumentType")


def test_an_undeclared_attribute_whose_literal_pyright_widened_is_not_charged() -> None:
    tree = ast.parse(CONFIG)
    assert widened_literal(error(CONFIG, "self.kind", 1), tree)
    assert combined([], [error(CONFIG, "self.kind", 1)], CONFIG) == []


def test_a_declared_attribute_or_one_assigned_another_type_or_a_plain_name_is_charged() -> None:
    assert not widened_literal(error(CONFIG, "self.name"), ast.parse(CONFIG))
    declared = CONFIG.replace("        self.kind = kind", "        self.kind: str = kind")
    assert not widened_literal(error(declared, "self.kind", 1), ast.parse(declared))
    text = CONFIG + "\n\ndef go(value: str) -> str:\n    return pick(value)\n"
    assert not widened_literal(error(text, "value", 1), ast.parse(text))
    assert combined([], [error(text, "value", 1)], text) == [error(text, "value", 1)]


@pytest.mark.slow
async def test_real_pyright_on_a_widened_attribute(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    path = tmp_path / "config.py"
    path.write_text(CONFIG)
    real = PyrightChecker(tmp_path, timeout=60, start_timeout=120)
    try:
        found = [d for d in await real.diagnose(path, CONFIG) if d.code == "reportArgumentType"]
    finally:
        await real.aclose()
    assert len(found) == 3, found  # the key, and both calls of ``pick``
    lines = CONFIG.split("\n")
    kept = combined([], found, CONFIG)
    # ``self.name`` holds a ``str`` parameter: truly no ``Kind``
    assert [(lines[d.line][d.column:d.end_column]) for d in kept] == ["self.name"], kept
