"""Files and strings that must never reach a prompt.

    is_private_file(path, root, extra_globs=())   # gitignored, .env*, keys, credentials inside
    mask_secrets(text)                            # credential-like literals become "***"

A :class:`PrivacyFilter` answers for one workspace and caches its decisions: ``git
check-ignore`` is asked once for a whole batch of paths (when git and a repository exist),
else the ``.gitignore`` files are read with fnmatch semantics.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import itertools
import logging
import math
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from context.model import Definition, HoleContext

log = logging.getLogger(__name__)

PRIVATE_NAME_GLOBS = (
    ".env*",
    "*.env",
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
    ".netrc",
    ".pgpass",
    ".pypirc",
    ".npmrc",
    "credentials",
    "credentials.json",
)
CREDENTIAL_PATTERNS = (
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"),
    re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
    re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    re.compile(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"),
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
)
CREDENTIAL = re.compile("|".join(f"(?:{p.pattern})" for p in CREDENTIAL_PATTERNS))
# ``scheme://user:password@host``: masked in prompts, but too common in examples and docs to
# keep a whole file out.
URL_USERINFO = re.compile(r"(?<=://)[^/\s:@\"']+:[^/\s@\"']+(?=@)")
# Names start at a token boundary and are bounded, so that long runs of letters (data blobs)
# cost linear time instead of trying every split of the run.
SECRET_WORDS = (
    r"(?:passw(?:or)?d|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|credential|auth)"
)
SECRET_NAME = (
    rf"(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{{0,40}}?{SECRET_WORDS}[A-Za-z0-9_-]{{0,40}}"
    r"(?![A-Za-z0-9_.-])"
)
# ``name = value`` on one line; values exclude the characters of code and templates
# (``auth={auth!r}``, ``token: {params.token}``, ``password = get(...)``).
ASSIGNED_SECRET = re.compile(
    rf"(?i)(?P<name>{SECRET_NAME})[\"']?[ \t]*(?::|=|:=)[ \t]*(?P<q>[\"']?)"
    r"(?P<value>[^\s\"'#,;(){}\[\]<>$%`\\]{6,})(?P=q)(?![^\s,;)\]}])"
)
SECRET_LAST_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "auth",
        "authorization",
        "credential",
        "credentials",
        "apikey",
    }
)
SECRET_LAST_PAIRS = frozenset(
    {"api_key", "access_key", "private_key", "secret_key", "client_secret", "auth_token"}
)
NAME_WORDS = re.compile(r"[_\-.]+|(?<=[a-z0-9])(?=[A-Z])")
# Values that are code, patterns or templates rather than credentials.
NOT_A_VALUE = re.compile(r"[\s\[\](){}*\\^|<>%$]")
WORDS = re.compile(
    r"^[a-z]+(?:[_\-.:/][a-z]+)*$|^[A-Z]+(?:[_\-.:/][A-Z]+)*$|^[A-Z][a-z]+(?:[A-Z][a-z]+)*$"
)
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
TRIPLE_QUOTED = r"(?P<tq>\"\"\"|''')(?P<tbody>[\s\S]*?)(?P=tq)"
SINGLE_QUOTED = r"(?P<sq>[\"'])(?P<sbody>(?:\\.|(?!(?P=sq))[^\\\n])*)(?P=sq)"
STRING_LITERAL = re.compile(f"{TRIPLE_QUOTED}|{SINGLE_QUOTED}")
AUTH_SCHEME = re.compile(r"^(?:Bearer|Basic|Token|token)\s+")
HIGH_ENTROPY_CANDIDATE = re.compile(r"^(?:[A-Za-z0-9+/]{20,}={0,2}|[A-Za-z0-9_-]{20,})$")
HEX_STRING = re.compile(r"^[0-9a-fA-F]+$")
MASK = "***"
LINE_HEAD_CHARS = 200
MIN_SECRET_CHARS = 6
HEAD_BYTES = 65536
GIT_TIMEOUT_S = 10.0


def entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def looks_random(value: str) -> bool:
    """A token of at least 20 base64/hex characters that reads like noise, not like a name:
    high entropy, digits inside (not only a version at the end), and frequent switches
    between lower case, upper case and digits (``sampler1DArrayShadow`` switches rarely)."""
    if not HIGH_ENTROPY_CANDIDATE.match(value):
        return False
    digits = [i for i, c in enumerate(value) if c.isdigit()]
    if len(digits) < 2 or digits[0] >= len(value) - 4 or not any(c.isalpha() for c in value):
        return False
    is_hex = HEX_STRING.match(value) is not None
    if entropy(value) < (3.0 if is_hex else 3.5):
        return False
    return class_switch_rate(value) >= (0.3 if is_hex else 0.45)


def class_switch_rate(value: str) -> float:
    """How often neighbouring characters differ in class (lower, upper, digit, other)."""

    def kind(c: str) -> int:
        return 0 if c.islower() else 1 if c.isupper() else 2 if c.isdigit() else 3

    kinds = [kind(c) for c in value]
    switches = sum(a != b for a, b in itertools.pairwise(kinds))
    return switches / max(1, len(value) - 1)


def has_credential(text: str) -> bool:
    """True when ``text`` holds a known credential shape, or a random token (20 characters or
    more) under a secret name. Stricter than masking: it keeps a whole file out of prompts."""
    if CREDENTIAL.search(text):
        return True
    return any(
        looks_random(m.group("value")) and is_secret_name(m.group("name"))
        for m in ASSIGNED_SECRET.finditer(text)
    )


def _secret_value(value: str) -> bool:
    """A value assigned to a secret-sounding name that is not plainly code or a placeholder."""
    if value.startswith(("os.", "getenv", "environ", "self.", "None", "settings.", "config.")):
        return False
    if NOT_A_VALUE.search(value) or WORDS.match(value):
        return False
    if value.replace(".", "_").isidentifier():
        return looks_random(value)
    return looks_random(value) or (len(value) >= 8 and entropy(value) >= 2.5)


def literal_is_secret(body: str, line_head: str) -> bool:
    """Whether a string literal's ``body`` is a credential; ``line_head`` is the text ahead of
    it on its line (``password = ``)."""
    if len(body) < MIN_SECRET_CHARS:
        return False
    body = AUTH_SCHEME.sub("", body, count=1)
    if CREDENTIAL.search(body) or looks_random(body):
        return True
    if URL_USERINFO.search(body):
        return False  # only the user:password part goes (see _mask_tokens)
    if NOT_A_VALUE.search(body) or WORDS.match(body) or entropy(body) < 2.5:
        return False
    return assigned_to_secret_name(line_head)


def assigned_to_secret_name(line_head: str) -> bool:
    """Whether ``line_head`` ends with ``name =``, ``name: Type =``, ``"name":`` or ``name=``
    and the name sounds like a secret (password, token, api_key, ...)."""
    head = line_head.rstrip().rstrip("rbuRBU").rstrip()
    if head.endswith(":="):
        head = head[:-2]
    elif head.endswith(("=", ":")):
        head = head[:-1]
    else:
        return False
    head = head.rstrip()
    names = [head, head.rsplit(":", 1)[0]] if ":" in head else [head]
    return any(is_secret_name(_trailing_name(candidate)) for candidate in names)


def is_secret_name(name: str) -> bool:
    """Whether the last word of ``name`` says it holds a secret: ``DB_PASSWORD``, ``apiKey``,
    ``AWS_SECRET_ACCESS_KEY``; not ``token_type`` nor ``basic_auth_encoding``."""
    words = [w.lower() for w in NAME_WORDS.split(name) if w]
    if not words:
        return False
    return words[-1] in SECRET_LAST_WORDS or "_".join(words[-2:]) in SECRET_LAST_PAIRS


def _trailing_name(text: str) -> str:
    text = text.rstrip().rstrip("\"'")
    start = len(text)
    while start > 0 and text[start - 1] in NAME_CHARS and len(text) - start < 80:
        start -= 1
    return text[start:]


# Remembered: definitions repeat across requests. Bounded low because a code window may be
# tens of kilobytes and each keystroke makes a new one (8192 of them could take a gigabyte).
@lru_cache(maxsize=512)
def mask_secrets(text: str) -> str:
    """``text`` with credential-like string literals replaced by ``"***"`` (quotes kept), and
    credential shapes outside literals (comments, diffs, env files) replaced by ``***``."""
    if not text:
        return text
    parts: list[str] = []
    last = 0
    for match in STRING_LITERAL.finditer(text):
        body = match.group("tbody") if match.group("tq") else match.group("sbody")
        parts.append(_mask_tokens(text[last : match.start()]))
        start = match.start()
        line_start = text.rfind("\n", max(0, start - LINE_HEAD_CHARS), start) + 1
        line_start = max(line_start, start - LINE_HEAD_CHARS)
        if len(body) < MIN_SECRET_CHARS:
            parts.append(match.group(0))
        elif literal_is_secret(body, text[line_start:start]):
            quote = match.group("tq") or match.group("sq")
            parts.append(f"{quote}{MASK}{quote}")
        else:
            parts.append(_mask_tokens(match.group(0)))
        last = match.end()
    parts.append(_mask_tokens(text[last:]))
    return "".join(parts)


def _mask_tokens(text: str) -> str:
    if len(text) < MIN_SECRET_CHARS:
        return text
    text = URL_USERINFO.sub(MASK, CREDENTIAL.sub(MASK, text))
    return ASSIGNED_SECRET.sub(_mask_assignment, text)


def _mask_assignment(match: re.Match[str]) -> str:
    if not (is_secret_name(match.group("name")) and _secret_value(match.group("value"))):
        return match.group(0)
    start, end = match.span("value")
    whole = match.group(0)
    return whole[: start - match.start()] + MASK + whole[end - match.start() :]


def mask_definitions(definitions: Iterable[Definition]) -> tuple[Definition, ...]:
    return tuple(dataclasses.replace(d, text=mask_secrets(d.text)) for d in definitions)


def with_masked_definitions(hole: HoleContext) -> HoleContext:
    """``hole`` with every definition masked and the code window as it is: what front ends may
    show (ChatLSP clients pass definitions on to their own models), offsets still valid."""
    return dataclasses.replace(
        hole,
        relevant_types=mask_definitions(hole.relevant_types),
        relevant_headers=mask_definitions(hole.relevant_headers),
        receiver_members=mask_definitions(hole.receiver_members),
        cross_file=mask_definitions(hole.cross_file),
    )


def masked_hole(hole: HoleContext, max_chars: int | None = None) -> HoleContext:
    """``hole`` as a prompt may show it: the code window and every definition masked.

    ``max_chars`` keeps only that much of the window on each side (whole lines), since a
    prompt cannot show more than its budget: masking a huge file costs time for nothing.
    Offsets into the buffer must keep using the unmasked hole (masking changes lengths)."""
    prefix, suffix = hole.prefix, hole.suffix
    if max_chars is not None and len(prefix) > max_chars:
        cut = prefix.find("\n", len(prefix) - max_chars)
        prefix = prefix[cut + 1 :] if cut >= 0 else prefix[-max_chars:]
    if max_chars is not None and len(suffix) > max_chars:
        cut = suffix.rfind("\n", 0, max_chars)
        suffix = suffix[: cut + 1] if cut >= 0 else suffix[:max_chars]
    shown = with_masked_definitions(hole)
    return dataclasses.replace(shown, prefix=mask_secrets(prefix), suffix=mask_secrets(suffix))


# -- files -----------------------------------------------------------------------------------
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
        path = path.resolve() if not path.is_absolute() else path
        if self.by_name(path) or self.ignored_among([path]):
            return True
        return read_content and self.content_is_secret(path)

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
        try:
            stat = path.stat()
        except OSError:
            return False
        stamp = (stat.st_size, stat.st_mtime_ns)
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


__all__ = [
    "PrivacyFilter",
    "has_credential",
    "is_private_file",
    "mask_secrets",
    "masked_hole",
    "privacy_filter",
    "with_masked_definitions",
]
