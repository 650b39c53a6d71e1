// "Fill hole", "Show context at cursor", the doctor and the acceptance statistics: one request
// each to the server.

import * as path from 'path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, WorkspaceEdit as LspWorkspaceEdit } from 'vscode-languageclient/node';
import { renderContextMarkdown } from './contextView';
import { renderDoctorMarkdown } from './doctorView';
import { renderStatsMarkdown } from './statsView';
import { errorText } from './inlineChat';
import { VirtualDocuments } from './virtualDocuments';

export const CONTEXT_SCHEME = 'holepilot-context';

interface FillHoleResult {
  edit: LspWorkspaceEdit;
  text: string;
}

function cursorParams(client: LanguageClient, editor: vscode.TextEditor) {
  return {
    textDocument: { uri: client.code2ProtocolConverter.asUri(editor.document.uri) },
    position: client.code2ProtocolConverter.asPosition(editor.selection.active),
  };
}

function ready(client: LanguageClient | undefined): { client: LanguageClient; editor: vscode.TextEditor } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('holepilot: open a Python file first.');
    return undefined;
  }
  if (!client) {
    void vscode.window.showWarningMessage('holepilot: the server is not running (see "holepilot: Show log").');
    return undefined;
  }
  return { client, editor };
}

export async function fillHole(running: LanguageClient | undefined): Promise<void> {
  const target = ready(running);
  if (!target) {
    return;
  }
  const { client, editor } = target;
  const { textDocument, position } = cursorParams(client, editor);
  try {
    const result = (await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'holepilot: filling the hole' },
      () =>
        client.sendRequest(ExecuteCommandRequest.type, {
          command: 'holepilot.fillHole',
          arguments: [{ uri: textDocument.uri, position, apply: false }],
        }),
    )) as FillHoleResult | undefined;
    if (!result?.edit || !result.text) {
      void vscode.window.showInformationMessage('holepilot: no completion for this hole.');
      return;
    }
    await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(result.edit));
  } catch (error) {
    void vscode.window.showErrorMessage(`holepilot: fill hole failed: ${errorText(error)}`);
  }
}

export async function showContext(running: LanguageClient | undefined, documents: VirtualDocuments): Promise<void> {
  const target = ready(running);
  if (!target) {
    return;
  }
  const { client, editor } = target;
  const params = cursorParams(client, editor);
  let context: unknown;
  try {
    context = await client.sendRequest('holepilot/context', params);
  } catch (error) {
    void vscode.window.showErrorMessage(`holepilot: no context: ${errorText(error)}`);
    return;
  }
  const name = path.basename(editor.document.uri.path);
  const line = params.position.line + 1;
  const title = `holepilot context — ${name}:${line}`;
  const relativize = (file: string) => vscode.workspace.asRelativePath(file, false);
  await showMarkdown(documents, `${name}-${line}.md`, renderContextMarkdown(context, title, relativize));
}

/** Shows a markdown text read-only beside the editor. */
async function showMarkdown(documents: VirtualDocuments, name: string, text: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: CONTEXT_SCHEME, path: `/${name}` });
  documents.set(uri, text);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(document, 'markdown');
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

export async function showDoctor(
  running: LanguageClient | undefined,
  documents: VirtualDocuments,
  serverCommand: string,
): Promise<void> {
  if (!running) {
    void vscode.window.showWarningMessage(
      `holepilot: the server (${serverCommand}) is not running; "holepilot: Show log" tells why.`,
    );
    return;
  }
  try {
    const result = await running.sendRequest(ExecuteCommandRequest.type, { command: 'holepilot.doctor', arguments: [] });
    await showMarkdown(documents, 'holepilot-doctor.md', renderDoctorMarkdown(result, serverCommand));
  } catch (error) {
    void vscode.window.showErrorMessage(`holepilot: doctor failed: ${errorText(error)}`);
  }
}

export async function showStats(running: LanguageClient | undefined, documents: VirtualDocuments): Promise<void> {
  if (!running) {
    void vscode.window.showWarningMessage('holepilot: the server is not running (see "holepilot: Show log").');
    return;
  }
  try {
    const result = await running.sendRequest(ExecuteCommandRequest.type, { command: 'holepilot.stats', arguments: [] });
    await showMarkdown(documents, 'holepilot-stats.md', renderStatsMarkdown(result));
  } catch (error) {
    void vscode.window.showErrorMessage(`holepilot: statistics failed: ${errorText(error)}`);
  }
}
