// The small Python workspace, the user settings and the scripted model answers of the run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SHAPES_PY = `from dataclasses import dataclass


@dataclass
class Circle:
    radius: float

    def area(self) -> float:
        return 3.14159 * self.radius * self.radius


@dataclass
class Square:
    side: float

    def area(self) -> float:
        return self.side * self.side


Shape = Circle | Square
`;

// The hole: the body of total_area is typed by the test, line by line.
export const MAIN_PY = `from shapes import Circle, Shape, Square


def total_area(shapes: list[Shape]) -> float:
    """The summed area of all shapes."""
`;

export const COMPLETION = 'sum(shape.area() for shape in shapes)';
export const TYPED_PREFIX = '    return ';
export const COMPLETED_LINE = `${TYPED_PREFIX}${COMPLETION}`;

export const REPORT_PY = `from shapes import Shape


def describe(shape: Shape) -> str:
    return "shape with area " + str(shape.area())
`;
export const INSTRUCTION = 'round the area to two decimals';
export const EDITED_LINE = '    return "shape with area " + str(round(shape.area(), 2))';
export const REPORT_EDITED_PY = REPORT_PY.replace(
  '    return "shape with area " + str(shape.area())',
  EDITED_LINE,
);

// A placeholder hole filled by "holepilot: Fill hole"; the comment tells the scripted model
// which prompt this is (comments stay out of the headers other prompts may quote).
export const AREA_PY = `from shapes import Square


def unit_square() -> Square:
    # a square of side one
    return ...
`;
export const FILL_MARK = 'a square of side one';
export const FILLING = 'Square(side=1.0)';
export const AREA_FILLED_PY = AREA_PY.replace('return ...', `return ${FILLING}`);

export const CHANGED_MODEL = 'scripted-model-2';

// The server setting that breaks the start: a program that is on no PATH.
export const MISSING_PYTHON = 'holepilot-missing-python';

export function writeWorkspace(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'shapes.py'), SHAPES_PY);
  writeFileSync(join(dir, 'main.py'), MAIN_PY);
  writeFileSync(join(dir, 'report.py'), REPORT_PY);
  writeFileSync(join(dir, 'area.py'), AREA_PY);
}

// A second instruction whose proposal the test rejects.
export const REJECTED_INSTRUCTION = 'say surface instead of area';
const REPORT_REJECTED_PY = REPORT_EDITED_PY.replace('"shape with area "', '"shape with surface "');

/** An inline-chat answer in the server's edit format, rendered by the server's own code. */
function editAnswer(python, repoRoot, format, oldText, newText) {
  const code = [
    'import json, sys',
    'from completion.cursorcore import edit_to_answer',
    'old, new, fmt = json.load(sys.stdin)',
    'print(edit_to_answer(old, new, fmt), end="")',
  ].join('\n');
  return execFileSync(python, ['-c', code], {
    cwd: repoRoot,
    input: JSON.stringify([oldText, newText, format]),
    encoding: 'utf8',
    timeout: 60000,
  });
}

// An inline-chat conversation of two turns (steps_control.mjs): the follow-up's prompt holds
// both instructions, so its rule comes first.
export const GREET_PY = `def greet(name: str) -> str:
    return "hello " + name
`;
export const GREET_INSTRUCTION = 'shout the greeting';
export const GREET_FOLLOW_UP = 'also end it with an exclamation mark';
export const GREET_SHOUTED_PY = GREET_PY.replace('"hello "', '"HELLO "');
export const GREET_FOLLOWED_PY = GREET_SHOUTED_PY.replace('+ name', '+ name + "!"');

/**
 * Rules of the scripted model: each instruction gets its edit, the comment in area.py its
 * filling, everything else completes the hole of main.py.
 */
export function llmScript({ python, repoRoot, format }) {
  return {
    rules: [
      {
        match: GREET_FOLLOW_UP,
        answer: editAnswer(python, repoRoot, format, GREET_SHOUTED_PY, GREET_FOLLOWED_PY),
      },
      { match: GREET_INSTRUCTION, answer: editAnswer(python, repoRoot, format, GREET_PY, GREET_SHOUTED_PY) },
      { match: INSTRUCTION, answer: editAnswer(python, repoRoot, format, REPORT_PY, REPORT_EDITED_PY) },
      {
        match: REJECTED_INSTRUCTION,
        answer: editAnswer(python, repoRoot, format, REPORT_EDITED_PY, REPORT_REJECTED_PY),
      },
      { match: FILL_MARK, answer: FILLING },
      { match: null, answer: COMPLETION },
    ],
  };
}

export function userSettingsPath(userDataDir) {
  return join(userDataDir, 'User', 'settings.json');
}

export function writeUserSettings(userDataDir, { llmUrl, python, editFormat, ...overrides }) {
  const settings = {
    'holepilot.backend': 'openai',
    'holepilot.baseUrl': llmUrl,
    'holepilot.model': 'scripted-model',
    'holepilot.editFormat': editFormat,
    'holepilot.debounceMs': 0,
    'holepilot.server.pythonPath': python,
    'editor.inlineSuggest.enabled': true,
    'editor.quickSuggestions': { other: false, comments: false, strings: false },
    'editor.suggestOnTriggerCharacters': false,
    'editor.acceptSuggestionOnEnter': 'off',
    'editor.autoClosingBrackets': 'never',
    'editor.autoClosingQuotes': 'never',
    'files.autoSave': 'off',
    'files.trimTrailingWhitespace': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'window.restoreWindows': 'none',
    ...overrides,
  };
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(userSettingsPath(userDataDir), JSON.stringify(settings, null, 2));
}

/** Workspace settings (.vscode/settings.json), which the editor watches as it runs. */
export function writeWorkspaceSettings(workspace, settings) {
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}
