"""Typing burst against the real server (static backend): how it keeps up with a fast typist.

Starts ``python -m lsp_server`` over stdio with this repository as the workspace, opens a real
file, then sends ``--keys`` didChange + automatic inlineCompletion pairs ``--interval-ms``
apart (one per typed character, requests not awaited). Reports answered / stale (-32801) /
cancelled (-32800) / empty results, p50 and p95 latency of the answered ones and the latency of
the last request; then types the completion shown last, character by character, which the
server should answer from its type-ahead cache; the server's cache hit rates (from its log),
its resident memory after indexing and the cold start to the first inline completion; then a
restart: a second server, started with the index cache the first one saved, timed from its start
to its first inline completion.

    python benchmarks/typing_burst.py [--file completion/settings.py] [--keys 200]
        [--memory-root benchmarks/.work/src]   # and the memory after indexing that folder
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from completion.settings import Settings  # noqa: E402  (the repository root is on the path now)

PROBE_HEAD = "\n\ndef typing_probe(settings: Settings, warnings: list[str]) -> bool:\n    return "
TYPED = "settings.enable and not warnings or settings.pyright\n    ok = "
ACCEPT_HEAD = "\n    flag: bool = "  # then the completion shown there is typed


@dataclass
class Outcome:
    sent: float
    done: float | None = None
    kind: str = "pending"  # "answered" | "empty" | "stale" | "cancelled" | "error"
    text: str = ""  # the first item's text when answered


@dataclass
class Burst:
    outcomes: list[Outcome] = field(default_factory=list)
    accepted: list[Outcome] = field(default_factory=list)  # typing the shown completion
    offered: Outcome | None = None  # the completion shown before that
    index_done: asyncio.Event = field(default_factory=asyncio.Event)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def make_client(burst: Burst) -> LanguageClient:
    client = LanguageClient("typing-burst", "1")

    def create_progress(params: types.WorkDoneProgressCreateParams) -> None:
        return None

    def progress(params: types.ProgressParams) -> None:
        value = params.value
        kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
        if kind == "end":
            burst.index_done.set()

    client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)(create_progress)
    client.feature(types.PROGRESS)(progress)

    for quiet in ("holepilot/status", types.WINDOW_LOG_MESSAGE, types.WINDOW_SHOW_MESSAGE):
        client.feature(quiet)(lambda params: None)
    return client


async def drain(stream: asyncio.StreamReader | None) -> None:
    """Keep reading the server's stderr so that it never blocks on a full pipe."""
    while stream is not None and await stream.readline():
        pass


def inline_params(
    uri: str, line: int, character: int, automatic: bool
) -> types.InlineCompletionParams:
    kind = (
        types.InlineCompletionTriggerKind.Automatic
        if automatic
        else types.InlineCompletionTriggerKind.Invoked
    )
    return types.InlineCompletionParams(
        context=types.InlineCompletionContext(trigger_kind=kind),
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character),
    )


async def timed_inline(
    client: LanguageClient, params: types.InlineCompletionParams, outcome: Outcome
) -> None:
    try:
        result = await client.text_document_inline_completion_async(params)
        items = (
            list(result.items)
            if isinstance(result, types.InlineCompletionList)
            else list(result or [])
        )
        outcome.kind = "answered" if items else "empty"
        outcome.text = str(items[0].insert_text) if items else ""
    except JsonRpcException as error:
        outcome.kind = {-32801: "stale", -32800: "cancelled"}.get(error.code, "error")
    outcome.done = time.perf_counter()


def change(
    uri: str, version: int, line: int, character: int, text: str
) -> types.DidChangeTextDocumentParams:
    where = types.Position(line=line, character=character)
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[
            types.TextDocumentContentChangePartial(
                range=types.Range(start=where, end=where), text=text
            )
        ],
    )


def end_of(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines) - 1, len(lines[-1])


async def run(args: argparse.Namespace, cache: Path) -> dict[str, Any]:
    """The whole benchmark on a server started with an empty index cache in ``cache``; then a
    second server (a restart) with the index that one saved, timed to its first completion."""
    burst = Burst()
    path = (REPO / args.file).resolve()
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    log_file = Path(tempfile.mkdtemp()) / "server.log"
    print(f"server log: {log_file}", file=sys.stderr)
    client, stderr, started = await start_server(burst, args, log_file, cache)
    text = await first_completion(client, uri, text)
    cold_start_ms = (time.perf_counter() - started) * 1000
    await asyncio.wait_for(burst.index_done.wait(), 300)
    assert client._server is not None
    memory = resident_mb(client._server.pid)
    pending = []
    for key in range(args.keys):
        char = TYPED[key % len(TYPED)]
        client.text_document_did_change(change(uri, 3 + key, *end_of(text), char))
        text += char
        outcome = Outcome(time.perf_counter())
        burst.outcomes.append(outcome)
        pending.append(
            asyncio.ensure_future(
                timed_inline(client, inline_params(uri, *end_of(text), True), outcome)
            )
        )
        await asyncio.sleep(args.interval_ms / 1000)
    await asyncio.wait_for(asyncio.gather(*pending), 300)
    version = 3 + args.keys
    client.text_document_did_change(change(uri, version, *end_of(text), ACCEPT_HEAD))
    text += ACCEPT_HEAD
    burst.offered = Outcome(time.perf_counter())
    await timed_inline(client, inline_params(uri, *end_of(text), automatic=False), burst.offered)
    shown = burst.offered.text
    for index, char in enumerate(shown[: args.accept_keys], start=1):
        client.text_document_did_change(change(uri, version + index, *end_of(text), char))
        text += char
        outcome = Outcome(time.perf_counter())
        burst.accepted.append(outcome)
        await timed_inline(client, inline_params(uri, *end_of(text), True), outcome)
        await asyncio.sleep(args.interval_ms / 1000)
    await stop_server(client, stderr)
    rows = summary(burst, cold_start_ms, memory, log_file)
    again = Burst()
    client, stderr, started = await start_server(again, args, log_file.with_name("restart.log"), cache)
    await first_completion(client, uri, path.read_text(encoding="utf-8"))
    rows["restart to first inline completion (ms), on-disk index"] = round(
        (time.perf_counter() - started) * 1000, 1
    )
    await asyncio.wait_for(again.index_done.wait(), 300)
    await stop_server(client, stderr)
    if args.memory_root is not None:
        rows.update(await memory_after_indexing(args, args.memory_root.resolve(), cache / "other"))
    return rows


async def memory_after_indexing(args: argparse.Namespace, root: Path, cache: Path) -> dict[str, Any]:
    """Resident memory of a server that has indexed ``root`` (an empty index cache)."""
    burst = Burst()
    log_file = cache / "server.log"
    cache.mkdir(parents=True, exist_ok=True)
    client, stderr, _ = await start_server(burst, args, log_file, cache, root)
    await asyncio.wait_for(burst.index_done.wait(), 600)
    assert client._server is not None
    memory = resident_mb(client._server.pid)
    await stop_server(client, stderr)
    indexed = re.findall(r"workspace indexed: (\d+) files", log_file.read_text(encoding="utf-8"))
    files = indexed[-1] if indexed else "?"
    return {f"resident memory after indexing {root.name} ({files} files) (MB)": round(memory, 1)}


async def start_server(
    burst: Burst, args: argparse.Namespace, log_file: Path, cache: Path, root: Path = REPO
) -> tuple[LanguageClient, asyncio.Future[None], float]:
    """A server on ``root`` (static backend), initialized; and when it was started."""
    client = make_client(burst)
    started = time.perf_counter()
    await client.start_io(
        sys.executable,
        "-m",
        "lsp_server",
        "--log-level",
        "INFO",
        "--log-file",
        str(log_file),
        cwd=str(REPO),
        env={**os.environ, "HOLEPILOT_CACHE_DIR": str(cache)},
    )
    assert client._server is not None
    stderr = asyncio.ensure_future(drain(client._server.stderr))
    capabilities = types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True)
    )
    options = {"backend": "static", "debounceMs": args.debounce_ms}
    await client.initialize_async(
        types.InitializeParams(
            capabilities=capabilities, root_uri=root.as_uri(), initialization_options=options
        )
    )
    client.initialized(types.InitializedParams())
    return client, stderr, started


async def first_completion(client: LanguageClient, uri: str, text: str) -> str:
    """Open the file, start a function at its end and ask there; the text then."""
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text))
    )
    text += PROBE_HEAD
    client.text_document_did_change(change(uri, 2, *end_of(text[: -len(PROBE_HEAD)]), PROBE_HEAD))
    await timed_inline(client, inline_params(uri, *end_of(text), automatic=False), Outcome(0.0))
    return text


async def stop_server(client: LanguageClient, stderr: asyncio.Future[None]) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    assert client._server is not None
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(client._server.wait(), 30)
    stderr.cancel()


def summary(burst: Burst, cold_start_ms: float, memory: float, log_file: Path) -> dict[str, Any]:
    outcomes = burst.outcomes
    answered = [(o.done - o.sent) * 1000 for o in outcomes if o.kind == "answered" and o.done]
    last = outcomes[-1]
    accepted = [(o.done - o.sent) * 1000 for o in burst.accepted if o.kind == "answered" and o.done]
    rates = re.findall(r"cache hit rates: (.*)", log_file.read_text(encoding="utf-8"))
    return {
        "requests": len(outcomes),
        "answered": len(answered),
        "empty (no filling, or superseded)": sum(o.kind == "empty" for o in outcomes),
        "stale (-32801)": sum(o.kind == "stale" for o in outcomes),
        "cancelled (-32800)": sum(o.kind == "cancelled" for o in outcomes),
        "errors": sum(o.kind == "error" for o in outcomes),
        "p50 answered (ms)": round(percentile(answered, 0.5), 1),
        "p95 answered (ms)": round(percentile(answered, 0.95), 1),
        "mean answered (ms)": round(statistics.fmean(answered), 1) if answered else float("nan"),
        "last request (ms)": round(((last.done or last.sent) - last.sent) * 1000, 1),
        "last request outcome": last.kind,
        "completion then shown and typed": repr(burst.offered.text[:40])
        if burst.offered
        else "n/a",
        "typing the shown completion: answered": f"{sum(o.kind == 'answered' for o in burst.accepted)}/{len(burst.accepted)}",
        "typing the shown completion: p50 (ms)": round(percentile(accepted, 0.5), 1),
        "cache hit rates": rates[-1] if rates else "n/a",
        "resident memory after indexing (MB)": round(memory, 1),
        "cold start to first inline completion (ms), empty index": round(cold_start_ms, 1),
    }


def print_table(rows: dict[str, Any]) -> None:
    width = max(len(name) for name in rows)
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-|-{'-' * 40}")
    for name, value in rows.items():
        print(f"{name.ljust(width)} | {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--file", default="completion/settings.py", help="file of the repository to type into"
    )
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--interval-ms", type=float, default=20.0)
    parser.add_argument("--debounce-ms", type=int, default=Settings().debounce_ms,
                        help="the server's debounce (default: the setting's default)")
    parser.add_argument(
        "--memory-root",
        type=Path,
        help="also index this folder (e.g. benchmarks/.work/src) and report the memory after it",
    )
    parser.add_argument(
        "--accept-keys",
        type=int,
        default=20,
        help="characters of the shown completion typed after the burst",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as cache:
        print_table(asyncio.run(run(args, Path(cache))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
