// Inline chat: ask the server for an edit of the selection (or the cursor line), show it as a
// diff against the file, and apply it only when the user accepts.

import * as path from 'path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, WorkspaceEdit as LspWorkspaceEdit } from 'vscode-languageclient/node';
import { applyTextEdits, editsForDocument, LspWorkspaceEdit as PlainWorkspaceEdit, otherDocuments } from './textEdits';
import { VirtualDocuments } from './virtualDocuments';

export const PROPOSAL_SCHEME = 'holepilot-proposal';
const PENDING_CONTEXT = 'holepilot.editPending';

export interface InlineChatResult {
  edit: LspWorkspaceEdit;
  diff?: string;
  diagnostics?: unknown[];
  newText?: string;
}

interface Pending {
  document: vscode.TextDocument;
  version: number;
  proposal: vscode.Uri;
  edit: vscode.WorkspaceEdit;
}

export function sameUri(a: string, b: string): boolean {
  return vscode.Uri.parse(a).toString() === vscode.Uri.parse(b).toString();
}

/** The selection, or the whole cursor line when nothing is selected. */
export function targetRange(editor: vscode.TextEditor): vscode.Range {
  const selection = editor.selection;
  return selection.isEmpty ? editor.document.lineAt(selection.active.line).range : selection;
}

export class InlineChat implements vscode.Disposable {
  private pending: Pending | undefined;
  private counter = 0;
  private readonly proposals = new VirtualDocuments();
  private readonly registration: vscode.Disposable;

  private readonly tabWatch: vscode.Disposable;

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this.proposals);
    // Closing the diff without choosing rejects the proposal.
    this.tabWatch = vscode.window.tabGroups.onDidChangeTabs((event) => {
      const pending = this.pending;
      if (pending && event.closed.some((tab) => isProposalTab(tab, pending.proposal))) {
        void this.clear();
      }
    });
  }

  dispose(): void {
    this.registration.dispose();
    this.tabWatch.dispose();
  }

  async run(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const client = this.client();
    if (!editor || !client) {
      void vscode.window.showWarningMessage(
        editor ? 'holepilot: the server is not running (see "holepilot: Show log").' : 'holepilot: open a Python file first.',
      );
      return;
    }
    const range = targetRange(editor);
    const instruction = await vscode.window.showInputBox({
      title: 'holepilot: inline chat',
      prompt: range.isSingleLine ? 'How should this line change?' : 'How should the selection change?',
      placeHolder: 'e.g. handle an empty list',
      ignoreFocusOut: true,
    });
    if (!instruction?.trim()) {
      return;
    }
    const document = editor.document;
    const version = document.version;
    const result = await this.requestEdit(client, document, range, instruction.trim());
    if (result) {
      await this.preview(client, document, version, result);
    }
  }

  private async requestEdit(
    client: LanguageClient,
    document: vscode.TextDocument,
    range: vscode.Range,
    instruction: string,
  ): Promise<InlineChatResult | undefined> {
    const argument = {
      uri: client.code2ProtocolConverter.asUri(document.uri),
      range: client.code2ProtocolConverter.asRange(range),
      instruction,
      apply: false,
    };
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'holepilot: editing…', cancellable: true },
        (_progress, token) =>
          client.sendRequest(
            ExecuteCommandRequest.type,
            { command: 'holepilot.inlineChat', arguments: [argument] },
            token,
          ) as Promise<InlineChatResult | undefined>,
      );
    } catch (error) {
      void vscode.window.showErrorMessage(`holepilot: inline chat failed: ${errorText(error)}`);
      return undefined;
    }
  }

  private async preview(
    client: LanguageClient,
    document: vscode.TextDocument,
    version: number,
    result: InlineChatResult,
  ): Promise<void> {
    const plain = (result.edit ?? {}) as PlainWorkspaceEdit;
    const uri = client.code2ProtocolConverter.asUri(document.uri);
    const edits = editsForDocument(plain, uri, sameUri);
    if (edits.length === 0) {
      void vscode.window.showInformationMessage('holepilot: no change proposed.');
      return;
    }
    await this.clear();
    const proposal = document.uri.with({ scheme: PROPOSAL_SCHEME, query: `proposal=${++this.counter}` });
    this.proposals.set(proposal, applyTextEdits(document.getText(), edits));
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
    this.pending = { document, version, proposal, edit };
    await vscode.commands.executeCommand('setContext', PENDING_CONTEXT, true);
    const title = `${path.basename(document.uri.path)} ↔ holepilot proposal`;
    await vscode.commands.executeCommand('vscode.diff', document.uri, proposal, title, { preview: true });
    void this.ask(this.pending, proposalSummary(result, otherDocuments(plain, uri, sameUri)));
  }

  private async ask(pending: Pending, summary: string): Promise<void> {
    const choice = await vscode.window.showInformationMessage(summary, 'Accept', 'Reject');
    if (this.pending !== pending) {
      return;
    }
    if (choice === 'Accept') {
      await this.accept();
    } else if (choice === 'Reject') {
      await this.reject();
    }
  }

  async accept(): Promise<void> {
    const pending = this.pending;
    if (!pending) {
      return;
    }
    await this.clear();
    if (pending.document.version !== pending.version) {
      void vscode.window.showWarningMessage('holepilot: the file changed since the proposal; run inline chat again.');
      return;
    }
    if (!(await vscode.workspace.applyEdit(pending.edit))) {
      void vscode.window.showErrorMessage('holepilot: the edit could not be applied.');
      return;
    }
    await vscode.window.showTextDocument(pending.document, { preview: false });
  }

  async reject(): Promise<void> {
    const pending = this.pending;
    await this.clear();
    if (pending) {
      await vscode.window.showTextDocument(pending.document, { preview: false });
    }
  }

  private async clear(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    await vscode.commands.executeCommand('setContext', PENDING_CONTEXT, false);
    if (!pending) {
      return;
    }
    const tabs = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => isProposalTab(tab, pending.proposal));
    await vscode.window.tabGroups.close(tabs);
    this.proposals.delete(pending.proposal);
  }
}

function isProposalTab(tab: vscode.Tab, proposal: vscode.Uri): boolean {
  return tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposal.toString();
}

function proposalSummary(result: InlineChatResult, others: string[]): string {
  const problems = Array.isArray(result.diagnostics) ? result.diagnostics.length : 0;
  const parts = ['holepilot: apply the proposed edit?'];
  if (problems > 0) {
    parts.push(`${problems} problem${problems === 1 ? '' : 's'} remain${problems === 1 ? 's' : ''} in it.`);
  }
  if (others.length > 0) {
    parts.push(`It also changes ${others.length} other file${others.length === 1 ? '' : 's'}.`);
  }
  return parts.join(' ');
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
