// Next edits end to end: rename a function at its definition, see the next edit shown where it
// applies, Tab to go to it, Tab to accept it, "Accept all next edits" for the rest (in another
// file), then check the saved files; an undo and Escape drop the proposals.
// Runs after the steps of steps.mjs, whose last step leaves a broken server setting behind.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL, editorLines, fileEquals, gotoLine, openFile, pressEscape, runCommand, saveActive, statusLabelled, stepRunner } from './page.mjs';
import { writeWorkspaceSettings } from './workspace.mjs';

export const GEOMETRY_PY = `from shapes import Square


def scale(square: Square, factor: float) -> Square:
    return Square(side=square.side * factor)


def doubled(square: Square) -> Square:
    return scale(square, 2.0)
`;

export const USE_GEOMETRY_PY = `from geometry import scale
from shapes import Square


def halves(squares: list[Square]) -> list[Square]:
    return [scale(square, 0.5) for square in squares]


def grown(square: Square) -> Square:
    return scale(scale(square, 2.0), 3.0)
`;

const OLD_NAME = 'scale';
const NEW_NAME = 'resize';
const REASON = `renamed ${OLD_NAME} → ${NEW_NAME}`;
const renamed = (text) => text.replaceAll(`${OLD_NAME}(`, `${NEW_NAME}(`).replace(`import ${OLD_NAME}`, `import ${NEW_NAME}`);
export const GEOMETRY_RENAMED_PY = renamed(GEOMETRY_PY);
export const USE_GEOMETRY_RENAMED_PY = renamed(USE_GEOMETRY_PY);

/** The two modules of the run: use_geometry.py calls a function of geometry.py (shapes.py exists). */
export function writeNextEditsWorkspace(dir) {
  writeFileSync(join(dir, 'geometry.py'), GEOMETRY_PY);
  writeFileSync(join(dir, 'use_geometry.py'), USE_GEOMETRY_PY);
}

export async function nextEditSteps({ page, workspace, artifacts, log }) {
  const { step, finish } = stepRunner({ page, artifacts, log, prefix: 'next-', report: 'e2e-next-edits.json' });
  const hintItem = page.locator('.statusbar-item', { hasText: /Tab( accepts)?: renamed/ });

  await step('next-edit-server-back', async () => {
    await pressEscape(page);
    writeWorkspaceSettings(workspace, {}); // undo the broken server setting of the last steps
    await openFile(page, 'geometry.py');
    await statusLabelled(page, 'holepilot: openai').waitFor({ timeout: 60000 });
  });

  await step('next-edit-shown', async () => {
    await selectWordAt(page, 4, 5);
    const started = Date.now();
    await page.keyboard.type(NEW_NAME, { delay: 20 });
    await hintItem.first().waitFor({ timeout: 60000 });
    log(`next edit shown ${Date.now() - started} ms after typing began: ${await hintItem.first().textContent()}`);
    await expectStatus(page, `Tab: ${REASON} (5)`);
    const hints = await afterTexts(page);
    if (!hints.some((text) => text.includes(`⇥ Tab: ${REASON}`))) {
      throw new Error(`no hint after the edit's range; the editor shows: ${JSON.stringify(hints)}`);
    }
    log(`the hint reads "${hints.find((text) => text.includes('⇥'))?.trim()}"`);
  });

  await step('next-edit-tab-goes-to-it', async () => {
    await page.keyboard.press('Tab');
    await expectStatus(page, `Tab accepts: ${REASON}`);
    const position = await cursorPosition(page);
    if (!/Ln 9, Col (12|17)/.test(position)) {
      throw new Error(`Tab did not go to the call in doubled(): the cursor is at "${position}"`);
    }
  });

  await step('next-edit-tab-accepts', async () => {
    await page.keyboard.press('Tab');
    const lines = editorLines(page);
    await lines.filter({ hasText: /return\sresize\(square,\s2\.0\)/ }).waitFor({ timeout: 10000 });
    // The following one is in another file: the hint names it.
    await expectStatus(page, `Tab: ${REASON} (4)`);
    const hints = await afterTexts(page);
    if (!hints.some((text) => text.includes('use_geometry.py:1'))) {
      throw new Error(`the hint does not name the next file; the editor shows: ${JSON.stringify(hints)}`);
    }
  });

  await step('next-edit-accept-all', async () => {
    await runCommand(page, 'holepilot: Accept all next edits');
    await hintItem.first().waitFor({ state: 'detached', timeout: 10000 });
    await save(page, 'geometry.py');
    await save(page, 'use_geometry.py');
    await fileEquals(join(workspace, 'geometry.py'), GEOMETRY_RENAMED_PY, 20000);
    await fileEquals(join(workspace, 'use_geometry.py'), USE_GEOMETRY_RENAMED_PY, 20000);
    log('geometry.py and use_geometry.py call resize everywhere');
  });

  await step('next-edit-undo-drops', async () => {
    // The accept-all was one edit: one undo in use_geometry.py takes all of its four changes back.
    await openFile(page, 'use_geometry.py');
    await page.keyboard.press(`${CONTROL}+z`);
    const lines = editorLines(page);
    await lines.filter({ hasText: /from\sgeometry\simport\sscale/ }).waitFor({ timeout: 10000 });
    const text = await lines.first().innerText();
    if (/resize/.test(text)) {
      throw new Error(`one undo left part of the accepted edits: ${text}`);
    }
    await page.keyboard.press(`${CONTROL}+Shift+z`);
    await lines.filter({ hasText: /from\sgeometry\simport\sresize/ }).waitFor({ timeout: 10000 });
    // An edit with a ripple, then undone: its proposals go and do not come back.
    await openFile(page, 'geometry.py');
    await selectWordAt(page, 4, 5);
    await page.keyboard.type('grow', { delay: 20 });
    await hintItem.first().waitFor({ timeout: 60000 });
    await page.keyboard.press(`${CONTROL}+z`);
    await hintItem.first().waitFor({ state: 'detached', timeout: 10000 });
    await editorLines(page).filter({ hasText: /def\sresize\(/ }).waitFor({ timeout: 10000 });
    await page.waitForTimeout(2500);
    if ((await hintItem.count()) > 0) {
      throw new Error('the undone edit proposed next edits again');
    }
  });

  await step('next-edit-escape-dismisses', async () => {
    await selectWordAt(page, 4, 5);
    await page.keyboard.type('enlarge', { delay: 20 });
    await hintItem.first().waitFor({ timeout: 60000 });
    await page.keyboard.press('Escape');
    await hintItem.first().waitFor({ state: 'detached', timeout: 10000 });
    await page.keyboard.press(`${CONTROL}+z`);
    await editorLines(page).filter({ hasText: /def\sresize\(/ }).waitFor({ timeout: 10000 });
    await page.keyboard.press(`${CONTROL}+s`);
    await fileEquals(join(workspace, 'geometry.py'), GEOMETRY_RENAMED_PY, 20000);
    await fileEquals(join(workspace, 'use_geometry.py'), USE_GEOMETRY_RENAMED_PY, 1000);
  });

  finish();
}

/** Waits until the next-edit status bar item reads `text` (after its icon). */
async function expectStatus(page, text) {
  const item = page.locator('.statusbar-item', { hasText: text });
  try {
    await item.first().waitFor({ timeout: 10000 });
  } catch (error) {
    const shown = await page.locator('.statusbar-item', { hasText: /Tab/ }).allTextContents();
    throw new Error(`no status bar item "${text}"; shown: ${JSON.stringify(shown)}`, { cause: error });
  }
}

/** The texts decorations show after ranges in the active editor (injected text, or ::after). */
async function afterTexts(page) {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
    if (!editor) return [];
    const texts = [];
    for (const span of editor.querySelectorAll('span')) {
      const after = getComputedStyle(span, '::after').content;
      if (after && after !== 'none' && after !== 'normal') texts.push(after.replace(/^"|"$/g, ''));
      if (span.children.length === 0 && /⇥/.test(span.textContent ?? '')) texts.push(span.textContent);
    }
    return texts;
  });
}

async function cursorPosition(page) {
  return (await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().textContent()) ?? '';
}

async function selectWordAt(page, line, column) {
  await gotoLine(page, line, column);
  await page.keyboard.press(`${CONTROL}+Shift+ArrowRight`);
}

async function save(page, name) {
  await openFile(page, name);
  await saveActive(page);
}
