// What the step files do in the editor's page: run steps with a screenshot after each, open
// files, go to lines, run commands, type, and wait for what the editor shows or the disk holds.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CONTROL = process.platform === 'darwin' ? 'Meta' : 'Control';

/**
 * Steps that each leave a screenshot in `artifacts` (`<prefix>NN-<step>.png`, FAILED- before the
 * step's name when it failed) and their timings in `artifacts/<report>` after every step.
 * A group catches the failure of its steps, so that one group failing does not hide what the
 * others show; `finish` throws if any group failed.
 */
export function stepRunner({ page, artifacts, log, prefix = '', report }) {
  let index = 0;
  const timings = [];
  const failures = [];
  const writeReport = () => writeFileSync(join(artifacts, report), `${JSON.stringify({ steps: timings, failures }, null, 2)}\n`);
  const shot = async (name) => {
    index += 1;
    const path = join(artifacts, `${prefix}${String(index).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path });
    log(`screenshot ${path}`);
  };
  const step = async (name, body) => {
    log(`step: ${name}`);
    const started = Date.now();
    try {
      await body();
    } catch (error) {
      timings.push({ step: name, ok: false, ms: Date.now() - started });
      writeReport();
      await shot(`FAILED-${name}`).catch(() => undefined);
      throw new Error(`step "${name}" failed: ${error.message}`, { cause: error });
    }
    timings.push({ step: name, ok: true, ms: Date.now() - started });
    writeReport();
    await shot(name);
  };
  const group = async (name, body) => {
    try {
      await body();
    } catch (error) {
      log(`FAILED (${name}) ${error.message}`);
      failures.push(error.message);
      writeReport();
      await pressEscape(page);
    }
  };
  /** `what`: the name of a group in the message, e.g. "control group". */
  const finish = (what = 'group') => {
    writeReport();
    if (failures.length > 0) {
      throw new Error(`${failures.length} ${what}(s) failed:\n  ${failures.join('\n  ')}`);
    }
  };
  return { step, group, finish };
}

/** Closes what is open (menus, quick inputs, suggestions). */
export async function pressEscape(page, times = 3) {
  for (let i = 0; i < times; i++) await page.keyboard.press('Escape');
}

export function statusItem(page) {
  return page.locator('.statusbar-item', { hasText: /holepilot/ }).first();
}

/** The status bar item whose accessible label (its own or an inner element's) holds every part. */
export function statusLabelled(page, ...parts) {
  const label = parts.map((part) => `[aria-label*="${part}"]`).join('');
  return page.locator(`.statusbar-item${label}, .statusbar-item ${label}`).first();
}

export function notificationButton(page, label) {
  return page.locator('.notifications-toasts .monaco-button', { hasText: new RegExp(`^${label}$`) }).first();
}

/** The row of the open quick pick (a menu, the command palette) that holds `text`. */
export function listRow(page, text) {
  return page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
}

/** The ghost text (inline suggestion) of the active editor. */
export function ghostText(page) {
  const editor = '.editor-group-container.active .monaco-editor';
  return page.locator(`${editor} .ghost-text-decoration, ${editor} .ghost-text`).first();
}

/** The lines of the active editor. */
export function editorLines(page) {
  return page.locator('.editor-group-container.active .view-lines');
}

export async function focusEditor(page) {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
}

/** Opens the quick input with `key` and fills in `text`. */
async function quickInput(page, key, text) {
  await page.keyboard.press(key);
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(text);
  return input;
}

/** Opens the workspace file `name` with quick open; a file whose name only ends in it is another. */
export async function openFile(page, name) {
  await quickInput(page, `${CONTROL}+p`, name);
  const exact = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const named = page.locator('.label-name', { hasText: exact });
  // Click the matching row: Enter could pick a row of the list before it is filtered.
  await page.locator('.quick-input-list .monaco-list-row').filter({ has: named }).first().click({ timeout: 10000 });
  await page.locator('.tab.active').filter({ has: named }).waitFor({ timeout: 10000 });
  await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor({ timeout: 10000 });
}

export async function gotoLine(page, line, column) {
  const input = await quickInput(page, `${CONTROL}+g`, column ? `:${line}:${column}` : `:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10000 });
}

export async function runCommand(page, title) {
  await quickInput(page, 'F1', `>${title}`);
  await listRow(page, title).click({ timeout: 10000 });
}

/** Clicks `label` on a notification: on its toast, or, when the editor has hidden the toast
 * already (it does after a while, and when focus moves), in the notification center, which is
 * closed again afterwards so that Escape goes back to the editor. */
export async function clickNotificationButton(page, label, timeout = 10000) {
  try {
    await notificationButton(page, label).click({ timeout: 3000 });
    return;
  } catch {
    // the toast is hidden: the notification is still in the center
  }
  await runCommand(page, 'Notifications: Show Notifications');
  const button = page.locator('.notifications-center .monaco-button', { hasText: new RegExp(`^${label}$`) }).first();
  await button.click({ timeout });
  if (await page.locator('.notifications-center.visible').count()) {  // (it closes itself once empty)
    await runCommand(page, 'Notifications: Hide Notifications');
  }
}

/** Types `text` at the end of the active document, as a user does. */
export async function typeAtEnd(page, text) {
  await page.keyboard.press(`${CONTROL}+End`);
  await page.keyboard.type(text, { delay: 20 });
}

/** Saves the active document and waits until its tab is no longer dirty. */
export async function saveActive(page) {
  await page.keyboard.press(`${CONTROL}+s`);
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10000 });
}

/** Selects the rest of line `line` (from its start) and asks inline chat for `instruction`. */
export async function askInlineChat(page, line, instruction) {
  await gotoLine(page, line);
  await page.keyboard.press('Shift+End');
  await page.keyboard.press(`${CONTROL}+i`);
  await answerInput(page, instruction);
}

/** Answers the open quick input with `text`. */
export async function answerInput(page, text) {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

/** After a rejected inline-chat proposal: the diff is gone, `name` unchanged in the editor and on disk. */
export async function expectRejected(page, workspace, name, expected) {
  await page.locator('.monaco-diff-editor').first().waitFor({ state: 'detached', timeout: 20000 });
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 10000 });
  if ((await page.locator('.tab.active.dirty').count()) > 0) {
    throw new Error(`rejecting the proposal changed ${name}`);
  }
  await fileEquals(join(workspace, name), expected, 1000);
}

/** The records of the server's acceptance log (none before it is written). */
export function acceptanceRecords(cacheDir) {
  const path = join(cacheDir, 'holepilot', 'acceptance.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : [];
}

/** Polls `probe` (it may be async) until it returns a value, within `timeoutMs`; else throws `failure()`. */
export async function waitFor(probe, timeoutMs, failure = () => `nothing within ${timeoutMs} ms`) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(failure());
}

/** Nothing matches `locator` for a while (long enough for a scripted answer to arrive). */
export async function expectNone(locator, what, ms = 4000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await locator.count()) > 0) throw new Error(`${what}: ${await locator.first().textContent()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Polls the file on disk (saving is asynchronous) until it is exactly `expected`, within `timeoutMs`. */
export async function fileEquals(path, expected, timeoutMs) {
  let content = '';
  const same = () => {
    content = readFileSync(path, 'utf8');
    return content === expected ? true : undefined;
  };
  await waitFor(same, timeoutMs, () => `${path} is not as expected.\n--- expected\n${expected}\n--- on disk\n${content}`);
}
