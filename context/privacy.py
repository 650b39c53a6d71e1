"""Private files: what must never be read into a prompt, decided once per file and cached.

Anything the workspace's ``.gitignore`` files ignore (one batched ``git check-ignore`` when git
and a repository exist, else the ignore files are read with fnmatch semantics), env files, keys
and certificates, user globs, and files whose head holds something that looks like a credential.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from context.memo import file_stamp
from context.secrets import has_credential

log = logging.getLogger(__name__)

# What each kind of private file is called when a front end says why it leaves a file alone.
ENV_GLOBS = (".env*", "*.env")
KEY_GLOBS = (
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.crt",
    "*.cer",
    "*.der",
    "*.kdbx",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
)
CREDENTIAL_FILE_GLOBS = (
    ".netrc",
    ".pgpass",
    ".pypirc",
    ".npmrc",
    "credentials",
    "credentials.json",
)
PRIVATE_NAME_GLOBS = ENV_GLOBS + KEY_GLOBS + CREDENTIAL_FILE_GLOBS
NAME_KINDS = (
    (ENV_GLOBS, "an environment file"),
    (KEY_GLOBS, "a key or certificate file"),
    (CREDENTIAL_FILE_GLOBS, "a credentials file"),
)

HEAD_BYTES = 65536
GIT_TIMEOUT_S = 10.0




@dataclass(frozen=True)
class IgnoreRule:
    """One ``.gitignore`` line, relative to the directory ``base`` (posix, "" for the root)."""

    base: str
    pattern: str
    negate: bool
    dir_only: bool
    anchored: bool

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        if self.base:
            if not rel.startswith(self.base + "/"):
                return False
            rel = rel[len(self.base) + 1 :]
        if self.anchored:
            return fnmatch.fnmatchcase(rel, self.pattern) or _double_star(rel, self.pattern)
        return fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], self.pattern)


def _double_star(rel: str, pattern: str) -> bool:
    if pattern.startswith("**/"):
        return fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pattern[3:]) or fnmatch.fnmatchcase(
            rel, pattern[3:]
        )
    return False


def parse_gitignore(text: str, base: str = "") -> list[IgnoreRule]:
    rules: list[IgnoreRule] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = line[1:] if negate else line
        line = line[1:] if line.startswith("\\") else line
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        if line:
            rules.append(IgnoreRule(base, line, negate, dir_only, anchored))
    return rules


class PrivacyFilter:
    """Decides which files of one workspace are private; decisions are cached per path."""

    def __init__(self, root: Path, extra_globs: Sequence[str] = ()) -> None:
        self.root = root.resolve()
        self.extra_globs = tuple(extra_globs)
        self._ignored: dict[Path, bool] = {}
        self._content: dict[Path, tuple[tuple[int, int], bool]] = {}
        self._rules: dict[str, list[IgnoreRule]] = {}
        self._git: bool | None = None
        self._named: dict[Path, bool] = {}
        # one regular expression for every glob (fnmatch semantics: ``*`` also crosses ``/``)
        globs = PRIVATE_NAME_GLOBS + self.extra_globs
        self._name_pattern = re.compile("|".join(fnmatch.translate(g) for g in globs))

    def is_private(self, path: Path, *, read_content: bool = True) -> bool:
        return self.reason(path, read_content=read_content) is not None

    def reason(self, path: Path, *, read_content: bool = True) -> str | None:
        """Why ``path`` is private, in words for people; None when it is not."""
        path = path.resolve() if not path.is_absolute() else path
        if self.by_name(path):
            return self._name_reason(path)
        if self.ignored_among([path]):
            return "the workspace's ignore rules (.gitignore) exclude it"
        if read_content and self.content_is_secret(path):
            return "it holds something that looks like a credential"
        return None

    def _name_reason(self, path: Path) -> str:
        rel = self._rel(path) or path.as_posix()
        for glob in self.extra_globs:
            if fnmatch.fnmatchcase(path.name, glob) or fnmatch.fnmatchcase(rel, glob):
                return f"it matches the excludeGlobs setting ({glob!r})"
        for globs, kind in NAME_KINDS:
            if any(fnmatch.fnmatchcase(path.name, g) or fnmatch.fnmatchcase(rel, g) for g in globs):
                return f"it is {kind}"
        return "its name marks it as private"

    def private_among(self, paths: Iterable[Path]) -> set[Path]:
        """The private ones among ``paths`` by name or ignore rules (one git call for all)."""
        paths = list(paths)
        named = {p for p in paths if self.by_name(p)}
        return named | self.ignored_among([p for p in paths if p not in named])

    def by_name(self, path: Path) -> bool:
        """An env file, a key or certificate, or a match of the user's globs."""
        known = self._named.get(path)
        if known is None:
            rel = self._rel(path)
            known = bool(
                self._name_pattern.match(path.name)
                or self._name_pattern.match(rel if rel is not None else path.as_posix())
            )
            self._named[path] = known
        return known

    def content_is_secret(self, path: Path, text: str | None = None) -> bool:
        stamp = file_stamp(path)
        if stamp is None:
            return False
        cached = self._content.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        if text is None:
            try:
                with path.open("rb") as handle:
                    text = handle.read(HEAD_BYTES).decode("utf-8", "replace")
            except OSError:
                return False
        found = has_credential(text)
        self._content[path] = (stamp, found)
        return found

    def ignored_among(self, paths: Sequence[Path]) -> set[Path]:
        inside = [p for p in paths if self._rel(p) is not None]
        unknown = [p for p in inside if p not in self._ignored]
        if unknown:
            decided = self._git_ignored(unknown)
            if decided is None:
                decided = {p for p in unknown if self._rules_ignore(p)}
            for p in unknown:
                self._ignored[p] = p in decided
        return {p for p in inside if self._ignored[p]}

    def forget(self, path: Path | None = None) -> None:
        """Drop cached decisions (all of them when ``path`` is None or a .gitignore)."""
        if path is None or path.name == ".gitignore":
            self._ignored.clear()
            self._rules.clear()
        else:
            self._ignored.pop(path, None)
            self._content.pop(path, None)

    def _rel(self, path: Path) -> str | None:
        text, root = str(path), str(self.root)
        if text.startswith(root + os.sep):
            return text[len(root) + 1 :].replace(os.sep, "/")
        return None

    def _git_ignored(self, paths: Sequence[Path]) -> set[Path] | None:
        """Paths git ignores, or None when git or a repository is missing."""
        if self._git is False or shutil.which("git") is None:
            return None
        if self._git is None and self._root_ignored_by_enclosing_repo():
            # The user works inside a folder an outer repository ignores (a vendored or
            # downloaded project): that repository's rules say nothing about this workspace.
            self._git = False
            return None
        data = "\0".join(str(p) for p in paths) + "\0"
        try:
            done = subprocess.run(
                ["git", "-C", str(self.root), "check-ignore", "--stdin", "-z"],
                input=data.encode(),
                capture_output=True,
                timeout=GIT_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            log.info("git check-ignore unavailable (%s); reading .gitignore files", error)
            self._git = False
            return None
        if done.returncode not in (0, 1):
            self._git = False
            return None
        self._git = True
        ignored = {Path(p) for p in done.stdout.decode().split("\0") if p}
        if not ignored:
            return set()
        ignored |= {p.resolve() for p in ignored}
        return {p for p in paths if p in ignored or p.resolve() in ignored}

    def _root_ignored_by_enclosing_repo(self) -> bool:
        try:
            done = subprocess.run(
                ["git", "-C", str(self.root), "check-ignore", "-q", str(self.root)],
                capture_output=True,
                timeout=GIT_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        return done.returncode == 0

    def _rules_ignore(self, path: Path) -> bool:
        rel = self._rel(path)
        if rel is None:
            return False
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            if self._decide("/".join(parts[:depth]), depth < len(parts) or path.is_dir()):
                return True
        return False

    def _decide(self, rel: str, is_dir: bool) -> bool:
        ignored = False
        parent_parts = rel.split("/")[:-1]
        for depth in range(len(parent_parts) + 1):
            base = "/".join(parent_parts[:depth])
            for rule in self._rules_of(base):
                if rule.matches(rel, is_dir):
                    ignored = not rule.negate
        return ignored

    def _rules_of(self, base: str) -> list[IgnoreRule]:
        if base not in self._rules:
            file = self.root / base / ".gitignore" if base else self.root / ".gitignore"
            try:
                text = file.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self._rules[base] = parse_gitignore(text, base)
        return self._rules[base]


_FILTERS: dict[tuple[Path, tuple[str, ...]], PrivacyFilter] = {}


def privacy_filter(root: Path, extra_globs: Sequence[str] = ()) -> PrivacyFilter:
    """The shared filter of ``root`` (one per workspace and globs, so its caches are reused)."""
    key = (root.resolve(), tuple(extra_globs))
    if key not in _FILTERS:
        _FILTERS[key] = PrivacyFilter(*key)
    return _FILTERS[key]


def is_private_file(path: Path, root: Path, extra_globs: Sequence[str] = ()) -> bool:
    """True when ``path`` must not be read into a prompt: gitignored, an env file, a key or
    certificate, matched by ``extra_globs``, or holding something that looks like a credential."""
    return privacy_filter(root, extra_globs).is_private(Path(path).resolve())


__all__ = ["IgnoreRule", "PrivacyFilter", "is_private_file", "parse_gitignore", "privacy_filter"]
