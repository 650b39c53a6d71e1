"""What every model backend takes and gives: a :class:`ModelRequest` in, text chunks out."""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

MODES = frozenset({"fim", "chat", "text"})


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



class Backend(abc.ABC):
    """A model server reached over one wire format."""

    name: str
    model: str
    base_url: str
    modes: frozenset[str]

    @abc.abstractmethod
    def stream(self, request: ModelRequest) -> AsyncIterator[str]:
        """The answer as text chunks, as they arrive."""

    async def generate(self, request: ModelRequest) -> str:
        """The whole answer."""
        pieces = [piece async for piece in self.stream(request)]
        return "".join(pieces)

    @abc.abstractmethod
    async def probe(self) -> None:
        """Return when the server is reachable and knows the model; raise a BackendError if not."""

    @abc.abstractmethod
    async def aclose(self) -> None:
        """Release connections."""
