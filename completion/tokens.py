"""Token counting with a real BPE tokenizer (cl100k_base by default, offline)."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

DEFAULT_ENCODING = "cl100k_base"


_LOADING = threading.Lock()


@lru_cache(maxsize=4)
def _encoding(name: str) -> Any:
    with _LOADING:  # one load, even when a warm-up thread and a request ask at once
        return _load(name)


@lru_cache(maxsize=4)
def _load(name: str) -> Any:
    import bpe_openai  # loading its tables takes a third of a second: not at import time

    return bpe_openai.get_encoding(name)


def warm_up_in_background(encoding: str = DEFAULT_ENCODING) -> None:
    """Load the tokenizer on a daemon thread, so a server's first request finds it ready."""
    threading.Thread(target=_encoding, args=(encoding,), name="holepilot-tokenizer", daemon=True).start()


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    """Number of tokens of ``text``; special-token look-alikes count as ordinary text."""
    if not text:
        return 0
    return len(_encoding(encoding).encode(text, disallowed_special=()))


def truncate_to_tokens(text: str, limit: int, *, keep: str = "head", encoding: str = DEFAULT_ENCODING) -> str:
    """The longest head (or tail) of ``text`` that fits ``limit`` tokens, cut at a line boundary
    when one exists inside the kept part."""
    if limit <= 0:
        return ""
    enc = _encoding(encoding)
    ids = enc.encode(text, disallowed_special=())
    if len(ids) <= limit:
        return text
    kept: str = enc.decode(ids[:limit] if keep == "head" else ids[-limit:])
    # A cut inside a multi-byte character shows as U+FFFD: drop it.
    kept = kept.strip("\ufffd")
    if keep == "head":
        cut = kept.rfind("\n")
        return kept[: cut + 1] if cut > 0 else kept
    cut = kept.find("\n")
    return kept[cut + 1 :] if 0 <= cut < len(kept) - 1 else kept
