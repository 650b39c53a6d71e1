"""Errors of the analysis layer.

ContextError
 ├── SourceError        the file cannot be read as Python source text
 │    ├── NotUtf8Error
 │    └── BinaryFileError
 └── PositionError      the position lies outside the document
"""

from __future__ import annotations


class ContextError(Exception):
    """Base of every error raised by :mod:`context`."""


class SourceError(ContextError):
    """The file is missing or cannot be read as text."""


class NotUtf8Error(SourceError):
    """The file's bytes are not valid UTF-8."""


class BinaryFileError(SourceError):
    """The file holds NUL bytes: it is not source code."""


class PositionError(ContextError):
    """A line or column outside the document."""
