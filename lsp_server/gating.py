"""Whether to offer an inline suggestion at all, by the user's settings: files where none is
offered (``suggestExcludeGlobs``), manual-only mode (``automaticSuggestions``), no automatic
suggestion inside comments and strings (``suggestInCommentsAndStrings``) or in the middle of a
word (``suggestMidWord``). The explicit trigger is refused only in an excluded file, which gets no
next edits either."""

from __future__ import annotations

import fnmatch
import logging
from pathlib import Path

from lsprotocol import types

from completion.settings import Settings
from context.cursor_place import in_comment_or_string
from context.positions import split_lines
from lsp_server.access import file_name
from lsp_server.convert import internal_position
from lsp_server.server import HolepilotServer
from lsp_server.session import Snapshot

logger = logging.getLogger(__name__)


def excluding_glob(globs: tuple[str, ...], path: str, roots: list[Path]) -> str | None:
    """The first glob matching the file's name or its path relative to the innermost of
    ``roots`` holding it (``**/`` also matching at that root), or None."""
    file = Path(path).resolve()
    rel = file.as_posix()
    for root in sorted(roots, key=lambda r: len(r.parts), reverse=True):
        if file.is_relative_to(root):
            rel = file.relative_to(root).as_posix()
            break
    for glob in globs:
        bare = glob[3:] if glob.startswith("**/") else glob
        if any(fnmatch.fnmatchcase(name, pattern) for name in (file.name, rel) for pattern in (glob, bare)):
            return glob
    return None


def mid_word(text: str, line: int, column: int) -> bool:
    """A letter, digit or ``_`` right after the cursor."""
    lines = split_lines(text)
    rest = lines[line][column:] if 0 <= line < len(lines) else ""
    return bool(rest) and (rest[0].isalnum() or rest[0] == "_")


def automatic_refusal(settings: Settings, snap: Snapshot, line: int, column: int) -> str | None:
    """Why no automatic suggestion is offered at (``line``, ``column``; code points), or None."""
    if not settings.automatic_suggestions:
        return "automatic suggestions are off (holepilot.automaticSuggestions): manual-only mode"
    if not settings.suggest_mid_word and mid_word(snap.text, line, column):
        return "no automatic suggestion in the middle of a word (holepilot.suggestMidWord)"
    if not settings.suggest_in_comments_and_strings and in_comment_or_string(snap.text, line, column, snap.path):
        return "no automatic suggestion in a comment or string (holepilot.suggestInCommentsAndStrings)"
    return None


def excluded(ls: HolepilotServer, snap: Snapshot) -> bool:
    """True when ``snap``'s file matches ``suggestExcludeGlobs``: it gets neither inline
    suggestions nor next edits, and the status says holepilot is off for it (logged once)."""
    glob = excluding_glob(ls.session.settings.current.suggest_exclude_globs, snap.path, ls.workspace_folders())
    if glob is None:
        return False
    reason = f"it matches holepilot.suggestExcludeGlobs ({glob!r}): no suggestions in this file"
    message = f"holepilot is off for {file_name(snap.uri)}: {reason}"
    if ls.session.status.off_for != snap.uri:
        logger.info("%s", message)
    ls.session.status.file_off(snap.uri, message, suggestions_only=True)
    return True


def suggestion_refused(
    ls: HolepilotServer, snap: Snapshot, params: types.InlineCompletionParams
) -> bool:
    """The inline completion handler's question: is no suggestion to be offered here? The
    reason is logged; for an excluded file the status says holepilot is off for it, until a
    request in it is no longer refused for that."""
    settings = ls.session.settings.current
    if excluded(ls, snap):
        return True
    ls.session.status.file_on(snap.uri, suggestion=True)
    if params.context.trigger_kind != types.InlineCompletionTriggerKind.Automatic:
        return False
    line, column = internal_position(snap.text, params.position)
    refusal = automatic_refusal(settings, snap, line, column)
    if refusal is not None:
        logger.debug("%s:%d:%d: %s", snap.path, line + 1, column + 1, refusal)
    return refusal is not None
