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

REPO_ROOT = Path(__file__).resolve().parents[2]
APEVAL = REPO_ROOT / ".." / "shared" / "data" / "apeval" / "apeval.json"


@pytest.fixture(scope="session")
def apeval() -> list[dict[str, Any]]:
    if not APEVAL.is_file():
        pytest.skip("APEval data (shared/data/apeval/apeval.json beside the checkout) is absent")
    tasks: list[dict[str, Any]] = json.loads(APEVAL.read_text(encoding="utf-8"))
    return tasks
