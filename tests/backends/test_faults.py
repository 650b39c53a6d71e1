"""Every failure of every backend maps to the right error, with a one-line message naming
backend, URL and cause."""

from __future__ import annotations

import time
from typing import Any

import pytest

from completion.errors import (
    AuthError,
    BackendError,
    BackendTimeout,
    BackendUnreachable,
    BadResponse,
    NotFound,
    RateLimited,
    ServerError,
)
from tests.backends.conftest import PRIMARY, backend_for, closed_port, scripted

WORDS = "alpha beta gamma delta epsilon zeta eta theta"


def assert_one_line(error: BackendError, name: str, url: str, cause: str) -> None:
    text = str(error)
    assert "\n" not in text
    assert text.startswith(f"{name} backend at {url}: ")
    assert cause in text, text


async def failure(name: str, rules: list[dict[str, Any]], **overrides: Any) -> tuple[BaseException, str, Any]:
    request, path = PRIMARY[name]
    with scripted(rules) as server:
        async with backend_for(name, server.url, **overrides) as backend:
            with pytest.raises(BackendError) as caught:
                await backend.generate(request)
    return caught.value, server.url + path, server


async def test_connection_refused(backend_name: str) -> None:
    request, path = PRIMARY[backend_name]
    url = f"http://127.0.0.1:{closed_port()}"
    async with backend_for(backend_name, url) as backend:
        with pytest.raises(BackendUnreachable) as caught:
            await backend.generate(request)
    assert_one_line(caught.value, backend_name, url + path, "unreachable (connection refused)")


async def test_hang_fails_within_the_request_timeout(backend_name: str) -> None:
    started = time.monotonic()
    error, url, _ = await failure(backend_name, [{"fault": "hang"}], request_timeout_s=1.0)
    elapsed = time.monotonic() - started
    assert isinstance(error, BackendTimeout)
    assert 0.9 <= elapsed < 1.0 + 5.0  # the 1 s timeout, not the default 15 s (slack for a loaded machine)
    assert_one_line(error, backend_name, url, "timed out (no answer within 1 s)")


@pytest.mark.parametrize("name", ["ollama", "anthropic"])  # NDJSON and SSE; shared deadline
async def test_slow_stream_is_bounded_by_the_request_timeout(name: str) -> None:
    started = time.monotonic()
    error, _, _ = await failure(
        name, [{"fault": "slow", "delay": 0.3, "answer": WORDS}], request_timeout_s=1.0
    )
    assert isinstance(error, BackendTimeout)
    assert time.monotonic() - started < 2.0


async def test_slow_stream_within_the_timeout_succeeds(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    with scripted([{"fault": "slow", "delay": 0.05, "answer": WORDS}]) as server:
        async with backend_for(backend_name, server.url) as backend:
            assert await backend.generate(request) == WORDS


async def test_cut_stream(backend_name: str) -> None:
    error, url, _ = await failure(backend_name, [{"fault": "cut", "answer": WORDS}])
    assert isinstance(error, BadResponse)
    assert_one_line(error, backend_name, url, "bad response (stream cut")


async def test_stream_without_end_marker(backend_name: str) -> None:
    error, url, _ = await failure(backend_name, [{"fault": "truncated", "answer": WORDS}])
    assert isinstance(error, BadResponse)
    assert_one_line(error, backend_name, url, "stream ended before its end marker")


async def test_invalid_json(backend_name: str) -> None:
    error, url, _ = await failure(backend_name, [{"fault": "invalid_json", "answer": WORDS}])
    assert isinstance(error, BadResponse)
    assert_one_line(error, backend_name, url, "invalid JSON in answer")


async def test_bad_schema(backend_name: str) -> None:
    error, url, _ = await failure(backend_name, [{"fault": "bad_schema", "answer": WORDS}])
    assert isinstance(error, BadResponse)
    assert_one_line(error, backend_name, url, "unexpected schema")


@pytest.mark.parametrize(
    ("status", "kind", "cause"),
    [(401, AuthError, "authentication failed"), (403, AuthError, "authentication failed"),
     (404, NotFound, "not found"), (400, BadResponse, "bad response (HTTP 400")],
)
async def test_error_status(backend_name: str, status: int, kind: type, cause: str) -> None:
    error, url, server = await failure(backend_name, [{"status": status, "answer": "go away"}])
    assert type(error) is kind
    assert_one_line(error, backend_name, url, cause)
    assert f"HTTP {status}: go away" in str(error)
    assert len(server.requests) == 1, "client errors are not retried"


async def test_rate_limit_is_retried_after_the_servers_delay(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    rules = [{"status": 429, "headers": {"Retry-After": "1"}, "times": 1}, {"answer": "fine"}]
    with scripted(rules) as server:
        async with backend_for(backend_name, server.url) as backend:
            started = time.monotonic()
            assert await backend.generate(request) == "fine"
            waited = time.monotonic() - started
    assert len(server.requests) == 2
    assert 0.9 <= waited < 3.0, "Retry-After: 1 must be honoured"


async def test_rate_limit_after_the_retries(backend_name: str) -> None:
    rules = [{"status": 429, "headers": {"Retry-After": "0"}}]
    error, url, server = await failure(backend_name, rules, max_retries=1)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 0.0
    assert_one_line(error, backend_name, url, "rate limited (HTTP 429)")
    assert len(server.requests) == 2


async def test_long_retry_after_is_capped_by_the_request_timeout() -> None:
    rules = [{"status": 429, "headers": {"Retry-After": "3600"}, "times": 1}, {"answer": "fine"}]
    request, _ = PRIMARY["ollama"]
    with scripted(rules) as server:
        async with backend_for("ollama", server.url, request_timeout_s=0.5) as backend:
            started = time.monotonic()
            assert await backend.generate(request) == "fine"
    assert time.monotonic() - started < 1.5


async def test_server_error_is_retried_then_reported(backend_name: str) -> None:
    error, url, server = await failure(backend_name, [{"status": 500, "answer": "boom"}])
    assert isinstance(error, ServerError)
    assert_one_line(error, backend_name, url, "server error (HTTP 500: boom)")
    assert len(server.requests) == 3, "one try and max_retries=2 retries"


async def test_server_error_then_success() -> None:
    request, _ = PRIMARY["llamacpp"]
    with scripted([{"status": 503, "times": 2}, {"answer": "recovered"}]) as server:
        async with backend_for("llamacpp", server.url) as backend:
            assert await backend.generate(request) == "recovered"
    assert len(server.requests) == 3


async def test_no_retries_when_disabled() -> None:
    error, _, server = await failure("openai", [{"status": 502}], max_retries=0)
    assert isinstance(error, ServerError)
    assert len(server.requests) == 1
