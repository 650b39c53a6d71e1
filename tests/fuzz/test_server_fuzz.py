"""Random editing sessions against the real language server (``python -m lsp_server``).

Each example opens a few documents, edits them with incremental ``didChange`` (random UTF-16
ranges, emoji and other astral characters, CRLF and CR line ends), closes some, and asks
for completions, expected types and contexts at random positions in between. The server must
never crash or hang, must answer every request with a result or a JSON-RPC error that is not
an internal error, and its copy of every open document must equal ours.

The server's copy is read back through ``holepilot.inlineChat`` with an empty selection and
the static backend: it fills nothing there, so ``newText`` is the server's document text.

Now and then a request names a document the server must not serve (a file outside the
workspace, a symlink leading out of it, a ``..`` URI, a NUL byte, a URI too long, a workspace
``.env``): it must get an error that is not an internal one. The server runs under an audit
hook (:mod:`tests.fuzz.record_opens`) and the last test checks that it opened no file outside
the workspace, the Python installation, holepilot's own code and its cache.

``HOLEPILOT_FUZZ_EXAMPLES`` sets the number of examples (default: a CI-sized run with fixed
seeds, so that CI is repeatable; with the variable set, examples are random);
``HOLEPILOT_FUZZ_STATS=FILE`` writes the counts of the run as JSON (and the server's log next
to it); ``HOLEPILOT_FUZZ_KEEP_GOING=1`` records failures and goes on instead of stopping at the
first, so that a long run counts them all (the last test then fails when any was recorded).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.jsonrpc import JsonRpcClient, Reply, Sent
from tests.fuzz.record_opens import RECORD_ENV
from tests.fuzz.textmodel import Document, lsp_lines, utf16_boundaries, utf16_len

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("HOLEPILOT_FUZZ_EXAMPLES", "0")) or 150
FIXED_SEEDS = "HOLEPILOT_FUZZ_EXAMPLES" not in os.environ
KEEP_GOING = os.environ.get("HOLEPILOT_FUZZ_KEEP_GOING") == "1"
REQUEST_TIMEOUT_S = 60.0
INTERNAL_ERROR = -32603
DOCUMENTS = 3
REQUESTS = (
    "textDocument/inlineCompletion",
    "textDocument/completion",
    "textDocument/expectedType",
    "holepilot/context",
)
HOSTILE_REQUESTS = (*REQUESTS, "holepilot/documentText", "textDocument/codeAction")
OUTSIDE_MARKER = "fuzz-outside-secret-93ac"
CODE_PIECES = (
    "def f(x: int) -> str:\n    return ",
    "class Point:\n    x: float\n    y: float\n",
    "p = Point(1, 2)\np.",
    "best: Point = ...\n",
    "__hole__",
    "import os\n",
    "    ",
    "(",
    ")",
    "[",
    ":",
    "=",
    ".",
    '"""',
    "'",
    "#",
    "\\",
)
SPECIAL = (
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "😀",
    "\U0001f469\u200d\U0001f4bb",
    "𝔘",
    "𐍈",
    "é",
    "ß",
    "中",
    "\u200d",
    "\ufeff",
)
# LSP lines end only at CR, LF and CRLF; other separators would be read differently by
# str.splitlines, so the random characters leave them out.
PLAIN = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85")
PIECE = st.one_of(PLAIN, st.sampled_from(SPECIAL), st.sampled_from(CODE_PIECES))
TEXT = st.lists(PIECE, max_size=40).map("".join)

STATS: Counter[str] = Counter()
FAILURES: dict[str, list[str]] = {}  # kind of failure -> the steps of its first example
MEMORY: dict[int, int] = {}  # sequences run -> the server's resident MB then (every 500)
MEMORY_EVERY = 500


@dataclass(frozen=True)
class FuzzServer:
    client: JsonRpcClient
    root: Path
    hostile_uris: tuple[str, ...]  # documents the server must not serve
    opened: Path  # the record of every file the server opened
    may_read: tuple[Path, ...]  # the folders it may read besides the workspace


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    root = tmp_path_factory.mktemp("fuzz-workspace").resolve()
    (root / "pyproject.toml").write_text("[project]\nname = 'fuzz'\n", encoding="utf-8")
    outside = tmp_path_factory.mktemp("fuzz-outside").resolve()
    hostile = hostile_uris(root, outside)
    cache = tmp_path_factory.mktemp("fuzz-cache").resolve()
    opened = outside.parent / f"{outside.name}-opened.txt"
    env = {**os.environ, RECORD_ENV: str(opened), "XDG_CACHE_HOME": str(cache)}
    log = (root / "server.log").open("wb")
    client = JsonRpcClient(
        [sys.executable, "-m", "tests.fuzz.record_opens", "--log-level", "WARNING"], REPO, log, env
    )
    started = time.perf_counter()
    try:
        reply = client.request("initialize", initialize_params(root), timeout=REQUEST_TIMEOUT_S)
        assert reply.error is None, reply.error
        client.notify("initialized", {})
        STATS["server MB at start"] = round(client.rss_mb() or 0)
        yield FuzzServer(client, root, hostile, opened, may_read(cache))
    finally:
        STATS["server MB at end"] = round(client.rss_mb() or 0)
        code = client.stop()
        for key, value in client.stopping.items():
            STATS[key] = value
        log.close()
        STATS["seconds"] = round(time.perf_counter() - started)
        write_stats(code, root / "server.log")
    assert code == 0, (root / "server.log").read_text(encoding="utf-8", errors="replace")[-4000:]


def hostile_uris(root: Path, outside: Path) -> tuple[str, ...]:
    """A secret outside the workspace, the ways to name it, and other URIs not to serve."""
    secret = outside / "secret.py"
    secret.write_text(f'TOKEN = "{OUTSIDE_MARKER}"\n', encoding="utf-8")
    (root / "escape.py").symlink_to(secret)
    (root / "escape_dir").symlink_to(outside, target_is_directory=True)
    (root / ".env").write_text(f"KEY={OUTSIDE_MARKER}\n", encoding="utf-8")
    climb = "/..".join([""] * (len(root.parts) + 1))
    return (
        secret.as_uri(),
        (root / "escape.py").as_uri(),
        (root / "escape_dir" / "secret.py").as_uri(),
        f"{root.as_uri()}{climb}{secret}",
        f"{root.as_uri()}/%2e%2e/{outside.name}/secret.py",
        (root / ".env").as_uri(),
        f"{root.as_uri()}/doc0.py%00{secret}",
        "file://" + "/x" * 5000 + str(secret),
        "file:secret.py",
        "secret.py",
        f"vscode-remote://ssh-remote+host{secret}",
        f"file://otherhost{secret}",
    )


def may_read(cache: Path) -> tuple[Path, ...]:
    """Where the server may open files besides the workspace: the Python installation, the
    project's own code, its caches, and the system's pseudo files."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    cache_dir = os.environ.get("HOLEPILOT_CACHE_DIR")
    places = [*prefixes, REPO, cache, *([cache_dir] if cache_dir else []), "/dev", "/proc", "/sys"]
    return tuple(Path(p).resolve() for p in places)


def initialize_params(root: Path) -> dict[str, Any]:
    return {
        "processId": os.getpid(),
        "rootUri": root.as_uri(),
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {
                "synchronization": {"dynamicRegistration": False},
                "inlineCompletion": {"dynamicRegistration": False},
                "completion": {"completionItem": {"snippetSupport": False}},
            },
            "window": {"workDoneProgress": False},
        },
        "initializationOptions": {"backend": "static", "debounceMs": 0},
    }


def write_stats(exit_code: int | None, log: Path) -> None:
    """With ``HOLEPILOT_FUZZ_STATS=FILE``: the counts in FILE, the server's log next to it."""
    target = os.environ.get("HOLEPILOT_FUZZ_STATS")
    if target:
        Path(target).write_text(
            json.dumps(
                {
                    **STATS,
                    "exit_code": exit_code,
                    "server MB by sequences run": MEMORY,
                    "failure examples": FAILURES,
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        shutil.copyfile(log, Path(target).with_suffix(".server.log"))


# -- one session -------------------------------------------------------------------------------
class Session:
    """The client side of one example: reference documents and the checks after each step."""

    def __init__(self, server: FuzzServer, data: st.DataObject) -> None:
        self.client = server.client
        self.root = server.root
        self.hostile = server.hostile_uris
        self.data = data
        self.open: dict[str, Document] = {}
        self.in_flight: list[Sent] = []
        self.trace: list[str] = []  # the steps taken, to reproduce a failure

    def uri(self, index: int) -> str:
        return (self.root / f"doc{index}.py").as_uri()

    def step(self) -> None:
        action = self.data.draw(
            st.sampled_from(
                ["open", "change", "change", "change", "replace", "close", "ask", "ask"]
            )
        )
        if action == "open" or not self.open:
            self.do_open()
        elif action == "close":
            self.do_close()
        elif action in ("change", "replace"):
            self.do_change(whole=action == "replace")
        else:
            self.do_request()
        STATS[f"op {action}"] += 1

    def do_open(self) -> None:
        index = self.data.draw(st.integers(0, DOCUMENTS - 1))
        uri = self.uri(index)
        if uri in self.open:
            return
        document = self.open[uri] = Document(uri, self.data.draw(TEXT))
        self.trace.append(f"open {uri.rsplit('/', 1)[-1]} {document.text!r}")
        self.client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "python",
                    "version": 1,
                    "text": document.text,
                }
            },
        )

    def do_close(self) -> None:
        uri = self.data.draw(st.sampled_from(sorted(self.open)))
        self.client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        del self.open[uri]
        self.trace.append(f"close {uri.rsplit('/', 1)[-1]}")

    def do_change(self, whole: bool) -> None:
        """One didChange: a whole new text, or one to three range edits applied in order."""
        document = self.open[self.data.draw(st.sampled_from(sorted(self.open)))]
        if whole:
            document.text = self.data.draw(TEXT)
            changes: list[dict[str, Any]] = [{"text": document.text}]
        else:
            changes = [self.range_edit(document) for _ in range(self.data.draw(st.integers(1, 3)))]
        document.version += 1
        self.trace.append(f"change {document.uri.rsplit('/', 1)[-1]} {changes!r}")
        self.client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": document.uri, "version": document.version},
                "contentChanges": changes,
            },
        )

    def range_edit(self, document: Document) -> dict[str, Any]:
        new_text = self.data.draw(TEXT)
        start = self.draw_position(document.text)
        end = self.draw_position(document.text)
        start, end = min(start, end), max(start, end)
        document.apply(start, end, new_text)
        return {"range": lsp_range(start, end), "text": new_text}

    def draw_position(self, text: str) -> tuple[int, int]:
        lines = lsp_lines(text)
        line = self.data.draw(st.integers(0, len(lines) - 1))
        return line, self.data.draw(st.sampled_from(utf16_boundaries(lines[line])))

    def do_request(self) -> None:
        if self.data.draw(st.integers(0, 7)) == 0:
            self.do_hostile_request()
            return
        method = self.data.draw(st.sampled_from(REQUESTS))
        uri = self.data.draw(st.sampled_from(sorted(self.open)))
        line, character = self.draw_position(self.open[uri].text)
        if self.data.draw(st.integers(0, 9)) == 0:  # now and then a position past the end
            line, character = line + self.data.draw(st.integers(0, 3)), character + 7
        params: dict[str, Any] = {
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": character},
        }
        if method == "textDocument/inlineCompletion":
            params["context"] = {"triggerKind": self.data.draw(st.sampled_from([1, 2]))}
        sent = self.client.send_request(method, params)
        how = self.data.draw(st.sampled_from(["wait", "wait", "later", "cancel"]))
        where = f"{uri.rsplit('/', 1)[-1]}:{line}:{character}"
        self.trace.append(f"{method} {where} ({how}), text {self.open[uri].text!r}")
        if how == "wait":
            self.expect_answer(method, self.client.wait(sent, REQUEST_TIMEOUT_S))
            return
        if how == "cancel":
            self.client.cancel(sent)
            STATS["cancelled"] += 1
        self.in_flight.append(sent)  # answered while the editing goes on

    def do_hostile_request(self) -> None:
        """A request about a document not to serve: an error, never its content."""
        method = self.data.draw(st.sampled_from(HOSTILE_REQUESTS))
        uri = self.data.draw(st.sampled_from(self.hostile))
        params: dict[str, Any] = {"textDocument": {"uri": uri}, **position(0, 0)}
        if method == "textDocument/inlineCompletion":
            params["context"] = {"triggerKind": 1}
        if method == "textDocument/codeAction":
            params = {"textDocument": {"uri": uri}, "range": lsp_range((0, 0), (0, 0))}
            params["context"] = {"diagnostics": []}
        self.trace.append(f"{method} {uri[:200]!r}")
        reply = self.client.request(method, params, REQUEST_TIMEOUT_S)
        self.expect_answer(method, reply)
        STATS["hostile requests"] += 1
        assert OUTSIDE_MARKER not in json.dumps([reply.result, reply.error]), (method, uri)
        if uri.endswith("/.env"):  # inside the workspace: off, and quietly for completions
            assert reply.error is not None or reply.result in (
                None,
                [],
                {"isIncomplete": False, "items": []},
            )
        else:
            assert reply.error is not None, (method, uri[:200], reply.result)

    def settle(self) -> None:
        """Every request still in flight gets its answer."""
        for sent in self.in_flight:
            self.expect_answer(sent.method, self.client.wait(sent, REQUEST_TIMEOUT_S))
        self.in_flight.clear()

    def expect_answer(self, method: str, reply: Reply) -> None:
        STATS["requests"] += 1
        if reply.error is not None:
            STATS[f"error {reply.error.get('code')}"] += 1
            assert isinstance(reply.error.get("code"), int), reply.error
            assert isinstance(reply.error.get("message"), str), reply.error
            assert reply.error["code"] != INTERNAL_ERROR, (method, reply.error)

    def server_text(self, document: Document) -> str:
        argument = {"uri": document.uri, "range": lsp_range((0, 0), (0, 0)), "instruction": "none"}
        reply = self.client.request(
            "workspace/executeCommand",
            {"command": "holepilot.inlineChat", "arguments": [argument]},
            REQUEST_TIMEOUT_S,
        )
        STATS["text probes"] += 1
        assert reply.error is None, reply.error
        text: str = reply.result["newText"]
        return text

    def check_documents(self) -> None:
        for document in self.open.values():
            assert self.server_text(document) == document.text, document.uri

    def close_all(self) -> None:
        for uri in list(self.open):
            self.client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self.open.clear()


def position(line: int, character: int) -> dict[str, Any]:
    return {"position": {"line": line, "character": character}}


def lsp_range(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {
        "start": {"line": start[0], "character": start[1]},
        "end": {"line": end[0], "character": end[1]},
    }


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=FIXED_SEEDS,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_random_editing_sessions_keep_the_server_alive_and_in_sync(
    server: FuzzServer, data: st.DataObject
) -> None:
    client = server.client
    session = Session(server, data)
    STATS["sequences"] += 1
    if STATS["sequences"] % MEMORY_EVERY == 0:
        MEMORY[STATS["sequences"]] = round(client.rss_mb() or 0)
    try:
        for _ in range(data.draw(st.integers(1, 25), label="steps")):
            session.step()
            if data.draw(st.integers(0, 3), label="check now") == 0:
                session.check_documents()
        session.settle()
        session.check_documents()
    except Exception as error:  # hypothesis's own control flow derives from BaseException only
        STATS["failures"] += 1
        if not KEEP_GOING or client.gone.is_set():
            raise
        kind = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        FAILURES.setdefault(kind, session.trace[-12:])
        STATS[f"failure: {kind}"] += 1
        session.in_flight.clear()
    finally:
        session.close_all()
    assert client.process.poll() is None, "the server exited"
    assert not client.bad_frames, client.bad_frames


def test_utf16_reference_model_counts_astral_characters_as_two_units() -> None:
    document = Document("file:///x.py", "a😀b\r\nc")
    assert utf16_len(lsp_lines(document.text)[0]) == 4
    document.apply((0, 3), (1, 0), "-")
    assert document.text == "a😀-c"
    assert document.end_position() == (0, 5)


def test_no_failure_was_recorded_while_keeping_going() -> None:
    """With ``HOLEPILOT_FUZZ_KEEP_GOING=1`` failures are recorded, not raised: report them."""
    report = "\n\n".join(f"{kind}\n  " + "\n  ".join(steps) for kind, steps in FAILURES.items())
    assert not FAILURES, report


def test_the_server_opened_no_file_outside_the_workspace(server: FuzzServer) -> None:
    """Every file the server opened during the run (its audit hook's record) lies in the
    workspace or where the server may read; the secret outside was never opened."""
    assert STATS["hostile requests"] > 0, "the run asked for no document outside the workspace"
    opened = {
        Path(line).resolve() for line in server.opened.read_text(encoding="utf-8").splitlines()
    }
    assert any(p.is_relative_to(Path(sys.base_prefix).resolve()) for p in opened), "no record"
    allowed = (server.root, *server.may_read)
    outside = sorted(str(p) for p in opened if not any(p.is_relative_to(a) for a in allowed))
    assert not outside, outside[:20]
