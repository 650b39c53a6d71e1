"""Strings that must never reach a prompt: credential detectors and masking.

    mask_secrets(text)          # credential-like literals become "***", other shapes ***
    has_credential(text)        # does a file's text hold something that looks like a key

Which *files* must never be read is decided in :mod:`context.privacy`.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator

from context.memo import TextCache
from context.model import Definition, HoleContext

log = logging.getLogger(__name__)

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


# Texts up to this size are masked whole and remembered whole (definitions: hundreds per
# request, the same ones request after request); longer ones (code windows, tens of kilobytes,
# a new one with each keystroke) are masked chunk by chunk, and each chunk is remembered.
SMALL_TEXT = 4000
_SMALL: TextCache[str] = TextCache(8_000_000)
_CHUNKS: TextCache[str] = TextCache(8_000_000)
_STORING = threading.Lock()  # front ends mask on their own threads too
# Where a chunk may end: before a line that starts a definition, a decorator or a top-level
# statement; a chunk that leaves a triple-quoted string open there is joined with what follows.
CHUNK_START = re.compile(r"^(?=[ \t]*(?:(?:async[ \t]+)?def[ \t]|class[ \t]|@)|[^\s#])", re.M)


def mask_secrets(text: str) -> str:
    """``text`` with credential-like string literals replaced by ``"***"`` (quotes kept), and
    credential shapes outside literals (comments, diffs, env files) replaced by ``***``."""
    if len(text) <= SMALL_TEXT:
        found = _SMALL.get(text)
        if found is None:
            found = _mask_text(text)[0]
            with _STORING:
                _SMALL[text] = found
        return found
    return "".join(_masked_chunks(text))


def _masked_chunks(text: str) -> Iterator[str]:
    """The masked text of ``text`` in chunks, each as :func:`_mask_text` gives it for the whole.

    A chunk ends at a line start that no string literal spans: every pattern stops at a line
    break except a triple-quoted string, and a chunk that leaves one open (its opening quotes
    then match as ``""``) is extended past the string's closing quotes; when that is not enough
    either (a text cut inside a string pairs closing quotes with opening ones), the rest of the
    text is one chunk. Each chunk is remembered by its text: two windows of the same file share
    all but their first and last chunks."""
    start = 0
    ends = [m.start() for m in CHUNK_START.finditer(text) if m.start()] + [len(text)]
    i = 0
    extended = False
    while start < len(text):
        while ends[i] <= start:
            i += 1
        end = ends[i]
        chunk = text[start:end]
        masked = _CHUNKS.get(chunk)
        if masked is None:
            masked, open_at = _mask_text(chunk)
            if open_at is not None and end < len(text):
                close = text.find(chunk[open_at : open_at + 3], start + open_at + 3)
                after = len(text) if close < 0 or extended else close + 3
                while ends[i] < after:
                    i += 1
                extended = True
                continue
            if open_at is None:  # (a string still open in the last chunk is said again)
                with _STORING:
                    _CHUNKS[chunk] = masked
        yield masked
        start, extended = end, False


def _mask_text(text: str) -> tuple[str, int | None]:
    """``text`` masked, and where a triple-quoted string opens that ``text`` does not close
    (None when there is none)."""
    if not text:
        return text, None
    parts: list[str] = []
    last = 0
    open_at: int | None = None
    for match in STRING_LITERAL.finditer(text):
        body = match.group("tbody") if match.group("tq") else match.group("sbody")
        parts.append(_mask_tokens(text[last : match.start()]))
        start = match.start()
        if open_at is None and not body and text[match.end() : match.end() + 1] == match.group("sq"):
            open_at = start  # ``"""`` matched as ``""``: no closing quotes in ``text``
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
    return "".join(parts), open_at


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
    return tuple(_masked_definition(d) for d in definitions)


def _masked_definition(definition: Definition) -> Definition:
    masked = mask_secrets(definition.text)
    return definition if masked == definition.text else dataclasses.replace(definition, text=masked)


def with_masked_definitions(hole: HoleContext) -> HoleContext:
    """``hole`` with every definition masked and the code window as it is: what front ends may
    show (ChatLSP clients pass definitions on to their own models), offsets still valid."""
    return dataclasses.replace(
        hole,
        relevant_types=mask_definitions(hole.relevant_types),
        relevant_headers=mask_definitions(hole.relevant_headers),
        receiver_members=mask_definitions(hole.receiver_members),
        nearby_members=mask_definitions(hole.nearby_members),
        cross_file=mask_definitions(hole.cross_file),
    )


def _window_start(prefix: str, at: int) -> int:
    """The start of the first whole line from ``at`` on that does not lie inside a
    triple-quoted string (by the parity of the quotes above it): a window cut inside a
    docstring would pair its closing quotes with the next opening ones, and mask code as if it
    were a string."""
    cut = prefix.find("\n", at) + 1
    if cut <= 0:
        return max(0, at)
    for quotes in ('"""', "'''"):
        if prefix.count(quotes, 0, cut) % 2:
            close = prefix.find(quotes, cut)
            after = prefix.find("\n", close + 3) + 1 if close >= 0 else 0
            if 0 < after - cut <= (len(prefix) - at) // 4:  # a docstring, not the whole window
                cut = after
    return cut


def masked_hole(hole: HoleContext, max_chars: int | None = None) -> HoleContext:
    """``hole`` as a prompt may show it: the code window and every definition masked.

    ``max_chars`` keeps only that much of the window on each side (whole lines), since a
    prompt cannot show more than its budget: masking a huge file costs time for nothing.
    Offsets into the buffer must keep using the unmasked hole (masking changes lengths)."""
    prefix, suffix = hole.prefix, hole.suffix
    if max_chars is not None and len(prefix) > max_chars:
        prefix = prefix[_window_start(prefix, len(prefix) - max_chars) :]
    if max_chars is not None and len(suffix) > max_chars:
        cut = suffix.rfind("\n", 0, max_chars)
        suffix = suffix[: cut + 1] if cut >= 0 else suffix[:max_chars]
    shown = with_masked_definitions(hole)
    return dataclasses.replace(shown, prefix=mask_secrets(prefix), suffix=mask_secrets(suffix))


__all__ = ["has_credential", "is_secret_name", "mask_definitions", "mask_secrets", "masked_hole",
           "with_masked_definitions"]
