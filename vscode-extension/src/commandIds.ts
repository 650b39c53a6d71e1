// Command ids the extension registers itself. The server advertises some of the same ids
// (holepilot.inlineChat, holepilot.fillHole) through executeCommandProvider; the client must
// not register those again, the extension's commands call the server themselves. Pure.

export const CLIENT_COMMANDS: readonly string[] = [
  'holepilot.inlineChat',
  'holepilot.fillHole',
  'holepilot.showContext',
  'holepilot.doctor',
  'holepilot.restartServer',
  'holepilot.showLog',
  'holepilot.setApiKey',
  'holepilot.clearApiKey',
  'holepilot.acceptEdit',
  'holepilot.rejectEdit',
  'holepilot.didAcceptCompletion',
  'holepilot.nextEdit.goto',
  'holepilot.nextEdit.accept',
  'holepilot.nextEdit.acceptAll',
  'holepilot.nextEdit.dismiss',
  'holepilot.showMenu',
  'holepilot.snooze',
  'holepilot.resume',
  'holepilot.toggleAutomatic',
  'holepilot.toggleAutomaticWorkspace',
  'holepilot.manualOnly',
  'holepilot.stats',
  'holepilot.acceptNextWord',
  'holepilot.acceptNextLine',
  'holepilot.followUp',
  'holepilot.undoTurn',
];

/** Commands the server answers for clients written for Copilot's language server: the Copilot
 * extension registers them in VS Code, so registering them here would clash with it. */
export const FOREIGN_COMMANDS: readonly string[] = ['github.copilot.didAcceptCompletionItem'];

/** The server commands the language client may register as editor commands. */
export function serverCommandsToRegister(commands: readonly string[] | undefined): string[] {
  const own = new Set([...CLIENT_COMMANDS, ...FOREIGN_COMMANDS]);
  return (commands ?? []).filter((command) => !own.has(command));
}
