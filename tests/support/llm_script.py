"""The script of the scripted LLM server (:mod:`tests.support.llm_server`): its rules, and the
requests it records.

The script is an ordered list of rules, or an object ``{"rules": [...], "api_key": "...",
"models": [...]}``. A rule::

    {"match": "substring or null", "answer": "text", "status": 200, "headers": {...},
     "fault": null | "hang" | "cut" | "truncated" | "invalid_json" | "bad_schema" | "slow"
              | "forever" | "one_chunk",
     "delay": 0.0, "times": null | int, "path": null | "/v1/completions", "obey": false}

The first rule whose ``match`` occurs in the request body (the whole JSON text) answers a POST;
``times`` limits how often a rule is used; ``path`` restricts a rule to one endpoint. GET
endpoints (model lists, health, version) only consult rules whose ``path`` names them.

Faults: ``hang`` reads the request and never answers (until the client leaves or the server
stops); ``cut`` streams a few chunks, then drops the connection mid-body; ``truncated`` ends the
HTTP body cleanly but without the wire format's end marker; ``invalid_json`` and ``bad_schema``
(valid JSON, wrong shape) corrupt the payloads; ``slow`` waits ``delay`` seconds between chunks
(otherwise ``delay`` is waited before answering); ``forever`` streams the answer over and over,
``delay`` seconds between chunks, until the client leaves or the server stops; ``one_chunk``
sends the whole answer in one chunk. Any HTTP ``status`` answers with that status and the rule's
``headers`` (e.g. ``Retry-After``). With ``api_key`` set, a request without
``Authorization: Bearer KEY`` or ``x-api-key: KEY`` gets 401.

A streamed answer comes in word-sized chunks (about one token each). By default the server
ignores the request's stop sequences and token limit, as a careless server would; with
``"obey": true`` it ends the answer before the first stop sequence and after as many chunks as
the token limit allows, as a real server does. With ``"strict": true`` in the script object, a
request carrying a field the real API does not define gets 400 (as OpenAI's API answers), so a
backend that sends a server-specific field (``guided_choice``, ``grammar``) to a server that
does not take it fails loudly.

Each :class:`RecordedRequest` counts the answer chunks the server wrote (``chunks_sent``) and
notes whether the client left before the answer ended (``client_left``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

FAULTS = (None, "hang", "cut", "truncated", "invalid_json", "bad_schema", "slow", "forever", "one_chunk")
DEFAULT_MODELS = ("scripted-model",)


@dataclass
class Rule:
    match: str | None = None
    answer: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    delay: float = 0.0
    times: int | None = None
    path: str | None = None
    obey: bool = False
    used: int = 0

    @classmethod
    def from_json(cls, raw: dict[str, Any] | Rule) -> Rule:
        if isinstance(raw, Rule):
            return raw
        known = {"match", "answer", "status", "headers", "fault", "delay", "times", "path", "obey"}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown rule keys: {sorted(unknown)}")
        rule = cls(**raw)
        if rule.fault not in FAULTS:
            raise ValueError(f"unknown fault {rule.fault!r}; expected one of {FAULTS}")
        return rule

    def applies(self, method: str, path: str, text: str) -> bool:
        if self.path is not None and not path.startswith(self.path):
            return False
        if self.path is None and method != "POST":
            return False
        if self.match is not None and self.match not in text:
            return False
        return self.times is None or self.used < self.times


@dataclass
class RecordedRequest:
    """One request as received: ``body`` is the parsed JSON (None when absent or invalid)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    text: str
    chunks_sent: int = 0  # answer chunks written to the client
    client_left: bool = False  # the client closed the connection before the answer ended

    def __getitem__(self, key: str) -> Any:
        return self.body[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default) if isinstance(self.body, dict) else default

    def as_json(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "headers": self.headers, "body": self.body,
                "chunks_sent": self.chunks_sent, "client_left": self.client_left}


@dataclass
class Script:
    rules: list[Rule]
    api_key: str | None = None
    models: tuple[str, ...] = DEFAULT_MODELS
    strict: bool = False  # refuse fields the real API does not define

    @classmethod
    def from_json(cls, raw: Any) -> Script:
        if isinstance(raw, Script):
            return raw
        if isinstance(raw, list):
            raw = {"rules": raw}
        rules = [Rule.from_json(rule) for rule in raw.get("rules", [])]
        models = tuple(raw.get("models") or DEFAULT_MODELS)
        return cls(rules=rules, api_key=raw.get("api_key"), models=models,
                   strict=bool(raw.get("strict", False)))


def json_body(text: str) -> Any:
    """The parsed JSON of a request body, None when it is absent or not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None
