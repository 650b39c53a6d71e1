// What a user does in the editor, step by step, with a screenshot after each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPLETED_LINE,
  COMPLETION,
  EDITED_LINE,
  INSTRUCTION,
  TYPED_PREFIX,
} from './workspace.mjs';

const CONTROL = process.platform === 'darwin' ? 'Meta' : 'Control';

export async function steps({ page, url, workspace, artifacts, log }) {
  let index = 0;
  const shot = async (name) => {
    index += 1;
    const path = join(artifacts, `${String(index).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path });
    log(`screenshot ${path}`);
  };
  const step = async (name, body) => {
    log(`step: ${name}`);
    try {
      await body();
    } catch (error) {
      await shot(`FAILED-${name}`).catch(() => undefined);
      throw new Error(`step "${name}" failed: ${error.message}`, { cause: error });
    }
    await shot(name);
  };

  await step('workbench', async () => {
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 90000 });
  });

  await step('open-main', async () => {
    await openFile(page, 'main.py');
    await statusItem(page).waitFor({ timeout: 60000 });
  });

  await step('status-bar-backend', async () => {
    await page.locator('.statusbar-item', { hasText: /holepilot: openai/ }).waitFor({ timeout: 60000 });
  });

  await step('ghost-text', async () => {
    await focusEditor(page);
    await page.keyboard.press(`${CONTROL}+End`);
    const started = Date.now();
    await page.keyboard.type(TYPED_PREFIX, { delay: 20 });
    const ghost = page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text');
    await ghost.first().waitFor({ timeout: 60000 });
    log(`ghost text after ${Date.now() - started} ms: ${await ghost.first().textContent()}`);
  });

  await step('accept-and-save', async () => {
    await page.keyboard.press('Tab');
    await page.keyboard.press(`${CONTROL}+s`);
    await fileContains(join(workspace, 'main.py'), COMPLETED_LINE, 20000);
    log(`main.py holds "${COMPLETION}"`);
  });

  await step('inline-chat-diff', async () => {
    await openFile(page, 'report.py');
    await gotoLine(page, 5);
    await page.keyboard.press('Shift+End');
    await page.keyboard.press(`${CONTROL}+i`);
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ timeout: 10000 });
    await input.fill(INSTRUCTION);
    await page.keyboard.press('Enter');
    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 90000 });
    await notificationButton(page, 'Accept').waitFor({ timeout: 30000 });
  });

  await step('inline-chat-accepted', async () => {
    await notificationButton(page, 'Accept').click();
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'detached', timeout: 20000 });
    await focusEditor(page);
    await page.keyboard.press(`${CONTROL}+s`);
    await fileContains(join(workspace, 'report.py'), EDITED_LINE, 20000);
    log('report.py holds the accepted edit');
  });

  await step('show-context', async () => {
    await openFile(page, 'main.py');
    await gotoLine(page, 6, 12);
    await runCommand(page, 'holepilot: Show context at cursor');
    await page.locator('.tab', { hasText: /main\.py-6\.md/ }).waitFor({ timeout: 60000 });
    await page.locator('.monaco-editor .view-lines', { hasText: 'Expected type' }).first().waitFor({ timeout: 10000 });
  });
}

function statusItem(page) {
  return page.locator('.statusbar-item', { hasText: /holepilot/ }).first();
}

function notificationButton(page, label) {
  return page.locator('.notifications-toasts .monaco-button', { hasText: new RegExp(`^${label}$`) }).first();
}

async function focusEditor(page) {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
}

async function openFile(page, name) {
  await page.keyboard.press(`${CONTROL}+p`);
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 10000 });
  await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor({ timeout: 10000 });
}

async function gotoLine(page, line, column) {
  await page.keyboard.press(`${CONTROL}+g`);
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(column ? `${line}:${column}` : String(line));
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10000 });
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
}

/** Polls the file on disk (saving is asynchronous) until it holds `text`, within `timeoutMs`. */
async function fileContains(path, text, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let content = '';
  while (Date.now() < deadline) {
    content = readFileSync(path, 'utf8');
    if (content.includes(text)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${path} does not hold ${JSON.stringify(text)}; it holds:\n${content}`);
}
