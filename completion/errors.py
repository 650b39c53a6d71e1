"""The error tree of the completion layer.

    HolepilotError
     ├── ConfigError            a setting cannot work (unknown backend, insecure URL, missing key)
     ├── BudgetError            the token budget cannot hold even the local code window
     ├── EditError              an instruction did not become an edit (the static backend
     │                          follows none; the model answered outside the edit format)
     ├── CheckerError           an external checker (basedpyright) did not answer in time,
     │                          exited, or answered with an error (a missing one is a ConfigError)
     └── BackendError           anything that went wrong talking to a model server
          ├── BackendUnreachable    connection refused, DNS failure, reset before an answer
          ├── BackendTimeout        connect or read timeout
          ├── RateLimited           HTTP 429 (``retry_after`` seconds when the server said)
          ├── AuthError             HTTP 401 / 403
          ├── NotFound              HTTP 404: wrong path or unknown model
          ├── ServerError           HTTP 5xx after the retries
          └── BadResponse           invalid JSON, unexpected schema, a stream cut short

Foreign errors (httpx, json) are mapped to this tree at the boundary, in the backends.
``str(error)`` is one line naming backend, URL and cause, fit for a status bar or stderr;
it never contains an API key.
"""

from __future__ import annotations


class HolepilotError(Exception):
    """Base of every error the completion layer raises."""


class ConfigError(HolepilotError):
    """A setting that cannot work."""


class BudgetError(HolepilotError):
    """The budget cannot hold the minimum prompt."""


class EditError(HolepilotError):
    """Inline chat made no edit, for a reason the user can act on."""


class CheckerError(HolepilotError):
    """An external checker failed; the built-in checker's verdict stands alone meanwhile."""


class BackendError(HolepilotError):
    """A failure talking to a model server."""

    cause = "backend error"

    def __init__(self, backend: str, url: str, detail: str = "") -> None:
        self.backend = backend
        self.url = url
        self.detail = detail
        text = f"{backend} backend at {url}: {self.cause}"
        super().__init__(f"{text} ({detail})" if detail else text)


class BackendUnreachable(BackendError):
    cause = "unreachable"


class BackendTimeout(BackendError):
    cause = "timed out"


class RateLimited(BackendError):
    cause = "rate limited (HTTP 429)"

    def __init__(self, backend: str, url: str, detail: str = "", retry_after: float | None = None):
        self.retry_after = retry_after
        super().__init__(backend, url, detail)


class AuthError(BackendError):
    cause = "authentication failed"


class NotFound(BackendError):
    cause = "not found (wrong path or model)"


class ServerError(BackendError):
    cause = "server error"


class BadResponse(BackendError):
    cause = "bad response"
