import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as nextEdits from '../src/nextEdits';
import { applyTextEdits } from '../src/textEdits';

const at = (line: number, character: number) => ({ line, character });
const edit = (uri: string, sl: number, sc: number, el: number, ec: number, newText: string, reason = 'renamed scale → resize'): nextEdits.NextEdit => ({
  uri,
  range: { start: at(sl, sc), end: at(el, ec) },
  newText,
  reason,
});
const A = 'file:///w/geometry.py';
const B = 'file:///w/use_geometry.py';
const C = 'file:///w/other.py';

test('the answer is read leniently: bad entries are left out and counted, more is kept', () => {
  const raw = {
    edits: [
      { uri: A, range: { start: at(1, 4), end: at(1, 9) }, newText: 'resize', reason: 'renamed scale → resize' },
      { uri: A, range: { start: at(2, 0), end: at(1, 0) }, newText: 'x' }, // end before start
      { uri: B, range: { start: at(-1, 0), end: at(0, 0) }, newText: 'x' },
      { uri: B, newText: 'x' },
      'nonsense',
      { uri: C, range: { start: at(0, 0), end: at(0, 0) }, newText: 'y' }, // no reason: kept
    ],
    more: 7,
  };
  const answer = nextEdits.parseNextEdits(raw);
  assert.deepEqual(answer.edits.map((e) => [e.uri, e.newText, e.reason]), [
    [A, 'resize', 'renamed scale → resize'],
    [C, 'y', ''],
  ]);
  assert.equal(answer.more, 7);
  assert.equal(answer.malformed, 4);
  assert.deepEqual(nextEdits.parseNextEdits(null), { edits: [], more: 0, malformed: 0 });
  assert.deepEqual(nextEdits.parseNextEdits({ edits: [], more: -1 }).more, 0);
});

test('edits in the cursor document come first, nearest line first, then other files top down', () => {
  const far = edit(A, 40, 4, 40, 9, 'resize');
  const above = edit(A, 8, 4, 8, 9, 'resize');
  const below = edit(A, 12, 4, 12, 9, 'resize');
  const otherLate = edit(B, 9, 0, 9, 5, 'resize');
  const otherEarly = edit(B, 2, 0, 2, 5, 'resize');
  const third = edit(C, 0, 0, 0, 5, 'resize');
  const ordered = nextEdits.orderEdits([otherLate, far, third, above, otherEarly, below], A, at(10, 0));
  assert.deepEqual(ordered, [below, above, far, otherEarly, otherLate, third]);
});

test('on a tie the edit below the cursor wins; an edit on the cursor line is nearest', () => {
  const above = edit(A, 8, 0, 8, 1, 'a');
  const below = edit(A, 12, 0, 12, 1, 'b');
  const here = edit(A, 10, 30, 10, 31, 'c');
  assert.deepEqual(nextEdits.orderEdits([above, below, here], A, at(10, 0)), [here, below, above]);
});

test('overlapping edits keep the first in order', () => {
  const first = edit(A, 3, 0, 3, 10, 'one');
  const clash = edit(A, 3, 5, 3, 12, 'two');
  const insertion = edit(A, 3, 10, 3, 10, 'three'); // touches, does not overlap
  assert.deepEqual(nextEdits.orderEdits([first, clash, insertion], A, at(3, 0)), [first, insertion]);
});

test('positions after an applied edit move by its size; earlier ones stay', () => {
  const renamed = edit(A, 2, 4, 2, 9, 'resize'); // scale → resize: one longer
  assert.deepEqual(nextEdits.shiftPosition(at(2, 20), renamed), at(2, 21));
  assert.deepEqual(nextEdits.shiftPosition(at(2, 2), renamed), at(2, 2));
  assert.deepEqual(nextEdits.shiftPosition(at(5, 3), renamed), at(5, 3));
  const split = edit(A, 2, 4, 2, 9, 'a,\n    b'); // one line becomes two
  assert.deepEqual(nextEdits.shiftPosition(at(2, 12), split), at(3, 8));
  assert.deepEqual(nextEdits.shiftPosition(at(6, 1), split), at(7, 1));
  const joined = edit(A, 1, 3, 3, 2, 'x'); // three lines become one
  assert.deepEqual(nextEdits.shiftPosition(at(3, 5), joined), at(1, 7));
  assert.deepEqual(nextEdits.shiftPosition(at(9, 0), joined), at(7, 0));
});

test('accepting edits one by one gives the same text as applying them all at once', () => {
  const text = 'def scale(s, f):\n    return s\n\n\nx = scale(1, 2) + scale(3, 4)\ny = scale(\n    5, 6)\n';
  const edits = [
    edit(A, 0, 4, 0, 9, 'resize'),
    edit(A, 4, 4, 4, 9, 'resize'),
    edit(A, 4, 18, 4, 23, 'resize'),
    edit(A, 5, 4, 5, 9, 'resize'),
    edit(A, 6, 8, 6, 8, ', factor=1'),
  ];
  const all = applyTextEdits(text, edits);
  let remaining = nextEdits.orderEdits(edits, A, at(4, 0));
  let oneByOne = text;
  while (remaining.length > 0) {
    const next = remaining[0];
    oneByOne = applyTextEdits(oneByOne, [next]);
    remaining = nextEdits.afterApplying(remaining, next);
  }
  assert.equal(oneByOne, all);
  assert.match(all, /^def resize\(s, f\):[\s\S]*x = resize\(1, 2\) \+ resize\(3, 4\)\ny = resize\(\n {4}5, 6, factor=1\)\n$/);
});

test('edits in other documents do not move', () => {
  const here = edit(A, 0, 0, 0, 5, 'resize');
  const there = edit(B, 0, 0, 0, 5, 'resize');
  assert.deepEqual(nextEdits.afterApplying([here, there], here), [there]);
});

test('an edit whose text changed meanwhile is stale', () => {
  const proposed = { ...edit(B, 0, 0, 0, 5, 'resize'), oldText: 'scale' };
  assert.equal(nextEdits.isStale(proposed, 'scale'), false);
  assert.equal(nextEdits.isStale(proposed, 'scald'), true);
  assert.equal(nextEdits.isStale(edit(B, 0, 0, 0, 5, 'resize'), 'anything'), false);
});

test('a document changed by someone else than the proposals invalidates them', () => {
  const versions = new nextEdits.DocumentVersions();
  versions.set(A, 7);
  assert.equal(versions.isCurrent(A, 7), true);
  assert.equal(versions.isCurrent(A, 8), false);
  versions.set(A, 8); // our own accepted edit
  assert.equal(versions.isCurrent(A, 8), true);
  assert.equal(versions.isCurrent(B, 1), true);
  assert.equal(versions.has(B), false);
});

test('the hint says what changes, which key does what, and where', () => {
  const renamed = edit(B, 4, 4, 4, 9, 'resize');
  const away = nextEdits.nextEditHint(renamed, { atCursor: false, inView: true, left: 3, more: 0 });
  assert.equal(away.after, '  → resize   ⇥ Tab: renamed scale → resize');
  assert.match(away.status, /Tab: renamed scale → resize \(3\)$/);
  assert.match(away.tooltip, /1 of 3\) at use_geometry\.py:5/);
  const here = nextEdits.nextEditHint(renamed, { atCursor: true, inView: true, left: 1, more: 0 });
  assert.equal(here.after, '  → resize   ⇥ Tab accepts: renamed scale → resize');
  const elsewhere = nextEdits.nextEditHint(renamed, { atCursor: false, inView: false, left: 2, more: 5 });
  assert.equal(elsewhere.after, '  ⇥ Tab: use_geometry.py:5: renamed scale → resize');
  assert.match(elsewhere.tooltip, /5 more not shown/);
  const inserted = nextEdits.nextEditHint(edit(A, 1, 3, 1, 3, 'factor,\n  other', 'added parameter factor'), {
    atCursor: false,
    inView: true,
    left: 1,
    more: 0,
  });
  assert.equal(inserted.after, '  + factor, ⏎ other   ⇥ Tab: added parameter factor');
  const removed = nextEdits.nextEditHint(edit(A, 1, 3, 1, 9, '', 'removed parameter f'), { atCursor: true, inView: true, left: 1, more: 0 });
  assert.match(removed.after, /^ {2}delete/);
});

test('Tab and Escape are taken only while a next edit is shown, and leave ghost text alone', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const bindings = (manifest.contributes.keybindings as { command: string; key: string; when: string }[]).filter((binding) =>
    binding.command.startsWith('holepilot.nextEdit.'),
  );
  const byCommand = Object.fromEntries(bindings.map((binding) => [binding.command, binding]));
  assert.equal(byCommand['holepilot.nextEdit.goto'].key, 'tab');
  assert.equal(byCommand['holepilot.nextEdit.accept'].key, 'tab');
  assert.equal(byCommand['holepilot.nextEdit.dismiss'].key, 'escape');
  for (const binding of bindings) {
    const when = binding.when.split(' && ');
    assert.ok(when.includes(nextEdits.VISIBLE_CONTEXT), binding.command);
    assert.ok(when.includes('!inlineSuggestionVisible') && when.includes('!suggestWidgetVisible'), binding.command);
  }
  // The two Tab bindings never hold at once.
  assert.ok(byCommand['holepilot.nextEdit.goto'].when.split(' && ').includes(`!${nextEdits.AT_CURSOR_CONTEXT}`));
  assert.ok(byCommand['holepilot.nextEdit.accept'].when.split(' && ').includes(nextEdits.AT_CURSOR_CONTEXT));
});
