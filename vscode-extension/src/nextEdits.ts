// Next edits: the answer of `holepilot/nextEdits`, ordered from the cursor, kept true while the
// user accepts them one by one (positions shift), and refused once the text they were made for
// has changed. Pure; the editor side is nextEditsView.ts.

import { LspPosition, LspRange, LspTextEdit } from './textEdits';

export const NEXT_EDITS_METHOD = 'holepilot/nextEdits';
/** Context keys of the keybindings: a next edit is shown / the cursor is on it (Tab accepts). */
export const VISIBLE_CONTEXT = 'holepilot.nextEditVisible';
export const AT_CURSOR_CONTEXT = 'holepilot.nextEditAtCursor';

export interface NextEdit extends LspTextEdit {
  uri: string;
  reason: string;
  /** The text the range held when the edit was proposed; a different text now makes it stale. */
  oldText?: string;
}

export interface NextEditsAnswer {
  edits: NextEdit[];
  /** Edits the server left out (its cap). */
  more: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asPosition(value: unknown): LspPosition | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const { line, character } = value;
  if (!Number.isInteger(line) || !Number.isInteger(character) || (line as number) < 0 || (character as number) < 0) {
    return undefined;
  }
  return { line: line as number, character: character as number };
}

function asRange(value: unknown): LspRange | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const start = asPosition(value.start);
  const end = asPosition(value.end);
  return start && end && comparePositions(start, end) <= 0 ? { start, end } : undefined;
}

/** The edits of a `holepilot/nextEdits` answer; malformed entries are left out and counted. */
export function parseNextEdits(raw: unknown): NextEditsAnswer & { malformed: number } {
  const list = isObject(raw) && Array.isArray(raw.edits) ? raw.edits : [];
  const edits: NextEdit[] = [];
  for (const item of list) {
    const range = isObject(item) ? asRange(item.range) : undefined;
    if (!isObject(item) || !range || typeof item.uri !== 'string' || typeof item.newText !== 'string') {
      continue;
    }
    edits.push({ uri: item.uri, range, newText: item.newText, reason: typeof item.reason === 'string' ? item.reason : '' });
  }
  const more = isObject(raw) && Number.isInteger(raw.more) && (raw.more as number) > 0 ? (raw.more as number) : 0;
  return { edits, more, malformed: list.length - edits.length };
}

export function comparePositions(a: LspPosition, b: LspPosition): number {
  return a.line - b.line || a.character - b.character;
}

function lineDistance(range: LspRange, cursor: LspPosition): number {
  if (cursor.line < range.start.line) {
    return range.start.line - cursor.line;
  }
  return cursor.line > range.end.line ? cursor.line - range.end.line : 0;
}

/**
 * The order the edits are offered in: those in the cursor's document first, nearest line first
 * (on a tie, the one below the cursor), then the other documents in the order the answer first
 * names them, each from its top. Edits that overlap an earlier one are dropped.
 */
export function orderEdits(
  edits: readonly NextEdit[],
  uri: string,
  cursor: LspPosition,
  sameUri: (a: string, b: string) => boolean = (a, b) => a === b,
): NextEdit[] {
  const here = edits.filter((edit) => sameUri(edit.uri, uri));
  here.sort((a, b) => {
    const byDistance = lineDistance(a.range, cursor) - lineDistance(b.range, cursor);
    if (byDistance !== 0) {
      return byDistance;
    }
    const aBelow = comparePositions(a.range.start, cursor) >= 0;
    const bBelow = comparePositions(b.range.start, cursor) >= 0;
    return aBelow !== bBelow ? (aBelow ? -1 : 1) : comparePositions(a.range.start, b.range.start);
  });
  const documents: string[] = [];
  for (const edit of edits) {
    if (!sameUri(edit.uri, uri) && !documents.some((d) => sameUri(d, edit.uri))) {
      documents.push(edit.uri);
    }
  }
  const elsewhere = documents.flatMap((document) =>
    edits.filter((edit) => sameUri(edit.uri, document)).sort((a, b) => comparePositions(a.range.start, b.range.start)),
  );
  const kept: NextEdit[] = [];
  for (const edit of [...here, ...elsewhere]) {
    if (!kept.some((other) => sameUri(other.uri, edit.uri) && overlaps(other.range, edit.range))) {
      kept.push(edit);
    }
  }
  return kept;
}

function overlaps(a: LspRange, b: LspRange): boolean {
  if (comparePositions(a.start, a.end) === 0 && comparePositions(b.start, b.end) === 0) {
    return comparePositions(a.start, b.start) === 0;
  }
  return comparePositions(a.start, b.end) < 0 && comparePositions(b.start, a.end) < 0;
}

/** Where `position` is after `edit` was applied (it lies outside the edit's range, or at its end). */
export function shiftPosition(position: LspPosition, edit: LspTextEdit): LspPosition {
  const { start, end } = edit.range;
  if (comparePositions(position, end) < 0) {
    return position;
  }
  const lines = edit.newText.split(/\r\n|\r|\n/);
  const last = lines[lines.length - 1].length;
  const endLine = start.line + lines.length - 1;
  if (position.line > end.line) {
    return { line: position.line + endLine - end.line, character: position.character };
  }
  const tail = position.character - end.character;
  return { line: endLine, character: (lines.length === 1 ? start.character : 0) + last + tail };
}

/** The edits left after `applied` was made, their positions moved by it. */
export function afterApplying(
  edits: readonly NextEdit[],
  applied: NextEdit,
  sameUri: (a: string, b: string) => boolean = (a, b) => a === b,
): NextEdit[] {
  return edits
    .filter((edit) => edit !== applied)
    .map((edit) =>
      sameUri(edit.uri, applied.uri)
        ? { ...edit, range: { start: shiftPosition(edit.range.start, applied), end: shiftPosition(edit.range.end, applied) } }
        : edit,
    );
}

/** True when the document no longer holds the text the edit was proposed for. */
export function isStale(edit: NextEdit, textNow: string): boolean {
  return edit.oldText !== undefined && edit.oldText !== textNow;
}

/** The versions of the documents when the edits were proposed; our own edits update them. */
export class DocumentVersions {
  private readonly versions = new Map<string, number>();

  set(uri: string, version: number): void {
    this.versions.set(uri, version);
  }

  /** A document changed to `version` by someone else than us invalidates the proposals. */
  isCurrent(uri: string, version: number): boolean {
    const known = this.versions.get(uri);
    return known === undefined || known === version;
  }

  has(uri: string): boolean {
    return this.versions.has(uri);
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s*(\r\n|\r|\n)\s*/g, ' ⏎ ').replace(/\t/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function fileName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

export interface NextEditHint {
  /** After the range (or at the end of the cursor line when the edit is in another file). */
  after: string;
  /** The status bar text. */
  status: string;
  /** The status bar tooltip and the hover. */
  tooltip: string;
}

/**
 * What the editor shows for `edit`: `atCursor` when the cursor is on it (Tab accepts),
 * `inView` when it is in the visible document (else Tab opens its file).
 */
export function nextEditHint(edit: NextEdit, options: { atCursor: boolean; inView: boolean; left: number; more: number }): NextEditHint {
  const reason = edit.reason || 'next edit';
  const change = edit.newText === '' ? 'delete' : `${comparePositions(edit.range.start, edit.range.end) === 0 ? '+' : '→'} ${oneLine(edit.newText, 60)}`;
  const where = `${fileName(edit.uri)}:${edit.range.start.line + 1}`;
  const key = options.atCursor ? '⇥ Tab accepts' : '⇥ Tab';
  const count = options.left > 1 ? ` (1 of ${options.left}${options.more > 0 ? `, ${options.more} more not shown` : ''})` : '';
  const after = options.inView ? `  ${change}   ${key}: ${reason}` : `  ${key}: ${where}: ${reason}`;
  const status = `$(arrow-right) ${options.atCursor ? 'Tab accepts' : 'Tab'}: ${oneLine(reason, 40)}${options.left > 1 ? ` (${options.left})` : ''}`;
  const tooltip = [
    `holepilot next edit${count} at ${where}: ${reason}`,
    `${change}`,
    'Tab: go to it, Tab again: accept it; "holepilot: Accept all next edits" applies all as one undoable edit; Escape dismisses.',
  ].join('\n');
  return { after, status, tooltip };
}
