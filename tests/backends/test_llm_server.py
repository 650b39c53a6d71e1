"""The scripted LLM server itself: non-streamed answers, rule selection, keys, and the
process mode the editor end-to-end tests use."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.llm_server import ScriptedLLMServer
from tests.support.llm_wires import split_answer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5.0) as http:
        yield http


@pytest.mark.parametrize(
    ("path", "body", "answer_at"),
    [("/v1/chat/completions", {"messages": []}, ("choices", 0, "message", "content")),
     ("/v1/completions", {"prompt": "p", "suffix": "s"}, ("choices", 0, "text")),
     ("/api/generate", {"prompt": "p", "stream": False}, ("response",)),
     ("/api/chat", {"messages": [], "stream": False}, ("message", "content")),
     ("/infill", {"input_prefix": "a", "input_suffix": "b"}, ("content",)),
     ("/completion", {"prompt": "p"}, ("content",))],
)
def test_whole_answers(client: httpx.Client, path: str, body: dict, answer_at: tuple) -> None:
    with ScriptedLLMServer([{"answer": "x = 1"}]) as server:
        value = client.post(server.url + path, json=body).json()
    for step in answer_at:
        value = value[step]
    assert value == "x = 1"


def test_first_matching_rule_answers_and_times_limits_it(client: httpx.Client) -> None:
    rules = [{"match": "Shape", "answer": "circle", "times": 1}, {"answer": "default"}]
    with ScriptedLLMServer(rules) as server:
        answers = [
            client.post(server.url + "/completion", json={"prompt": prompt}).json()["content"]
            for prompt in ("a Shape", "a Shape", "other")
        ]
        assert [r["prompt"] for r in server.requests] == ["a Shape", "a Shape", "other"]
    assert answers == ["circle", "default", "default"]


def test_unmatched_request_and_unknown_path(client: httpx.Client) -> None:
    with ScriptedLLMServer([{"match": "never", "answer": "x"}]) as server:
        assert client.post(server.url + "/completion", json={"prompt": "p"}).status_code == 500
        assert client.post(server.url + "/nope", json={}).status_code == 404


def test_malformed_infill_is_refused(client: httpx.Client) -> None:
    body = {"input_prefix": "a", "input_extra": [{"name": "f.py"}]}
    with ScriptedLLMServer([{"answer": "x"}]) as server:
        answer = client.post(server.url + "/infill", json=body)
    assert answer.status_code == 400 and "input_extra" in answer.text


def test_ollama_raw_mode_refuses_a_system_prompt(client: httpx.Client) -> None:
    with ScriptedLLMServer([{"answer": "x"}]) as server:
        body = {"prompt": "p", "raw": True, "system": "be nice", "stream": False}
        assert client.post(server.url + "/api/generate", json=body).status_code == 400
        body = {"prompt": "p", "suffix": "s", "stream": False}
        assert client.post(server.url + "/api/generate", json=body).json()["response"] == "x"


def test_api_key_is_required_when_set(client: httpx.Client) -> None:
    body = {"prompt": "p", "stream": False}
    with ScriptedLLMServer([{"answer": "x"}], api_key="k") as server:
        assert client.post(server.url + "/api/generate", json=body).status_code == 401
        bearer = {"Authorization": "Bearer k"}
        assert client.post(server.url + "/api/generate", json=body, headers=bearer).status_code == 200
        assert client.get(server.url + "/v1/models", headers={"x-api-key": "k"}).status_code == 200


def test_anthropic_requires_its_headers(client: httpx.Client) -> None:
    body = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 5}
    with ScriptedLLMServer([{"answer": "hello"}]) as server:
        url = server.url + "/v1/messages"
        assert client.post(url, json=body, headers={"anthropic-version": "2023-06-01"}).status_code == 401
        assert client.post(url, json=body, headers={"x-api-key": "k"}).status_code == 400
        both = {"x-api-key": "k", "anthropic-version": "2023-06-01"}
        assert client.post(url, json=body, headers=both).json()["content"][0]["text"] == "hello"


def test_status_rules_carry_headers(client: httpx.Client) -> None:
    rules = [{"status": 429, "headers": {"Retry-After": "3"}, "answer": "slow down"}]
    with ScriptedLLMServer(rules) as server:
        answer = client.post(server.url + "/v1/completions", json={"prompt": "p"})
    assert (answer.status_code, answer.headers["retry-after"]) == (429, "3")
    assert answer.json()["error"]["message"] == "slow down"


def test_split_answer_round_trips() -> None:
    text = "  def f(x):\n\treturn x  "
    assert "".join(split_answer(text)) == text and len(split_answer(text)) > 2


def test_process_mode_serves_and_lists_requests(tmp_path: Path, client: httpx.Client) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"rules": [{"answer": "from a process"}], "models": ["m1"]}))
    command = [sys.executable, "-m", "tests.support.llm_server", "--script", str(script),
               "--max-seconds", "30"]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            ready = json.loads(process.stdout.readline())
            assert ready["url"] == f"http://127.0.0.1:{ready['port']}"
            body = {"prompt": "p", "stream": False}
            answer = client.post(ready["url"] + "/api/generate", json=body).json()
            assert answer["response"] == "from a process"
            assert client.get(ready["url"] + "/api/tags").json()["models"][0]["name"] == "m1"
            seen = client.get(ready["url"] + "/__requests").json()
            assert [(r["path"], r["body"]) for r in seen] == [("/api/generate", body), ("/api/tags", None)]
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_process_mode_stops_by_itself(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text("[]")
    command = [sys.executable, "-m", "tests.support.llm_server", "--script", str(script),
               "--max-seconds", "0.3"]
    finished = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=15)
    assert finished.returncode == 0
    assert json.loads(finished.stdout.splitlines()[0])["port"] > 0


def test_fixture_starts_and_stops_servers(llm_server, client: httpx.Client) -> None:
    first = llm_server([{"answer": "one"}])
    second = llm_server([{"answer": "two"}], api_key="k")
    answer = client.post(first.url + "/completion", json={"prompt": "p"}).json()
    assert answer["content"] == "one"
    assert client.post(second.url + "/completion", json={"prompt": "p"}).status_code == 401
