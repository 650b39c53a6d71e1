"""bpe_openai loads its tables at import through a deprecated importlib.resources call; import the
tokenizer once with that third-party warning silenced so ``filterwarnings = error`` keeps
guarding our own code."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message="open_binary is deprecated", category=DeprecationWarning
    )
    import completion.tokens  # noqa: F401
