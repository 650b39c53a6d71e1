// End to end in a real VS Code (code-server) driven by headless Chromium:
// build the .vsix, install it, start the scripted model server and code-server on loopback,
// then complete a hole with ghost text + Tab, run inline chat and accept its diff, and check
// the files on disk and the status bar. Every step leaves a screenshot in artifacts/.
//
//   npm run test:e2e
//
// Environment: HOLEPILOT_PYTHON (a python with holepilot importable; default: the repository's
// .venv), HOLEPILOT_E2E_DIR or CODE_SERVER_DIR (where tools/install-code-server.sh put code-server;
// default: the repository's .cache/code-server, where `make test-e2e` installs it),
// HOLEPILOT_E2E_SKIP_BUILD=1 to reuse dist/holepilot.vsix, HOLEPILOT_E2E_TIMEOUT_S (default 600).
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processesInGroup, run, startProcess, stopAll, waitForLine } from './processes.mjs';
import { steps } from './steps.mjs';
import { nextEditSteps, writeNextEditsWorkspace } from './steps_next_edits.mjs';
import { controlSteps, writeControlWorkspace } from './steps_control.mjs';
import { llmScript, writeUserSettings, writeWorkspace } from './workspace.mjs';

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(extensionDir, '..');
const artifacts = join(extensionDir, 'artifacts');
const e2eDir = resolve(process.env.HOLEPILOT_E2E_DIR ?? process.env.CODE_SERVER_DIR ?? join(repoRoot, '.cache', 'code-server'));
const codeServer = join(e2eDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const python = resolve(repoRoot, process.env.HOLEPILOT_PYTHON ?? join('.venv', 'bin', 'python'));
const timeoutS = Number(process.env.HOLEPILOT_E2E_TIMEOUT_S ?? 600);
const editFormat = 'sr';

// The server runs from the repository without an install: its packages are top-level directories.
function pythonPath() {
  return [repoRoot, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
}

function log(message) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function checkPrerequisites() {
  if (!existsSync(codeServer)) {
    throw new Error(
      `code-server is not installed in ${e2eDir}: run "bash tools/install-code-server.sh ${e2eDir}" ` +
        'from the repository root, or "make test-e2e" (or set HOLEPILOT_E2E_DIR)',
    );
  }
  if (!existsSync(python)) {
    throw new Error(`no python at ${python}: set HOLEPILOT_PYTHON to a python that has holepilot importable`);
  }
}

async function buildVsix(temp) {
  const vsix = join(extensionDir, 'dist', 'holepilot.vsix');
  if (process.env.HOLEPILOT_E2E_SKIP_BUILD !== '1') {
    log('building the .vsix');
    await run('package', 'npm', ['run', 'package'], { cwd: extensionDir, env: process.env, logPath: join(temp, 'package.log') });
  }
  return vsix;
}

async function startLlmServer(temp, apiKey) {
  const script = { ...llmScript({ python, repoRoot, format: editFormat }), api_key: apiKey };
  const scriptPath = join(temp, 'llm-script.json');
  writeFileSync(scriptPath, JSON.stringify(script, null, 2));
  const proc = startProcess('llm-server', python, ['-m', 'tests.support.llm_server', '--script', scriptPath, '--max-seconds', String(timeoutS + 60)], {
    cwd: repoRoot,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    logPath: join(artifacts, 'llm-server.log'),
  });
  const [line] = await waitForLine(proc, /^\{.*"url".*\}$/, 30000);
  const { url } = JSON.parse(line);
  log(`scripted model server at ${url}`);
  return { proc, url };
}

async function startCodeServer(dirs, workspace) {
  const args = [
    codeServer,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    workspace,
  ];
  const proc = startProcess('code-server', process.execPath, args, {
    cwd: workspace,
    env: {
      ...process.env,
      HOME: dirs.home,
      XDG_CONFIG_HOME: join(dirs.home, '.config'),
      XDG_CACHE_HOME: join(dirs.home, '.cache'),
      PYTHONPATH: pythonPath(),
    },
    logPath: join(artifacts, 'code-server.log'),
  });
  const [, url] = await waitForLine(proc, /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/, 60000);
  log(`code-server at ${url}`);
  return { proc, url };
}

async function launchBrowser() {
  const require = createRequire(join(extensionDir, 'package.json'));
  let playwright;
  try {
    playwright = require('playwright-core');
  } catch {
    playwright = createRequire(join(e2eDir, 'package.json'))('playwright-core');
  }
  return playwright.chromium.launch({
    executablePath: process.env.HOLEPILOT_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The editor's logs (extension host, the holepilot output channel) outlive the temp dir. */
function keepLogs(userData) {
  const logs = join(userData, 'logs');
  if (existsSync(logs)) {
    rmSync(join(artifacts, 'editor-logs'), { recursive: true, force: true });
    cpSync(logs, join(artifacts, 'editor-logs'), { recursive: true });
  }
  const settings = join(userData, 'User', 'settings.json');
  if (existsSync(settings)) {
    cpSync(settings, join(artifacts, 'editor-settings.json'));
  }
}

async function main() {
  checkPrerequisites();
  mkdirSync(artifacts, { recursive: true });
  const temp = mkdtempSync(join(tmpdir(), 'holepilot-e2e-'));
  const dirs = { userData: join(temp, 'user-data'), extensions: join(temp, 'extensions'), home: join(temp, 'home') };
  const workspace = join(temp, 'workspace');
  const apiKey = `sk-e2e-${randomBytes(9).toString('hex')}`;
  let browser;
  try {
    const vsix = await buildVsix(temp);
    const csEnv = { ...process.env, HOME: dirs.home, XDG_CONFIG_HOME: join(dirs.home, '.config') };
    log('installing the .vsix into code-server');
    await run('install-extension', process.execPath, [codeServer, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix], {
      cwd: temp,
      env: csEnv,
      logPath: join(artifacts, 'install-extension.log'),
      timeoutMs: 120000,
    });
    const llm = await startLlmServer(temp, apiKey);
    writeWorkspace(workspace);
    writeNextEditsWorkspace(workspace);
    writeControlWorkspace(workspace);
    writeUserSettings(dirs.userData, { llmUrl: llm.url, python, editFormat });
    const cs = await startCodeServer(dirs, workspace);
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Each step file runs even when one before it failed; the run fails with all their failures.
    const failed = [];
    const attempt = (run) => run().catch((error) => failed.push(error));
    await attempt(() => steps({ page, url: cs.url, workspace, artifacts, log, llmUrl: llm.url, apiKey,
      cacheDir: join(dirs.home, '.cache'),
      serverPids: () => processesInGroup(cs.proc.child.pid, /-m lsp_server/),
    }));
    await attempt(() => nextEditSteps({ page, workspace, artifacts, log }));
    await attempt(() => controlSteps({ page, workspace, artifacts, log, cacheDir: join(dirs.home, '.cache') }));
    if (failed.length > 0) {
      throw new Error(failed.map((error) => error.message).join('\n'));
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await stopAll();
    keepLogs(dirs.userData);
    rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
  }
  assertSecretNotWritten(apiKey);
  log('all steps passed');
}

/** The API key lives in SecretStorage only: no log or settings file of the run may hold it. */
function assertSecretNotWritten(apiKey) {
  const leaks = [];
  const scan = (path) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) scan(join(path, name));
    } else if (
      // The model server is the one place the key must reach.
      !path.endsWith('llm-server.log') &&
      /\.(log|json|txt)$/.test(path) &&
      readFileSync(path, 'utf8').includes(apiKey)
    ) {
      leaks.push(path);
    }
  };
  scan(artifacts);
  if (leaks.length > 0) {
    throw new Error(`the API key was written to ${leaks.join(', ')}`);
  }
  log('the API key appears in no log or settings file');
}

const watchdog = setTimeout(async () => {
  console.error(`[e2e] timed out after ${timeoutS} s`);
  await stopAll();
  process.exit(2);
}, timeoutS * 1000);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await stopAll();
    process.exit(130);
  });
}

main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(0);
  },
  async (error) => {
    clearTimeout(watchdog);
    console.error(`[e2e] FAILED: ${error.stack ?? error}`);
    await stopAll();
    process.exit(1);
  },
);
