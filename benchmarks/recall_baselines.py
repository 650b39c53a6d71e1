"""The two baselines holepilot is measured against.

- **local window**: the code around the hole alone: the prefix takes up to 75% of the budget
  (its tail, nearest the cursor), the suffix the rest (its head).
- **Jaccard retrieval**: the local window gets half the budget; the other half is filled with
  the best 20-line windows (stride 10) of the package's *other* files, ranked by the Jaccard
  similarity of their identifier sets with the last 10 lines before the hole.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass

from completion.tokens import count_tokens, truncate_to_tokens

PREFIX_SHARE = 0.75
LOCAL_SHARE_WITH_RETRIEVAL = 0.5
WINDOW_LINES = 20
WINDOW_STRIDE = 10
QUERY_LINES = 10
# Below this many free tokens no retrieved window fits usefully: stop looking.
MIN_USEFUL_TOKENS = 16

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)


def identifiers(text: str) -> frozenset[str]:
    """The set of identifier tokens of ``text``, Python keywords left out."""
    return frozenset(_IDENTIFIER.findall(text)) - _KEYWORDS


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def local_window(text: str, offset: int, budget: int, prefix_share: float = PREFIX_SHARE) -> str:
    """Prefix and suffix around ``offset`` within ``budget`` tokens; unused prefix share goes
    to the suffix."""
    prefix = truncate_to_tokens(text[:offset], int(budget * prefix_share), keep="tail")
    remaining = budget - count_tokens(prefix)
    suffix = truncate_to_tokens(text[offset:], remaining, keep="head")
    return prefix + suffix


@dataclass(frozen=True)
class Window:
    path: str
    start_line: int  # 1-based
    text: str
    identifiers: frozenset[str]
    tokens: int  # tokens of :meth:`render`

    def render(self) -> str:
        return render_window(self.path, self.start_line, self.text)


def render_window(path: str, start_line: int, text: str) -> str:
    return f"# {path}:{start_line}\n{text}\n"


def windows_of(path: str, source: str) -> list[Window]:
    """Windows of ``WINDOW_LINES`` lines every ``WINDOW_STRIDE`` lines, covering the whole file."""
    lines = source.split("\n")
    windows: list[Window] = []
    for start in range(0, max(1, len(lines) - (WINDOW_LINES - WINDOW_STRIDE)), WINDOW_STRIDE):
        text = "\n".join(lines[start : start + WINDOW_LINES])
        rendered = render_window(path, start + 1, text)
        windows.append(Window(path, start + 1, text, identifiers(text), count_tokens(rendered)))
    return windows


def query_of(text: str, offset: int, lines: int = QUERY_LINES) -> frozenset[str]:
    """Identifiers of the last ``lines`` lines before the cursor (the cursor's line included)."""
    before = text[:offset].split("\n")
    return identifiers("\n".join(before[-lines:]))


class WindowIndex:
    """All windows of a package's files, ranked per query."""

    def __init__(self, files: Iterable[tuple[str, str]]) -> None:
        self.windows: list[Window] = []
        for path, source in files:
            self.windows += windows_of(path, source)

    def ranked(self, query: frozenset[str], exclude_path: str) -> list[Window]:
        """Windows of files other than ``exclude_path``, most similar first (ties: path, line)."""
        scored = [
            (-jaccard(query, window.identifiers), window.path, window.start_line, window)
            for window in self.windows
            if window.path != exclude_path
        ]
        scored.sort(key=lambda item: item[:3])
        return [item[3] for item in scored if item[0] < 0]


def pack_windows(windows: Iterable[Window], budget: int) -> str:
    """Best windows first, each whole, while they fit ``budget`` tokens."""
    chunks: list[str] = []
    remaining = budget
    for window in windows:
        if remaining < MIN_USEFUL_TOKENS:
            break
        if window.tokens <= remaining:
            chunks.append(window.render())
            remaining -= window.tokens
    return "".join(chunks)


def jaccard_prompt(index: WindowIndex, path: str, text: str, offset: int, budget: int) -> str:
    """Retrieved windows then the local window, within ``budget`` tokens."""
    local = local_window(text, offset, int(budget * LOCAL_SHARE_WITH_RETRIEVAL))
    ranked = index.ranked(query_of(text, offset), exclude_path=path)
    room = budget - count_tokens(local)
    retrieved = pack_windows(ranked, room)
    if count_tokens(retrieved + local) > budget:
        # Tokens may merge across chunk joins: trim the last retrieved lines to stay in budget.
        over = count_tokens(retrieved + local) - budget
        retrieved = truncate_to_tokens(retrieved, count_tokens(retrieved) - over)
    return retrieved + local
