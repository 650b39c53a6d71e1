from __future__ import annotations

from pathlib import Path

import pytest

from context.api import Analyzer

FIXTURES = Path(__file__).parent / "fixtures"
CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer(FIXTURES)
