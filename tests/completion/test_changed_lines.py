"""``changed_lines`` counts lines from character comparisons: it must agree with the plain
line-by-line definition, also across the chunk boundaries of its scan."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from completion.history import changed_lines
from context.positions import CHUNK


def reference(old_text: str, new_text: str) -> tuple[int, int, int]:
    old, new = old_text.split("\n"), new_text.split("\n")
    start, limit = 0, min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    tail = 0
    while tail < limit - start and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return start, len(old) - tail, len(new) - tail


pieces = st.sampled_from(["a", "b", "\n", "x\n", "", "\n\n", "é", "🚀"])
texts = st.lists(pieces, max_size=20).map("".join)


@given(texts, texts)
def test_small_texts_agree(old: str, new: str) -> None:
    assert changed_lines(old, new) == reference(old, new)


@settings(max_examples=60)
@given(st.integers(0, 3 * CHUNK), texts, texts)
def test_edits_inside_long_texts_agree(at: int, removed: str, added: str) -> None:
    base = "".join(f"line {i}\n" for i in range(3 * CHUNK // 7 + 10))
    at = min(at, len(base))
    old = base[:at] + removed + base[at:]
    new = base[:at] + added + base[at:]
    assert changed_lines(old, new) == reference(old, new)
