// Partial acceptance of ghost text (a word or a line at a time): which shown suggestion the
// inserted text belongs to and how much of it is in the document now. Pure.

import type { ItemReport, ReportedItem } from './feedback';

interface Position {
  line: number;
  character: number;
}

interface Shown {
  position: Position;
  items: ReportedItem[];
  index: number | undefined; // the suggestion being accepted, once known
  accepted: number; // UTF-16 units of it accepted so far
}

/** The text a single insertion added to `before` to make `after`, or undefined. */
export function insertedText(before: string, after: string): string | undefined {
  if (after.length <= before.length) {
    return undefined;
  }
  let start = 0;
  while (start < before.length && before[start] === after[start]) {
    start++;
  }
  const added = after.length - before.length;
  if (before.slice(start) !== after.slice(start + added)) {
    return undefined;
  }
  return after.slice(start, start + added);
}

/** `position` moved past `text`. */
export function advance(position: Position, text: string): Position {
  const lines = text.split(/\r\n|\r|\n/);
  return lines.length === 1
    ? { line: position.line, character: position.character + text.length }
    : { line: position.line + lines.length - 1, character: lines[lines.length - 1].length };
}

/** The suggestions shown per document and the partial accepts of them. */
export class PartialAccepts {
  private readonly shown = new Map<string, Shown>();

  /**
   * New suggestions for a document. The editor asks again after each partial accept; an answer
   * at the end of the accepted part continues the suggestion being accepted.
   */
  record(key: string, position: Position, items: ReportedItem[]): void {
    const last = this.shown.get(key);
    if (last && last.index !== undefined && last.accepted > 0) {
      const end = advance(last.position, last.items[last.index].insertText.slice(0, last.accepted));
      if (end.line === position.line && end.character === position.character) {
        return;
      }
    }
    this.shown.set(key, { position, items, index: undefined, accepted: 0 });
  }

  forget(key: string): void {
    this.shown.delete(key);
  }

  /** A partial accept inserted `inserted`: the report for the server, or undefined when the
   * insertion is not the next part of a shown suggestion. */
  accepted(key: string, inserted: string): ItemReport | undefined {
    const shown = this.shown.get(key);
    if (!shown || inserted === '') {
      return undefined;
    }
    const fits = (item: ReportedItem) => item.insertText.startsWith(inserted, shown.accepted);
    const index =
      shown.index !== undefined ? (fits(shown.items[shown.index]) ? shown.index : -1) : shown.items.findIndex(fits);
    if (index < 0) {
      return undefined;
    }
    shown.index = index;
    shown.accepted += inserted.length;
    return { item: shown.items[index], acceptedLength: shown.accepted };
  }
}
