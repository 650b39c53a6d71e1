// The controls end to end: snooze from the status bar item's menu (the item counts down, typing
// gets no ghost text, the explicit trigger still does), a file excluded by a glob gets none and
// the item says so, a comment gets none, Ctrl+Right accepts one word and the server records the
// partial accept, and an inline-chat follow-up changes the proposed diff (undo goes back a turn,
// Escape rejects all). Runs after the other step files; it puts a working server back first.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptanceRecords, answerInput, askInlineChat, clickNotificationButton, CONTROL, expectNone, expectRejected, focusEditor, ghostText,
  listRow, notificationButton, openFile, pressEscape, saveActive, statusItem, statusLabelled, stepRunner, typeAtEnd,
  waitFor } from './page.mjs';
import {
  COMPLETION,
  GREET_FOLLOW_UP,
  GREET_INSTRUCTION,
  GREET_PY,
  TYPED_PREFIX,
  writeWorkspaceSettings,
} from './workspace.mjs';

const hole = (name) => `from shapes import Shape

def ${name}(shapes: list[Shape]) -> float:
    """The ${name} area."""
`;
export const CONTROL_PY = hole('biggest');
export const COMMENT_PY = hole('smallest');
export const GENERATED_PY = hole('largest');
export const EXCLUDE_GLOB = 'generated_*.py';
const COMMENT = '# the smallest of ';

/** The files of these steps (shapes.py is there already). */
export function writeControlWorkspace(dir) {
  writeFileSync(join(dir, 'control.py'), CONTROL_PY);
  writeFileSync(join(dir, 'comment.py'), COMMENT_PY);
  writeFileSync(join(dir, 'generated_shapes.py'), GENERATED_PY);
  writeFileSync(join(dir, 'greet.py'), GREET_PY);
}

export async function controlSteps({ page, workspace, artifacts, log, cacheDir }) {
  const { step, group, finish } = stepRunner({ page, artifacts, log, prefix: 'control-', report: 'e2e-control.json' });
  const ghost = ghostText(page);
  const ready = statusLabelled(page, 'holepilot: openai');

  await step('control-server-back', async () => {
    await pressEscape(page);
    // Also undoes a broken server setting left by earlier steps.
    writeWorkspaceSettings(workspace, { 'holepilot.suggestExcludeGlobs': [EXCLUDE_GLOB] });
    await ready.waitFor({ timeout: 60000 });
    await openFile(page, 'control.py');
  });

  await group('snooze', async () => {
    await step('snooze-from-the-menu-counts-down', async () => {
      await statusItem(page).click();
      await listRow(page, 'Snooze automatic suggestions for 5 minutes').click({ timeout: 10000 });
      const first = await snoozeSeconds(page);
      if (first > 300 || first < 290) throw new Error(`the item shows ${first} s left of a 5-minute snooze`);
      const later = await waitFor(async () => {
        const left = await snoozeSeconds(page);
        return left < first ? left : undefined;
      }, 5000);
      log(`the snooze counts down: ${first} s, then ${later} s left`);
    });
    await step('snoozed-no-ghost-text-explicit-still-works', async () => {
      await focusEditor(page);
      await typeAtEnd(page, TYPED_PREFIX);
      await expectNone(ghost, 'ghost text while snoozed');
      await page.keyboard.press('Alt+Backslash'); // the explicit trigger
      await ghost.waitFor({ timeout: 60000 });
      log(`explicit trigger while snoozed: ${await ghost.textContent()}`);
      await page.keyboard.press('Escape');
    });
    await step('resume-from-the-menu', async () => {
      await statusItem(page).click();
      await listRow(page, 'Resume automatic suggestions').click({ timeout: 10000 });
      await ready.waitFor({ timeout: 10000 });
    });
  });

  await group('partial accept', async () => {
    await step('partial-accept-one-word', async () => {
      await focusEditor(page);
      // A ghost text that is still being replaced may miss the key: up to five tries, each
      // waiting for the suggestion's own text to settle and checked on disk (a try that
      // inserted nothing leaves the file as it was).
      const expected = page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: COMPLETION.slice(0, 12) });
      let word = '';
      for (let attempt = 1; !word; attempt++) {
        await page.keyboard.press(`${CONTROL}+End`);
        await page.keyboard.press('Backspace'); // retype the last space: an automatic trigger
        await page.keyboard.type(' ', { delay: 20 });
        await ghost.waitFor({ timeout: 60000 });
        await expected.first().waitFor({ timeout: 30000 });
        await page.waitForTimeout(1000 * attempt);
        await ghost.waitFor({ timeout: 10000 });
        await page.keyboard.press(`${CONTROL}+ArrowRight`);
        await page.waitForTimeout(300);
        await page.keyboard.press('Escape'); // the rest of the ghost text
        await saveActive(page);
        const text = readFileSync(join(workspace, 'control.py'), 'utf8');
        word = text.startsWith(CONTROL_PY + TYPED_PREFIX) ? text.slice(CONTROL_PY.length + TYPED_PREFIX.length) : '';
        if (!word && attempt === 5) throw new Error(`Ctrl+Right inserted nothing; control.py holds ${JSON.stringify(text)}`);
      }
      if (!COMPLETION.startsWith(word) || word === COMPLETION || !/^\w+\W?$/.test(word)) {
        throw new Error(`one word accept inserted ${JSON.stringify(word)} of ${JSON.stringify(COMPLETION)}`);
      }
      log(`Ctrl+Right inserted "${word}"`);
      // The server records the partial accept with its length.
      const record = await waitFor(() => {
        return acceptanceRecords(cacheDir).find((r) => r.event === 'partially_accepted' && r.text === COMPLETION && r.acceptedLength === word.length);
      }, 20000);
      log(`acceptance log: partially_accepted ${record.acceptedLength} of ${record.length} (${record.trigger})`);
    });
    await step('stats-from-the-menu', async () => {
      await statusItem(page).click();
      await listRow(page, 'Acceptance statistics').click({ timeout: 10000 });
      await page.locator('.tab', { hasText: 'holepilot-stats.md' }).waitFor({ timeout: 30000 });
      // (\s: the editor renders some spaces as no-break spaces)
      const row = page.locator('.monaco-editor .view-lines', { hasText: /\|\sautomatic\s\|\s[1-9]/ });
      await row.first().waitFor({ timeout: 10000 });
    });
  });

  await group('excluded file', async () => {
    await step('excluded-file-gets-none', async () => {
      const off = page.locator('.statusbar-item', { hasText: 'holepilot: off for this file' });
      await openFile(page, 'generated_shapes.py');
      await typeAtEnd(page, TYPED_PREFIX);
      await off.waitFor({ timeout: 30000 });
      await expectNone(ghost, `ghost text in a file matching ${EXCLUDE_GLOB}`);
      // Meanwhile the editor asked for the file's code actions and, after the pause in typing,
      // its next edits: holepilot is still off for it.
      if (!(await off.isVisible())) {
        throw new Error(`after the file's other requests the status bar says "${await statusItem(page).textContent()}"`);
      }
      await page.keyboard.press('Alt+Backslash');
      await expectNone(ghost, `ghost text in a file matching ${EXCLUDE_GLOB}`);
    });
  });

  await group('comment', async () => {
    await step('comment-gets-none', async () => {
      await openFile(page, 'comment.py');
      await ready.waitFor({ timeout: 10000 }); // "off" was about the excluded file only
      await typeAtEnd(page, `    ${COMMENT}`);
      await expectNone(ghost, 'ghost text in a comment');
      // The same place as code gets one: the comment was the reason.
      for (let i = 0; i < COMMENT.length; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type('return ', { delay: 20 });
      await ghost.waitFor({ timeout: 60000 });
      await page.keyboard.press('Escape');
    });
  });

  await group('inline chat conversation', async () => {
    const diffLines = page.locator('.monaco-diff-editor .editor.modified .view-lines');
    await step('inline-chat-first-turn', async () => {
      await openFile(page, 'greet.py');
      await askInlineChat(page, 2, GREET_INSTRUCTION);
      await diffLines.filter({ hasText: 'HELLO' }).first().waitFor({ timeout: 90000 });
      await notificationButton(page, 'Follow up…').waitFor({ timeout: 30000 });
    });
    await step('inline-chat-follow-up-changes-the-diff', async () => {
      await notificationButton(page, 'Follow up…').click();
      await answerInput(page, GREET_FOLLOW_UP);
      await diffLines.filter({ hasText: /name\s\+\s"!"/ }).first().waitFor({ timeout: 90000 });
      // (the notification that names the turn may already have been hidden: the diff is what counts)
      log('the follow-up turn changed the proposed diff');
    });
    await step('inline-chat-undo-turn', async () => {
      await clickNotificationButton(page, 'Undo turn');
      await diffLines.filter({ hasText: /name\s\+\s"!"/ }).first().waitFor({ state: 'detached', timeout: 10000 });
      await diffLines.filter({ hasText: 'HELLO' }).first().waitFor({ timeout: 10000 });
    });
    await step('inline-chat-escape-rejects-all', async () => {
      // Escape in the proposal (the diff's modified side) rejects the whole conversation.
      await page.locator('.monaco-diff-editor .editor.modified textarea').first().focus();
      await page.keyboard.press('Escape');
      await expectRejected(page, workspace, 'greet.py', GREET_PY);
    });
  });

  finish('control group');
}

/** Seconds of snooze the status bar item shows ("snoozed 4:58"). */
async function snoozeSeconds(page) {
  const item = page.locator('.statusbar-item', { hasText: /holepilot: snoozed \d+:\d\d/ }).first();
  await item.waitFor({ timeout: 10000 });
  const [, minutes, seconds] = /snoozed (\d+):(\d\d)/.exec((await item.textContent()) ?? '') ?? [];
  return Number(minutes) * 60 + Number(seconds);
}
