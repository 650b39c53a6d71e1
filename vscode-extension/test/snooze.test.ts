import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRemaining, parseSnoozeLength, Snooze } from '../src/snooze';

test('a snooze runs out by itself and resumes on demand', () => {
  let now = 1_000_000;
  const snooze = new Snooze(() => now);
  assert.equal(snooze.active, false);
  snooze.start(5);
  assert.equal(snooze.active, true);
  assert.equal(snooze.remaining(), 5 * 60_000);
  now += 4 * 60_000 + 1;
  assert.equal(formatRemaining(snooze.remaining()!), '1:00');
  now += 60_000;
  assert.equal(snooze.active, false);
  assert.equal(snooze.remaining(), undefined);
  snooze.start(60);
  snooze.resume();
  assert.equal(snooze.active, false);
});

test('until restart never runs out', () => {
  let now = 0;
  const snooze = new Snooze(() => now);
  snooze.start('restart');
  now = 1e12;
  assert.equal(snooze.remaining(), 'restart');
  assert.equal(formatRemaining('restart'), 'until restart');
});

test('time left counts down in minutes and seconds, hours from an hour on', () => {
  assert.equal(formatRemaining(5 * 60_000), '5:00');
  assert.equal(formatRemaining(4 * 60_000 + 59_001), '5:00');
  assert.equal(formatRemaining(59_000), '0:59');
  assert.equal(formatRemaining(60 * 60_000), '1:00:00');
  assert.equal(formatRemaining(-5), '0:00');
});

test('snooze arguments: minutes, numeric strings, restart; bad ones are one clear line', () => {
  assert.equal(parseSnoozeLength(undefined), undefined);
  assert.equal(parseSnoozeLength(15), 15);
  assert.equal(parseSnoozeLength('0.5'), 0.5);
  assert.equal(parseSnoozeLength('restart'), 'restart');
  for (const bad of [0, -3, 'soon', '', 1e9, Number.NaN, {}]) {
    const parsed = parseSnoozeLength(bad);
    assert.ok(typeof parsed === 'object' && parsed !== null && 'error' in parsed, String(bad));
    assert.match(parsed.error, /^holepilot: cannot snooze for .*"restart"\.$/);
    assert.ok(!parsed.error.includes('\n'));
  }
});
