"""The engine end to end against scripted model servers on 127.0.0.1: each request is shaped
to its hole, the answer is read only as far as the shape goes, closed sets are sent where the
server takes them and checked everywhere, and the result says whether its best candidate is
verified or should be held back on an automatic trigger."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from completion.api import Engine, held_back_reason, ranked_candidates
from completion.check import finished, unfinished_tail
from completion.model import Candidate, CompletionReport, HoleRequest
from completion.settings import Settings
from context.model import Diagnostic
from tests.support.llm_server import ScriptedLLMServer

MODULE = '''from dataclasses import dataclass
from typing import Literal

Mode = Literal["fast", "slow"]


@dataclass
class Point:
    x: float
    y: float


def first(points: list[Point]) -> float:
    p = points[0]
    value = {line}
    return value


def total(points: list[Point]) -> float:
    {block}


print(total([]))
'''
LINE_HOLE = (MODULE.split("\n").index("    value = {line}"), len("    value = "))
BLOCK_HOLE = (MODULE.split("\n").index("    {block}"), len("    "))
LONG = "p.x + p.y\n" + "".join(f"    extra_{i} = value * {i}\n" for i in range(30))
BLOCK = "result = 0.0\n    for p in points:\n        result += p.x\n    return result\n"
LINE_BODY_AFTER = "print(result)\nprint('more')\n" * 10


def source(line: str = "", block: str = "") -> str:
    return MODULE.format(line=line, block=block)


@pytest.fixture
async def engine_for(tmp_path: Path) -> AsyncIterator[Callable[..., Engine]]:
    engines: list[Engine] = []

    def make(server: ScriptedLLMServer, backend: str = "openai-completions", **settings: Any) -> Engine:
        values: dict[str, Any] = {"backend": backend, "base_url": server.url, "model": "scripted-model",
                                  "max_rounds": 0, "request_timeout_s": 10.0, **settings}
        engine = Engine(tmp_path, Settings(**values))
        engines.append(engine)
        return engine

    (tmp_path / "shapes.py").write_text(source(), encoding="utf-8")
    yield make
    for engine in engines:
        await engine.aclose()


async def complete_at(engine: Engine, where: tuple[int, int], text: str, n: int = 1,
                      **options: Any) -> CompletionReport:
    path = str(engine.root / "shapes.py")
    return await engine.complete(HoleRequest(path, *where, text=text, **options), n=n)


async def test_a_line_hole_asks_for_a_line_and_stops_reading_at_its_end(
    llm_server: Any, engine_for: Callable[..., Engine], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="completion")
    server = llm_server([{"answer": LONG, "fault": "slow", "delay": 0.02}])
    report = await complete_at(engine_for(server), LINE_HOLE, source())
    assert report.text == "p.x + p.y"
    assert report.shape == "line (an expression inside a line; at most 48 tokens)"
    sent = server.requests[0]
    assert sent["stop"][0] == "\n" and sent["max_tokens"] == 48
    assert await asyncio.to_thread(server.wait_for_disconnect, 5.0), "the stream must be closed early"
    assert sent.client_left and sent.chunks_sent <= 8
    logged = caplog.text
    assert "shape line (an expression inside a line; at most 48 tokens)" in logged
    assert "stopped reading: the answer is complete" in logged


async def test_a_block_hole_asks_for_a_block_and_stops_at_the_dedent(
    llm_server: Any, engine_for: Callable[..., Engine]
) -> None:
    server = llm_server([{"answer": BLOCK + LINE_BODY_AFTER, "fault": "slow", "delay": 0.005}])
    report = await complete_at(engine_for(server), BLOCK_HOLE, source())
    assert report.text == BLOCK.rstrip()
    assert report.shape.startswith("block (an empty line after the block opener `def total(")
    sent = server.requests[0]
    assert sent["max_tokens"] == 256 and "\n" not in sent.get("stop", [])
    assert await asyncio.to_thread(server.wait_for_disconnect, 5.0)
    assert sent.chunks_sent < len(BLOCK.split()) + 6


@pytest.mark.parametrize("rule,expected", [
    ({"answer": "p.x\nnext = 1\n", "fault": "forever", "delay": 0.002}, "p.x"),
    ({"answer": LONG, "fault": "one_chunk"}, "p.x + p.y"),
    ({"answer": LONG, "fault": "slow", "delay": 0.002}, "p.x + p.y"),  # stops ignored
    ({"answer": "   \n  \n"}, ""),
    ({"answer": ""}, ""),
])
async def test_careless_servers_still_give_a_line_and_never_hang(
    llm_server: Any, engine_for: Callable[..., Engine], rule: dict[str, Any], expected: str
) -> None:
    server = llm_server([rule])
    started = time.monotonic()
    report = await complete_at(engine_for(server, request_timeout_s=5.0), LINE_HOLE, source())
    assert time.monotonic() - started < 5.0
    assert report.text == expected
    assert not report.held_back_reason


async def test_a_chat_backend_is_read_to_the_end_of_the_line_too(
    llm_server: Any, engine_for: Callable[..., Engine]
) -> None:
    server = llm_server([{"answer": LONG, "fault": "slow", "delay": 0.02}])
    report = await complete_at(engine_for(server, backend="openai"), LINE_HOLE, source())
    assert report.text == "p.x + p.y"
    assert "stop" not in server.requests[0].body, "a chat model's first line may be a fence"
    assert await asyncio.to_thread(server.wait_for_disconnect, 5.0)


async def test_an_unverified_best_is_held_back_on_automatic_triggers_only(
    llm_server: Any, engine_for: Callable[..., Engine]
) -> None:
    server = llm_server([{"answer": "p.nrm()"}])
    engine = engine_for(server, max_rounds=1)
    auto = await complete_at(engine, LINE_HOLE, source(), trigger="automatic")
    assert auto.text == "p.nrm()" and not auto.verified and not auto.candidates[0].verified
    assert auto.held_back_reason.startswith("1 problem left after 1 repair round: ")
    assert "nrm" in auto.held_back_reason
    explicit = await complete_at(engine, LINE_HOLE, source(), trigger="explicit")
    assert explicit.text == "p.nrm()" and explicit.held_back_reason == ""
    assert explicit.diagnostics, "an explicit request shows the problem left"


async def test_a_verified_best_is_shown(llm_server: Any, engine_for: Callable[..., Engine]) -> None:
    server = llm_server([{"answer": "p.x"}])
    report = await complete_at(engine_for(server), LINE_HOLE, source(), trigger="automatic")
    assert report.text == "p.x" and report.verified and report.held_back_reason == ""


async def test_verified_candidates_rank_first(llm_server: Any, engine_for: Callable[..., Engine]) -> None:
    server = llm_server([{"answer": "p.nrm()"}])
    text = source(line="p.")
    report = await complete_at(engine_for(server), (LINE_HOLE[0], LINE_HOLE[1] + 2), text, n=3)
    flags = [c.verified for c in report.candidates]
    assert flags == sorted(flags, reverse=True) and flags[0], report.candidates
    assert report.text == report.candidates[0].text != "nrm()"


async def test_a_member_hole_sends_a_grammar_to_llamacpp(
    llm_server: Any, engine_for: Callable[..., Engine]
) -> None:
    server = llm_server([{"answer": "x"}], strict=True)
    text = source(line="p.")
    report = await complete_at(engine_for(server, backend="llamacpp"), (LINE_HOLE[0], LINE_HOLE[1] + 2), text)
    assert report.text == "x"
    assert server.requests[0]["grammar"].startswith('root ::= ("x" | "y") ')


async def test_a_server_without_constraints_gets_none_and_the_set_still_ranks(
    llm_server: Any, engine_for: Callable[..., Engine]
) -> None:
    server = llm_server([{"answer": "y"}], strict=True)
    text = source(line="p.")
    report = await complete_at(engine_for(server), (LINE_HOLE[0], LINE_HOLE[1] + 2), text)
    assert report.text == "y" and report.verified
    assert not {"guided_regex", "guided_choice", "grammar"} & set(server.requests[0].body)


async def test_a_literal_outside_its_set_is_repaired(llm_server: Any, engine_for: Callable[..., Engine]) -> None:
    server = llm_server([{"match": "not one of the literal choices", "answer": '"slow"'},
                         {"answer": '"fsat"'}])
    text = MODULE.replace("    value = {line}", "    mode: Mode = ").format(block="")
    engine = engine_for(server, backend="openai", max_rounds=1)  # the report goes in the chat
    report = await complete_at(engine, (LINE_HOLE[0], len("    mode: Mode = ")), text)
    assert [r.candidate for r in report.rounds] == ['"fsat"', '"slow"']
    assert report.rounds[0].diagnostics[0].code == "not-in-closed-set"
    assert report.text == '"slow"' and report.verified


def test_ranked_candidates_and_held_back_reason_are_pure() -> None:
    problem = Diagnostic(3, 4, 3, 8, "error", "undefined name 'nme'", "names")
    checked = [Candidate("nme", (problem,)), Candidate(""), Candidate("name")]
    ranked = ranked_candidates(checked, None)
    assert [c.text for c in ranked] == ["name", "nme", ""]
    assert [c.verified for c in ranked] == [True, False, False]
    assert held_back_reason(ranked[1], "automatic", 3) == (
        "1 problem left after 2 repair rounds: undefined name 'nme' (line 4, names)")
    assert held_back_reason(ranked[1], "explicit", 3) == ""
    assert held_back_reason(ranked[0], "automatic", 1) == ""
    assert held_back_reason(ranked[2], "automatic", 1) == "", "nothing to hold back"


OPENER_TEXT = source(block="result = 0.0\n    for p in ")
OPENER_HOLE = (BLOCK_HOLE[0] + 1, len("    for p in "))


@pytest.mark.parametrize("answer,verified,problem", [
    ("points:\n        result += p.x\n", True, ""),  # a block opener whose body is still to be written
    ("pionts:\n        result += p.x\n", False, "pionts"),  # its real error is still charged
    ("points::\n        result += p.x\n", False, "syntax"),  # and so is a real syntax error
])
async def test_a_block_opener_without_its_body_yet_is_charged_with_its_errors_only(
    llm_server: Any, engine_for: Callable[..., Engine], answer: str, verified: bool, problem: str
) -> None:
    server = llm_server([{"answer": answer}])
    report = await complete_at(engine_for(server), OPENER_HOLE, OPENER_TEXT, trigger="automatic")
    assert report.text == answer.split("\n")[0]
    assert report.verified is verified, report.diagnostics
    assert (report.held_back_reason == "") is verified
    assert problem in report.held_back_reason


@pytest.mark.parametrize("answer,verified", [
    ("max(p.x,", True), ("max(p.z,", False), ("max(p.x, (p.y)", False),
    # a multi-line answer that ran out before its brackets closed, at a whole line
    ("max(\n        p.x,\n        p.y", True), ("max(\n        p.x,\n        p.z", False),
])
async def test_brackets_left_for_the_lines_to_come_are_not_an_error(
    llm_server: Any, engine_for: Callable[..., Engine], answer: str, verified: bool
) -> None:
    server = llm_server([{"answer": answer}])
    report = await complete_at(engine_for(server), LINE_HOLE, source(), trigger="automatic")
    assert report.text == answer
    assert report.verified is verified, report.diagnostics


@pytest.mark.parametrize("head,rest,tail", [
    ("def f(xs):\n    for x in xs:", "\n    return 1\n", "\n        pass"),
    ("def f(xs):\n    for x in xs:", "\n        print(x)\n", ""),  # the body is there
    ("def f(xs):\n    if x:  # note", "\n", "\n        pass"),
    ("def f(xs):\n    y = foo(a, bar(", "\n    return 1\n", "*[]), *[])"),  # calls' arguments to come
    ("def f(xs):\n    y = foo(a, bar(1)", ")\n    return 1\n", ""),  # the code after closes it
    ("x = [\n    f(1,", "\n]\n", "*[])"),  # the closer lined up with `x = [` closes the list only
    ("def f(xs):\n    y = {'a': [", "\n", "]}"),
    ("def f(xs):\n    y = {'a':", "\n", ""),  # a colon inside brackets opens no block
    ("def f(xs):\n    y = 1", "\n    return 1\n", ""),
    ("def f(xs):\n    y = f(1.0, (2.0)", "\n    return 1\n", ""),  # unbalanced, not unfinished
    ("def f(xs):\n    for x in xs:", "  # note\n    return 1\n", "\n        pass"),
    ("def f(xs):\n    y = f(", "x)\n", ""),  # the line goes on after the filling
    ("class A:\n    def f(\n        self,\n    ) -> int:", "\n", "\n        pass"),
    ("def f(xs):\n    g = lambda:", "\n", ""),  # not a block
    # a whole line inside brackets opened above it: a multi-line answer read to its limit
    ("def f(xs):\n    ys = [\n        x\n        for x in xs", "\n    return ys\n", "]"),
    ("def f(xs):\n    y = g(\n        1, (2.0", "\n    return y\n", ""),  # its own `(` left open
    # a header whose brackets close still wants its colon and body
    ("def f(xs):\n    if (\n        xs", "\n    return 1\n", "):\n        pass"),
    ("def f(xs):\n    if (\n        xs", "\n        return 1\n", "):"),  # its body is there
    ("def f(\n    a,", "\n", "):\n    pass"),  # parameters, not arguments
    ("class A(\n    Base,", "\n", "):\n    pass"),
    ("def f(xs):\n    if max(\n        xs", "\n        return 1\n", ", *[]):"),
    ("def f(xs):\n    y = handlers[0](x,", "\n", "*[])"),
    ("def f(xs):\n    y = (1,", "\n", ")"),  # a tuple
    ("def f(xs):\n    return not(xs,", "\n", ")"),
    # a try block whose handler is still to be written gets one where the code dedents below it
    ("def f(xs):\n    try:\n        y = g(xs)", "\n\n    return y\n", "\n    except BaseException:\n        pass"),
    ("def f(xs):\n    try:\n        if xs:\n            y = g(\n                xs,", "\n    return y\n",
     "*[])\n    except BaseException:\n        pass"),
    ("def f(xs):\n    try:\n        y = g(xs)", "\n    except KeyError:\n        pass\n", ""),  # it has one
    ("def f(xs):\n    try:\n        y = g(xs)", "\n        y += 1\n", ""),  # its body goes on
    ("def f(xs):\n    try:", "\n    return 1\n", "\n        pass\n    except BaseException:\n        pass"),
])
def test_the_tail_that_finishes_an_unfinished_statement(head: str, rest: str, tail: str) -> None:
    assert unfinished_tail(head, rest) == tail


def test_a_diagnostic_of_the_finished_buffer_is_placed_back() -> None:
    text = "if x:\ny = pionts\n"
    at, tail = len("if x:"), "\n    pass"
    moved = finished(Diagnostic(2, 4, 2, 10, "error", "undefined name 'pionts'", "names"), text, at, tail)
    assert (moved.line, moved.column, moved.end_line, moved.end_column) == (1, 4, 1, 10)
    on_tail = finished(Diagnostic(1, 4, 1, 8, "error", "x", "syntax"), text, at, tail)
    assert (on_tail.line, on_tail.column, on_tail.end_line, on_tail.end_column) == (0, 5, 0, 5)


@pytest.mark.parametrize("backend", ["openai-completions", "ollama", "llamacpp", "anthropic", "openai"])
async def test_the_line_a_token_limit_cut_is_not_suggested(
    llm_server: Any, engine_for: Callable[..., Engine], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    # The server stops at blockMaxTokens in the middle of `result += p.x` and says so: the
    # suggestion is the lines before it, not a line cut short (a syntax error to hold back).
    server = llm_server([{"answer": BLOCK, "obey": True}])
    engine = engine_for(server, backend, block_max_tokens=9)
    report = await complete_at(engine, BLOCK_HOLE, source())
    # (a chat model's snippet is indented to the block: its later lines move along)
    assert report.text.startswith("result = 0.0\n") and report.text.endswith("    for p in points:")
    assert "result +=" not in report.text
    limit = {"ollama": "num_predict", "llamacpp": "n_predict"}.get(backend, "max_tokens")
    sent = server.requests[0]
    assert (sent["options"] if backend == "ollama" else sent)[limit] == 9
    # the whole answer, within the limit, is suggested whole
    server = llm_server([{"answer": BLOCK, "obey": True}])
    report = await complete_at(engine_for(server, backend), BLOCK_HOLE, source())
    assert report.text.endswith("return result") and not report.held_back_reason
