"""Where a cursor stands in the syntax: inside a comment or a string literal, as tree-sitter
parses the buffer (broken code included). Front ends use it to decide whether to suggest."""

from __future__ import annotations

from tree_sitter import Node

from context.parsing import SYNTAX_TREES, ts_parse
from context.positions import byte_column, split_lines

# A string's interpolation (the ``{...}`` of an f-string) is code again.
CODE_INSIDE_STRING = ("interpolation",)


def _inside(node: Node | None, point: tuple[int, int], kind: str, *, end_inclusive: bool) -> bool:
    """Whether ``point`` lies inside a ``kind`` node among ``node`` and its ancestors (after
    its first character; up to its end when ``end_inclusive``), and not in code within it."""
    while node is not None:
        if node.type in CODE_INSIDE_STRING and tuple(node.start_point) < point:
            return False
        if node.type == kind:
            start, end = tuple(node.start_point), tuple(node.end_point)
            after_start = start < point
            before_end = point <= end if end_inclusive else point < end
            return after_start and before_end
        node = node.parent
    return False


def in_comment_or_string(text: str, line: int, column: int, path: str | None = None) -> bool:
    """Whether the cursor at (``line``, ``column``; 0-based, code points) is inside a comment
    (after its ``#``) or a string literal (after its opening quote, before its closing one).
    With the file's ``path`` the parse reuses that file's previous tree (incremental)."""
    lines = split_lines(text)
    if not 0 <= line < len(lines):
        return False
    row_text = lines[line]
    column = min(max(column, 0), len(row_text))
    point = (line, byte_column(row_text, column))
    root = (SYNTAX_TREES.tree(path, text) if path is not None else ts_parse(text)).root_node
    if _inside(root.descendant_for_point_range(point, point), point, "string", end_inclusive=False):
        return True
    if point[1] == 0:
        return False
    # a comment runs to the end of its line: look at the character before the cursor
    before = (line, point[1] - 1)
    node = root.descendant_for_point_range(before, before)
    return _inside(node, point, "comment", end_inclusive=True)
