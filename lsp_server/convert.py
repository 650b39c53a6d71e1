"""Every translation between holepilot's results and LSP types, named for what it makes.

Internal coordinates are 0-based lines and code-point columns; LSP's are UTF-16 units.
All unit conversions go through :mod:`context.positions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lsprotocol import types
from pygls import uris

from completion.model import TextRange
from context.model import Definition, Diagnostic, Location
from context.positions import (
    common_head,
    common_tail,
    internal_to_lsp,
    lsp_to_internal,
    position_at,
    split_lines,
)
from context.ripple_model import RippleEdit, Span


def internal_position(text: str, position: types.Position) -> tuple[int, int]:
    """(line, code-point column) of an LSP position; raises PositionError outside the text."""
    return lsp_to_internal(text, position.line, position.character)


def lsp_position(text: str, line: int, column: int) -> types.Position:
    lsp_line, character = internal_to_lsp(text, line, column)
    return types.Position(line=lsp_line, character=character)


def lsp_range(text: str, span: TextRange) -> types.Range:
    return types.Range(
        start=lsp_position(text, span.start_line, span.start_column),
        end=lsp_position(text, span.end_line, span.end_column),
    )


def internal_range(text: str, span: types.Range) -> TextRange:
    start_line, start_column = internal_position(text, span.start)
    end_line, end_column = internal_position(text, span.end)
    return TextRange(start_line, start_column, end_line, end_column)


def lsp_location(location: Location, text_of: Mapping[str, str]) -> types.Location:
    """An LSP location; ``text_of`` maps open paths to their buffers (others: columns as-is)."""
    text = text_of.get(location.path)
    if text is None:
        position = types.Position(line=location.line, character=location.column)
    else:
        position = lsp_position(text, location.line, location.column)
    return types.Location(
        uri=uris.from_fs_path(location.path) or location.path,
        range=types.Range(start=position, end=position),
    )


def lsp_diagnostic(text: str, problem: Diagnostic) -> types.Diagnostic:
    severity = {
        "error": types.DiagnosticSeverity.Error,
        "warning": types.DiagnosticSeverity.Warning,
    }.get(problem.severity, types.DiagnosticSeverity.Information)
    span = TextRange(problem.line, problem.column, problem.end_line, problem.end_column)
    return types.Diagnostic(
        range=lsp_range(text, span),
        message=problem.message,
        severity=severity,
        source=f"holepilot.{problem.source}",
        code=problem.code or None,
    )


def plain_markup(value: str) -> types.MarkupContent:
    return types.MarkupContent(kind=types.MarkupKind.PlainText, value=value)


def definition_markup(definition: Definition) -> types.MarkupContent:
    return plain_markup(definition.text)


def replace_edit(uri: str, text: str, span: TextRange, new_text: str) -> types.WorkspaceEdit:
    """A WorkspaceEdit replacing ``span`` of the document ``uri`` by ``new_text``."""
    edit = types.TextEdit(range=lsp_range(text, span), new_text=new_text)
    return types.WorkspaceEdit(changes={uri: [edit]})


def apply_span(text: str, span: TextRange, new_text: str) -> str:
    """``text`` with ``span`` (internal coordinates) replaced by ``new_text``."""
    lines = split_lines(text)
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    start = starts[span.start_line] + min(span.start_column, len(lines[span.start_line]))
    end = starts[span.end_line] + min(span.end_column, len(lines[span.end_line]))
    return text[:start] + new_text + text[end:]


def changed_span(old: str, new: str) -> tuple[TextRange, str]:
    """The smallest span of ``old`` to replace, and by what, to make ``new``."""
    start = common_head(old, new)
    end = common_tail(old, new, min(len(old), len(new)) - start)
    first = position_at(old, start)
    last = position_at(old, len(old) - end)
    return TextRange(first[0], first[1], last[0], last[1]), new[start : len(new) - end]


def plain(value: Any) -> Any:
    """JSON-like data from pygls' parsed params (namedtuples for unknown methods)."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


# -- next edits (their spans carry UTF-16 columns already) -------------------------------------
def span_range(span: Span) -> types.Range:
    return types.Range(
        start=types.Position(line=span.start_line, character=span.start_character),
        end=types.Position(line=span.end_line, character=span.end_character),
    )


def next_edit_json(edit: RippleEdit, uri: str) -> dict[str, Any]:
    """An edit of ``holepilot/nextEdits``: ``{uri, range, newText, reason}``."""
    return {"uri": uri, "range": edit.span.lsp(), "newText": edit.new_text, "reason": edit.reason}


def copilot_inline_edit(edit: RippleEdit, uri: str, version: int | None) -> dict[str, Any]:
    """An edit in the shape of Copilot's ``textDocument/copilotInlineEdit`` answer:
    ``{text, textDocument: {uri, version}, range}``."""
    return {
        "text": edit.new_text,
        "textDocument": {"uri": uri, "version": version},
        "range": edit.span.lsp(),
    }


def ripple_workspace_edit(
    edits: list[tuple[str, int | None, RippleEdit]], document_changes: bool
) -> types.WorkspaceEdit:
    """One WorkspaceEdit of ``(uri, version, edit)``s: with ``document_changes``, one
    versioned TextDocumentEdit per file (a client refuses it once the document moved on),
    else ``changes`` by URI."""
    by_uri: dict[str, tuple[int | None, list[types.TextEdit]]] = {}
    for uri, version, edit in edits:
        text_edit = types.TextEdit(range=span_range(edit.span), new_text=edit.new_text)
        by_uri.setdefault(uri, (version, []))[1].append(text_edit)
    if not document_changes:
        return types.WorkspaceEdit(changes={uri: list(e) for uri, (_, e) in by_uri.items()})
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=list(text_edits),
            )
            for uri, (version, text_edits) in by_uri.items()
        ]
    )
