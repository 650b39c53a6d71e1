import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderStatsMarkdown } from '../src/statsView';

test('the sums render as one row for all and one per trigger kind', () => {
  const text = renderStatsMarkdown({
    log: 'acceptance.jsonl',
    records: 7,
    badLines: 1,
    total: { shown: 4, accepted: 1, partially_accepted: 1, held_back: 1, acceptanceRate: 0.5 },
    byTrigger: { automatic: { shown: 4, accepted: 1, partially_accepted: 1, held_back: 1, acceptanceRate: 0.5 } },
  });
  assert.match(text, /\| trigger \| shown \| accepted \| partially accepted \| held back \| acceptance \|/);
  assert.match(text, /\| all \| 4 \| 1 \| 1 \| 1 \| 50\.0 % \|/);
  assert.match(text, /\| automatic \| 4 \| 1 \| 1 \| 1 \| 50\.0 % \|/);
  assert.match(text, /7 records in `acceptance.jsonl` \(1 unreadable lines skipped\)/);
});

test('an empty or malformed answer still renders', () => {
  assert.match(renderStatsMarkdown(null), /\| all \| 0 \| 0 \| 0 \| 0 \| – \|/);
  assert.match(renderStatsMarkdown({ total: { shown: 'x' }, byTrigger: [] }), /\| all \| 0 \|/);
});
