import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advance, insertedText, PartialAccepts } from '../src/partialAccept';

const position = { line: 5, character: 11 };

test('the text one insertion added', () => {
  assert.equal(insertedText('return \nx', 'return sum\nx'), 'sum');
  assert.equal(insertedText('ab', 'aab'), 'a');
  assert.equal(insertedText('abc', 'abc'), undefined);
  assert.equal(insertedText('abc', 'xbcd'), undefined);
  assert.equal(insertedText('abc', 'ab'), undefined);
});

test('positions move past single- and multi-line text', () => {
  assert.deepEqual(advance(position, 'sum('), { line: 5, character: 15 });
  assert.deepEqual(advance(position, 'a\n    b'), { line: 6, character: 5 });
});

const item = (insertText: string) => ({
  insertText,
  command: { title: 'accept', command: 'holepilot.didAcceptCompletion', arguments: [{ id: insertText }] },
});

test('word by word: the accepted length grows; the suggestion is the one that fits', () => {
  const accepts = new PartialAccepts();
  accepts.record('k', position, [item('len(xs)'), item('sum(x for x in xs)')]);
  assert.deepEqual(accepts.accepted('k', 'sum'), { item: item('sum(x for x in xs)'), acceptedLength: 3 });
  assert.equal(accepts.accepted('k', '(x')!.acceptedLength, 5);
  assert.equal(accepts.accepted('k', 'nope'), undefined);
  assert.equal(accepts.accepted('other', 'sum'), undefined);
  assert.equal(accepts.accepted('k', ''), undefined);
});

test('the answer to the request after a partial accept continues the same suggestion', () => {
  const accepts = new PartialAccepts();
  accepts.record('k', position, [item('sum(x for x in xs)')]);
  accepts.accepted('k', 'sum');
  accepts.record('k', { line: 5, character: 14 }, [item('(x for x in xs)')]);
  assert.deepEqual(accepts.accepted('k', '(x'), { item: item('sum(x for x in xs)'), acceptedLength: 5 });
  // Suggestions anywhere else start over.
  accepts.record('k', { line: 9, character: 0 }, [item('pass')]);
  assert.deepEqual(accepts.accepted('k', 'pass'), { item: item('pass'), acceptedLength: 4 });
  accepts.forget('k');
  assert.equal(accepts.accepted('k', 'pass'), undefined);
});
