import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  adviseOnStartFailure,
  expandVariables,
  API_KEY_ENV,
  formatCommandLine,
  resolveServerCommand,
  serverEnvironment,
  stderrLevel,
  TailBuffer,
} from '../src/serverCommand';
import { checkServerImport, ensureStopped, spawnServer } from '../src/serverProcess';

test('the command setting wins over pythonPath', () => {
  const command = resolveServerCommand({ pythonPath: '/opt/py/bin/python', command: ['holepilot', 'serve'] });
  assert.deepEqual(command, { command: 'holepilot', args: ['serve'], source: 'holepilot.server.command' });
});

test('pythonPath runs the lsp_server module', () => {
  const command = resolveServerCommand({ pythonPath: ' /opt/py/bin/python ', command: [] });
  assert.equal(command.command, '/opt/py/bin/python');
  assert.deepEqual(command.args, ['-m', 'lsp_server']);
  assert.equal(command.python, '/opt/py/bin/python');
});

test('without settings the server is python3 -m lsp_server', () => {
  const command = resolveServerCommand({ command: ['  '] });
  assert.equal(formatCommandLine(command), 'python3 -m lsp_server');
  assert.equal(command.source, 'default');
});

test('command lines quote arguments with spaces', () => {
  const line = formatCommandLine({ command: '/my py/python', args: ['-m', "it's"], source: 'default' });
  assert.equal(line, `'/my py/python' -m 'it'\\''s'`);
});

test('the API key is only added to the environment when set', () => {
  const base = { PATH: '/bin', EMPTY: undefined };
  assert.deepEqual(serverEnvironment(base, undefined), { PATH: '/bin' });
  assert.deepEqual(serverEnvironment(base, 'sk-1'), { PATH: '/bin', [API_KEY_ENV]: 'sk-1' });
  assert.equal(API_KEY_ENV, 'HOLEPILOT_API_KEY');
});

test('a missing interpreter names the setting to change', () => {
  const command = resolveServerCommand({ pythonPath: '/nope/python' });
  const advice = adviseOnStartFailure(command, { errorCode: 'ENOENT' });
  assert.match(advice.message, /cannot run '\/nope\/python'/);
  assert.match(advice.fix, /holepilot\.server\.pythonPath/);
});

test('a missing lsp_server module says to pip install holepilot into that python', () => {
  const command = resolveServerCommand({ pythonPath: '/venv/bin/python' });
  const stderr = "Traceback (most recent call last):\nModuleNotFoundError: No module named 'lsp_server'\n";
  const advice = adviseOnStartFailure(command, { stderrTail: stderr, exitCode: 1 });
  assert.match(advice.message, /not installed in \/venv\/bin\/python/);
  assert.match(advice.fix, /\/venv\/bin\/python -m pip install holepilot/);
});

test('a missing dependency names the module', () => {
  const advice = adviseOnStartFailure(resolveServerCommand({}), { stderrTail: "No module named 'pygls'" });
  assert.match(advice.message, /misses the module 'pygls'/);
  assert.match(advice.fix, /pip install --upgrade holepilot/);
});

test('other failures quote the last stderr line', () => {
  const advice = adviseOnStartFailure(resolveServerCommand({ command: ['srv', '--x'] }), {
    stderrTail: 'starting\nValueError: bad flag\n\n',
  });
  assert.match(advice.message, /\(srv --x\) failed to start: ValueError: bad flag/);
  assert.match(advice.fix, /holepilot\.server\.command/);
});

test('the tail buffer keeps the end', () => {
  const tail = new TailBuffer(5);
  tail.append('abc');
  tail.append('defg');
  assert.equal(tail.toString(), 'cdefg');
});

const python = ['python3', 'python'].find((name) => spawnSync(name, ['--version']).status === 0);

test('spawning a missing program rejects with ENOENT', async () => {
  const command = resolveServerCommand({ command: ['holepilot-no-such-program-x'] });
  await assert.rejects(spawnServer(command, { PATH: process.env.PATH ?? '' }, undefined), { code: 'ENOENT' });
});

test('a spawned server keeps its stderr tail and is stopped', { skip: !python }, async () => {
  const code = 'import sys; sys.stderr.write("hello from the server\\n"); sys.stderr.flush(); sys.stdin.read()';
  const command = resolveServerCommand({ command: [python!, '-c', code] });
  const server = await spawnServer(command, { PATH: process.env.PATH ?? '' }, undefined);
  await new Promise<void>((done) => server.process.stderr!.once('data', () => done()));
  assert.match(server.stderr.toString(), /hello from the server/);
  await ensureStopped(server, 50);
  assert.equal(server.process.signalCode, 'SIGKILL');
});

test('the import check reports a missing module', { skip: !python }, async () => {
  const failure = await checkServerImport(python!, { PATH: process.env.PATH ?? '', PYTHONPATH: '' }, '/');
  assert.ok(failure);
  const advice = adviseOnStartFailure(resolveServerCommand({ pythonPath: python }), failure);
  assert.match(advice.message, /not installed in/);
});

test('the import check reports a missing interpreter', async () => {
  const failure = await checkServerImport('/no/such/python', { PATH: '' }, undefined);
  assert.equal(failure?.errorCode, 'ENOENT');
});

test('the import check needs a runnable lsp_server package', { skip: !python }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hp-import-'));
  try {
    mkdirSync(join(dir, 'lsp_server'));
    writeFileSync(join(dir, 'lsp_server', '__init__.py'), '');
    const env = { PATH: process.env.PATH ?? '', PYTHONPATH: dir };
    const failure = await checkServerImport(python!, env, dir);
    assert.match(failure?.stderrTail ?? '', /No module named lsp_server\.__main__/);
    writeFileSync(join(dir, 'lsp_server', '__main__.py'), 'raise SystemExit("must not run")\n');
    assert.equal(await checkServerImport(python!, env, dir), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('server INFO lines on stderr are debug, everything else a warning', () => {
  assert.equal(stderrLevel('2026-01-01 10:00:00,123 INFO lsp_server.main: serving'), 'debug');
  assert.equal(stderrLevel('2026-01-01 10:00:00,123 WARNING pygls: shutting down'), 'warn');
  assert.equal(stderrLevel('Traceback (most recent call last):'), 'warn');
  assert.equal(stderrLevel("ModuleNotFoundError: No module named 'jedi'"), 'warn');
});

test('settings may name the workspace folder and the home directory', () => {
  const vars = { workspaceFolder: '/ws', home: '/home/me' };
  assert.equal(resolveServerCommand({ pythonPath: '${workspaceFolder}/.venv/bin/python' }, vars).command, '/ws/.venv/bin/python');
  assert.equal(resolveServerCommand({ pythonPath: '~/venvs/hp/bin/python' }, vars).python, '/home/me/venvs/hp/bin/python');
  assert.deepEqual(resolveServerCommand({ command: ['${userHome}/bin/holepilot', 'serve'] }, vars).command, '/home/me/bin/holepilot');
  assert.equal(expandVariables('${workspaceFolder}/py', {}), '${workspaceFolder}/py');
  assert.equal(expandVariables('a~/b', vars), 'a~/b');
});
