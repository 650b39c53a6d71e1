"""Token counting with a real BPE tokenizer (cl100k_base by default, offline).

The tokenizer is bpe-openai's Rust extension. Importing the ``bpe_openai`` package first builds
Python tables for every encoding it ships (half a second, holding the interpreter); the
extension alone loads an encoding in about 20 ms and is what the package encodes with anyway.
So the extension is loaded by itself, and the package is the fallback when that fails.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import logging
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)
DEFAULT_ENCODING = "cl100k_base"
_EXTENSION = "bpe_openai._bindings"


def _extension() -> ModuleType:
    """bpe-openai's Rust extension, without running the package's ``__init__``."""
    if _EXTENSION in sys.modules:
        return sys.modules[_EXTENSION]
    spec = importlib.util.find_spec("bpe_openai")  # locates the package, imports nothing
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            candidate = Path(folder) / f"_bindings{suffix}"
            found = importlib.util.spec_from_file_location(_EXTENSION, candidate)
            if not candidate.is_file() or found is None or found.loader is None:
                continue
            module = importlib.util.module_from_spec(found)
            sys.modules[_EXTENSION] = module  # an extension initialises once per process
            try:
                found.loader.exec_module(module)
            except BaseException:
                del sys.modules[_EXTENSION]
                raise
            return module
    return importlib.import_module(_EXTENSION)  # the slow, ordinary way


@lru_cache(maxsize=4)
def _tokenizer(name: str) -> Any:
    try:
        return _extension().tokenizer_for_encoding(name)
    except Exception as error:  # an unexpected layout of the package: use it as documented
        log.info("loading the tokenizer through the bpe_openai package (%s)", error)
        import bpe_openai

        encoding = bpe_openai.get_encoding(name)
        return _Wrapped(lambda text: encoding.encode(text, disallowed_special=()))


class _Wrapped:
    def __init__(self, encode: Callable[[str], list[int]]) -> None:
        self.encode = encode

    def count(self, text: str) -> int:
        return len(self.encode(text))


def _well_formed(text: str) -> str:
    """Lone surrogates (from undecodable input) become U+FFFD: the tokenizer takes UTF-8 only."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    """Number of tokens of ``text``; special-token look-alikes count as ordinary text."""
    if not text:
        return 0
    return int(_tokenizer(encoding).count(_well_formed(text)))


def truncate_to_tokens(text: str, limit: int, *, keep: str = "head", encoding: str = DEFAULT_ENCODING) -> str:
    """The longest head (or tail) of ``text`` that fits ``limit`` tokens, cut at a line boundary
    when one exists inside the kept part."""
    if limit <= 0:
        return ""
    if count_tokens(text, encoding) <= limit:
        return text

    def part(size: int) -> str:
        return text[:size] if keep == "head" else text[len(text) - size :]

    fits, over = 0, len(text)  # binary search on the kept length: part(fits) fits, part(over) not
    while over - fits > 1:
        middle = (fits + over) // 2
        if count_tokens(part(middle), encoding) <= limit:
            fits = middle
        else:
            over = middle
    kept = part(fits)
    if keep == "head":
        cut = kept.rfind("\n")
        return kept[: cut + 1] if cut > 0 else kept
    cut = kept.find("\n")
    return kept[cut + 1 :] if 0 <= cut < len(kept) - 1 else kept
