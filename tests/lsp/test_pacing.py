"""The adaptive debounce: the typing pace per document, and the wait it sets."""

from __future__ import annotations

import pytest

from completion.model import BackendStatus
from completion.settings import Settings
from lsp_server.features.completions import accepted_end
from lsp_server.pacing import Typing, debounce_s

SETTINGS = Settings(debounce_ms=50, debounce_max_ms=300, fast_backend_ms=150)
SLOW_MODEL = BackendStatus("openai", "m", "http://127.0.0.1:1", last_latency_ms=900.0)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def typed(intervals: list[float], steps: int = 1) -> Typing:
    clock = Clock()
    typing = Typing(clock)
    version = 1
    typing.observe("u", version)
    for interval in intervals:
        clock.now += interval
        version += steps
        typing.observe("u", version)
    return typing


def test_interval_is_the_time_per_edit() -> None:
    assert typed([0.1, 0.1, 0.1]).interval_s("u") == pytest.approx(0.1)
    assert typed([0.2, 0.2], steps=2).interval_s("u") == pytest.approx(0.1)  # edits between requests


def test_a_pause_is_not_an_interval() -> None:
    assert typed([0.1, 0.1, 5.0]).interval_s("u") is None
    assert typed([5.0]).interval_s("u") is None


def test_documents_are_paced_apart() -> None:
    typing = typed([0.1, 0.1])
    assert typing.interval_s("other") is None


def test_quick_typing_with_a_slow_model_waits_longer() -> None:
    assert debounce_s(SETTINGS, 0.12, SLOW_MODEL) == pytest.approx(0.18)
    assert debounce_s(SETTINGS, 0.25, SLOW_MODEL) == pytest.approx(0.3)  # the upper bound


def test_short_wait_when_not_typing_quickly_or_the_backend_is_fast() -> None:
    assert debounce_s(SETTINGS, None, SLOW_MODEL) == pytest.approx(0.05)
    assert debounce_s(SETTINGS, 0.5, SLOW_MODEL) == pytest.approx(0.05)
    fast = BackendStatus("ollama", "m", "http://127.0.0.1:2", last_latency_ms=80.0)
    assert debounce_s(SETTINGS, 0.12, fast) == pytest.approx(0.05)
    static = BackendStatus("static", "", "")
    assert debounce_s(SETTINGS, 0.12, static) == pytest.approx(0.05)


def test_measured_completion_time_decides_what_is_fast() -> None:
    static = BackendStatus("static", "", "")
    assert debounce_s(SETTINGS, 0.12, static, completion_s=0.6) == pytest.approx(0.18)  # slow analysis
    assert debounce_s(SETTINGS, 0.12, SLOW_MODEL, completion_s=0.1) == pytest.approx(0.05)


def test_upper_bound_below_the_lower_one_is_the_lower_one() -> None:
    settings = Settings(debounce_ms=200, debounce_max_ms=0)
    assert debounce_s(settings, 0.1, SLOW_MODEL) == pytest.approx(0.2)


def test_accepted_text_end_is_found_near_the_position() -> None:
    document = "x = 1\nvalue = compute(a, b)\n"
    assert accepted_end(document, 1, 8, "compute(a, b)") == (1, 21)
    assert accepted_end(document, 1, 8, "absent") is None
    assert accepted_end(document, 9, 0, "x") is None
