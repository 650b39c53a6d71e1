"""The workspace: its root, its Python environment, and summaries of its modules.

Modules resolve against, in order: the workspace's source roots (the root and ``src/``), the
standard library's typeshed stubs shipped with jedi, then the workspace environment's
``sys.path`` (an explicit interpreter, else ``.venv``/``venv`` in the root, else
``VIRTUAL_ENV``, else the running interpreter). Summaries are cached by file identity
(size and mtime) in memory, and by content hash on disk.
"""

from __future__ import annotations

import ast
import importlib.util
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from context.errors import BinaryFileError, NotUtf8Error, SourceError
from context.index_cache import DiskIndex, content_key
from context.memo import TextCache, file_stamp
from context.parsing import tolerant_ast
from context.privacy import PrivacyFilter, privacy_filter
from context.summarize import FragmentCache, FragmentRecord, remember_fragments, summarize_module
from context.summary import ModuleSummary

log = logging.getLogger(__name__)

ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
INLINE_INDEX_BUDGET_S = 0.3
SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "env",
    "node_modules",
    "__pycache__",
    "build",
    "dist",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".tox",
    ".nox",
    "site-packages",
    ".eggs",
}


def _jedi_folder() -> Path:
    """Where jedi is installed, found without importing it (that costs a start-up its time)."""
    spec = importlib.util.find_spec("jedi")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jedi is not installed (it is a dependency of holepilot)")
    return Path(next(iter(spec.submodule_search_locations)))


TYPESHED_STDLIB = _jedi_folder() / "third_party" / "typeshed" / "stdlib"


def in_tool_folder(path: Path, root: Path) -> bool:
    """Whether ``path`` lies, below ``root``, in an environment or a tool's folder (``.venv``,
    ``site-packages``, ``build``, hidden folders): not a project's own code."""
    parts = path.relative_to(root).parts[:-1]
    return any(part in SKIP_DIRS or part.startswith(".") for part in parts)


def find_root(path: Path) -> Path:
    """The nearest directory above ``path`` holding a project marker, else the file's directory."""
    start = path if path.is_dir() else path.parent
    return project_root(path) or start


def project_root(path: Path) -> Path | None:
    """The nearest directory above ``path`` holding a project marker; None when there is none."""
    start = path if path.is_dir() else path.parent
    for candidate in [start, *start.parents]:
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    return None


def read_source(path: Path, max_bytes: int | None = None) -> str:
    """The text of a source file (or any text file a front end is given), the one way every
    layer reads one: UTF-8 with its byte-order mark dropped, and a :class:`SourceError` of one
    line for missing, binary (NUL bytes) and non-UTF-8 files. With ``max_bytes``, a larger file
    is read up to the last whole character within that size."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise SourceError(f"{path}: no such file") from error
    except IsADirectoryError as error:
        raise SourceError(f"{path}: is a directory, not a file") from error
    except OSError as error:
        raise SourceError(f"{path}: cannot read ({error.strerror})") from error
    if b"\x00" in data:
        raise BinaryFileError(f"{path}: binary file (contains NUL bytes), not text")
    if max_bytes is not None and len(data) > max_bytes:
        data = _whole_characters(data, max_bytes)
        log.info("%s is larger than %d bytes; analysing its head only", path, max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotUtf8Error(
            f"{path}: not UTF-8 (invalid byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from error


def _whole_characters(data: bytes, size: int) -> bytes:
    """The first ``size`` bytes of ``data``, less the start of a character cut by that size."""
    end = size
    while end > 0 and data[end] & 0xC0 == 0x80:  # a continuation byte: its character began before
        end -= 1
    return data[:end]


def environment_paths(root: Path, python: str | None) -> list[Path]:
    """``sys.path`` of the workspace's interpreter (without the stdlib, covered by typeshed)."""
    candidates: list[str] = []
    if python:
        candidates.append(python)
    for name in (".venv", "venv"):
        local = root / name / "bin" / "python"
        if local.exists():
            candidates.append(str(local))
    if os.environ.get("VIRTUAL_ENV"):
        candidates.append(str(Path(os.environ["VIRTUAL_ENV"]) / "bin" / "python"))
    for exe in candidates:
        if _same_interpreter(exe):
            log.info("workspace environment: %s (the running interpreter)", exe)
            break
        try:
            import jedi  # only for another interpreter: it asks that one for its sys.path

            env = jedi.create_environment(exe, safe=False)
            found = [Path(p) for p in env.get_sys_path()]
            log.info("workspace environment: %s", exe)
            return [p for p in found if "site-packages" in p.parts or "dist-packages" in p.parts]
        except Exception as error:  # jedi raises its own InvalidPythonEnvironment and OSErrors
            log.warning("cannot use Python environment %s: %s", exe, error)
    return [Path(p) for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)]


def _same_interpreter(exe: str) -> bool:
    """Whether ``exe`` is the interpreter running us (then its ``sys.path`` is ours: asking a
    subprocess for it would only cost time)."""
    try:
        return Path(exe).absolute() == Path(sys.executable).absolute() or (
            Path(sys.prefix).resolve() == Path(exe).resolve().parent.parent
            and Path(exe).parent.parent.joinpath("pyvenv.cfg").exists()
        )
    except OSError:
        return False


@dataclass
class _Cached:
    stamp: tuple[int, int]
    summary: ModuleSummary | None  # None: left out (private, unreadable, a credential)


class Workspace:
    """Module summaries of one workspace, resolved by dotted name or by path."""

    def __init__(
        self,
        root: Path,
        python: str | None = None,
        *,
        max_files: int = 5000,
        max_file_bytes: int = 4_000_000,
        private_globs: Sequence[str] = (),
    ) -> None:
        self.root = root.resolve()
        # gitignored files, env files, keys and files holding credentials never reach a prompt
        self.privacy: PrivacyFilter = privacy_filter(self.root, private_globs)
        self.python = python
        self.max_files = max_files
        self.max_file_bytes = max_file_bytes
        src = self.root / "src"
        self.source_roots = [self.root] + ([src] if src.is_dir() else [])
        self._env_paths: list[Path] | None = None
        self._by_path: dict[Path, _Cached] = {}
        self.indexing = False  # a background indexing is under way (see all_summaries)
        self.left_out = 0  # files the last all_summaries left out because of that
        self._by_module: dict[str, Path | None] = {}
        self._files: list[Path] | None = None
        self._known: set[Path] = set()
        self._overlay: dict[str, ModuleSummary] = {}
        self._fragments: FragmentCache = TextCache()
        self._warmed: set[Path] = set()  # files whose stored pieces were put back in the cache
        self._memo: dict[str, ModuleSummary | None] = {}
        self.disk = DiskIndex(self.root)

    def begin_request(self) -> None:
        """Forget what one request memoized (files may change between requests)."""
        self._memo.clear()

    def set_private_globs(self, globs: Sequence[str]) -> None:
        """New user globs of private files: forget what was listed and summarized."""
        if tuple(globs) != self.privacy.extra_globs:
            self.privacy = privacy_filter(self.root, globs)
            self._files = None
            self._by_path.clear()
            self._memo.clear()

    def set_overlay(self, summary: ModuleSummary | None, module: str = "") -> None:
        """Let an unsaved buffer's summary stand for its module (None removes it)."""
        if summary is None:
            self._overlay.pop(module, None)
        else:
            self._overlay[summary.module] = summary

    def overlays(self) -> list[ModuleSummary]:
        """The summaries of unsaved buffers standing for their modules."""
        return list(self._overlay.values())

    @property
    def env_paths(self) -> list[Path]:
        if self._env_paths is None:
            self._env_paths = environment_paths(self.root, self.python)
        return self._env_paths

    def module_name(self, path: Path) -> str:
        path = path.resolve()
        for base in sorted(self.source_roots, key=lambda p: -len(p.parts)):
            if path.is_relative_to(base):
                rel = path.relative_to(base).with_suffix("")
                parts = list(rel.parts)
                if parts and parts[-1] == "__init__":
                    parts.pop()
                return ".".join(parts)
        return path.stem

    def files(self) -> list[Path]:
        """Python files of the workspace, bounded by ``max_files``."""
        if self._files is None:
            found: list[Path] = []
            for dirpath, dirnames, filenames in os.walk(self.root):
                dirnames[:] = sorted(
                    d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
                )
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    # a symlink leading out of the workspace is not its code, nor to be read
                    if name.endswith((".py", ".pyi")) and path.resolve().is_relative_to(self.root):
                        found.append(path)
                if len(found) >= self.max_files:
                    log.warning(
                        "workspace has more than %d Python files; indexing the first ones",
                        self.max_files,
                    )
                    break
            private = self.privacy.private_among(found)
            self._files = [p for p in found if p not in private][: self.max_files]
            self._known = set(self._files)
        return self._files

    def note_file(self, path: Path) -> None:
        """A file created since the workspace was listed joins the list, and module names it
        may provide are looked up again (misses are remembered otherwise)."""
        path = path.resolve()
        if self._files is None or path.suffix not in (".py", ".pyi") or not self._inside(path):
            return
        if path not in self._known:
            self._known.add(path)
            self._files.append(path)
            self._by_module = {name: found for name, found in self._by_module.items() if found is not None}
            self._memo.clear()

    def summary_for_text(self, path: Path, text: str, tree: ast.Module | None = None) -> ModuleSummary:
        """Summary of an unsaved buffer; ``tree`` when already parsed. Unchanged top-level
        statements come from the fragment cache."""
        tree = tree if tree is not None else tolerant_ast(text).tree
        if path not in self._warmed:
            self._warmed.add(path)
            self._warm_fragments(path)
        return summarize_module(tree, str(path), self.module_name(path), path.name == "__init__.py",
                                lines=text.split("\n"), cache=self._fragments)

    def _warm_fragments(self, path: Path) -> None:
        """The pieces the stored summary of ``path`` (its text on disk) was made of, back in the
        fragment cache: the first buffer of a file whose summary came from the disk index is
        then summarized like a later one, only the statements that differ from the file."""
        if not self._inside(path):
            return
        try:
            text = read_source(path, self.max_file_bytes)
        except SourceError:
            return
        module = self.module_name(path)
        records: list[FragmentRecord] | None = self.disk.get_fragments(content_key(path, module, text))
        if records:
            count = remember_fragments(text.split("\n"), records, self._fragments, module)
            log.debug("%s: %d summarized pieces read back", path, count)

    def summary_for_path(self, path: Path) -> ModuleSummary | None:
        if not path.is_absolute():
            path = path.resolve()
        stamp = file_stamp(path)
        if stamp is None:
            return None
        cached = self._by_path.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached.summary
        summary = self._summarize_file(path)
        # Files left out are remembered too (by the same stamp): no re-reading, no repeated log.
        self._by_path[path] = _Cached(stamp, summary)
        return summary

    def _summarize_file(self, path: Path) -> ModuleSummary | None:
        inside = self._inside(path)
        if inside and self.privacy.is_private(path, read_content=False):
            log.info("not indexed: %s is private (ignored, a key or an env file)", path)
            return None
        try:
            text = read_source(path, self.max_file_bytes)
        except SourceError as error:
            log.info("not indexed: %s", error)
            return None
        module = self.module_name(path) if inside else self._module_from_env(path)
        key = content_key(path, module, text)
        summary = self.disk.get(key)
        if summary is not None:
            if inside:
                self.disk.get_fragments(key)  # used: kept in the index with the summary
            return summary  # stored only after this same text passed the credential check
        if inside and self.privacy.content_is_secret(path, text):
            log.info("not indexed: %s looks like it holds a credential", path)
            return None
        # Through the fragment cache: a buffer of this file, analysed later, then only
        # re-summarizes the statements its edits touched. The pieces are stored with the summary
        # for a later session (see _warm_fragments).
        record: list[FragmentRecord] | None = [] if inside else None
        summary = summarize_module(
            tolerant_ast(text).tree, str(path), module, path.name in ("__init__.py", "__init__.pyi"),
            lines=text.split("\n") if inside else None, cache=self._fragments if inside else None,
            record=record,
        )
        self.disk.put(key, summary)
        if record:
            self.disk.put_fragments(key, record)
        return summary

    def _inside(self, path: Path) -> bool:
        """Whether ``path`` is the workspace's own code. An environment kept in the root
        (``.venv/``, with typeshed and site-packages) is not: it is read like any environment,
        and the workspace's ignore rules (which usually list ``.venv/``) do not apply to it."""
        return path.is_relative_to(self.root) and not in_tool_folder(path, self.root)

    def _module_from_env(self, path: Path) -> str:
        for base in [TYPESHED_STDLIB, *self.env_paths]:
            if path.is_relative_to(base):
                parts = list(path.relative_to(base).with_suffix("").parts)
                if parts and parts[-1] == "__init__":
                    parts.pop()
                return ".".join(parts)
        return path.stem

    def _search_bases(self) -> Iterator[Path]:
        yield from self.source_roots
        yield TYPESHED_STDLIB
        yield from self.env_paths

    def module_path(self, dotted: str) -> Path | None:
        if dotted in self._by_module:
            return self._by_module[dotted]
        found: Path | None = None
        rel = Path(*dotted.split(".")) if dotted else None
        if rel is not None:
            for base in self._search_bases():
                for candidate in (
                    base / rel / "__init__.pyi",
                    base / rel / "__init__.py",
                    base.joinpath(*rel.parts[:-1], rel.name + ".pyi"),
                    base.joinpath(*rel.parts[:-1], rel.name + ".py"),
                ):
                    if candidate.is_file():
                        found = candidate
                        break
                if found:
                    break
        self._by_module[dotted] = found
        return found

    def module(self, dotted: str) -> ModuleSummary | None:
        if dotted in self._overlay:
            return self._overlay[dotted]
        if dotted in self._memo:
            return self._memo[dotted]
        path = self.module_path(dotted)
        summary = self.summary_for_path(path) if path else None
        self._memo[dotted] = summary
        return summary

    def all_summaries(self, skip: Path | None = None) -> Iterator[ModuleSummary]:
        """Every module of the workspace. While a background indexing runs (``indexing``), a
        request summarizes files the indexing has not reached for at most
        ``INLINE_INDEX_BUDGET_S`` and leaves out the rest: it never waits for a whole large
        workspace to be parsed (modules it imports are read on demand all the same)."""
        deadline = time.perf_counter() + INLINE_INDEX_BUDGET_S
        left_out = self.left_out = 0
        for path in self.files():
            if skip is not None and path == skip:  # both absolute already
                continue
            if self.indexing and path not in self._by_path and time.perf_counter() > deadline:
                left_out += 1
                continue
            summary = self.summary_for_path(path)
            if summary is not None:
                yield summary
        if left_out:
            self.left_out = left_out
            log.info("%d files not indexed yet were left out of this answer", left_out)
