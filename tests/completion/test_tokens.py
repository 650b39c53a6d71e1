"""The tokenizer: counts equal to bpe-openai's documented encoder, loaded without the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from completion.tokens import count_tokens, truncate_to_tokens

REPO = Path(__file__).resolve().parents[2]
SAMPLES = [
    "def f(x: int) -> int:\n    return x + 1\n",
    "<|endoftext|> <|fim_prefix|>x<|fim_suffix|>",  # special-token look-alikes are plain text
    "naïve café — 😀 ∑ 中文\n\tindent",
    (REPO / "completion" / "prompt.py").read_text(encoding="utf-8"),
    "x" * 5000,
]


@pytest.mark.parametrize("text", SAMPLES)
def test_counts_equal_the_package_encoder(text: str) -> None:
    import bpe_openai

    encoding = bpe_openai.get_encoding("cl100k_base")
    assert count_tokens(text) == len(encoding.encode(text, disallowed_special=()))


def test_lone_surrogates_are_counted_not_fatal() -> None:
    text = b"ok = '\xff\xfe'".decode("utf-8", "surrogateescape")
    assert count_tokens(text) == count_tokens("ok = '\ufffd\ufffd'")


def test_truncation_keeps_whole_lines_within_the_limit() -> None:
    text = (REPO / "completion" / "prompt.py").read_text(encoding="utf-8")
    for keep in ("head", "tail"):
        kept = truncate_to_tokens(text, 300, keep=keep)
        assert 250 < count_tokens(kept) <= 300
        assert text.startswith(kept) if keep == "head" else text.endswith(kept)
        assert kept.endswith("\n") if keep == "head" else text[: len(text) - len(kept)].endswith("\n")
    assert truncate_to_tokens(text, 10**6) == text
    assert truncate_to_tokens(text, 0) == ""
    one_line = "word " * 400
    assert 0 < count_tokens(truncate_to_tokens(one_line, 50)) <= 50


def test_the_package_is_not_imported_to_count() -> None:
    """Importing ``bpe_openai`` builds tables of every encoding (half a second at start-up)."""
    code = (
        "import sys; from completion.tokens import count_tokens; "
        "assert count_tokens('hello world') == 2; print('bpe_openai' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_package_is_the_fallback_when_the_extension_cannot_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from completion import tokens

    def broken() -> None:
        raise ImportError("no extension here")

    monkeypatch.setattr(tokens, "_extension", broken)
    tokens._tokenizer.cache_clear()
    try:
        assert count_tokens(SAMPLES[0]) == 16 and count_tokens("<|endoftext|>") > 1
    finally:
        tokens._tokenizer.cache_clear()
