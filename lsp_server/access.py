"""Which documents the server serves: one policy for every request that names a document.

- The URI must be an absolute ``file:`` URI of this machine, at most :data:`MAX_URI_CHARS`
  long, with no ``..`` segment, NUL byte or query: anything else is ``InvalidParams``.
- A document the client opened is served from its buffer.
- Any other file must lie inside a workspace folder once symlinks are resolved, and be a
  regular file; it is read from there. Anything else is refused (:class:`AccessRefused`).
- Files the privacy rules exclude (:mod:`context.privacy`: env files, keys, credential files,
  ignored files, the ``excludeGlobs`` setting) get nothing, open or not: holepilot is off for
  them (:class:`HolepilotOff`). The buffer of an open document is not searched for
  credentials: its literals are masked in prompts instead.

The decisions are pure; :meth:`lsp_server.server.HolepilotServer.document` applies them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit, urlunsplit

from pygls import uris
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from context.privacy import PrivacyFilter

MAX_URI_CHARS = 4096
SHOWN_URI_CHARS = 120
REQUEST_FAILED = -32803  # LSP's RequestFailed: a well-formed request the server will not serve


class AccessRefused(JsonRpcException):
    """A document the server does not serve to this client."""

    CODE = REQUEST_FAILED


class HolepilotOff(AccessRefused):
    """A file the privacy rules exclude: no context, completion, chat or model request."""

    def __init__(self, uri: str, reason: str) -> None:
        super().__init__(f"holepilot is off for {file_name(uri)}: {reason}")
        self.uri = uri
        self.reason = reason


def shown(uri: str) -> str:
    """``uri`` short enough for one line of an error message."""
    text = uri.replace("\x00", "\\0")
    return text if len(text) <= SHOWN_URI_CHARS else text[: SHOWN_URI_CHARS - 1] + "…"


def file_name(uri: str) -> str:
    return unquote(uri.rstrip("/").rsplit("/", 1)[-1]) or shown(uri)


def document_path(uri: str) -> str:
    """The local path of an absolute ``file:`` URI; ``InvalidParams`` saying why otherwise."""
    if len(uri) > MAX_URI_CHARS:
        raise JsonRpcInvalidParams(
            f"a document URI of {len(uri)} characters (at most {MAX_URI_CHARS} are served)"
        )
    try:
        parts = urlsplit(uri)
    except ValueError as error:
        raise JsonRpcInvalidParams(f"not a document URI ({error}): {shown(uri)}") from error
    if parts.scheme != "file":
        what = f"{parts.scheme}: URIs" if parts.scheme else "relative URIs"
        raise JsonRpcInvalidParams(f"holepilot serves file: URIs, not {what}: {shown(uri)}")
    if parts.netloc not in ("", "localhost"):
        raise JsonRpcInvalidParams(f"a file on another host is not served: {shown(uri)}")
    if parts.query or parts.fragment:
        raise JsonRpcInvalidParams(f"a file URI with a query or fragment: {shown(uri)}")
    decoded = unquote(parts.path)
    if "\x00" in decoded:
        raise JsonRpcInvalidParams(f"a NUL byte in the document URI: {shown(uri)}")
    # "localhost" is this machine, not a UNC host
    path = (
        uris.to_fs_path(urlunsplit(parts._replace(netloc=""))) if decoded.startswith("/") else None
    )
    if not path or not os.path.isabs(path):
        raise JsonRpcInvalidParams(f"not an absolute file URI: {shown(uri)}")
    if ".." in PurePosixPath(decoded).parts or ".." in Path(path).parts:
        raise JsonRpcInvalidParams(f"a '..' segment in the document URI: {shown(uri)}")
    try:
        os.fsencode(path)
    except UnicodeError as error:
        raise JsonRpcInvalidParams(f"not a file name this system can have: {shown(uri)}") from error
    return path


def real_path(path: str) -> Path:
    """``path`` with symlinks resolved; ``InvalidParams`` when the system cannot resolve it."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError) as error:
        raise JsonRpcInvalidParams(f"cannot resolve {shown(path)}: {error}") from error


def workspace_file(path: str, folders: Iterable[Path]) -> Path:
    """The real path of a file that is not open: inside a workspace folder (symlinks resolved)
    and a regular file, else refused."""
    real = real_path(path)
    if not any(real.is_relative_to(folder) for folder in folders):
        raise AccessRefused(
            f"{shown(path)} is not open in the editor and not inside a workspace folder "
            "(symlinks resolved): holepilot serves only those"
        )
    if not real.is_file():
        raise AccessRefused(f"{shown(path)} is not a regular file")
    return real


def off_reason(privacy: PrivacyFilter, path: Path, *, is_open: bool) -> str | None:
    """Why holepilot is off for ``path`` (None when it is on): the privacy rules of its project.
    A file read from disk is also searched for credentials; an open buffer is masked instead."""
    return privacy.reason(path, read_content=not is_open)
