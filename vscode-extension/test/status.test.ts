import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accessibleLabel,
  displayView,
  failedRequestStatus,
  failedView,
  formatLatency,
  parseStatus,
  startingView,
  statusView,
} from '../src/status';

test('ok shows backend, model and latency', () => {
  const view = statusView({ state: 'ok', backend: 'openai', model: 'qwen', lastLatencyMs: 412.4 });
  assert.equal(view.text, '$(sparkle) holepilot: openai · qwen · 412 ms');
  assert.equal(view.severity, 'normal');
  assert.match(view.tooltip, /backend: openai/);
});

test('error gets the warning background and the last error in the tooltip', () => {
  const view = statusView(parseStatus({ state: 'error', backend: 'ollama', lastError: 'connection refused' }));
  assert.equal(view.severity, 'warning');
  assert.match(view.text, /^\$\(warning\) holepilot: ollama$/);
  assert.match(view.tooltip, /last error: connection refused/);
});

test('latency switches to seconds', () => {
  assert.equal(formatLatency(1530), '1.5 s');
  assert.equal(formatLatency(null), undefined);
  assert.equal(formatLatency(Number.NaN), undefined);
});

test('malformed notifications become an error state', () => {
  assert.equal(parseStatus('nope').state, 'error');
  assert.equal(parseStatus({ state: 'sleeping' }).state, 'error');
  const parsed = parseStatus({ state: 'working', backend: 3, lastLatencyMs: '5' });
  assert.deepEqual([parsed.state, parsed.backend, parsed.lastLatencyMs], ['working', undefined, null]);
});

test('without backend the state is the label', () => {
  assert.equal(statusView({ state: 'disabled' }).text, '$(circle-slash) holepilot: disabled');
});

test('a failed server start is a warning', () => {
  const view = failedView('cannot run python3');
  assert.equal(view.severity, 'warning');
  assert.match(view.tooltip, /cannot run python3/);
});

test('a failed request keeps the backend and turns the item into a warning', () => {
  const last = parseStatus({ state: 'ok', backend: 'openai', model: 'm', lastLatencyMs: 20 });
  const view = statusView(failedRequestStatus(last, 'textDocument/inlineCompletion', 'boom'));
  assert.equal(view.severity, 'warning');
  assert.match(view.text, /holepilot: openai · m/);
  assert.match(view.tooltip, /last error: boom\n.*inlineCompletion failed/);
});

test('the accessible label drops icons and tells whether an API key is in use', () => {
  const view = statusView({ state: 'ok', backend: 'openai', model: 'm' });
  assert.equal(accessibleLabel(view, true), 'holepilot: openai · m, API key set (secret storage)');
  assert.equal(accessibleLabel(startingView(), false), 'holepilot: starting, no API key');
});

test('a held-back suggestion shows in the item and its reason in the tooltip', () => {
  const reason = "suggestion held back: 1 problem left: 'Shape' has no attribute 'nmae'";
  const view = statusView(parseStatus({ state: 'heldBack', backend: 'openai', model: 'm', reason }));
  assert.equal(view.text, '$(eye-closed) holepilot: openai · m · held back');
  assert.equal(view.severity, 'normal');
  assert.match(view.tooltip, /^holepilot: held back\n/);
  assert.ok(view.tooltip.includes(reason));
  assert.equal(statusView({ state: 'heldBack' }).text, '$(eye-closed) holepilot: held back');
});

const fmt = (left: number | 'restart') => (left === 'restart' ? 'until restart' : `${Math.ceil(left / 1000)}s`);
const ready = { state: 'ok' as const, backend: 'openai', model: 'qwen' };

test('ready names the model; the item opens the menu', () => {
  const view = displayView(ready, {}, fmt);
  assert.equal(view.text, '$(sparkle) holepilot: openai · qwen');
  assert.equal(view.click, 'menu');
  assert.match(view.tooltip, /^holepilot: ready\n/);
  assert.match(view.tooltip, /Click for the holepilot menu\.$/);
  assert.match(displayView(ready, { automatic: false }, fmt).text, /· manual$/);
});

test('a backend error wins and its click opens the doctor view', () => {
  const view = displayView({ ...ready, state: 'error', lastError: 'refused' }, { snoozed: 5000 }, fmt);
  assert.equal(view.click, 'doctor');
  assert.equal(view.severity, 'warning');
  assert.match(view.tooltip, /Click for the doctor view with the fix\.$/);
});

test('snoozed shows the time left, then off for this file, then indexing', () => {
  const all = { snoozed: 65_000, offForFile: 'matches suggestExcludeGlobs', indexing: { percentage: 40 } };
  assert.equal(displayView(ready, all, fmt).text, '$(bell-slash) holepilot: snoozed 65s');
  assert.equal(displayView(ready, { snoozed: 'restart' }, fmt).text, '$(bell-slash) holepilot: snoozed until restart');
  const off = displayView(ready, { ...all, snoozed: undefined }, fmt);
  assert.equal(off.text, '$(circle-slash) holepilot: off for this file');
  assert.match(off.tooltip, /matches suggestExcludeGlobs/);
  assert.equal(displayView(ready, { indexing: { percentage: 39.6 } }, fmt).text, '$(sync~spin) holepilot: indexing 40%');
  assert.equal(displayView(ready, { indexing: {} }, fmt).text, '$(sync~spin) holepilot: indexing');
});

test('working and held back come from the server', () => {
  assert.match(displayView({ ...ready, state: 'working' }, {}, fmt).text, /^\$\(loading~spin\) holepilot: openai · qwen$/);
  const held = displayView({ ...ready, state: 'heldBack', reason: 'suggestion held back: 1 problem' }, {}, fmt);
  assert.match(held.text, /held back$/);
  assert.match(held.tooltip, /suggestion held back: 1 problem/);
});

test('a status about one file carries its uri', () => {
  assert.equal(parseStatus({ state: 'disabled', uri: 'file:///w/x.py', reason: 'off' }).uri, 'file:///w/x.py');
});
