import assert from 'node:assert/strict';
import { test } from 'node:test';
import { automaticEffective, menuEntries, MenuState } from '../src/menu';

const base: MenuState = { snoozed: undefined, automaticGlobal: true, automaticWorkspace: undefined, hasWorkspace: true };

test('the menu offers every snooze length, the toggles, manual-only, stats, doctor and log', () => {
  const entries = menuEntries(base);
  const commands = entries.map((e) => e.command);
  assert.deepEqual(
    entries.filter((e) => e.command === 'holepilot.snooze').map((e) => e.args),
    [[5], [15], [60], ['restart']],
  );
  for (const id of [
    'holepilot.toggleAutomatic',
    'holepilot.toggleAutomaticWorkspace',
    'holepilot.manualOnly',
    'holepilot.stats',
    'holepilot.doctor',
    'holepilot.showLog',
  ]) {
    assert.ok(commands.includes(id), id);
  }
  assert.ok(!commands.includes('holepilot.resume'));
  assert.match(entries.find((e) => e.command === 'holepilot.manualOnly')!.label, /Manual-only mode/);
});

test('while snoozed, resume comes first with the time left', () => {
  const [first] = menuEntries({ ...base, snoozed: 14 * 60_000 + 30_000 });
  assert.equal(first.command, 'holepilot.resume');
  assert.equal(first.description, 'snoozed, 14:30 left');
});

test('a workspace value wins over the user setting; without a folder there is no workspace toggle', () => {
  const state = { ...base, automaticWorkspace: false };
  assert.equal(automaticEffective(state), false);
  const entries = menuEntries(state);
  assert.match(entries.find((e) => e.command === 'holepilot.toggleAutomaticWorkspace')!.label, /on for this workspace/);
  assert.match(entries.find((e) => e.command === 'holepilot.toggleAutomatic')!.description!, /this workspace overrides it/);
  assert.match(entries.find((e) => e.command === 'holepilot.manualOnly')!.label, /Leave manual-only/);
  const noFolder = menuEntries({ ...base, hasWorkspace: false }).map((e) => e.command);
  assert.ok(!noFolder.includes('holepilot.toggleAutomaticWorkspace'));
});
