"""Masking a long code window chunk by chunk gives what masking it whole gives, and a window
that shares chunks with an earlier one masks only its new chunks."""

from __future__ import annotations

import random

import pytest

import context.secrets as secrets
from context.model import Definition, HoleContext
from context.secrets import mask_definitions, mask_secrets, masked_hole

AWS = "AKIA" + "ABCDEFGHIJKLMNOP"
PIECES = [
    "def f(x):\n", "    return x\n", "class A:\n", "    @property\n", "    def g(self):\n",
    '    """Doc.\n\ndef not_code():\n    pass\n"""\n', "'''\n", '"""', "'", '"', "\n", "\n\n",
    "# it's a comment\n", f'KEY = "{AWS}"\n', 'password = "hunter2hunter2"\n', "x = 'a' + \"b\"\n",
    "url = 'https://user:secret@host/'\n", "@decorator\n", "async def h():\n", "    pass\n",
    "token: str = 'Zx9Qw8Er7Ty6Ui5Op4As3'\n", "value = r'''raw\n'''\n", "\\\n", "    ",
]


def long_text(seed: int, size: int = 9000) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts.append(rng.choice(PIECES))
    return "".join(parts)


@pytest.mark.parametrize("seed", range(40))
def test_chunked_masking_equals_masking_the_whole_text(seed: int) -> None:
    text = long_text(seed)
    assert len(text) > secrets.SMALL_TEXT
    assert mask_secrets(text) == secrets._mask_text(text)[0]
    # any window of it too: cut anywhere, inside strings as well
    rng = random.Random(seed)
    start = rng.randrange(len(text) // 2)
    window = text[start : start + 5000]
    assert mask_secrets(window) == secrets._mask_text(window)[0]


def test_a_docstring_spanning_chunk_starts_is_one_chunk() -> None:
    body = "".join(f"def f{i}():\n    return {i}\n" for i in range(300))
    text = f'"""Module.\n\ndef example():\n    key = "{AWS}"\n"""\n' + body + f'KEY = "{AWS}"\n'
    masked = mask_secrets(text)
    assert masked == secrets._mask_text(text)[0]
    assert masked.startswith('"""***"""\n')  # the docstring holds a credential: masked whole
    assert masked.endswith('KEY = "***"\n')


def test_an_unclosed_docstring_goes_to_the_end() -> None:
    text = "".join(f"def f{i}():\n    return {i}\n" for i in range(300)) + '"""open\n' + "x = 1\n" * 50
    assert mask_secrets(text) == secrets._mask_text(text)[0]


def test_a_window_of_the_same_file_masks_only_its_new_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "".join(f"def f{i}(x):\n    y = 'value {i}'\n    return x + y\n\n" for i in range(600))
    first = text[:20_000]
    mask_secrets(first)
    masked: list[int] = []
    whole = secrets._mask_text

    def counted(chunk: str) -> tuple[str, int | None]:
        masked.append(len(chunk))
        return whole(chunk)

    monkeypatch.setattr(secrets, "_mask_text", counted)
    second = text[40:20_100]  # the window moved on by a few lines
    assert mask_secrets(second) == whole(second)[0]
    assert sum(masked) < 500  # its first and last chunks, not 20 000 characters


def test_a_window_cut_inside_a_docstring_starts_after_it() -> None:
    code = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(40))
    doc = '    """A docstring of the function.\n\n    x = 1\n    """\n'
    prefix = code + "def g():\n" + doc + code + "value = "
    cut = len(prefix) - (len(code) + len(doc) + 8)  # on a line inside the docstring
    hole = HoleContext("app.py", 0, 0, "expression", prefix, "")
    shown = masked_hole(hole, max_chars=len(prefix) - cut).prefix
    assert shown.startswith(code[:40])  # the line after the docstring's closing quotes
    assert prefix.endswith(shown)


def test_definitions_without_secrets_are_kept_as_they_are() -> None:
    plain = Definition("f", "function", "def f(x: int) -> int: ...")
    secret = Definition("Conf", "class", f'class Conf:\n    key = "{AWS}"')
    kept, masked = mask_definitions([plain, secret])
    assert kept is plain
    assert masked.text == 'class Conf:\n    key = "***"'
