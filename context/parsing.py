"""Parsers: tree-sitter for broken code and syntax errors, ``ast`` for structure.

Broken buffers are made parseable by :func:`tolerant_ast`, which replaces the lines that
keep ``ast`` from parsing (block headers by ``if True:``, other lines by ``pass``) so the rest
of the module still yields a syntax tree. Line numbers never move.
"""

from __future__ import annotations

import ast
import copy
import functools
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter_python
from tree_sitter import Language, Node, Parser, Tree

from context.memo import TextCache
from context.positions import common_head, common_tail, tree_sitter_point

PY_LANGUAGE = Language(tree_sitter_python.language())
_local = threading.local()
MAX_REPAIRS = 40
_EMPTY_BLOCK = re.compile(r"expected an indented block after .* on line (\d+)")


def ts_parser() -> Parser:
    """One tree-sitter parser per thread (parsers are not thread-safe)."""
    parser: Parser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = Parser(PY_LANGUAGE)
        _local.parser = parser
    return parser


def ts_parse(text: str, old_tree: Tree | None = None) -> Tree:
    data = text.encode("utf-8")
    return ts_parser().parse(data, old_tree) if old_tree is not None else ts_parser().parse(data)


class SyntaxTrees:
    """Tree-sitter trees of the buffers being worked on, each parsed incrementally from the
    previous tree of the same file: the edit between the two texts (what lies between their
    common head and tail) is applied to the old tree, and tree-sitter reuses every subtree the
    edit did not touch. A few files are kept (and a few megabytes of text with their trees), the
    least recently used are dropped."""

    def __init__(self, capacity: int = 8, max_bytes: int = 8_000_000) -> None:
        self.capacity = capacity
        self.max_bytes = max_bytes
        self._last: OrderedDict[str, tuple[bytes, Tree]] = OrderedDict()
        self._lock = threading.Lock()
        self.incremental = 0  # parses that reused a previous tree
        self.full = 0

    def tree(self, key: str, text: str) -> Tree:
        data = text.encode("utf-8")
        with self._lock:
            last = self._last.pop(key, None)
        if last is not None and last[0] == data:
            tree = last[1]
        elif last is not None:
            old, previous = last
            start = common_head(old, data)
            tail = common_tail(old, data, min(len(old), len(data)) - start)
            edited = previous.copy()
            edited.edit(
                start_byte=start,
                old_end_byte=len(old) - tail,
                new_end_byte=len(data) - tail,
                start_point=tree_sitter_point(old, start),
                old_end_point=tree_sitter_point(old, len(old) - tail),
                new_end_point=tree_sitter_point(data, len(data) - tail),
            )
            tree = ts_parser().parse(data, edited)
            self.incremental += 1
        else:
            tree = ts_parser().parse(data)
            self.full += 1
        with self._lock:
            self._last[key] = (data, tree)
            while len(self._last) > 1 and (
                len(self._last) > self.capacity
                or sum(len(text) for text, _ in self._last.values()) > self.max_bytes
            ):
                self._last.popitem(last=False)
        return tree

    def forget(self, key: str) -> None:
        with self._lock:
            self._last.pop(key, None)


SYNTAX_TREES = SyntaxTrees()


def error_nodes(node: Node, limit: int = 200) -> list[Node]:
    """ERROR and MISSING nodes below ``node``, outermost first."""
    found: list[Node] = []
    stack = [node]
    while stack and len(found) < limit:
        current = stack.pop()
        if current.is_error or current.is_missing:
            found.append(current)
            continue
        if current.has_error:
            stack.extend(reversed(current.children))
    return found


def error_lines(tree: Tree) -> set[int]:
    """0-based lines touched by a syntax error (for the first line of a multi-line ERROR)."""
    lines: set[int] = set()
    for node in error_nodes(tree.root_node):
        lines.add(node.start_point.row)
        if node.is_missing:
            lines.add(node.end_point.row)
    return lines


@dataclass(frozen=True)
class TolerantParse:
    tree: ast.Module
    replaced_lines: frozenset[int]  # 0-based lines replaced to make the module parse


def _parse(text: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # invalid escape sequences and the like are not our business
        return ast.parse(text, type_comments=False)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _replacement(lines: list[str], index: int) -> str:
    """``if True:`` keeps the block of a broken header; ``pass`` stands for anything else."""
    indent = _indent(lines[index])
    for later in lines[index + 1 :]:
        if later.strip() and not later.lstrip().startswith("#"):
            if len(_indent(later)) > len(indent):
                return indent + "if True:"
            break
    return indent + "pass"


def tolerant_ast(text: str) -> TolerantParse:
    """An ``ast.Module`` for any text: lines that break the parse are replaced, one by one."""
    lines = text.split("\n")
    replaced: set[int] = set()
    for _ in range(MAX_REPAIRS):
        try:
            return TolerantParse(_parse("\n".join(lines)), frozenset(replaced))
        except SyntaxError as error:
            header = _EMPTY_BLOCK.search(str(error.msg))
            if header is not None:
                # ``if x:`` with no body: give it one on the same line, keeping line numbers.
                at = int(header.group(1)) - 1
                if 0 <= at < len(lines) and not lines[at].rstrip().endswith(" pass"):
                    lines[at] = lines[at].rstrip() + " pass"
                    continue
            index = (error.lineno or 1) - 1
            index = min(max(index, 0), len(lines) - 1)
            if index in replaced:
                # Replacing it did not help: the trouble begins earlier (an open bracket, a string).
                index = max(i for i in range(index + 1) if lines[i].strip()) if index > 0 else 0
                candidates = [
                    i for i in range(index, -1, -1) if i not in replaced and lines[i].strip()
                ]
                if not candidates:
                    break
                index = candidates[0]
            lines[index] = _replacement(lines, index)
            replaced.add(index)
    # Give up on the rest: keep what parses from the top.
    for cut in range(len(lines), 0, -1):
        try:
            return TolerantParse(_parse("\n".join(lines[:cut])), frozenset(range(cut, len(lines))))
        except SyntaxError:
            continue
    return TolerantParse(ast.Module(body=[], type_ignores=[]), frozenset(range(len(lines))))


# -- statement segments: parse only what changed ------------------------------------------------
_PIECES: TextCache[list[ast.stmt]] = TextCache()
_UNPARSABLE: list[ast.stmt] = []  # the cached answer for a text that does not parse
_REPAIRED: TextCache[TolerantParse] = TextCache(8_000_000)  # broken tails of buffers, repaired
# Large classes put together from their members: apart, so that the class being edited (a new
# text with each keystroke) does not push the members out of the pieces.
_ASSEMBLED: TextCache[list[ast.stmt]] = TextCache(8_000_000)
MAX_JOINED_MEMBERS = 8  # members of a large class joined to find one that parses
_CONTINUATIONS = ("else", "elif", "except", "finally", "case")


# A line that may start a top-level statement: at column 0, not blank (``\r`` of a CRLF file
# included), not a comment, not a closing bracket, not the continuation of a compound statement.
_STATEMENT_LINE = re.compile(rf"^(?=[^ \t#)\]}}\r\n])(?!{'|'.join(_CONTINUATIONS)})", re.M)


def _significant(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _after_decorator(lines: list[str], i: int, first: int, indented: bool) -> bool:
    """Whether the last line before ``i`` (from ``first`` on) that is neither blank nor a
    comment is a decorator (at column 0 unless ``indented``): a decorated definition is one
    statement."""
    for j in range(i - 1, first - 1, -1):
        if _significant(lines[j]):
            return (lines[j].lstrip() if indented else lines[j]).startswith("@")
    return False


def _line_starts(text: str, pattern: re.Pattern[str]) -> Iterator[int]:
    """The 0-based lines of ``text`` at which ``pattern`` matches (found by the regex engine,
    not by a loop over every line: a large file has thousands), but for lines inside a
    triple-quoted string (by the parity of the quotes above: CSS or help text at column 0
    would split a statement in pieces that each fail to parse)."""
    line, at, double, single = 0, 0, 0, 0
    for match in pattern.finditer(text):
        line += text.count("\n", at, match.start())
        double += text.count('"""', at, match.start())
        single += text.count("'''", at, match.start())
        at = match.start()
        if not (double % 2 or single % 2):
            yield line


def _segments(text: str, lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges that probably hold whole top-level statements."""
    starts: list[int] = [0]
    for i in _line_starts(text, _STATEMENT_LINE):
        if i and not _after_decorator(lines, i, 0, indented=False):
            starts.append(i)
    return [(s, e) for s, e in zip(starts, [*starts[1:], len(lines)], strict=True)]


def _parse_segment(lines: list[str], start: int, end: int) -> list[ast.stmt] | None:
    text = "\n".join(lines[start:end])
    cached = _PIECES.get(("segment", start, text))
    if cached is not None:
        return None if cached is _UNPARSABLE else cached
    found = _ASSEMBLED.get((start, text)) or _large_class(lines, start, end)
    if found is not None:
        _ASSEMBLED[start, text] = found  # put together once, not with each request
        return found
    return _cached_parse(("segment", start, text), text, start)


LARGE_CLASS_LINES = 150


def _class_header_end(lines: list[str], start: int, end: int) -> int | None:
    """The line holding the colon of a (decorated) class statement starting at ``start``."""
    i = start
    while i < end and lines[i].startswith("@"):
        i += 1
    if i >= end or not lines[i].startswith("class "):
        return None
    depth = 0
    for j in range(i, min(end, i + 30)):
        code = lines[j].split("#", 1)[0]
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        if depth == 0 and code.rstrip().endswith(":"):
            return j
    return None


@functools.lru_cache(maxsize=64)
def _member_line(indent: int) -> re.Pattern[str]:
    """A line indented as the first member, not a comment, a closing bracket or a continuation."""
    return re.compile(rf"^[^\S\n]{{{indent}}}(?=[^\s#)\]}}])(?!{'|'.join(_CONTINUATIONS)})", re.M)


def _member_ranges(lines: list[str], first: int, end: int) -> list[tuple[int, int]]:
    indent = next((len(x) - len(x.lstrip()) for x in lines[first:end] if x.strip()), 4)
    starts = [first]
    for i in _line_starts("\n".join(lines[first:end]), _member_line(indent)):
        if i and not _after_decorator(lines, first + i, first + 1, indented=True):
            starts.append(first + i)
    return list(zip(starts, [*starts[1:], end], strict=True))


def _large_class(lines: list[str], start: int, end: int) -> list[ast.stmt] | None:
    """A big class parsed member by member (each cached), then put together."""
    header_end = _class_header_end(lines, start, end)
    if header_end is None or end - start < LARGE_CLASS_LINES:
        return None
    indent = next((x[: len(x) - len(x.lstrip())] for x in lines[header_end + 1 : end] if x.strip()), "    ")
    header_text = "\n".join(lines[start : header_end + 1])
    header = _cached_parse(("class-header", start, header_text), f"{header_text}\n{indent}pass", start)
    if not header or not isinstance(header[0], ast.ClassDef):
        return None
    members: list[ast.stmt] = []
    pending: int | None = None
    joined = 0
    for m_start, m_end in _member_ranges(lines, header_end + 1, end):
        first = m_start if pending is None else pending
        text = "\n".join(lines[first:m_end])
        parsed = _cached_parse(("member", first, text), "class _:\n" + text, first - 1)
        if not parsed or not isinstance(parsed[0], ast.ClassDef):
            pending = first  # a string or bracket spans the split: join with what follows
            joined += 1
            if joined > MAX_JOINED_MEMBERS:
                return None  # broken, not split: each longer join would fail again
            continue
        members.extend(parsed[0].body)
        pending, joined = None, 0
    if not members or pending is not None:
        return None
    cls = copy.copy(header[0])
    cls.body = members
    cls.end_lineno, cls.end_col_offset = members[-1].end_lineno, members[-1].end_col_offset
    return [cls]


def _shift_lines(nodes: list[ast.stmt], lines: int) -> None:
    """``ast.increment_lineno`` on each of ``nodes``, in one loop over the fields (without its
    generators: it cost more than the parse itself)."""
    stack: list[ast.AST] = list(nodes)
    while stack:
        node = stack.pop()
        if node._attributes:
            node.lineno = getattr(node, "lineno", 0) + lines  # type: ignore[attr-defined]
            end = getattr(node, "end_lineno", None)
            if end is not None:
                node.end_lineno = end + lines  # type: ignore[attr-defined]
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)


def _cached_parse(key: tuple[object, ...], source: str, first_line: int) -> list[ast.stmt] | None:
    """The statements of ``source`` placed as if it began at 0-based line ``first_line``: the line
    numbers are shifted after parsing (padding the text with newlines made large files quadratic)."""
    found = _PIECES.get(key)
    if found is None:
        try:
            module = _parse(source)
        except SyntaxError:
            _PIECES[key] = _UNPARSABLE  # asked again with each request in this file: fail at once
            return None
        found = module.body
        if first_line:
            _shift_lines(found, first_line)
        _PIECES[key] = found
    return None if found is _UNPARSABLE else found


def segmented_ast(text: str) -> TolerantParse:
    """Like :func:`tolerant_ast`, but each top-level statement is parsed once per distinct text
    and place: a request in a large file re-parses only the statement the edit touched. Pieces
    that do not parse alone (a string spanning a split) are joined with what follows; broken code
    falls back to :func:`tolerant_ast` for the rest of the file."""
    lines = text.split("\n")
    segments = _segments(text, lines)
    if _is_new(lines, segments):
        whole = _whole_parse(text, lines, segments)
        if whole is not None:
            return whole
    body: list[ast.stmt] = []
    pending: int | None = None
    for start, end in segments:
        first = start if pending is None else pending
        parsed = _parse_segment(lines, first, end)
        if parsed is None:
            pending = first
            continue
        body.extend(parsed)
        pending = None
    if pending is None:
        return TolerantParse(ast.Module(body=body, type_ignores=[]), frozenset())
    tail = "\n".join(lines[pending:])
    rest = _REPAIRED.get((pending, tail))
    if rest is None:  # the same broken text is asked again (each budget, each check): repair it once
        rest = _REPAIRED[pending, tail] = tolerant_ast("\n" * pending + tail)
    return TolerantParse(ast.Module(body=body + rest.tree.body, type_ignores=[]), rest.replaced_lines)


# -- a text seen for the first time: one parse of the whole, cut into the pieces above ---------
def _is_new(lines: list[str], segments: list[tuple[int, int]], samples: int = 5) -> bool:
    """Whether most of the text was not parsed before, judged by statements spread over it
    (the first is left out: many files begin alike). An edit changes one statement, or moves
    those below it when it adds or removes lines: then those are parsed again anyway."""
    if len(segments) < 3:
        return False
    rest = segments[1:]
    picked = {rest[i * (len(rest) - 1) // (samples - 1)] for i in range(samples)}
    missing = sum(("segment", start, "\n".join(lines[start:end])) not in _PIECES for start, end in picked)
    return missing * 2 > len(picked)


def _first_line(node: ast.stmt) -> int:
    """0-based, decorators included."""
    decorators: list[ast.expr] = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)]) - 1


def _split_at(nodes: list[ast.stmt], ranges: list[tuple[int, int]], lines: list[str],
              member: bool = False) -> Iterator[tuple[int, int, list[ast.stmt]]]:
    """The statements of each range that holds whole statements, remembered under the key the
    piecewise parse looks them up by (and yielded). A statement that runs past its range is left
    to the piecewise parse, but for the top-level ranges it touches, parsed alone as that does."""
    i, last = 0, 0  # the next statement; the 1-based line the one before it ends on
    for start, end in ranges:
        found: list[ast.stmt] = []
        while i < len(nodes) and _first_line(nodes[i]) < end:
            found.append(nodes[i])
            i += 1
        text = "\n".join(lines[start:end])
        whole = bool(found) and last <= start and (found[-1].end_lineno or 0) <= end
        if whole and member:  # as parsed: the members in a ``class _:`` on the line above
            wrapper = ast.ClassDef(name="_", bases=[], keywords=[], body=found, decorator_list=[])
            wrapper.lineno, wrapper.col_offset = start, 0
            wrapper.end_lineno, wrapper.end_col_offset = found[-1].end_lineno, found[-1].end_col_offset
            _PIECES["member", start, text] = [wrapper]
        elif whole:
            _PIECES["segment", start, text] = found
        elif not member:
            _cached_parse(("segment", start, text), text, start)
        if whole:
            yield start, end, found
        if found:
            last = found[-1].end_lineno or 0


def _whole_parse(text: str, lines: list[str], segments: list[tuple[int, int]]) -> TolerantParse | None:
    """The tree of a text that parses whole (one parse, no line numbers to shift), its pieces
    remembered for the edits to come: top-level statements, and the members of large classes."""
    try:
        module = _parse(text)
    except SyntaxError:
        return None
    for start, end, found in _split_at(module.body, segments, lines):
        header_end = _class_header_end(lines, start, end)
        cls = found[0]
        if header_end is not None and end - start >= LARGE_CLASS_LINES and len(found) == 1 \
                and isinstance(cls, ast.ClassDef):
            list(_split_at(cls.body, _member_ranges(lines, header_end + 1, end), lines, member=True))
    return TolerantParse(module, frozenset())
