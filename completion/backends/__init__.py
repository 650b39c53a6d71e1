"""Model backends, one module per wire format, built from the settings tree.

    backend = make_backend(settings)          # ConfigError when the settings cannot work
    async for piece in backend.stream(ModelRequest("fim", prompt=...)): ...
    name, reason = await resolve_auto(settings)   # what 'auto' stands for, and why

The ``static`` backend needs no network and lives outside this package. A wire format's module
(and httpx with it) is imported when a backend of that format is first made, so that a server
on the static backend starts without them.
"""

from __future__ import annotations

import importlib
import ipaddress
import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from completion.backends.base import Backend, ChatMessage, HttpConfig, ModelRequest
from completion.errors import BackendError, ConfigError
from completion.model import BackendName
from completion.settings import Settings

__all__ = [
    "DEFAULT_BASE_URLS",
    "DEFAULT_MODELS",
    "Backend",
    "ChatMessage",
    "ModelRequest",
    "api_key_from_env",
    "make_backend",
    "resolve_auto",
]

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from completion.backends.transport import HttpBackend

BACKEND_CLASSES: dict[str, tuple[str, str]] = {  # name -> (module, class)
    "openai": ("completion.backends.openai", "OpenAIChatBackend"),
    "openai-completions": ("completion.backends.openai", "OpenAICompletionsBackend"),
    "ollama": ("completion.backends.ollama", "OllamaBackend"),
    "llamacpp": ("completion.backends.llamacpp", "LlamaCppBackend"),
    "anthropic": ("completion.backends.anthropic", "AnthropicBackend"),
}
DEFAULT_BASE_URLS = {
    "openai": "https://api.openai.com",
    "openai-completions": "https://api.openai.com",
    "ollama": "http://127.0.0.1:11434",
    "llamacpp": "http://127.0.0.1:8080",
    "anthropic": "https://api.anthropic.com",
}
DEFAULT_MODELS = {
    "openai": "gpt-4o-mini",
    "openai-completions": "gpt-3.5-turbo-instruct",
    "ollama": "qwen2.5-coder:1.5b-base",
    "llamacpp": "",  # the server serves the model it was started with
    "anthropic": "claude-3-5-haiku-latest",
}
PROVIDER_KEY_ENV = {
    "openai": "OPENAI_API_KEY",
    "openai-completions": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
}
AUTO_PROBE_TIMEOUT_S = 0.5
RETRY_AFTER_CAP_S = 10.0


def make_backend(settings: Settings, *, env: Mapping[str, str] = os.environ) -> Backend:
    """The backend ``settings.backend`` names, ready to stream; ConfigError if it cannot work."""
    name = settings.backend
    if name == "auto":
        raise ConfigError("backend 'auto' must be resolved first (see resolve_auto)")
    if name == "static":
        raise ConfigError("the 'static' backend uses no network and is not built here")
    if name not in BACKEND_CLASSES:
        raise ConfigError(f"unknown backend '{name}'; expected one of {', '.join(BACKEND_CLASSES)}")
    base_url = checked_base_url(settings.base_url or DEFAULT_BASE_URLS[name], settings.allow_insecure_http)
    api_key = api_key_from_env(name, settings.api_key_env, env)
    if api_key is None and name in PROVIDER_KEY_ENV and not is_loopback_url(base_url):
        raise ConfigError(f"the {name} backend at {base_url} needs an API key: set {_key_hint(name, settings)}")
    config = HttpConfig(
        model=settings.model or DEFAULT_MODELS[name],
        base_url=base_url,
        api_key=api_key,
        connect_timeout_s=settings.connect_timeout_s,
        request_timeout_s=settings.request_timeout_s,
        max_retries=settings.max_retries,
        max_concurrent_requests=settings.max_concurrent_requests,
        # Waiting longer than a request may take is pointless for an editor.
        retry_after_cap_s=min(RETRY_AFTER_CAP_S, settings.request_timeout_s),
        trust_env=not is_loopback_url(base_url),
        guided_decoding=settings.guided_decoding,
    )
    return backend_class(name)(config)


def backend_class(name: str) -> type[HttpBackend]:
    module, cls = BACKEND_CLASSES[name]
    found: type[HttpBackend] = getattr(importlib.import_module(module), cls)
    return found


async def resolve_auto(
    settings: Settings, *, probe_url: str | None = None
) -> tuple[BackendName, str]:
    """The backend to use and a human reason: an explicit setting wins, then a local Ollama
    answering within a short timeout, else ``static``."""
    if settings.backend != "auto":
        return settings.backend, f"holepilot.backend is set to '{settings.backend}'"
    url = (probe_url or settings.base_url or DEFAULT_BASE_URLS["ollama"]).rstrip("/")
    if not is_loopback_url(url):
        return "static", f"backend is 'auto' and {url} is not a local Ollama; using static"
    from completion.backends.ollama import OllamaBackend  # imported when first needed (httpx)

    probe = OllamaBackend(HttpConfig(
        model="", base_url=url, connect_timeout_s=AUTO_PROBE_TIMEOUT_S,
        request_timeout_s=2 * AUTO_PROBE_TIMEOUT_S, max_retries=0,
    ))
    try:
        version = await probe.version()
    except BackendError as error:
        return "static", f"backend is 'auto' and no Ollama answered at {url} ({error.cause}); using static"
    finally:
        await probe.aclose()
    return "ollama", f"backend is 'auto' and Ollama {version} answered at {url}"


def api_key_from_env(backend: str, api_key_env: str, env: Mapping[str, str]) -> str | None:
    """The key from the variable ``api_key_env`` names, else HOLEPILOT_API_KEY, else the
    provider's usual variable; None when none is set."""
    names = [api_key_env, "HOLEPILOT_API_KEY", PROVIDER_KEY_ENV.get(backend, "")]
    for name in names:
        value = env.get(name, "").strip() if name else ""
        if value:
            return value
    return None


def _key_hint(backend: str, settings: Settings) -> str:
    names = [settings.api_key_env, "HOLEPILOT_API_KEY", PROVIDER_KEY_ENV.get(backend, "")]
    return " or ".join(name for name in names if name)


def checked_base_url(url: str, allow_insecure_http: bool) -> str:
    """``url`` without a trailing slash, refused unless https or plain http to loopback."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"base URL {url!r} must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise ConfigError("base URL must not carry credentials; put the key in the environment")
    if parts.scheme == "http" and not is_loopback_url(url):
        if not allow_insecure_http:
            raise ConfigError(
                f"refusing to send code over plain http to {url}; "
                "use https or set holepilot.allowInsecureHttp"
            )
        logger.warning("sending code over plain http to %s (allowInsecureHttp is set)", url)
    return url.rstrip("/")


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
