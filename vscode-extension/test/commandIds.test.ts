import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLIENT_COMMANDS, serverCommandsToRegister } from '../src/commandIds';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const srcDir = join(__dirname, '..', '..', 'src');
// Commands are registered in extension.ts and in the modules it wires (controls, accept commands).
const extensionSource = readdirSync(srcDir)
  .filter((name) => name.endsWith('.ts') && name !== 'commandIds.ts')
  .map((name) => readFileSync(join(srcDir, name), 'utf8'))
  .join('\n');

test('every contributed command is one the client keeps for itself', () => {
  for (const { command } of manifest.contributes.commands as { command: string }[]) {
    assert.ok(CLIENT_COMMANDS.includes(command), command);
  }
});

test('every kept command is registered by the extension', () => {
  for (const command of CLIENT_COMMANDS.filter((c) => c !== 'holepilot.didAcceptCompletion')) {
    assert.ok(extensionSource.includes(`'${command}'`), command);
  }
});

test('server commands that clash with the extension are not registered twice', () => {
  const advertised = [
    'holepilot.inlineChat',
    'holepilot.doctor',
    'holepilot.fillHole',
    'github.copilot.didAcceptCompletionItem',
    'holepilot.reindex',
  ];
  assert.deepEqual(serverCommandsToRegister(advertised), ['holepilot.reindex']);
  assert.deepEqual(serverCommandsToRegister(undefined), []);
});
