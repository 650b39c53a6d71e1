// Word-by-word and line-by-line acceptance of ghost text: the editor's own partial-accept
// actions, reported to the server with how much of the suggestion is in the document now.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { reportPartiallyAccepted } from './feedback';
import { insertedText, PartialAccepts } from './partialAccept';

export const PARTIAL_ACCEPTS: Record<string, string> = {
  'holepilot.acceptNextWord': 'editor.action.inlineSuggest.acceptNextWord',
  'holepilot.acceptNextLine': 'editor.action.inlineSuggest.acceptNextLine',
};

export function registerPartialAccepts(
  tracker: PartialAccepts,
  running: () => LanguageClient | undefined,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const accept = async (builtin: string) => {
    const document = vscode.window.activeTextEditor?.document;
    const before = document?.getText();
    await vscode.commands.executeCommand(builtin);
    if (!document || before === undefined) {
      return;
    }
    const inserted = insertedText(before, document.getText());
    const report = inserted ? tracker.accepted(document.uri.toString(), inserted) : undefined;
    if (report) {
      log.debug(`partially accepted ${report.acceptedLength} of ${report.item.insertText.length} characters`);
      await reportPartiallyAccepted(running(), report);
    }
  };
  return [
    ...Object.entries(PARTIAL_ACCEPTS).map(([id, builtin]) => vscode.commands.registerCommand(id, () => accept(builtin))),
    vscode.workspace.onDidCloseTextDocument((document) => tracker.forget(document.uri.toString())),
  ];
}
