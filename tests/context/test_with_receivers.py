"""What ``with``/``async with`` binds: the yielded type of a ``@contextmanager`` method (``Iterator``,
``Generator``, ``AsyncIterator``), what ``__enter__``/``__aenter__`` returns (``Self``, a ``self:
T -> T`` type variable, the class itself); the context shows its members and the ripple of a
renamed method reaches the calls on it, even when another class has a method of the same name."""

from __future__ import annotations

from pathlib import Path

import pytest

from context.api import Analyzer
from context.ripple import find_ripple
from context.ripple_model import apply_edits

FILES = {
    "pkg/__init__.py": "",
    "pkg/models.py": '''from __future__ import annotations


class Response:
    def read(self) -> bytes:
        return b""

    async def aread(self) -> bytes:
        return b""


class Other:
    def read(self) -> bytes:
        return b""

    async def aread(self) -> bytes:
        return b""
''',
    "pkg/client.py": '''from __future__ import annotations

import typing
from contextlib import asynccontextmanager, contextmanager
from typing import AsyncIterator, Generator

from pkg.models import Response

T = typing.TypeVar("T", bound="Session")


class Session:
    def __enter__(self) -> typing.Self:
        return self

    def __exit__(self, *args: object) -> None:
        pass

    async def __aenter__(self: T) -> T:
        return self

    async def __aexit__(self, *args: object) -> None:
        pass

    def fetch(self) -> Response:
        return Response()


class Plain:
    def __enter__(self) -> Plain:
        return self

    def __exit__(self, *args: object) -> None:
        pass

    def fetch(self) -> Response:
        return Response()


class Client:
    @contextmanager
    def stream(self, url: str) -> typing.Iterator[Response]:
        yield Response()

    @contextmanager
    def generate(self, url: str) -> Generator[Response, None, None]:
        yield Response()

    @asynccontextmanager
    async def astream(self, url: str) -> AsyncIterator[Response]:
        yield Response()

    def session(self) -> Session:
        return Session()


K = typing.TypeVar("K")


class Pool(typing.Generic[K]):
    @contextmanager
    def lease(self) -> typing.Iterator[K]:
        yield typing.cast(K, None)
''',
    "pkg/use.py": '''from __future__ import annotations

from pkg import client as client_module
from pkg.client import Client, Plain, Pool, Session
from pkg.models import Response


def sync_uses(client: Client) -> None:
    with client.stream("u") as streamed:
        streamed.read()
    with client.generate("u") as generated:
        generated.read()
    with client.session() as entered:
        entered.fetch()
    with Plain() as plain:
        plain.fetch()
    with Client().stream("x") as first, Client().generate("y") as second:
        first.read()
        second.read()


async def async_uses(client: Client) -> None:
    async with client.astream("u") as astreamed:
        await astreamed.aread()
    async with Session() as aentered:
        aentered.fetch()
    async with client_module.Session() as qualified:
        qualified.fetch()


def generic_uses(pool: Pool[Response]) -> None:
    with pool.lease() as leased:
        leased.read()
''',
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for relative, text in FILES.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("name", "expected"), [
    ("streamed", "Response"), ("generated", "Response"), ("entered", "Session"), ("plain", "Plain"),
    ("first", "Response"), ("second", "Response"), ("astreamed", "Response"), ("aentered", "Session"),
    ("qualified", "Session"), ("leased", "Response"),
])
def test_a_with_target_has_the_type_its_manager_enters(root: Path, name: str, expected: str) -> None:
    path = root / "pkg" / "use.py"
    text = path.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.split("\n")) if f"{name}." in row)
    column = text.split("\n")[line].index(f"{name}.") + len(name) + 1
    hole = Analyzer(root, jedi_cap_s=None).hole_context(path, line, column, text)
    assert {b.name: b.type for b in hole.typing_context}.get(name) == expected


def renamed(root: Path, relative: str, old: str, new: str) -> str:
    analyzer = Analyzer(root)
    path = (root / relative).resolve()
    before = path.read_text(encoding="utf-8")
    ripple = find_ripple(analyzer, path, before, before.replace(old, new, 1))
    use = (root / "pkg" / "use.py").resolve()
    return apply_edits(use.read_text(encoding="utf-8"), [e for e in ripple.edits if Path(e.path) == use])


def test_renaming_a_method_reaches_the_calls_on_with_targets(root: Path) -> None:
    text = renamed(root, "pkg/models.py", "def read(", "def read_all(")
    assert text.count(".read_all()") == 5 and ".read()" not in text
    text = renamed(root, "pkg/models.py", "async def aread(", "async def aread_all(")
    assert "await astreamed.aread_all()" in text


def test_renaming_an_entered_method_reaches_every_entered_receiver(root: Path) -> None:
    text = renamed(root, "pkg/client.py", "    def fetch(self) -> Response:\n        return Response()\n\n\nclass Plain",
                   "    def get(self) -> Response:\n        return Response()\n\n\nclass Plain")
    assert [row.strip() for row in text.split("\n") if ".get()" in row] == [
        "entered.get()", "aentered.get()", "qualified.get()"]
    assert "plain.fetch()" in text
