"""Caches keyed by source text, bounded by the text they hold (not by entry count): an editor
session, or a fuzzer, that produces endless new texts keeps memory flat. And the stamp that
caches of a file's contents are keyed by."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

V = TypeVar("V")
DEFAULT_MAX_CHARS = 32_000_000  # about 32 MB of keys, plus what they map to


def _key_chars(key: Any) -> int:
    if isinstance(key, str):
        return len(key)
    if isinstance(key, tuple):
        return sum(len(part) for part in key if isinstance(part, str)) + 16
    return 16


class TextCache(dict[Any, V]):
    """A dict that forgets its oldest entries once its keys hold more than ``max_chars``."""

    def __init__(self, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        super().__init__()
        self.max_chars = max_chars
        self.chars = 0

    def __setitem__(self, key: Any, value: V) -> None:
        if key in self:
            super().__delitem__(key)
        else:
            self.chars += _key_chars(key)
        super().__setitem__(key, value)
        while self.chars > self.max_chars and len(self) > 1:
            oldest = next(iter(self))
            super().__delitem__(oldest)
            self.chars -= _key_chars(oldest)

    def clear(self) -> None:
        super().clear()
        self.chars = 0


def file_stamp(path: Path) -> tuple[int, int] | None:
    """(size, mtime) of a file, what caches of its contents are keyed by; None when it is gone."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns
