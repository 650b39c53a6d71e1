import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fence, renderContextMarkdown } from '../src/contextView';

const context = {
  prompt: '<fim_prefix>def f',
  prompt_tokens: 321,
  budget: 2048,
  expected_type: 'Shape',
  typing_context: [{ name: 'xs', type: 'list[int]', kind: 'parameter' }],
  relevant_types: [{ name: 'Shape', text: 'class Shape:\n    area: float', path: 'shapes.py', line: 3 }],
  relevant_headers: [{ name: 'make', text: 'def make() -> Shape: ...', path: 'shapes.py', line: 9 }],
  receiver_members: [],
  call: { callee: 'make', signature: 'make(n: int) -> Shape', active_name: 'n' },
  elapsed_ms: 12.6,
};

test('the context document shows expected type, tokens, types and headers', () => {
  const text = renderContextMarkdown(context, 'ctx');
  assert.match(text, /^# ctx/);
  assert.match(text, /\*\*Expected type:\*\* `Shape`/);
  assert.match(text, /321 of a budget of 2048/);
  assert.match(text, /13 ms/);
  assert.match(text, /## Relevant types \(1\)\n\n\*\*Shape\*\* — `shapes.py:3`\n\n```python\nclass Shape:/);
  assert.match(text, /## Relevant headers \(1\)/);
  assert.match(text, /\| `xs` \| `list\[int\]` \| parameter \|/);
  assert.match(text, /Filling parameter `n`/);
  assert.match(text, /## Prompt\n\n```text\n<fim_prefix>def f\n```/);
  assert.doesNotMatch(text, /Receiver members/);
});

test('notes of the analysis are quoted under the summary', () => {
  const text = renderContextMarkdown({ ...context, notes: ['the workspace is being indexed: 4 files were not searched for headers yet', 7] });
  assert.match(text, /\*\*Analysis time:\*\* 13 ms\n\n> the workspace is being indexed: 4 files/);
  assert.doesNotMatch(text, /> 7/);
  assert.doesNotMatch(renderContextMarkdown(context), /^> /m);
});

test('missing pieces render as unknown or none', () => {
  const text = renderContextMarkdown({ expected_type: null });
  assert.match(text, /_unknown_/);
  assert.match(text, /## Relevant types\n\n_none_/);
  assert.match(renderContextMarkdown(null), /no context/);
});

test('an expected type given as an object is shown by its type', () => {
  assert.match(renderContextMarkdown({ expected_type: { type: 'int', source: 'annotation' } }), /`int`/);
});

test('fences outgrow backticks inside the text', () => {
  assert.equal(fence('a ``` b'), '````python\na ``` b\n````');
  assert.equal(fence('x\n\n'), '```python\nx\n```');
});

test('paths are shown relative to the workspace when a relativizer is given', () => {
  const text = renderContextMarkdown(
    { relevant_types: [{ name: 'A', text: 'class A: ...', path: '/ws/pkg/a.py', line: 2 }] },
    't',
    (path) => path.replace('/ws/', ''),
  );
  assert.match(text, /\*\*A\*\* — `pkg\/a.py:2`/);
});
