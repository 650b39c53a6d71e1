// Inline chat: ask the server for an edit of the selection (or the cursor line), show it as a
// diff against the file, and apply it only when the user accepts. A follow-up continues the
// same conversation (its id comes back with each proposal) and updates the diff; "undo turn"
// goes back one proposal; rejecting drops every turn.

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
  /** The conversation the proposal belongs to; a follow-up passes it back. */
  conversationId?: string;
  /** True when the server could not continue the conversation asked for and began a new one. */
  newConversation?: boolean;
  /** What the server wants said about the answer (e.g. why a new conversation began). */
  note?: string;
}

/** One turn of the conversation: an instruction and the proposal it got. */
interface Turn {
  instruction: string;
  result: InlineChatResult;
  text: string; // the whole document as the proposal would make it
  edit: vscode.WorkspaceEdit;
}

interface Pending {
  document: vscode.TextDocument;
  version: number;
  range: vscode.Range;
  proposal: vscode.Uri;
  turns: Turn[];
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

  /** A new conversation on the selection; with a proposal pending, a follow-up on it. */
  async run(): Promise<void> {
    if (this.pending) {
      await this.followUp();
      return;
    }
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
    await this.converse(client, editor.document, range, instruction.trim(), undefined);
  }

  /** Continues the conversation of the pending proposal: the diff shows the new proposal. */
  async followUp(): Promise<void> {
    const pending = this.pending;
    const client = this.client();
    if (!pending) {
      await this.run();
      return;
    }
    if (!client) {
      void vscode.window.showWarningMessage('holepilot: the server is not running (see "holepilot: Show log").');
      return;
    }
    const instruction = await vscode.window.showInputBox({
      title: `holepilot: inline chat, turn ${pending.turns.length + 1}`,
      prompt: 'Follow up on the proposal (Escape in the diff rejects all of it)',
      placeHolder: 'e.g. also handle None',
      ignoreFocusOut: true,
    });
    if (!instruction?.trim() || this.pending !== pending) {
      return;
    }
    const { document, range } = pending;
    if (document.version !== pending.version) {
      await this.clear();
      void vscode.window.showInformationMessage(
        'holepilot: the file changed under the proposal; starting a new conversation.',
      );
      await this.converse(client, document, range, instruction.trim(), undefined);
      return;
    }
    await this.converse(client, document, range, instruction.trim(), pending);
  }

  /** Goes back one turn: the previous proposal again (the first turn undone: no proposal). */
  async undoTurn(): Promise<void> {
    const pending = this.pending;
    if (!pending) {
      return;
    }
    if (pending.turns.length <= 1) {
      await this.reject();
      return;
    }
    pending.turns.pop();
    const turn = pending.turns[pending.turns.length - 1];
    this.proposals.set(pending.proposal, turn.text);
    void this.ask(pending);
  }

  private async converse(
    client: LanguageClient,
    document: vscode.TextDocument,
    range: vscode.Range,
    instruction: string,
    pending: Pending | undefined,
  ): Promise<void> {
    const version = document.version;
    const conversationId = pending?.turns[pending.turns.length - 1].result.conversationId;
    const result = await this.requestEdit(client, document, range, instruction, conversationId, pending?.turns.length);
    if (!result || (pending && this.pending !== pending)) {
      return;
    }
    if (result.note) {
      void vscode.window.showInformationMessage(`holepilot: ${result.note}`);
    }
    const plain = (result.edit ?? {}) as PlainWorkspaceEdit;
    const uri = client.code2ProtocolConverter.asUri(document.uri);
    const edits = editsForDocument(plain, uri, sameUri);
    if (edits.length === 0) {
      void vscode.window.showInformationMessage('holepilot: no change proposed.');
      return;
    }
    const turn: Turn = {
      instruction,
      result,
      text: applyTextEdits(document.getText(), edits),
      edit: await client.protocol2CodeConverter.asWorkspaceEdit(result.edit),
    };
    if (pending) {
      if (result.newConversation) {
        pending.turns = []; // the server kept none of the earlier turns
      }
      pending.turns.push(turn);
      this.proposals.set(pending.proposal, turn.text);
      void this.ask(pending, otherDocuments(plain, uri, sameUri));
      return;
    }
    await this.clear();
    const proposal = document.uri.with({ scheme: PROPOSAL_SCHEME, query: `proposal=${++this.counter}` });
    this.proposals.set(proposal, turn.text);
    const started: Pending = { document, version, range, proposal, turns: [turn] };
    this.pending = started;
    await vscode.commands.executeCommand('setContext', PENDING_CONTEXT, true);
    const title = `${path.basename(document.uri.path)} ↔ holepilot proposal`;
    await vscode.commands.executeCommand('vscode.diff', document.uri, proposal, title, { preview: true });
    void this.ask(started, otherDocuments(plain, uri, sameUri));
  }

  private async requestEdit(
    client: LanguageClient,
    document: vscode.TextDocument,
    range: vscode.Range,
    instruction: string,
    conversationId: string | undefined,
    turns: number | undefined,
  ): Promise<InlineChatResult | undefined> {
    const argument = {
      uri: client.code2ProtocolConverter.asUri(document.uri),
      range: client.code2ProtocolConverter.asRange(range),
      instruction,
      apply: false,
      ...(conversationId ? { conversationId, turns } : {}),
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

  private async ask(pending: Pending, others: string[] = []): Promise<void> {
    const turns = pending.turns.length;
    const turn = pending.turns[turns - 1];
    const choices = ['Accept', 'Follow up…', ...(turns > 1 ? ['Undo turn'] : []), 'Reject'];
    const choice = await vscode.window.showInformationMessage(proposalSummary(turn.result, others, turns), ...choices);
    if (this.pending !== pending || pending.turns[pending.turns.length - 1] !== turn) {
      return; // answered by a key or a newer turn
    }
    if (choice === 'Accept') {
      await this.accept();
    } else if (choice === 'Follow up…') {
      await this.followUp();
    } else if (choice === 'Undo turn') {
      await this.undoTurn();
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
    if (!(await vscode.workspace.applyEdit(pending.turns[pending.turns.length - 1].edit))) {
      void vscode.window.showErrorMessage('holepilot: the edit could not be applied.');
      return;
    }
    await vscode.window.showTextDocument(pending.document, { preview: false });
  }

  /** Rejects the proposal and every turn of its conversation. */
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

function proposalSummary(result: InlineChatResult, others: string[], turns: number): string {
  const problems = Array.isArray(result.diagnostics) ? result.diagnostics.length : 0;
  const parts = [turns > 1 ? `holepilot: apply the proposed edit (turn ${turns})?` : 'holepilot: apply the proposed edit?'];
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
