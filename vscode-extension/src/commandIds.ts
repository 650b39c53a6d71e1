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
];

/** The server commands the language client may register as editor commands. */
export function serverCommandsToRegister(commands: readonly string[] | undefined): string[] {
  const own = new Set(CLIENT_COMMANDS);
  return (commands ?? []).filter((command) => !own.has(command));
}
