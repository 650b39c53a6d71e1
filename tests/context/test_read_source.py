"""The one reader of source files: byte-order marks, NUL bytes, other encodings, huge files;
the language server reads a file from disk exactly as the engine does."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcInvalidParams

from context.errors import BinaryFileError, NotUtf8Error, SourceError
from context.workspace import read_source
from lsp_server.session import read_disk_text


def test_a_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbfx: int = 1\n")
    assert read_source(path) == "x: int = 1\n"


def test_nul_bytes_anywhere_make_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "late.py"
    path.write_bytes(b"x = 1\n" * 5000 + b"\x00")  # past the first 8 KiB
    with pytest.raises(BinaryFileError, match="binary file"):
        read_source(path)


def test_latin1_is_not_utf8_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes(b"name = 'caf\xe9'\n")
    with pytest.raises(NotUtf8Error, match=r"invalid byte 0xe9 at offset 11"):
        read_source(path)


@pytest.mark.parametrize("name", ["missing.py", "folder"])
def test_what_is_not_a_file_is_a_source_error(tmp_path: Path, name: str) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(SourceError, match=r"no such file|is a directory"):
        read_source(tmp_path / name)


def test_a_huge_file_is_read_up_to_a_whole_character(tmp_path: Path) -> None:
    path = tmp_path / "huge.py"
    line = "s = 'é€😀'\n"  # characters of 2, 3 and 4 bytes
    path.write_text(line * 1000, encoding="utf-8")
    size = len(line.encode("utf-8"))
    for max_bytes in range(size * 10, size * 11):  # every cut inside a line
        text = read_source(path, max_bytes)
        assert len(text.encode("utf-8")) <= max_bytes
        assert (line * 11).startswith(text)
        assert len(text.encode("utf-8")) > max_bytes - 4


def test_the_language_server_reads_the_disk_the_same_way(tmp_path: Path) -> None:
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbfx = 1\n")
    assert read_disk_text(str(bom)) == read_source(bom) == "x = 1\n"
    binary = tmp_path / "binary.py"
    binary.write_bytes(b"x = 1\n\x00")
    with pytest.raises(JsonRpcInvalidParams, match="binary file"):
        read_disk_text(str(binary))
