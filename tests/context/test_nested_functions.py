"""A function defined inside a function: calling it gives what its annotation says."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer

PAIR = '''
from typing import ValuesView


class Connection:
    def cycle(self) -> None: ...


class Pair:
    def __init__(self) -> None:
        self.conn = {1: Connection(), 2: Connection()}

    @property
    def conns(self) -> ValuesView[Connection]:
        return self.conn.values()
'''

USE = '''from pair import Pair


async def test_cycle() -> None:
    def setup() -> Pair:
        return Pair()

    async def fetch() -> Pair:
        return Pair()

    class Local:
        pass

    def plain():
        return 1

    for conn in setup().conns:
        conn.
    server = (await fetch()).conn[2]
    server.
    p = plain()
    p.
    local = Local()
    local.
'''


def _receivers(tmp_path: Path) -> list[str | None]:
    (tmp_path / "pair.py").write_text(PAIR, encoding="utf-8")
    (tmp_path / "setup.py").write_text("def setup() -> int: ...\nclass Local:\n    pass\n", encoding="utf-8")
    path = tmp_path / "use.py"
    text = USE.replace("from pair import Pair\n", "from pair import Pair\nfrom setup import *\n")
    path.write_text(text, encoding="utf-8")
    analyzer = Analyzer(tmp_path)
    lines = text.split("\n")
    holes = [(i, len(line)) for i, line in enumerate(lines) if line.endswith(".") and line.strip() != "."]
    return [analyzer.hole_context(path, i, column, text).receiver_type for i, column in holes]


def test_a_nested_function_gives_its_annotated_result(tmp_path: Path) -> None:
    conn, server, plain, local = _receivers(tmp_path)
    assert conn == "Connection"  # through the result's property and the loop over it
    assert server == "Connection"  # an awaited nested coroutine function
    assert plain is None and local is None  # never the module's names they shadow
