// Next edits in the editor: after the user edits a Python document and pauses, ask the server
// for `holepilot/nextEdits` at the cursor and show the first edit where it applies (its range
// highlighted, the new text and a hint after it, a status bar item). Tab goes to it, Tab again
// accepts it and shows the following one; "Accept all" applies the rest as one undoable edit;
// Escape dismisses. Any other change of a document involved, and every undo, drops them.

import * as vscode from 'vscode';
import { ErrorCodes, LanguageClient, ResponseError } from 'vscode-languageclient/node';
import { errorText, sameUri } from './inlineChat';
import {
  afterApplying,
  AT_CURSOR_CONTEXT,
  DocumentVersions,
  fileName,
  isStale,
  NEXT_EDITS_METHOD,
  NextEdit,
  nextEditHint,
  orderEdits,
  parseNextEdits,
  shiftPosition,
  VISIBLE_CONTEXT,
} from './nextEdits';
import { lineStarts, LspRange, offsetAt } from './textEdits';

/** The pause after the last change before the server is asked. */
export const PAUSE_MS = 500;

interface Proposals {
  origin: string;
  /** In the order offered: the first is the one shown. */
  edits: NextEdit[];
  more: number;
  versions: DocumentVersions;
}

function isPythonSource(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
}

function toRange(range: LspRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function openDocument(uri: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((document) => sameUri(document.uri.toString(), uri));
}

export class NextEdits implements vscode.Disposable {
  private proposals: Proposals | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: vscode.CancellationTokenSource | undefined;
  /** Our own edits in flight: their change events do not invalidate the proposals. */
  private applying = 0;
  /** The client whose server answered that it does not know the request. */
  private unsupportedBy: LanguageClient | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly current: vscode.TextEditorDecorationType;
  private readonly rest: vscode.TextEditorDecorationType;
  private readonly elsewhere: vscode.TextEditorDecorationType;
  private readonly status: vscode.StatusBarItem;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const hintColor = new vscode.ThemeColor('editorCodeLens.foreground');
    this.current = vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
      border: '1px dashed',
      borderColor: new vscode.ThemeColor('editorInfo.foreground'),
      after: { color: hintColor, fontStyle: 'italic' },
      overviewRulerColor: new vscode.ThemeColor('editorInfo.foreground'),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    });
    this.rest = vscode.window.createTextEditorDecorationType({
      border: '1px dotted',
      borderColor: new vscode.ThemeColor('editorInfo.foreground'),
      overviewRulerColor: new vscode.ThemeColor('editorInfo.foreground'),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    });
    this.elsewhere = vscode.window.createTextEditorDecorationType({
      after: { color: hintColor, fontStyle: 'italic' },
    });
    this.status = vscode.window.createStatusBarItem('holepilot.nextEdit', vscode.StatusBarAlignment.Right, 99);
    this.status.name = 'holepilot next edit';
    this.status.command = 'holepilot.nextEdit.goto';
    this.disposables.push(
      this.current,
      this.rest,
      this.elsewhere,
      this.status,
      vscode.workspace.onDidChangeTextDocument((event) => this.changed(event)),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.render()),
      vscode.window.onDidChangeTextEditorSelection(() => void this.updateContext()),
    );
  }

  dispose(): void {
    this.cancel();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }

  private changed(event: vscode.TextDocumentChangeEvent): void {
    const document = event.document;
    const proposals = this.proposals;
    const uri = document.uri.toString();
    // Our own edit (its event may come after applyEdit returned: the version then is the one noted).
    const ours = this.applying > 0 || (proposals?.versions.has(uri) && proposals.versions.isCurrent(uri, document.version));
    if (event.contentChanges.length === 0 || ours) {
      return;
    }
    if (proposals && this.involves(proposals, uri)) {
      void this.dismiss(); // a change that is not ours: the ranges no longer hold
    }
    if (event.reason === vscode.TextDocumentChangeReason.Undo || event.reason === vscode.TextDocumentChangeReason.Redo) {
      this.cancel(); // an undone edit proposes nothing
      void this.dismiss();
      return;
    }
    if (isPythonSource(document) && (this.unsupportedBy === undefined || this.unsupportedBy !== this.client())) {
      this.schedule(document);
    }
  }

  private cancel(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pending?.cancel();
    this.pending?.dispose();
    this.pending = undefined;
  }

  private schedule(document: vscode.TextDocument): void {
    this.cancel();
    const version = document.version;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.ask(document, version);
    }, PAUSE_MS);
  }

  private async ask(document: vscode.TextDocument, version: number): Promise<void> {
    const client = this.client();
    const editor = vscode.window.activeTextEditor;
    if (!client || !editor || editor.document !== document || document.version !== version) {
      return;
    }
    const cursor = editor.selection.active;
    const source = new vscode.CancellationTokenSource();
    this.pending = source;
    let raw: unknown;
    try {
      raw = await client.sendRequest(
        NEXT_EDITS_METHOD,
        {
          textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
          position: client.code2ProtocolConverter.asPosition(cursor),
        },
        source.token,
      );
    } catch (error) {
      if (error instanceof ResponseError && error.code === ErrorCodes.MethodNotFound) {
        this.unsupportedBy = client;
        this.log.warn(`The server does not answer ${NEXT_EDITS_METHOD}: next edits are off until it restarts.`);
      } else if (!source.token.isCancellationRequested) {
        this.log.debug(`${NEXT_EDITS_METHOD}: ${errorText(error)}`);
      }
      return;
    } finally {
      if (this.pending === source) {
        this.pending = undefined;
      }
      source.dispose();
    }
    if (source.token.isCancellationRequested || document.version !== version) {
      return; // the document moved on: a newer request follows
    }
    const answer = parseNextEdits(raw);
    if (answer.malformed > 0) {
      this.log.warn(`${NEXT_EDITS_METHOD}: left out ${answer.malformed} malformed edit(s)`);
    }
    const edits = answer.edits.map((edit) => ({ ...edit, uri: client.protocol2CodeConverter.asUri(edit.uri).toString() }));
    const origin = document.uri.toString();
    const ordered = orderEdits(edits, origin, { line: cursor.line, character: cursor.character }, sameUri);
    const versions = new DocumentVersions();
    versions.set(origin, version);
    const withOldText = await this.withOldText(ordered, versions);
    if (document.version !== version || this.timer !== undefined || this.pending !== undefined) {
      return;
    }
    if (withOldText.length === 0) {
      await this.dismiss();
      return;
    }
    this.log.info(
      `Next edits: ${withOldText.length} proposed${answer.more > 0 ? ` (${answer.more} more left out)` : ''}; ` +
        `first: ${fileName(withOldText[0].uri)}:${withOldText[0].range.start.line + 1} ${withOldText[0].reason}`,
    );
    this.proposals = { origin, edits: withOldText, more: answer.more, versions };
    this.render();
  }

  /** Each edit with the text its range holds now (open documents: their buffer; others: the disk). */
  private async withOldText(edits: NextEdit[], versions: DocumentVersions): Promise<NextEdit[]> {
    const texts = new Map<string, string | undefined>();
    const result: NextEdit[] = [];
    for (const edit of edits) {
      if (!texts.has(edit.uri)) {
        const open = openDocument(edit.uri);
        if (open && !versions.has(edit.uri)) {
          versions.set(edit.uri, open.version);
        }
        texts.set(edit.uri, open ? open.getText() : await this.readDisk(edit.uri));
      }
      const text = texts.get(edit.uri);
      if (text === undefined) {
        this.log.warn(`Next edits: cannot read ${edit.uri}; its edits are left out.`);
        continue;
      }
      result.push({ ...edit, oldText: textIn(text, edit.range) });
    }
    return result;
  }

  private async readDisk(uri: string): Promise<string | undefined> {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
    } catch {
      return undefined;
    }
  }

  /** The text now in the edit's range (re-read: a file may have changed on disk). */
  private async textNow(edit: NextEdit): Promise<string | undefined> {
    const open = openDocument(edit.uri);
    if (open) {
      return open.getText(toRange(edit.range));
    }
    const text = await this.readDisk(edit.uri);
    return text === undefined ? undefined : textIn(text, edit.range);
  }

  private async stillValid(proposals: Proposals, edits: readonly NextEdit[]): Promise<boolean> {
    for (const edit of edits) {
      const open = openDocument(edit.uri);
      const now = await this.textNow(edit);
      if ((open && !proposals.versions.isCurrent(edit.uri, open.version)) || now === undefined || isStale(edit, now)) {
        this.log.info(`Next edits: ${fileName(edit.uri)} changed since they were proposed; dropped them.`);
        void vscode.window.showWarningMessage(
          `holepilot: ${fileName(edit.uri)} changed since the next edits were proposed; they were dropped.`,
        );
        await this.dismiss();
        return false;
      }
    }
    return true;
  }

  /** Tab (first press) or the status bar item: the cursor goes to the edit, opening its file. */
  async goto(): Promise<void> {
    const edit = this.proposals?.edits[0];
    if (!edit) {
      return;
    }
    const range = toRange(edit.range);
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(edit.uri), { preserveFocus: false, preview: false });
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.render();
  }

  /** Tab at the edit: apply it and show the following one. */
  async accept(): Promise<void> {
    const proposals = this.proposals;
    const edit = proposals?.edits[0];
    if (!proposals || !edit || !(await this.stillValid(proposals, [edit]))) {
      return;
    }
    const workspaceEdit = new vscode.WorkspaceEdit();
    workspaceEdit.replace(vscode.Uri.parse(edit.uri), toRange(edit.range), edit.newText);
    if (!(await this.apply(proposals, workspaceEdit, [edit.uri]))) {
      return;
    }
    if (this.proposals !== proposals) {
      return;
    }
    const end = shiftPosition(edit.range.end, edit);
    const editor = vscode.window.activeTextEditor;
    if (editor && sameUri(editor.document.uri.toString(), edit.uri)) {
      editor.selection = new vscode.Selection(end.line, end.character, end.line, end.character);
    }
    const rest = afterApplying(proposals.edits, edit, sameUri);
    if (rest.length === 0) {
      await this.dismiss();
      return;
    }
    proposals.edits = orderEdits(rest, edit.uri, end, sameUri);
    this.render();
  }

  /** Every edit left, as one undoable workspace edit. */
  async acceptAll(): Promise<void> {
    const proposals = this.proposals;
    if (!proposals || proposals.edits.length === 0 || !(await this.stillValid(proposals, proposals.edits))) {
      return;
    }
    const workspaceEdit = new vscode.WorkspaceEdit();
    for (const edit of proposals.edits) {
      workspaceEdit.replace(vscode.Uri.parse(edit.uri), toRange(edit.range), edit.newText);
    }
    const count = proposals.edits.length;
    const files = new Set(proposals.edits.map((edit) => edit.uri)).size;
    if (!(await this.apply(proposals, workspaceEdit, proposals.edits.map((edit) => edit.uri)))) {
      return;
    }
    this.log.info(`Next edits: applied ${count} edit(s) in ${files} file(s) as one edit.`);
    if (proposals.more > 0) {
      void vscode.window.showInformationMessage(
        `holepilot: applied ${count} edits; ${proposals.more} more places were not proposed (too many) and need a look.`,
      );
    }
    await this.dismiss();
  }

  private async apply(proposals: Proposals, workspaceEdit: vscode.WorkspaceEdit, uris: string[]): Promise<boolean> {
    this.applying++;
    let applied = false;
    try {
      applied = await vscode.workspace.applyEdit(workspaceEdit);
    } catch (error) {
      this.log.warn(`Next edits: ${errorText(error)}`);
    } finally {
      this.applying--;
    }
    if (!applied) {
      void vscode.window.showErrorMessage('holepilot: the next edit could not be applied.');
      await this.dismiss();
      return false;
    }
    for (const uri of uris) {
      const document = openDocument(uri);
      if (document) {
        proposals.versions.set(uri, document.version);
      }
    }
    return true;
  }

  async dismiss(): Promise<void> {
    if (!this.proposals && !this.status.text) {
      return;
    }
    this.proposals = undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      editor.setDecorations(this.current, []);
      editor.setDecorations(this.rest, []);
      editor.setDecorations(this.elsewhere, []);
    }
    this.status.hide();
    this.status.text = '';
    await this.updateContext();
  }

  private atCursor(editor: vscode.TextEditor | undefined, edit: NextEdit): boolean {
    if (!editor || !sameUri(editor.document.uri.toString(), edit.uri)) {
      return false;
    }
    return editor.selections.length === 1 && toRange(edit.range).contains(editor.selection);
  }

  private render(): void {
    const proposals = this.proposals;
    const edit = proposals?.edits[0];
    if (!proposals || !edit) {
      return;
    }
    const active = vscode.window.activeTextEditor;
    const hover = new vscode.MarkdownString(
      '[Go to](command:holepilot.nextEdit.goto) · [Accept](command:holepilot.nextEdit.accept) · ' +
        '[Accept all](command:holepilot.nextEdit.acceptAll) · [Dismiss](command:holepilot.nextEdit.dismiss)',
    );
    hover.isTrusted = {
      enabledCommands: ['holepilot.nextEdit.goto', 'holepilot.nextEdit.accept', 'holepilot.nextEdit.acceptAll', 'holepilot.nextEdit.dismiss'],
    };
    for (const editor of vscode.window.visibleTextEditors) {
      const uri = editor.document.uri.toString();
      const here = sameUri(uri, edit.uri);
      const hint = nextEditHint(edit, {
        atCursor: this.atCursor(editor, edit),
        inView: here,
        left: proposals.edits.length,
        more: proposals.more,
      });
      const hintHover = [new vscode.MarkdownString().appendText(hint.tooltip), hover];
      editor.setDecorations(
        this.current,
        here ? [{ range: toRange(edit.range), hoverMessage: hintHover, renderOptions: { after: { contentText: hint.after } } }] : [],
      );
      editor.setDecorations(
        this.rest,
        proposals.edits.slice(1).filter((other) => sameUri(uri, other.uri)).map((other) => ({ range: toRange(other.range) })),
      );
      const line = editor.selection.active.line;
      editor.setDecorations(
        this.elsewhere,
        !here && editor === active && this.involves(proposals, uri)
          ? [{ range: editor.document.lineAt(line).range.with({ start: editor.document.lineAt(line).range.end }), hoverMessage: hintHover, renderOptions: { after: { contentText: hint.after } } }]
          : [],
      );
    }
    const hint = nextEditHint(edit, {
      atCursor: this.atCursor(active, edit),
      inView: true,
      left: proposals.edits.length,
      more: proposals.more,
    });
    this.status.text = hint.status;
    this.status.tooltip = hint.tooltip;
    this.status.accessibilityInformation = { label: `holepilot next edit: ${edit.reason || fileName(edit.uri)}` };
    this.status.show();
    void this.updateContext();
  }

  private involves(proposals: Proposals, uri: string): boolean {
    return sameUri(proposals.origin, uri) || proposals.edits.some((edit) => sameUri(edit.uri, uri));
  }

  private lastContext: [boolean, boolean] | undefined;

  /** The context keys the Tab and Escape keybindings depend on. */
  private async updateContext(): Promise<void> {
    const proposals = this.proposals;
    const edit = proposals?.edits[0];
    const active = vscode.window.activeTextEditor;
    const visible = !!proposals && !!edit && !!active && this.involves(proposals, active.document.uri.toString());
    const atCursor = visible && !!edit && this.atCursor(active, edit);
    if (this.lastContext?.[0] === visible && this.lastContext?.[1] === atCursor) {
      return;
    }
    const wasAtCursor = this.lastContext?.[1];
    this.lastContext = [visible, atCursor];
    await vscode.commands.executeCommand('setContext', VISIBLE_CONTEXT, visible);
    await vscode.commands.executeCommand('setContext', AT_CURSOR_CONTEXT, atCursor);
    if (visible && wasAtCursor !== atCursor) {
      this.render(); // the hint says what Tab does now
    }
  }
}

function textIn(text: string, range: LspRange): string {
  const starts = lineStarts(text);
  return text.slice(offsetAt(text, starts, range.start), offsetAt(text, starts, range.end));
}
