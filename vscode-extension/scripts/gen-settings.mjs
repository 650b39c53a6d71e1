// Writes the server's settings (from completion.settings.settings_schema(), via python) plus the
// extension-only holepilot.server.* settings into package.json's contributes.configuration.
//   npm run gen:settings            rewrite package.json
//   npm run gen:settings -- --check exit 1 when package.json is out of date
// The interpreter is $HOLEPILOT_PYTHON, else the repository's .venv, else python3.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const extensionDir = resolve(here, '..');
const repoRoot = resolve(extensionDir, '..');
const packagePath = join(extensionDir, 'package.json');
const clientSettingsPath = join(extensionDir, 'client-settings.json');

export function pythonExecutable() {
  if (process.env.HOLEPILOT_PYTHON) {
    return process.env.HOLEPILOT_PYTHON;
  }
  const venv = join(repoRoot, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

function serverSchema() {
  const code = 'import json; from completion.settings import settings_schema; print(json.dumps(settings_schema()))';
  const output = execFileSync(pythonExecutable(), ['-c', code], { cwd: repoRoot, encoding: 'utf8' });
  return JSON.parse(output);
}

export function configurationProperties() {
  const client = JSON.parse(readFileSync(clientSettingsPath, 'utf8'));
  const server = serverSchema();
  const clash = Object.keys(client).filter((key) => key in server);
  if (clash.length > 0) {
    throw new Error(`client-only settings clash with server settings: ${clash.join(', ')}`);
  }
  return { ...server, ...client };
}

const manifestText = readFileSync(packagePath, 'utf8');
const manifest = JSON.parse(manifestText);
manifest.contributes.configuration.properties = configurationProperties();
const updated = `${JSON.stringify(manifest, null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (updated !== manifestText) {
    console.error('package.json settings are out of date: run "npm run gen:settings"');
    process.exit(1);
  }
  console.log('package.json settings match the server schema');
} else {
  writeFileSync(packagePath, updated);
  console.log(`wrote ${Object.keys(manifest.contributes.configuration.properties).length} settings to package.json`);
}
