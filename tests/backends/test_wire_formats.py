"""Each backend streams a scripted answer back and sends what its wire format expects."""

from __future__ import annotations

import pytest

from completion.backends import ChatMessage, ModelRequest
from completion.errors import NotFound
from tests.backends.conftest import CHAT, FIM, KEY, MODEL, PRIMARY, backend_for, scripted

ANSWER = "return a + b  # sum of both"


async def test_streamed_answer_round_trips(backend_name: str) -> None:
    request, path = PRIMARY[backend_name]
    with scripted([{"match": "add", "answer": ANSWER}]) as server:
        async with backend_for(backend_name, server.url) as backend:
            pieces = [piece async for piece in backend.stream(request)]
    assert "".join(pieces) == ANSWER
    assert len(pieces) > 1, "the answer should arrive in several chunks"
    assert [r.path for r in server.requests] == [path]
    assert server.requests[0]["stream"] is True


async def test_generate_joins_the_stream(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    with scripted([{"answer": ANSWER}]) as server:
        async with backend_for(backend_name, server.url) as backend:
            assert await backend.generate(request) == ANSWER


async def test_openai_chat_body() -> None:
    with scripted([{"answer": "x"}]) as server:
        async with backend_for("openai", server.url) as backend:
            await backend.generate(CHAT)
    sent = server.requests[0]
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent["model"] == MODEL
    assert sent["messages"] == [
        {"role": "system", "content": CHAT.system},
        {"role": "user", "content": CHAT.messages[0].content},
    ]
    assert (sent["stop"], sent["max_tokens"], sent["temperature"]) == (["\n\n", "```"], 48, 0.1)


async def test_openai_completions_body_with_server_fim_and_raw() -> None:
    raw = ModelRequest("fim", prompt=FIM.prompt, stop=("a", "b", "c", "d", "e"), max_tokens=7)
    with scripted([{"answer": "x"}]) as server:
        async with backend_for("openai-completions", server.url) as backend:
            await backend.generate(FIM)
            await backend.generate(raw)
    server_fim, raw_fim = server.requests
    assert (server_fim["prompt"], server_fim["suffix"]) == (FIM.prefix, FIM.suffix)
    assert (server_fim["stop"], server_fim["max_tokens"]) == (["\ndef "], 32)
    assert raw_fim["prompt"] == FIM.prompt and "suffix" not in raw_fim.body
    assert raw_fim["stop"] == ["a", "b", "c", "d"], "OpenAI accepts at most four stop sequences"


async def test_ollama_bodies_for_server_fim_raw_and_chat() -> None:
    raw = ModelRequest("fim", prompt=FIM.prompt, stop=("\n",), max_tokens=9)
    with scripted([{"answer": "x"}]) as server:
        async with backend_for("ollama", server.url) as backend:
            await backend.generate(FIM)
            await backend.generate(raw)
            await backend.generate(CHAT)
    server_fim, raw_fim, chat = server.requests
    assert server_fim.path == raw_fim.path == "/api/generate"
    assert (server_fim["prompt"], server_fim["suffix"]) == (FIM.prefix, FIM.suffix)
    assert "raw" not in server_fim.body
    assert server_fim["options"] == {"num_predict": 32, "temperature": 0.0, "stop": ["\ndef "]}
    assert (raw_fim["prompt"], raw_fim["raw"]) == (FIM.prompt, True)
    assert raw_fim["options"]["num_predict"] == 9
    assert chat.path == "/api/chat"
    assert chat["messages"][0] == {"role": "system", "content": CHAT.system}
    assert chat["options"]["stop"] == ["\n\n", "```"]


async def test_llamacpp_infill_and_completion_bodies() -> None:
    text = ModelRequest("text", prompt="# a comment\n", max_tokens=5, stop=("\n",))
    with scripted([{"answer": "x"}]) as server:
        async with backend_for("llamacpp", server.url) as backend:
            await backend.generate(FIM)
            await backend.generate(text)
    infill, completion = server.requests
    assert infill.path == "/infill"
    assert (infill["input_prefix"], infill["input_suffix"]) == (FIM.prefix, FIM.suffix)
    assert infill["input_extra"] == [{"filename": "shapes.py", "text": "class Shape: ...\n"}]
    assert (infill["n_predict"], infill["stop"]) == (32, ["\ndef "])
    assert completion.path == "/completion"
    assert (completion["prompt"], completion["n_predict"], completion["stop"]) == ("# a comment\n", 5, ["\n"])


async def test_anthropic_body_and_headers() -> None:
    with scripted([{"answer": "x"}]) as server:
        async with backend_for("anthropic", server.url) as backend:
            await backend.generate(CHAT)
    sent = server.requests[0]
    assert sent.headers["x-api-key"] == KEY
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in sent.headers
    assert sent["system"] == CHAT.system
    assert sent["messages"] == [{"role": "user", "content": CHAT.messages[0].content}]
    assert (sent["stop_sequences"], sent["max_tokens"]) == (["\n\n", "```"], 48)


async def test_base_url_ending_in_v1_is_not_doubled() -> None:
    with scripted([{"answer": "ok"}]) as server:
        async with backend_for("openai", server.url + "/v1/") as backend:
            assert await backend.generate(CHAT) == "ok"
    assert server.requests[0].path == "/v1/chat/completions"


async def test_a_mode_the_wire_format_lacks_is_refused() -> None:
    from completion.errors import ConfigError

    with scripted([{"answer": "ok"}]) as server:
        async with backend_for("anthropic", server.url) as backend:
            with pytest.raises(ConfigError, match="anthropic backend cannot answer 'fim'"):
                await backend.generate(FIM)
    assert server.requests == []


async def test_probe_accepts_a_served_model(backend_name: str) -> None:
    with scripted([]) as server:
        async with backend_for(backend_name, server.url) as backend:
            await backend.probe()
    assert server.requests, "the probe must ask the server"


@pytest.mark.parametrize("name", ["openai", "openai-completions", "ollama", "anthropic"])
async def test_probe_reports_a_missing_model(name: str) -> None:
    with scripted([], models=["another-model"]) as server:
        async with backend_for(name, server.url) as backend:
            with pytest.raises(NotFound) as caught:
                await backend.probe()
    assert name in str(caught.value) and server.url in str(caught.value)


async def test_probe_maps_a_failing_listing() -> None:
    from completion.errors import AuthError

    with scripted([{"path": "/api/tags", "status": 403}]) as server:
        async with backend_for("ollama", server.url) as backend:
            with pytest.raises(AuthError):
                await backend.probe()


async def test_ollama_model_without_tag_matches_latest() -> None:
    with scripted([], models=["codellama:latest"]) as server:
        async with backend_for("ollama", server.url, model="codellama") as backend:
            await backend.probe()


async def test_chat_history_keeps_roles() -> None:
    request = ModelRequest("chat", messages=(
        ChatMessage("user", "q1"), ChatMessage("assistant", "a1"), ChatMessage("user", "q2")))
    with scripted([{"answer": "a2"}]) as server:
        async with backend_for("openai", server.url) as backend:
            assert await backend.generate(request) == "a2"
    assert [m["role"] for m in server.requests[0]["messages"]] == ["user", "assistant", "user"]
