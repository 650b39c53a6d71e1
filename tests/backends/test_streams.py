"""The stream parsers and payload helpers, without a network."""

from __future__ import annotations

import email.utils
import time

import pytest

from completion.backends import ModelRequest
from completion.backends.anthropic import decode_event as anthropic_event
from completion.backends.openai import decode_chat_event
from completion.backends.streams import Event, NdjsonParser, SseParser, WireError, field_of
from completion.backends.transport import parse_retry_after
from completion.errors import ServerError


def test_sse_events_with_names_comments_and_multiline_data() -> None:
    parser = SseParser()
    lines = [": keep-alive", "event: delta", "data: {\"a\":", "data: 1}", "", "data:[DONE]", ""]
    events = [event for line in lines for event in parser.feed(line)]
    assert events == [Event("delta", '{"a":\n1}'), Event(None, "[DONE]")]
    assert parser.finish() == []


def test_sse_event_without_trailing_blank_line_is_flushed() -> None:
    parser = SseParser()
    assert parser.feed("data: x") == []
    assert parser.finish() == [Event(None, "x")]


def test_ndjson_skips_blank_lines() -> None:
    parser = NdjsonParser()
    assert parser.feed("") == [] and parser.feed('{"done": true}') == [Event(None, '{"done": true}')]


def test_field_of_names_the_missing_path() -> None:
    with pytest.raises(WireError, match=r"no choices\[0\]\.delta"):
        field_of({"choices": []}, "choices", 0, "delta")
    with pytest.raises(WireError, match="text is int"):
        field_of({"text": 3}, "text")


def test_openai_role_only_and_usage_chunks_are_empty() -> None:
    role_only = '{"choices": [{"delta": {"role": "assistant"}}]}'
    assert decode_chat_event(Event(None, role_only)).text == ""
    assert decode_chat_event(Event(None, '{"choices": [], "usage": {}}')).text == ""
    assert decode_chat_event(Event(None, "[DONE]")).done


def test_openai_error_in_stream() -> None:
    with pytest.raises(WireError, match="quota"):
        decode_chat_event(Event(None, '{"error": {"message": "quota exceeded"}}'))


def test_anthropic_overload_in_stream_is_a_server_error() -> None:
    data = '{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}'
    with pytest.raises(WireError) as caught:
        anthropic_event(Event("error", data))
    assert caught.value.error_class is ServerError
    assert anthropic_event(Event("ping", '{"type": "ping"}')).text == ""


def test_retry_after_forms() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (parse_retry_after(later) or 0) <= 31


def test_model_request_checks_mode_and_measures_size() -> None:
    with pytest.raises(ValueError):
        ModelRequest("poem")
    assert ModelRequest("text", prompt="abcd").size_chars == 4
