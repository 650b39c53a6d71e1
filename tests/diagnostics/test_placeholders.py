"""The placeholder checks stay silent in stubs, where ``...`` is every default and body."""

from __future__ import annotations

from context.api import Analyzer
from tests.diagnostics.conftest import FIXTURES

TEXT = '''from typing import Any

class Config:
    def __init__(self, name: str, retries: int) -> None: ...

DEFAULT: Config = Config(..., ...)
ANY: Any = Any()
'''


def test_stub_is_not_flagged(analyzer: Analyzer) -> None:
    assert not [p for p in analyzer.diagnose(FIXTURES / "placeholders_stub.pyi", TEXT) if p.source == "types"]


def test_same_text_as_module_is_flagged(analyzer: Analyzer) -> None:
    codes = [p.code for p in analyzer.diagnose(FIXTURES / "placeholders_module.py", TEXT)]
    assert codes.count("ellipsis-argument") == 2 and codes.count("instantiated-any") == 1
