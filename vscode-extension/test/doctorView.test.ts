import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderDoctorMarkdown } from '../src/doctorView';

test('failed checks are counted and show their fix', () => {
  const text = renderDoctorMarkdown(
    {
      ok: false,
      checks: [
        { name: 'engine', ok: true, detail: 'started', fix: '' },
        { name: 'backend', ok: false, detail: 'connection refused | 127.0.0.1', fix: 'start the model server' },
      ],
    },
    'python3 -m lsp_server',
  );
  assert.match(text, /Server: `python3 -m lsp_server`/);
  assert.match(text, /1 of 2 checks failed\./);
  assert.match(text, /\| ✓ \| engine \| started \|  \|/);
  assert.match(text, /\| ✗ \| backend \| connection refused \\\| 127\.0\.0\.1 \| start the model server \|/);
});

test('all passing and malformed answers', () => {
  assert.match(renderDoctorMarkdown({ checks: [{ name: 'a', ok: true, detail: '', fix: '' }] }, 's'), /All 1 checks passed/);
  assert.match(renderDoctorMarkdown(null, 's'), /no checks/);
  assert.match(renderDoctorMarkdown({ checks: [3, { ok: 'yes' }] }, 's'), /1 of 1 checks failed/);
});
