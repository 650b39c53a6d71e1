"""Fixtures of the prompt-format tests.

bpe_openai loads its tables at import through a deprecated importlib.resources call; the
tokenizer is imported once here with that third-party warning silenced, so that
``filterwarnings = error`` keeps guarding our own code.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message="open_binary is deprecated", category=DeprecationWarning
    )
    import completion.tokens  # noqa: F401

# CursorCore's APEval benchmark, shipped with the tests (see data/apeval/SOURCE.md).
APEVAL = Path(__file__).resolve().parent / "data" / "apeval" / "apeval.json"


@pytest.fixture(scope="session")
def apeval() -> list[dict[str, Any]]:
    if not APEVAL.is_file():
        pytest.fail(
            f"the APEval data {APEVAL} is missing: it is part of the repository "
            "(tests/prompts/data/apeval/, see SOURCE.md there)",
            pytrace=False,
        )
    tasks: list[dict[str, Any]] = json.loads(APEVAL.read_text(encoding="utf-8"))
    return tasks
