"""A closed set of answers goes to each server in the form it takes, and to no server in a
form it does not: a strict scripted server refuses any field its real API does not define."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from completion.backends import ModelRequest, make_backend
from completion.backends.base import Constraint
from completion.backends.streams import JsonStringText
from completion.errors import BadResponse
from tests.backends.conftest import KEY, PRIMARY, backend_for, scripted, settings_for

MEMBERS = Constraint(heads=("corner", "width", "height"))
ENUM = Constraint(choices=("RED", "GREEN"))
LITERAL = Constraint(choices=('"fast"', "'fast'"), heads=("width=",))
WIRE_FIELDS = {"grammar", "json_schema", "format", "guided_choice", "guided_regex"}


def constrained(name: str, constraint: Constraint) -> ModelRequest:
    return dataclasses.replace(PRIMARY[name][0], constraint=constraint)


def test_each_backend_declares_what_it_takes() -> None:
    kinds = {name: make_backend(settings_for(name, "http://127.0.0.1:9"), env={}).constraint_kinds
             for name in PRIMARY}
    assert kinds == {
        "openai": frozenset(), "openai-completions": frozenset(), "anthropic": frozenset(),
        "llamacpp": frozenset({"grammar"}), "ollama": frozenset({"json_schema"}),
    }
    guided = make_backend(settings_for("openai", "http://127.0.0.1:9", guided_decoding=True), env={})
    assert guided.constraint_kinds == frozenset({"guided_choice", "guided_regex"})


@pytest.mark.parametrize("name", ["openai", "openai-completions", "anthropic"])
async def test_servers_without_constraints_never_get_a_constraint_field(name: str) -> None:
    with scripted([{"answer": "corner.x"}], strict=True) as server:
        async with backend_for(name, server.url) as backend:
            assert await backend.generate(constrained(name, MEMBERS)) == "corner.x"
    assert not set(server.requests[0].body) & WIRE_FIELDS


async def test_a_strict_server_refuses_an_unknown_field() -> None:
    """The scripted server's strictness is real: what the tests above rely on can fail."""
    with scripted([{"answer": "x"}], strict=True) as server:
        async with backend_for("openai", server.url, guided_decoding=True) as backend:
            with pytest.raises(BadResponse, match="Unrecognized request argument supplied: guided_regex"):
                await backend.generate(constrained("openai", MEMBERS))


async def test_llamacpp_gets_a_grammar() -> None:
    with scripted([{"answer": "corner"}], strict=True) as server:
        async with backend_for("llamacpp", server.url) as backend:
            await backend.generate(constrained("llamacpp", MEMBERS))
    grammar = server.requests[0]["grammar"]
    assert grammar == 'root ::= ("corner" | "width" | "height") ([^a-zA-Z0-9_] [^\\x00]*)?\n'


async def test_ollama_gets_a_json_schema_and_its_json_answer_is_decoded() -> None:
    with scripted([{"answer": '"RED"'}], strict=True) as server:
        async with backend_for("ollama", server.url) as backend:
            assert await backend.generate(constrained("ollama", ENUM)) == "RED"
    assert server.requests[0]["format"] == {"type": "string", "enum": ["RED", "GREEN"]}


async def test_ollama_ignoring_the_schema_gives_the_plain_answer() -> None:
    with scripted([{"answer": "GREEN"}]) as server:
        async with backend_for("ollama", server.url) as backend:
            assert await backend.generate(constrained("ollama", ENUM)) == "GREEN"


@pytest.mark.parametrize("name", ["openai", "openai-completions"])
async def test_a_guided_server_gets_a_choice_or_a_regex(name: str) -> None:
    with scripted([{"answer": "RED"}]) as server:
        async with backend_for(name, server.url, guided_decoding=True) as backend:
            await backend.generate(constrained(name, ENUM))
            await backend.generate(constrained(name, MEMBERS))
    closed, open_tail = server.requests
    assert closed["guided_choice"] == ["RED", "GREEN"] and "guided_regex" not in closed.body
    assert open_tail["guided_regex"] == MEMBERS.regex() and "guided_choice" not in open_tail.body


def test_the_forms_agree_on_what_they_allow() -> None:
    regex = LITERAL.regex()
    for text, allowed in [('"fast"', True), ("'fast'", True), ("width=3)", True), ("width=", True),
                          ('"slow"', False), ("widths=2", False), ('"fast", 2', False)]:
        assert LITERAL.allows(text) is allowed, text
        assert (re.fullmatch(regex, text) is not None) is allowed
        pattern = LITERAL.json_schema()["pattern"]
        assert (re.search(pattern, text) is not None) is allowed, (pattern, text)
    assert MEMBERS.allows("corner.x") and MEMBERS.allows("height") and not MEMBERS.allows("cornerx")
    assert ENUM.json_schema() == {"type": "string", "enum": ["RED", "GREEN"]}
    assert LITERAL.grammar() == (
        'root ::= "\\"fast\\"" | "\'fast\'" | ("width=") [^\\x00]*\n'
    )


@pytest.mark.parametrize("pieces,expected", [
    (['"RED"'], "RED"),
    ([' ', '"co', 'rner', '.x"', " trailing"], "corner.x"),
    (['"a\\', 'nb \\"q\\" \\u00e9', '\\ud83d\\ude00"'], 'a\nb "q" é\U0001F600'),
    (["plain ", "text"], "plain text"),
])
def test_json_string_answers_decode_as_they_stream(pieces: list[str], expected: str) -> None:
    text_filter = JsonStringText()
    assert "".join(text_filter.feed(piece) for piece in pieces) == expected
    if expected != "plain text":
        assert json.loads("".join(pieces).strip().split(" trailing")[0]) == expected


async def test_unconstrained_requests_send_no_constraint_field(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    with scripted([{"answer": "x"}], strict=True) as server:
        async with backend_for(backend_name, server.url) as backend:
            await backend.generate(request)
    assert not set(server.requests[0].body) & WIRE_FIELDS
    assert server.requests[0].headers.get("authorization", "") in ("", f"Bearer {KEY}")
