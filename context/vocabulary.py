"""The identifiers a buffer can know: a member read that no code anywhere spells is a misspelling.

A member read on a receiver whose type nobody can infer (``self.console.prnit(...)``, a value a
library returned) escapes the checks of attributes. Its name still has to come from somewhere: a
definition or a use in the workspace, the modules the buffer imports, or the builtins. A name that
is spelled nowhere of these — not elsewhere in the buffer, not in any other file of the workspace,
not in the source or stub of a module the buffer imports, not in the standard library's stubs
(typeshed, read once per process) — is almost surely
a typo when a known name is spelled much like it, and :mod:`context.diagnose.spelling` reports it ("no
member named 'prnit' is known anywhere; did you mean 'print'?"). A name known nowhere and like no
known name is more likely a member of a library nobody here used yet: it is left alone.

The words of a file are every identifier in its text (strings and comments too: a name given to
``getattr`` or ``argparse`` counts), read once per version of the file (its size and mtime) and
kept for the life of the process. The file of the buffer itself counts through the buffer, where
the name has to occur once more than at the member read: what is on disk may not be what is in the
editor. Precision first: a receiver rooted at a name imported from a module that cannot be found
(its members are unknowable), a member inside ``try: ... except AttributeError`` (left out by the
recorder of facts) and dunder names are never reported.
"""

from __future__ import annotations

import ast
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from context.errors import SourceError
from context.memo import file_stamp
from context.summarize import absolute_module
from context.workspace import TYPESHED_STDLIB, read_source

WORD = re.compile(r"(?!\d)\w+")
MAX_FILE_BYTES = 4_000_000
MAX_CACHED_FILES = 50_000  # beyond that the cache starts afresh (a process indexing many workspaces)


class Modules(Protocol):
    """What :class:`Vocabulary` needs of a workspace (:class:`context.workspace.Workspace`)."""

    def files(self) -> list[Path]: ...

    def module_path(self, dotted: str) -> Path | None: ...


class _Words:
    """The identifiers of files, by file and version."""

    def __init__(self) -> None:
        self._by_path: dict[Path, tuple[tuple[int, int], frozenset[str]]] = {}
        self._lock = threading.Lock()

    def of(self, path: Path) -> frozenset[str]:
        stamp = file_stamp(path)
        if stamp is None:
            return frozenset()
        with self._lock:
            cached = self._by_path.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            words = frozenset(WORD.findall(read_source(path, MAX_FILE_BYTES)))
        except SourceError:
            words = frozenset()
        with self._lock:
            if len(self._by_path) >= MAX_CACHED_FILES:
                self._by_path.clear()
            self._by_path[path] = (stamp, words)
        return words


WORDS = _Words()


class _Stdlib:
    """The identifiers of the standard library's stubs (typeshed), read once, when first asked
    (about a second)."""

    def __init__(self) -> None:
        self._words: frozenset[str] | None = None
        self._lock = threading.Lock()

    def words(self) -> frozenset[str]:
        with self._lock:
            if self._words is None:
                found: set[str] = set()
                for stub in sorted(TYPESHED_STDLIB.rglob("*.pyi")):
                    found |= WORDS.of(stub)
                self._words = frozenset(found)
            return self._words


STDLIB = _Stdlib()


class _Everywhere:
    """How many files of a workspace spell each word, kept while the files stay as they were
    (their stamps looked at once per :data:`RESTAMP_S` at most)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] = (0, -1)
        self._files: list[Path] = []  # kept: its identity is the key
        self._stamps: tuple[tuple[int, int] | None, ...] = ()
        self._checked = 0.0
        self.counts: Counter[str] = Counter()

    def counts_for(self, files: list[Path]) -> Counter[str]:
        with self._lock:
            key = (id(files), len(files))
            now = time.monotonic()
            if key == self._key and now - self._checked < RESTAMP_S:
                return self.counts
            stamps = tuple(file_stamp(file) for file in files)
            if key != self._key or stamps != self._stamps:
                counts: Counter[str] = Counter()
                for file in files:
                    counts.update(WORDS.of(file))
                self.counts, self._key, self._stamps, self._files = counts, key, stamps, files
            self._checked = now
            return self.counts


EVERYWHERE: dict[int, _Everywhere] = {}  # by the identity of a workspace's list of files
MAX_WORKSPACES = 64
RESTAMP_S = 2.0


class Vocabulary:
    """The names known to the buffer ``text`` of ``path`` in ``workspace`` (see the module's
    documentation); ``imported`` are the dotted names of the modules the buffer imports."""

    def __init__(self, workspace: Modules, path: Path, text: str, imported: Iterable[str]) -> None:
        self.workspace = workspace
        self.path = path.resolve()
        self.counts = Counter(WORD.findall(text))
        self.imported = tuple(dict.fromkeys(["builtins", *imported]))
        self._near: frozenset[str] | None = None
        self._elsewhere: tuple[Counter[str], frozenset[str]] | None = None

    def _in_near(self, word: str) -> bool:
        """Whether the builtins or a module imported (its file, found as the workspace finds
        modules) spell ``word``."""
        if self._near is None:
            paths = [self.workspace.module_path(dotted) for dotted in self.imported]
            self._near = _union(tuple(WORDS.of(found) for found in paths if found is not None))
        return word in self._near

    def in_other_files(self, word: str) -> bool:
        """Whether a file of the workspace other than the buffer's spells ``word``."""
        if self._elsewhere is None:
            files = self.workspace.files()
            everywhere = EVERYWHERE.setdefault(id(files), _Everywhere())
            if len(EVERYWHERE) > MAX_WORKSPACES:
                EVERYWHERE.clear()
            own = WORDS.of(self.path) if self.path in files else frozenset()
            self._elsewhere = (everywhere.counts_for(files), own)
        counts, own_words = self._elsewhere
        return counts[word] - (word in own_words) > 0

    def knows(self, name: str) -> bool:
        """Whether ``name`` (read once in the buffer) is spelled anywhere else."""
        return self.counts[name] > 1 or self._known(name)

    def _known(self, word: str) -> bool:
        return self._in_near(word) or self.in_other_files(word) or word in STDLIB.words()

    def close_to(self, name: str) -> str | None:
        """A known name one edit away from ``name`` (two letters swapped, one left out, added or
        replaced; an underscore added or left out is another name, not a typo), if there is one:
        the first alphabetically of the commonest kind of edit."""
        for edits in _edits(name):
            known = sorted(e for e in edits if e != name and self._spelled(e))
            if known:
                return known[0]
        return None

    def typo_of(self, name: str) -> str | None:
        """A known name of which ``name`` is a typo of the commonest kinds — two neighbouring
        letters swapped (``statr``, ``INOF``) or a doubled letter written once (``conection``) —
        if there is one; the first alphabetically. Digits do not count: ``m12`` and ``m21`` are
        both names."""
        swapped = {name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(len(name) - 1)
                   if name[i] != name[i + 1] and name[i].isalpha() and name[i + 1].isalpha()}
        doubled = {name[: i + 1] + name[i:] for i in range(len(name)) if name[i].isalpha()}
        known = sorted(e for e in swapped | doubled if self._spelled(e))
        return known[0] if known else None

    def _spelled(self, word: str) -> bool:
        """Whether the buffer or any code known to it spells ``word``."""
        return self.counts[word] > 0 or self._known(word)


_UNIONS: dict[tuple[int, ...], tuple[tuple[frozenset[str], ...], frozenset[str]]] = {}
MAX_UNIONS = 256


def _union(parts: tuple[frozenset[str], ...]) -> frozenset[str]:
    """The union of ``parts``, remembered for the same parts (a buffer's imports, check after check)."""
    key = tuple(id(part) for part in parts)
    found = _UNIONS.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], parts, strict=True)):
        return found[1]
    union = frozenset().union(*parts)
    if len(_UNIONS) >= MAX_UNIONS:
        _UNIONS.clear()
    _UNIONS[key] = (parts, union)
    return union


LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _edits(name: str) -> Iterator[set[str]]:
    """The names one edit away from ``name``: swapped neighbours, then a letter left out, then a
    letter added, then one replaced (the commoner typos first)."""
    splits = [(name[:i], name[i:]) for i in range(len(name) + 1)]
    yield {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    yield {a + b[1:] for a, b in splits if b and b[0] != "_"}
    yield {a + c + b for a, b in splits for c in LETTERS}
    yield {a + c + b[1:] for a, b in splits if b for c in LETTERS + "_"}


def import_statements(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements of a module, at any depth of statements (not inside expressions)."""
    stack: list[ast.AST] = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
            continue
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                stack.extend(reversed([n for n in inner if isinstance(n, ast.stmt | ast.excepthandler
                                                                           | ast.match_case)]))


def imported_modules(imports: Iterable[ast.Import | ast.ImportFrom], module: str, is_package: bool) -> list[str]:
    """The dotted names of the modules imported (and of the packages holding them)."""
    out: list[str] = []
    for node in imports:
        if isinstance(node, ast.Import):
            out += [prefix for alias in node.names for prefix in _prefixes(alias.name)]
        else:
            source = absolute_module(module, node.level, node.module, is_package)
            if source:
                out += _prefixes(source)
                out += [f"{source}.{alias.name}" for alias in node.names if alias.name != "*"]
    return list(dict.fromkeys(out))


def _prefixes(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def unfound_roots(imports: Iterable[ast.Import | ast.ImportFrom], module: str, is_package: bool,
                  workspace: Modules) -> set[str]:
    """The local names bound by importing from a module that cannot be found."""
    out: set[str] = set()
    for node in imports:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if workspace.module_path(alias.name) is None:
                    out.add(alias.asname or alias.name.split(".", 1)[0])
        else:
            source = absolute_module(module, node.level, node.module, is_package)
            if workspace.module_path(source) is None:
                out.update(alias.asname or alias.name for alias in node.names)
    return out


def receiver_root(node: ast.Attribute) -> str | None:
    """The name a member read's receiver chain starts from (``a`` of ``a.b().c[0].d``)."""
    found = root_name(node.value)
    return found.id if found is not None else None


def root_name(value: ast.expr) -> ast.Name | None:
    """The name node a chain of members, calls and subscripts starts from."""
    while True:
        if isinstance(value, ast.Attribute | ast.Subscript):
            value = value.value
        elif isinstance(value, ast.Call):
            value = value.func
        elif isinstance(value, ast.Name):
            return value
        else:
            return None


def unknown_name(name: str, vocabulary: Vocabulary) -> bool:
    """Whether ``name`` is what no code spells (dunders aside)."""
    return not (name.startswith("__") and name.endswith("__")) and not vocabulary.knows(name)


def misspelling(name: str, vocabulary: Vocabulary, what: str = "member") -> str | None:
    """The message for a ``what`` (member, parameter) ``name`` known nowhere, when a known name is
    one edit away; None otherwise (a name of a library nobody here uses yet is as likely as a
    typo)."""
    close = vocabulary.close_to(name)
    if close is None:
        return None
    return (f"no {what} named '{name}' is known anywhere (not in the workspace, the modules imported or the "
            f"standard library); did you mean '{close}'?")
