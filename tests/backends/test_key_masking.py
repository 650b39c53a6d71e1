"""API keys are masked in error messages, and only keys long enough to be secrets: a short
test key must not turn ordinary words of a message into ``***``."""

from __future__ import annotations

import pytest

from completion.backends import make_backend
from completion.errors import ServerError
from tests.backends.conftest import PRIMARY, settings_for
from tests.support.llm_server import ScriptedLLMServer


async def server_error(key: str, message: str) -> str:
    """The error of a request with API key ``key`` that a server answers with HTTP 500."""
    request, _ = PRIMARY["openai"]
    with ScriptedLLMServer([{"status": 500, "answer": message}], api_key=key) as server:
        backend = make_backend(settings_for("openai", server.url, max_retries=0),
                               env={"HOLEPILOT_API_KEY": key})
        try:
            with pytest.raises(ServerError) as caught:
                await backend.generate(request)
        finally:
            await backend.aclose()
    return str(caught.value)


@pytest.mark.parametrize("key", ["k", "mar", "er", "1234567"])
async def test_a_short_key_masks_nothing(key: str) -> None:
    error = await server_error(key, "marker of the failure")
    assert "marker of the failure" in error and "***" not in error


async def test_a_key_of_secret_length_is_masked() -> None:
    key = "sk-abcd1"  # eight characters: the shortest key that is masked
    error = await server_error(key, f"bad key {key} for the marker")
    assert key not in error and "bad key *** for the marker" in error
