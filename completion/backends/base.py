"""What every model backend takes and gives: a :class:`ModelRequest` in, text chunks out.

A request may carry a :class:`Constraint` (the closed set of answers a hole allows); a backend
sends it in the forms its ``constraint_kinds`` declare and in no other (a server that does not
know a field may refuse the request). :meth:`Backend.read` stops reading as soon as the caller's
``until`` says the answer is complete, which closes the connection so the server stops
generating.
"""

from __future__ import annotations

import abc
import contextlib
import json
import re
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from completion.backends.streams import Piece

MODES = frozenset({"fim", "chat", "text"})
# The forms in which a server takes a constraint: llama.cpp's GBNF ``grammar``, vLLM's
# ``guided_choice`` / ``guided_regex``, a JSON schema (Ollama's ``format``).
ConstraintKind = Literal["grammar", "guided_choice", "guided_regex", "json_schema"]
# A server that ignores the token limit is cut off after this many chunks beyond it (a chunk is
# about one token on every wire format; a few servers send several tokens per chunk).
CHUNK_SLACK = 16
NAME_TAIL = r"(?:[^A-Za-z0-9_][\s\S]*)?"  # anything that does not go on with the name
GBNF_ANY = "[^\\x00]"  # any character (older llama.cpp servers lack ".")


@dataclass(frozen=True)
class Constraint:
    """The answers a hole allows: exactly one of ``choices``, or one of ``heads`` followed by
    anything that does not continue its name (``corner.x``, ``width=2)``)."""

    choices: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()

    def regex(self) -> str:
        alternatives = [f"(?:{_alternatives(self.choices)})"] if self.choices else []
        names, others = self._split_heads()
        if names:
            alternatives.append(f"(?:{_alternatives(names)}){NAME_TAIL}")
        if others:
            alternatives.append(f"(?:{_alternatives(others)})[\\s\\S]*")
        return "|".join(alternatives)

    def grammar(self) -> str:
        """The constraint in llama.cpp's GBNF."""
        alternatives = [" | ".join(_gbnf_literal(c) for c in self.choices)] if self.choices else []
        names, others = self._split_heads()
        if names:
            heads = " | ".join(_gbnf_literal(h) for h in names)
            alternatives.append(f"({heads}) ([^a-zA-Z0-9_] {GBNF_ANY}*)?")
        if others:
            heads = " | ".join(_gbnf_literal(h) for h in others)
            alternatives.append(f"({heads}) {GBNF_ANY}*")
        return f"root ::= {' | '.join(alternatives)}\n"

    def json_schema(self) -> dict[str, Any]:
        """The constraint on a JSON string answer (the server then answers ``"choice"``)."""
        if not self.heads:
            return {"type": "string", "enum": list(self.choices)}
        # Plain groups: the schema converters of the servers know no other.
        alternatives = [f"({_alternatives(self.choices)})"] if self.choices else []
        names, others = self._split_heads()
        if names:
            alternatives.append(f"({_alternatives(names)})([^A-Za-z0-9_].*)?")
        if others:
            alternatives.append(f"({_alternatives(others)}).*")
        return {"type": "string", "pattern": "^(" + "|".join(alternatives) + ")$"}

    def _split_heads(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Heads ending in a name (what follows must not go on with it), and the others."""
        names = tuple(h for h in self.heads if h[-1:].isalnum() or h[-1:] == "_")
        return names, tuple(h for h in self.heads if h not in names)

    def allows(self, text: str) -> bool:
        return re.fullmatch(self.regex(), text) is not None


def _alternatives(texts: tuple[str, ...]) -> str:
    return "|".join(re.escape(text) for text in texts)


def _gbnf_literal(text: str) -> str:
    # A GBNF string literal takes the escapes of a JSON string.
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "user" | "assistant"
    content: str


@dataclass(frozen=True)
class ModelRequest:
    """One request to a model, independent of the wire format.

    ``fim``: ``prompt`` is the fully rendered fill-in-the-middle text, sent as is when
    ``use_server_fim`` is False; otherwise the server builds it from ``prefix``, ``suffix``
    and (llama.cpp) ``context_chunks`` of ``(filename, text)``.
    ``chat``: ``system`` and ``messages``.  ``text``: ``prompt`` completed raw.
    """

    mode: str
    prompt: str = ""
    prefix: str = ""
    suffix: str = ""
    context_chunks: tuple[tuple[str, str], ...] = ()
    use_server_fim: bool = False
    system: str = ""
    messages: tuple[ChatMessage, ...] = ()
    stop: tuple[str, ...] = ()
    max_tokens: int = 256
    temperature: float = 0.2
    constraint: Constraint | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}, not {self.mode!r}")

    @property
    def size_chars(self) -> int:
        """Characters sent to the model, for logs."""
        if self.mode == "chat":
            return len(self.system) + sum(len(m.content) for m in self.messages)
        if self.mode == "fim" and self.use_server_fim:
            extra = sum(len(text) for _, text in self.context_chunks)
            return len(self.prefix) + len(self.suffix) + extra
        return len(self.prompt)


@dataclass(frozen=True)
class HttpConfig:
    model: str
    base_url: str
    api_key: str | None = field(default=None, repr=False)
    connect_timeout_s: float = 3.0
    request_timeout_s: float = 15.0
    max_retries: int = 2
    max_concurrent_requests: int = 2
    backoff_base_s: float = 0.25
    retry_after_cap_s: float = 10.0
    trust_env: bool = False  # honour proxy variables (never for loopback servers)
    guided_decoding: bool = False  # an OpenAI-compatible server takes guided_choice/guided_regex



@dataclass(frozen=True)
class Answer:
    """What :meth:`Backend.read` read of an answer."""

    text: str
    chunks: int  # the chunks read
    stopped: str = ""  # why reading stopped before the server's end marker; "" when it did not
    # the answer ends where a token limit cut it (the server's, or the cap on a server that
    # ignores it), not where the model or ``until`` ended it: its last line may be cut short
    limited: bool = False


class Backend(abc.ABC):
    """A model server reached over one wire format."""

    name: str
    model: str
    base_url: str
    modes: frozenset[str]
    # The forms of a Constraint the server takes; a request's constraint is sent in these only.
    constraint_kinds: frozenset[ConstraintKind] = frozenset()

    @abc.abstractmethod
    def pieces(self, request: ModelRequest) -> AsyncGenerator[Piece, None]:
        """The answer as pieces as they arrive: text, and a piece with ``limit`` when the
        server says it stopped at the token limit; closing the generator early closes the
        connection."""

    async def stream(self, request: ModelRequest) -> AsyncGenerator[str, None]:
        """The answer as text chunks, as they arrive (see :meth:`pieces`)."""
        async with contextlib.aclosing(self.pieces(request)) as pieces:
            async for piece in pieces:
                if piece.text:
                    yield piece.text

    async def generate(self, request: ModelRequest) -> str:
        """The whole answer (to the token limit)."""
        return (await self.read(request)).text

    async def read(self, request: ModelRequest, until: Callable[[str], bool] | None = None) -> Answer:
        """The answer up to the chunk after which ``until(text so far)`` holds, or to the end;
        a server that ignores the token limit is cut off a little after it. Leaving early
        closes the connection, so the server stops generating."""
        texts: list[str] = []
        cap = request.max_tokens + max(CHUNK_SLACK, request.max_tokens // 4)
        stopped = ""
        limited = False
        async with contextlib.aclosing(self.pieces(request)) as stream:
            async for piece in stream:
                limited = limited or piece.limit
                if not piece.text:
                    continue
                texts.append(piece.text)
                if until is not None and until("".join(texts)):
                    return Answer("".join(texts), len(texts), "the answer is complete")
                if len(texts) >= cap:
                    stopped = f"{cap} chunks for a limit of {request.max_tokens} tokens"
                    limited = True
                    break
        return Answer("".join(texts), len(texts), stopped, limited)

    @abc.abstractmethod
    async def probe(self) -> None:
        """Return when the server is reachable and knows the model; raise a BackendError if not."""

    @abc.abstractmethod
    async def aclose(self) -> None:
        """Release connections."""
