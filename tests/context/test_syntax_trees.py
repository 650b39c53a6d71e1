"""Tree-sitter trees edited from the previous one of the same file equal fresh parses."""

from __future__ import annotations

import random
from pathlib import Path

from context.api import Analyzer
from context.parsing import SYNTAX_TREES, SyntaxTrees, ts_parse

BASE = (
    "import os\n\n"
    "def größe(x: int) -> int:  # ä ö ü\n"
    "    values = [x, 'naïve', \"😀\"]\n"
    "    return len(values) +\n\n"
    "class Shape:\n"
    "    def area(self) -> float:\n"
    "        return 0.0\n"
)
PIECES = ["x", "(", ")", ":", "\n", "    ", "é", "😀", "def f(:\n", "return ", "'", "\n\n"]


def edits(seed: int, steps: int) -> list[str]:
    rng = random.Random(seed)
    text, out = BASE, []
    for _ in range(steps):
        start = rng.randint(0, len(text))
        end = min(len(text), start + rng.choice([0, 0, 1, 3, 12]))
        text = text[:start] + rng.choice(["", *PIECES]) + text[end:]
        out.append(text)
    return out


def test_each_incremental_tree_equals_a_fresh_parse() -> None:
    trees = SyntaxTrees()
    for seed in range(6):
        key = f"file{seed}.py"
        for text in [BASE, *edits(seed, 40), "", BASE]:
            tree = trees.tree(key, text)
            assert str(tree.root_node) == str(ts_parse(text).root_node), text
            assert tree.root_node.end_byte == len(text.encode("utf-8"))
    assert trees.full == 6
    assert trees.incremental >= 6 * 40


def test_the_same_text_reuses_the_tree_and_few_files_are_kept() -> None:
    trees = SyntaxTrees(capacity=2)
    first = trees.tree("a", BASE)
    assert trees.tree("a", BASE) is first
    trees.tree("b", BASE)
    trees.tree("c", BASE)  # drops "a", the least recently used
    trees.tree("a", BASE + "x")
    assert trees.full == 4 and trees.incremental == 0
    small = SyntaxTrees(max_bytes=len(BASE.encode()) + 10)
    small.tree("a", BASE)
    small.tree("b", BASE)  # the two texts exceed the bytes kept: "a" goes
    small.tree("a", BASE)
    assert small.full == 3


def test_checking_a_broken_buffer_again_edits_its_tree(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'w'\n", encoding="utf-8")
    path = tmp_path / "m.py"
    path.write_text(BASE, encoding="utf-8")
    analyzer = Analyzer(tmp_path)
    before = SYNTAX_TREES.incremental
    first = analyzer.diagnose(path, BASE)
    second = analyzer.diagnose(path, BASE.replace("len(values) +", "len(values) + (x"))
    assert any(p.source == "syntax" for p in first) and any(p.source == "syntax" for p in second)
    assert SYNTAX_TREES.incremental == before + 1
