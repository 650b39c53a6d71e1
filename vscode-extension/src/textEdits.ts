// LSP text edits applied to a string, to preview an edit before the user accepts it. Pure.
// LSP positions count UTF-16 code units, which is exactly how JavaScript strings index.

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface LspTextEdit {
  range: LspRange;
  newText: string;
}

export interface LspWorkspaceEdit {
  changes?: Record<string, LspTextEdit[]>;
  documentChanges?: unknown[];
}

/** Offsets of the first character of every line (after \n, \r\n or \r). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */ && text.charCodeAt(i + 1) === 10) {
      continue;
    }
    if (ch === 10 || ch === 13) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The offset of an LSP position, clamped to the document as the protocol asks. */
export function offsetAt(text: string, starts: readonly number[], position: LspPosition): number {
  if (position.line < 0) {
    return 0;
  }
  if (position.line >= starts.length) {
    return text.length;
  }
  const start = starts[position.line];
  let end = position.line + 1 < starts.length ? starts[position.line + 1] : text.length;
  if (end > start && text[end - 1] === '\n') {
    end--;
  }
  if (end > start && text[end - 1] === '\r') {
    end--;
  }
  return Math.min(start + Math.max(0, position.character), end);
}

/** Applies non-overlapping edits (in any order) to `text`. */
export function applyTextEdits(text: string, edits: readonly LspTextEdit[]): string {
  const starts = lineStarts(text);
  const resolved = edits
    .map((edit, index) => ({
      start: offsetAt(text, starts, edit.range.start),
      end: offsetAt(text, starts, edit.range.end),
      newText: edit.newText,
      index,
    }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);
  let out = '';
  let cursor = 0;
  for (const edit of resolved) {
    if (edit.start < cursor) {
      throw new Error('overlapping text edits');
    }
    out += text.slice(cursor, edit.start) + edit.newText;
    cursor = Math.max(cursor, edit.end);
  }
  return out + text.slice(cursor);
}

function isTextDocumentEdit(change: unknown): change is { textDocument: { uri: string }; edits: LspTextEdit[] } {
  if (change === null || typeof change !== 'object') {
    return false;
  }
  const value = change as Record<string, unknown>;
  return typeof value.textDocument === 'object' && value.textDocument !== null && Array.isArray(value.edits);
}

/** The text edits a workspace edit makes to one document; `sameUri` compares URIs loosely. */
export function editsForDocument(
  edit: LspWorkspaceEdit,
  uri: string,
  sameUri: (a: string, b: string) => boolean = (a, b) => a === b,
): LspTextEdit[] {
  const edits: LspTextEdit[] = [];
  for (const [target, list] of Object.entries(edit.changes ?? {})) {
    if (sameUri(target, uri)) {
      edits.push(...list);
    }
  }
  for (const change of edit.documentChanges ?? []) {
    if (isTextDocumentEdit(change) && sameUri(change.textDocument.uri, uri)) {
      edits.push(...change.edits);
    }
  }
  return edits;
}

/** URIs the edit touches other than `uri`: the preview covers one file, so these are refused. */
export function otherDocuments(edit: LspWorkspaceEdit, uri: string, sameUri: (a: string, b: string) => boolean): string[] {
  const others = new Set<string>();
  for (const target of Object.keys(edit.changes ?? {})) {
    if (!sameUri(target, uri)) {
      others.add(target);
    }
  }
  for (const change of edit.documentChanges ?? []) {
    if (!isTextDocumentEdit(change)) {
      others.add('(file operation)');
    } else if (!sameUri(change.textDocument.uri, uri)) {
      others.add(change.textDocument.uri);
    }
  }
  return [...others];
}
