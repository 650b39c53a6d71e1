// What a user does in the editor, step by step, with a screenshot after each.
import { join } from 'node:path';
import { acceptanceRecords, askInlineChat, CONTROL, editorLines, expectRejected, fileEquals, focusEditor, ghostText,
  gotoLine, listRow, notificationButton, openFile, runCommand, statusItem, statusLabelled, stepRunner, typeAtEnd,
  waitFor } from './page.mjs';
import {
  AREA_FILLED_PY,
  COMPLETED_LINE,
  COMPLETION,
  FILLING,
  INSTRUCTION,
  MAIN_PY,
  CHANGED_MODEL,
  MISSING_PYTHON,
  writeWorkspaceSettings,
  REJECTED_INSTRUCTION,
  REPORT_EDITED_PY,
  TYPED_PREFIX,
} from './workspace.mjs';

export async function steps({ page, url, workspace, artifacts, log, llmUrl, apiKey, cacheDir, serverPids }) {
  const { step, group, finish } = stepRunner({ page, artifacts, log, report: 'e2e-steps.json' });

  await step('workbench', async () => {
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 90000 });
  });

  await step('open-main', async () => {
    await openFile(page, 'main.py');
    await statusItem(page).waitFor({ timeout: 60000 });
  });

  await step('set-api-key', async () => {
    await runCommand(page, 'holepilot: Set API key');
    const input = page.locator('.quick-input-widget input.input[type="password"]');
    await input.waitFor({ timeout: 30000 });
    await input.fill(apiKey);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10000 });
  });

  await step('status-bar-backend', async () => {
    // The label names the API key only once the server started with it has reported its status.
    await statusLabelled(page, 'holepilot: openai', 'API key set').waitFor({ timeout: 60000 });
  });

  await group('log', async () => {
    await step('status-bar-click-shows-log', async () => {
      // The item opens the menu of controls; its last entry shows the log.
      await statusItem(page).click();
      await listRow(page, 'Show log').click({ timeout: 10000 });
      const panel = page.locator('.part.panel .view-lines', { hasText: 'The server is running.' });
      await panel.first().waitFor({ timeout: 20000 });
    });
  });

  await group('completion', async () => {
    await step('ghost-text', async () => {
      if (await page.locator('.part.panel').isVisible()) {
        await page.keyboard.press(`${CONTROL}+j`); // the log panel of the step before
      }
      await focusEditor(page);
      const started = Date.now();
      await typeAtEnd(page, TYPED_PREFIX);
      const ghost = ghostText(page);
      await ghost.waitFor({ timeout: 60000 });
      log(`ghost text ${Date.now() - started} ms after typing began: ${await ghost.textContent()}`);
    });
    await step('accept-and-save', async () => {
      await page.keyboard.press('Tab');
      await page.keyboard.press(`${CONTROL}+s`);
      await fileEquals(join(workspace, 'main.py'), MAIN_PY + COMPLETED_LINE, 20000);
      log(`main.py holds "${COMPLETION}"`);
    });
    await step('acceptance-feedback', async () => {
      // The server records shown and accepted completions in its local acceptance log.
      const events = await waitFor(() => {
        const records = acceptanceRecords(cacheDir);
        const kinds = new Set(records.filter((r) => r.text === COMPLETION).map((r) => r.event));
        return kinds.has('shown') && kinds.has('accepted') ? records : undefined;
      }, 20000);
      log(`acceptance log: ${events.map((r) => r.event).join(', ')}`);
    });
  });

  await group('inline chat', async () => {
    await step('inline-chat-diff', async () => {
      await runCommand(page, 'View: Close Primary Side Bar'); // room for the diff
      await openFile(page, 'report.py');
      await askInlineChat(page, 5, INSTRUCTION);
      await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 90000 });
      await notificationButton(page, 'Accept').waitFor({ timeout: 30000 });
      const progress = page.locator('.notifications-toasts .notification-toast', { hasText: 'holepilot: editing' });
      await progress.waitFor({ state: 'hidden', timeout: 10000 });
    });
    await step('inline-chat-accepted', async () => {
      await notificationButton(page, 'Accept').click();
      await page.locator('.monaco-diff-editor').first().waitFor({ state: 'detached', timeout: 20000 });
      await focusEditor(page);
      await page.keyboard.press(`${CONTROL}+s`);
      await fileEquals(join(workspace, 'report.py'), REPORT_EDITED_PY, 20000);
      log('report.py holds the accepted edit');
    });
    await step('inline-chat-rejected', async () => {
      await askInlineChat(page, 5, REJECTED_INSTRUCTION);
      const proposal = page.locator('.monaco-diff-editor .view-lines', { hasText: 'shape with surface' });
      await proposal.first().waitFor({ timeout: 90000 });
      await notificationButton(page, 'Reject').click({ timeout: 30000 });
      await expectRejected(page, workspace, 'report.py', REPORT_EDITED_PY);
    });
  });

  await group('context', async () => {
    await step('show-context', async () => {
      await openFile(page, 'main.py');
      await gotoLine(page, 6, 12);
      await runCommand(page, 'holepilot: Show context at cursor');
      await page.locator('.tab', { hasText: /main\.py-6\.md/ }).waitFor({ timeout: 60000 });
      await page.locator('.monaco-editor .view-lines', { hasText: 'Expected type' }).first().waitFor({ timeout: 10000 });
    });
  });

  await group('doctor', async () => {
    await step('doctor', async () => {
      await runCommand(page, 'holepilot: Doctor: check the server and backend');
      // (\s: the editor renders some spaces as no-break spaces)
      await page.locator('.tab', { hasText: 'holepilot-doctor.md' }).waitFor({ timeout: 30000 });
      const verdict = page.locator('.monaco-editor .view-lines', { hasText: /All\s\d+\schecks\spassed/ });
      await verdict.first().waitFor({ timeout: 10000 });
    });
  });

  await group('fill hole', async () => {
    await step('fill-hole', async () => {
      await openFile(page, 'area.py');
      await gotoLine(page, 6, 12);
      await runCommand(page, 'holepilot: Fill hole');
      await editorLines(page).filter({ hasText: FILLING }).waitFor({ timeout: 60000 });
      await focusEditor(page);
      await page.keyboard.press(`${CONTROL}+s`);
      await fileEquals(join(workspace, 'area.py'), AREA_FILLED_PY, 20000);
      log(`area.py holds "${FILLING}"`);
    });
  });

  await group('api key', async () => {
    await step('api-key-reached-the-model', async () => {
      const requests = await (await fetch(`${llmUrl}/__requests`)).json();
      const posts = requests.filter((request) => request.method === 'POST');
      if (posts.length === 0) {
        throw new Error('the scripted model server received no request');
      }
      const withKey = posts.filter((request) => JSON.stringify(request.headers).includes(apiKey));
      log(`${withKey.length} of ${posts.length} model requests carried the API key`);
      if (withKey.length === 0) {
        throw new Error('no model request carried the API key set through "holepilot: Set API key"');
      }
    });
  });

  await group('settings change', async () => {
    await step('settings-change', async () => {
      // A changed setting reaches the running server (didChangeConfiguration); the next model
      // request uses it and the status bar shows it. The server applies it asynchronously, so
      // the hole is filled again until a request carries the new model (a bounded number of tries).
      writeWorkspaceSettings(workspace, { 'holepilot.model': CHANGED_MODEL });
      const changed = page.locator('.statusbar-item', { hasText: `holepilot: openai · ${CHANGED_MODEL}` });
      await openFile(page, 'area.py');
      for (let attempt = 1; ; attempt++) {
        await gotoLine(page, 6, 12);
        await page.keyboard.press('Shift+End');
        await page.keyboard.type('...');
        await runCommand(page, 'holepilot: Fill hole');
        try {
          await changed.waitFor({ timeout: 3000 });
          log(`the new model was used after ${attempt} fill(s)`);
          break;
        } catch (error) {
          if (attempt === 10) throw error;
        }
      }
      const requests = await (await fetch(`${llmUrl}/__requests`)).json();
      if (!requests.some((request) => request.body?.model === CHANGED_MODEL)) {
        throw new Error(`no model request named ${CHANGED_MODEL}`);
      }
    });
  });

  await group('server crash', async () => {
    await step('server-restarts-after-crash', async () => {
      const [pid] = serverPids();
      if (pid === undefined) throw new Error('no running language server process found');
      process.kill(pid, 'SIGKILL');
      log(`killed the language server (pid ${pid})`);
      await openFile(page, 'area.py');
      const lines = editorLines(page);
      // The server comes back by itself: filling the hole works again (bounded tries).
      for (let attempt = 1; ; attempt++) {
        await gotoLine(page, 6, 12);
        await page.keyboard.press('Shift+End');
        await page.keyboard.type('...');
        await lines.filter({ hasText: /return\s\.\.\./ }).waitFor({ timeout: 5000 });
        await runCommand(page, 'holepilot: Fill hole');
        try {
          await lines.filter({ hasText: FILLING }).waitFor({ timeout: 3000 });
          break;
        } catch (error) {
          if (attempt === 10) throw error;
          await page.keyboard.press('Escape');
        }
      }
      const restarted = serverPids();
      if (restarted.length !== 1 || restarted[0] === pid) {
        throw new Error(`expected one new server process, found ${restarted.join(', ') || 'none'}`);
      }
      log(`a new server (pid ${restarted[0]}) filled the hole`);
    });
  });

  // Last: it stops the server. A start that fails must say why and how to fix it.
  await group('broken server', async () => {
    await step('missing-server-notification', async () => {
      writeWorkspaceSettings(workspace, { 'holepilot.server.pythonPath': MISSING_PYTHON });
      const message = page.locator('.notifications-toasts .notification-toast', {
        hasText: `cannot run '${MISSING_PYTHON}'`,
      });
      await message.first().waitFor({ timeout: 60000 });
      await message.locator('.monaco-button', { hasText: 'Open settings' }).first().waitFor({ timeout: 5000 });
      await page.locator('.statusbar-item', { hasText: 'holepilot: server not running' }).waitFor({ timeout: 10000 });
    });
  });

  finish();
}
