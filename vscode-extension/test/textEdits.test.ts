import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyTextEdits, editsForDocument, lineStarts, otherDocuments } from '../src/textEdits';

const at = (line: number, character: number) => ({ line, character });
const edit = (sl: number, sc: number, el: number, ec: number, newText: string) => ({
  range: { start: at(sl, sc), end: at(el, ec) },
  newText,
});

test('line starts handle \\n, \\r\\n and \\r', () => {
  assert.deepEqual(lineStarts('a\nb\r\nc\rd'), [0, 2, 5, 7]);
});

test('edits apply in any order', () => {
  const text = 'def f(xs):\n    return ...\n';
  const result = applyTextEdits(text, [edit(1, 11, 1, 14, 'sum(xs)'), edit(0, 4, 0, 5, 'total')]);
  assert.equal(result, 'def total(xs):\n    return sum(xs)\n');
});

test('positions count UTF-16 units, so emoji take two', () => {
  const text = 's = "😀" + ...\n';
  assert.equal(applyTextEdits(text, [edit(0, 11, 0, 14, '"!"')]), 's = "😀" + "!"\n');
});

test('characters past the end of a line clamp to it, lines past the end to the text end', () => {
  assert.equal(applyTextEdits('ab\r\ncd', [edit(0, 99, 0, 99, '!')]), 'ab!\r\ncd');
  assert.equal(applyTextEdits('ab\ncd', [edit(7, 0, 7, 0, '\nef')]), 'ab\ncd\nef');
});

test('a range ending at the next line start replaces whole lines', () => {
  assert.equal(applyTextEdits('a\nb\nc\n', [edit(1, 0, 2, 0, 'B\n')]), 'a\nB\nc\n');
});

test('overlapping edits are refused', () => {
  assert.throws(() => applyTextEdits('abcdef', [edit(0, 0, 0, 3, 'x'), edit(0, 2, 0, 4, 'y')]), /overlapping/);
});

test('edits for a document come from changes and documentChanges', () => {
  const uri = 'file:///w/a.py';
  const workspaceEdit = {
    changes: { [uri]: [edit(0, 0, 0, 0, 'x')], 'file:///w/b.py': [edit(0, 0, 0, 0, 'y')] },
    documentChanges: [{ textDocument: { uri, version: 3 }, edits: [edit(1, 0, 1, 0, 'z')] }, { kind: 'create', uri: 'file:///w/c.py' }],
  };
  assert.deepEqual(editsForDocument(workspaceEdit, uri).map((e) => e.newText), ['x', 'z']);
  assert.deepEqual(otherDocuments(workspaceEdit, uri, (a, b) => a === b), ['file:///w/b.py', '(file operation)']);
});
