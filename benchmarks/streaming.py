"""Streaming and early stop: how soon a one-line suggestion arrives from a model that goes on
generating, and how much the server generated for it.

For each wire format, a scripted server on 127.0.0.1 streams a long multi-line answer, one
word-sized chunk (about a token) every ``--pace-ms``. The engine completes a hole inside a line
(``value = |``): it asks for a line and stops reading at the line end, closing the connection.
The same answer is then read whole, as a client that waits for the end would. The table gives,
per backend: the time to the suggestion against the time of the whole answer, and the chunks
the server sent before it saw the connection close against the chunks the suggestion shows.

    python benchmarks/streaming.py [--pace-ms 25] [--lines 30]

Goals: the suggestion in at most 1/5 of the whole answer's time; chunks sent within 2 of those
shown. Exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from completion.api import Engine  # noqa: E402  (the repository root is on the path now)
from completion.backends import ChatMessage, ModelRequest, make_backend  # noqa: E402
from completion.model import HoleRequest  # noqa: E402
from completion.settings import Settings  # noqa: E402
from tests.support.llm_server import ScriptedLLMServer  # noqa: E402
from tests.support.llm_wires import split_answer  # noqa: E402

BACKENDS = ("openai", "openai-completions", "ollama", "llamacpp", "anthropic")
MODULE = '''from dataclasses import dataclass


@dataclass
class Point:
    x: float
    y: float


def first(points: list[Point]) -> float:
    p = points[0]
    value = {hole}
    return value
'''.format(hole="")
HOLE_LINE = MODULE.split("\n").index("    value = ")
FIRST_LINE = "p.x + p.y"
CHUNK_MARGIN = 2
RATIO_GOAL = 0.2


@dataclasses.dataclass(frozen=True)
class Row:
    backend: str
    suggestion: str
    suggestion_ms: float
    whole_ms: float
    sent: int
    shown: int
    whole_chunks: int
    closed_early: bool

    @property
    def ratio(self) -> float:
        return self.suggestion_ms / self.whole_ms if self.whole_ms else float("inf")

    @property
    def met(self) -> bool:
        return self.ratio <= RATIO_GOAL and self.sent - self.shown <= CHUNK_MARGIN and self.closed_early


def long_answer(lines: int) -> str:
    body = "".join(f"    part_{i} = value * {i} + offset  # keeps going\n" for i in range(lines))
    return f"{FIRST_LINE}\n{body}"


def chunks_to_show(answer: str, shown: str) -> int:
    """The chunks of ``answer`` it takes to carry ``shown`` (the suggestion and its newline)."""
    used = count = 0
    for piece in split_answer(answer):
        if used >= len(shown):
            break
        used += len(piece)
        count += 1
    return count


async def measure(name: str, answer: str, pace_s: float, root: Path) -> Row:
    rules = [{"answer": FIRST_LINE, "times": 1}, {"answer": answer, "fault": "slow", "delay": pace_s}]
    with ScriptedLLMServer(rules) as server:
        settings = Settings(backend=name, base_url=server.url, model="scripted-model", max_rounds=0,
                            request_timeout_s=120.0)
        engine = Engine(root, settings)
        try:
            path = str(root / "bench.py")
            request = HoleRequest(path, HOLE_LINE, len("    value = "), text=MODULE, trigger="automatic")
            await engine.complete(request)  # warm: the analysis of the file is done once
            started = time.perf_counter()
            report = await engine.complete(request)
            suggestion_ms = (time.perf_counter() - started) * 1000
            await asyncio.to_thread(server.wait_for_disconnect, 5.0)
        finally:
            await engine.aclose()
        shaped = server.requests[-1]
        whole_ms = await read_whole(name, settings)
    return Row(name, report.text, suggestion_ms, whole_ms, shaped.chunks_sent,
               chunks_to_show(answer, report.text + "\n"), len(split_answer(answer)), shaped.client_left)


async def read_whole(name: str, settings: Settings) -> float:
    """The time to read the whole paced answer (the server's second rule) to its end."""
    backend = make_backend(settings)
    chat = name in ("openai", "anthropic")
    request = (ModelRequest("chat", messages=(ChatMessage("user", "value = "),), max_tokens=4096)
               if chat else ModelRequest("fim", prompt="value = ", max_tokens=4096))
    try:
        started = time.perf_counter()
        await backend.read(request)
        return (time.perf_counter() - started) * 1000
    finally:
        await backend.aclose()


def table(rows: list[Row], pace_ms: float) -> str:
    out = [
        f"Streaming a {rows[0].whole_chunks}-chunk answer at {pace_ms:g} ms per chunk; the hole asks for one line.",
        "",
        "| backend | suggestion | time to suggestion (ms) | whole answer (ms) | ratio | chunks sent | chunks shown | closed early | goal |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r.backend} | `{r.suggestion}` | {r.suggestion_ms:.0f} | {r.whole_ms:.0f} | {r.ratio:.3f} | "
            f"{r.sent} | {r.shown} | {'yes' if r.closed_early else 'no'} | {'met' if r.met else 'MISSED'} |"
        )
    out.append("")
    out.append(f"Goals: ratio <= {RATIO_GOAL:g}; chunks sent - chunks shown <= {CHUNK_MARGIN}; connection closed early.")
    return "\n".join(out)


async def main_async(args: argparse.Namespace) -> int:
    os.environ.setdefault("HOLEPILOT_API_KEY", "scripted-key-for-the-benchmark")  # the Anthropic wire wants one
    answer = long_answer(args.lines)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="holepilot-streaming-") as folder:
        root = Path(folder)
        (root / "bench.py").write_text(MODULE, encoding="utf-8")
        for name in args.backends.split(","):
            rows.append(await measure(name, answer, args.pace_ms / 1000, root))
    print(table(rows, args.pace_ms))
    return 0 if all(r.met for r in rows) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pace-ms", type=float, default=25.0, help="milliseconds between chunks")
    parser.add_argument("--lines", type=int, default=30, help="lines of the answer after the first")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
