"""The HTTP machinery every wire format shares: one httpx client, a concurrency limit,
deadlines, retries on 429 and 5xx, streamed reading, and the mapping of every failure to
:mod:`completion.errors` (one line naming backend, URL and cause; never the API key)."""

from __future__ import annotations

import abc
import asyncio
import contextlib
import email.utils
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, cast

import httpx

from completion.backends.base import Backend, HttpConfig, ModelRequest
from completion.backends.streams import (
    Event,
    Piece,
    TextFilter,
    WireError,
    error_message,
    load_object,
    make_parser,
)
from completion.errors import (
    AuthError,
    BackendError,
    BackendTimeout,
    BackendUnreachable,
    BadResponse,
    ConfigError,
    NotFound,
    RateLimited,
    ServerError,
)

logger = logging.getLogger(__name__)

DETAIL_LIMIT = 200
MIN_KEY_CHARS = 8  # a shorter key is no secret worth masking, and would mask common words
DRAIN_TIMEOUT_S = 0.2


@dataclass(frozen=True)
class WireCall:
    """One streamed POST: where, what, how the answer is framed and how to read each event."""

    path: str
    body: dict[str, Any]
    framing: str  # "sse" | "ndjson"
    decode: Callable[[Event], Piece]
    # The answer's text as the request asked it framed (a JSON string under a schema
    # constraint), made plain again chunk by chunk; a new filter per request.
    text_filter: Callable[[], TextFilter] | None = field(default=None)


class HttpBackend(Backend):
    """A backend speaking JSON over HTTP; subclasses describe their wire format."""

    name = "http"
    modes: frozenset[str] = frozenset()

    def __init__(self, config: HttpConfig) -> None:
        self.model = config.model
        self.base_url = config.base_url.rstrip("/")
        self._config = config
        timeout = httpx.Timeout(config.request_timeout_s, connect=config.connect_timeout_s)
        self._client = httpx.AsyncClient(
            timeout=timeout, trust_env=config.trust_env, headers=self._headers(config.api_key)
        )
        self._slots = asyncio.Semaphore(config.max_concurrent_requests)

    # -- what subclasses provide

    @abc.abstractmethod
    def wire_call(self, request: ModelRequest) -> WireCall:
        """The POST that answers ``request`` in this wire format."""

    def _headers(self, api_key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"} if api_key else {}

    # -- the public surface

    def url(self, path: str) -> str:
        # A base URL given as ".../v1" (common for OpenAI-compatible servers) is not doubled.
        if self.base_url.endswith("/v1") and path.startswith("/v1/"):
            path = path.removeprefix("/v1")
        return self.base_url + path

    async def pieces(self, request: ModelRequest) -> AsyncGenerator[Piece, None]:
        if request.mode not in self.modes:
            raise ConfigError(f"the {self.name} backend cannot answer '{request.mode}' requests")
        call = self.wire_call(request)
        url = self.url(call.path)
        started = time.monotonic()
        logger.info("%s request to %s: prompt %d chars", self.name, url, request.size_chars)
        produced = 0
        text_filter = call.text_filter() if call.text_filter is not None else None
        async with self._slots:
            response, deadline = await self._open(call, url)
            try:
                async with (
                    contextlib.aclosing(_lines_of(response)) as lines,
                    contextlib.aclosing(self._pieces(call, url, lines, deadline)) as pieces,
                ):
                    async for piece in pieces:
                        text = text_filter.feed(piece.text) if text_filter is not None else piece.text
                        if text:
                            produced += len(text)
                            yield Piece(text)
                        if piece.limit:
                            yield Piece(limit=True)
            except GeneratorExit:
                elapsed_ms = (time.monotonic() - started) * 1000
                logger.info("%s: left the answer from %s after %.0f ms (%d chars), closing the "
                            "connection", self.name, url, elapsed_ms, produced)
                raise
            finally:
                # Closing a response that is still streaming closes its connection: the server
                # notices and stops generating.
                await response.aclose()
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.info("%s answered from %s in %.0f ms: %d chars", self.name, url, elapsed_ms, produced)

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- reading a streamed answer

    async def _pieces(
        self, call: WireCall, url: str, lines: AsyncIterator[str], deadline: float
    ) -> AsyncGenerator[Piece, None]:
        parser = make_parser(call.framing)
        while True:
            line = await self._next_line(lines, url, deadline)
            for event in parser.finish() if line is None else parser.feed(line):
                piece = self._decode(call, event, url)
                if piece.text or piece.limit:
                    yield piece
                if piece.done:
                    await _drain(lines, deadline)
                    return
            if line is None:
                raise self.error(BadResponse, url, "stream ended before its end marker")

    async def _next_line(self, lines: AsyncIterator[str], url: str, deadline: float) -> str | None:
        """The next line, or None at the end of the body."""
        async with self._mapped(url, deadline, answered=True):
            return await anext(lines, None)

    def _decode(self, call: WireCall, event: Event, url: str) -> Piece:
        try:
            return call.decode(event)
        except WireError as error:
            raise self.error(error.error_class, url, str(error)) from error

    # -- opening, with retries

    async def _open(self, call: WireCall, url: str) -> tuple[httpx.Response, float]:
        """A streaming response with a success status, and its deadline."""
        attempt = 0
        while True:
            deadline = asyncio.get_running_loop().time() + self._config.request_timeout_s
            request = self._client.build_request("POST", url, json=call.body)
            response = await self._send(request, url, deadline)
            if response.status_code < 400:
                return response, deadline
            error = await self._status_error(response, url, deadline)
            if not isinstance(error, RateLimited | ServerError) or attempt >= self._config.max_retries:
                raise error
            delay = self._backoff(attempt, error)
            attempt += 1
            logger.warning("%s; retry %d of %d in %.2f s", error, attempt, self._config.max_retries, delay)
            await asyncio.sleep(delay)

    async def _send(self, request: httpx.Request, url: str, deadline: float) -> httpx.Response:
        async with self._mapped(url, deadline, answered=False):
            return await self._client.send(request, stream=True)

    def _backoff(self, attempt: int, error: BackendError) -> float:
        cap = self._config.retry_after_cap_s
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), cap)
        return float(min(self._config.backoff_base_s * 2**attempt, cap))

    # -- plain JSON requests (probes)

    async def get_json(self, path: str) -> Any:
        """The JSON answer of ``GET path``, one attempt, every failure mapped."""
        url = self.url(path)
        deadline = asyncio.get_running_loop().time() + self._config.request_timeout_s
        response = await self._send(self._client.build_request("GET", url), url, deadline)
        try:
            if response.status_code >= 400:
                raise await self._status_error(response, url, deadline)
            body = await self._read_body(response, url, deadline)
        finally:
            await response.aclose()
        try:
            return load_object(body.decode("utf-8", "replace"))
        except WireError as error:
            raise self.error(BadResponse, url, str(error)) from error

    async def _read_body(self, response: httpx.Response, url: str, deadline: float) -> bytes:
        async with self._mapped(url, deadline, answered=True):
            return await response.aread()

    # -- mapping failures

    @contextlib.asynccontextmanager
    async def _mapped(self, url: str, deadline: float, *, answered: bool) -> AsyncIterator[None]:
        """One step of a request within ``deadline``, every failure of it mapped to a
        :class:`BackendError` (``answered``: the server had begun its answer)."""
        try:
            async with asyncio.timeout_at(deadline):
                yield
        except TimeoutError as error:
            raise self._timeout(url) from error
        except httpx.HTTPError as error:
            raise self._transport_error(error, url, answered=answered) from error

    def error(self, kind: type[BackendError], url: str, detail: str) -> BackendError:
        """``kind`` with a one-line detail from which the API key is removed."""
        return kind(self.name, url, self._clean(detail))

    def _clean(self, text: str) -> str:
        key = self._config.api_key
        if key and len(key) >= MIN_KEY_CHARS:
            text = text.replace(key, "***")
        text = " ".join(text.split())
        return text if len(text) <= DETAIL_LIMIT else text[: DETAIL_LIMIT - 1] + "…"

    def _timeout(self, url: str) -> BackendError:
        return self.error(BackendTimeout, url, f"no answer within {self._config.request_timeout_s:g} s")

    def _transport_error(self, error: httpx.HTTPError, url: str, *, answered: bool) -> BackendError:
        cause = str(error) or type(error).__name__
        if isinstance(error, httpx.ConnectTimeout):
            return self.error(BackendTimeout, url, f"connect timeout after {self._config.connect_timeout_s:g} s")
        if isinstance(error, httpx.TimeoutException):
            return self._timeout(url)
        if isinstance(error, httpx.ConnectError):
            refused = "refused" in cause.lower() or "connection attempts failed" in cause.lower()
            return self.error(BackendUnreachable, url, "connection refused" if refused else cause)
        if answered and isinstance(error, httpx.TransportError | httpx.DecodingError):
            return self.error(BadResponse, url, f"stream cut: {cause}")
        if isinstance(error, httpx.TransportError):
            return self.error(BackendUnreachable, url, f"connection closed before an answer: {cause}")
        return self.error(BadResponse, url, cause)

    async def _status_error(self, response: httpx.Response, url: str, deadline: float) -> BackendError:
        """The error an HTTP error status stands for; reads and closes the response."""
        try:
            async with asyncio.timeout_at(deadline):
                body = await response.aread()
        except (TimeoutError, httpx.HTTPError):
            body = b""
        finally:
            await response.aclose()
        status = response.status_code
        detail = f"HTTP {status}"
        message = _message_of(body)
        if message:
            detail += f": {message}"
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            return RateLimited(self.name, url, self._clean(detail), retry_after=retry_after)
        kind: type[BackendError] = {401: AuthError, 403: AuthError, 404: NotFound}.get(
            status, ServerError if status >= 500 else BadResponse
        )
        return self.error(kind, url, detail)


async def _drain(lines: AsyncIterator[str], deadline: float) -> None:
    """Read what follows the end marker (usually nothing) so the connection can be reused;
    give up quickly, since the answer is complete."""
    loop = asyncio.get_running_loop()
    with contextlib.suppress(TimeoutError, httpx.HTTPError):
        async with asyncio.timeout_at(min(deadline, loop.time() + DRAIN_TIMEOUT_S)):
            async for _ in lines:
                pass


def _lines_of(response: httpx.Response) -> AsyncGenerator[str, None]:
    # httpx types it as an iterator; it is a generator, closed explicitly on early exit.
    return cast(AsyncGenerator[str, None], response.aiter_lines())


def _message_of(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    try:
        message = error_message(load_object(text))
    except WireError:
        return text.strip()[:DETAIL_LIMIT]
    return message or ""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)
