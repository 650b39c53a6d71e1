import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectServerSettings, needsRestart, serverSettingKeys, shortKey, withoutClientOnly } from '../src/settings';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

test('server keys exclude the extension-only holepilot.server.* settings', () => {
  const keys = serverSettingKeys(manifest);
  assert.ok(keys.includes('holepilot.baseUrl'));
  assert.ok(keys.includes('holepilot.maxRounds'));
  assert.ok(!keys.some((key) => key.startsWith('holepilot.server.')));
  assert.ok('holepilot.server.pythonPath' in manifest.contributes.configuration.properties);
});

test('collected settings are camelCase without the prefix and skip undefined', () => {
  const values: Record<string, unknown> = { backend: 'openai', baseUrl: 'http://127.0.0.1:8123', maxRounds: 2 };
  const settings = collectServerSettings(
    ['holepilot.backend', 'holepilot.baseUrl', 'holepilot.maxRounds', 'holepilot.model'],
    (name) => values[name],
  );
  assert.deepEqual(settings, { backend: 'openai', baseUrl: 'http://127.0.0.1:8123', maxRounds: 2 });
});

test('every default from package.json is sent', () => {
  const properties = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;
  const keys = serverSettingKeys(manifest);
  const settings = collectServerSettings(keys, (name) => properties[`holepilot.${name}`].default);
  assert.equal(Object.keys(settings).length, keys.length);
  assert.equal(settings.backend, 'auto');
});

test('short keys drop the section', () => {
  assert.equal(shortKey('holepilot.apiKeyEnv'), 'apiKeyEnv');
  assert.equal(shortKey('other'), 'other');
});

test('the server subtree is dropped from a workspace/configuration answer', () => {
  assert.deepEqual(withoutClientOnly({ backend: 'ollama', server: { pythonPath: 'x' } }), { backend: 'ollama' });
  assert.equal(withoutClientOnly(null), null);
  assert.deepEqual(withoutClientOnly(['a']), ['a']);
});

test('only holepilot.server changes restart the server', () => {
  assert.equal(needsRestart((section) => section === 'holepilot.server'), true);
  assert.equal(needsRestart((section) => section === 'holepilot'), false);
});
