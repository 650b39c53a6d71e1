// The controls of automatic suggestions (snooze, resume, on/off globally or per workspace,
// manual-only mode), their menu on the status bar item, and the one status the item shows.

import * as vscode from 'vscode';
import type { WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageclient/node';
import { automaticEffective, MenuState, menuEntries } from './menu';
import { formatRemaining, parseSnoozeLength, Snooze, SNOOZE_LENGTHS, snoozeLabel } from './snooze';
import { ClientState, displayView, StatusParams, StatusView } from './status';
import { StatusBar } from './statusBar';
import { SECTION } from './settings';

/** The server setting that turns automatic suggestions on and off (explicit triggers always work). */
export const AUTOMATIC_SETTING = 'automaticSuggestions';

type Progress = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

export class Controls implements vscode.Disposable {
  readonly snooze = new Snooze();
  private status: StatusParams = { state: 'ok' };
  private offFor: { uri: string; reason: string } | undefined;
  private indexing: ClientState['indexing'];
  private indexingToken: string | number | undefined;
  private fixed: StatusView | undefined; // starting / not running: shown as is
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly statusBar: StatusBar) {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SECTION}.${AUTOMATIC_SETTING}`)) {
          this.render();
        }
      }),
      vscode.commands.registerCommand('holepilot.showMenu', () => this.showMenu()),
      vscode.commands.registerCommand('holepilot.snooze', (length?: unknown) => this.snoozeFor(length)),
      vscode.commands.registerCommand('holepilot.resume', () => this.resume()),
      vscode.commands.registerCommand('holepilot.toggleAutomatic', () => this.toggle(vscode.ConfigurationTarget.Global)),
      vscode.commands.registerCommand('holepilot.toggleAutomaticWorkspace', () =>
        this.toggle(vscode.ConfigurationTarget.Workspace),
      ),
      vscode.commands.registerCommand('holepilot.manualOnly', () => this.manualOnly()),
    ];
  }

  dispose(): void {
    this.stopTicker();
    this.subscriptions.forEach((d) => d.dispose());
  }

  /** A `holepilot/status` notification (or a failed request turned into one). */
  onStatus(status: StatusParams): void {
    this.fixed = undefined;
    if (status.uri) {
      this.offFor = { uri: status.uri, reason: status.reason ?? '' };
    } else {
      this.status = status;
      this.offFor = undefined;
    }
    this.render();
  }

  /** Starting, or not running: no server state to lay anything over. */
  showFixed(view: StatusView): void {
    this.fixed = view;
    this.indexing = undefined;
    this.render();
  }

  /** Work-done progress of the server; an indexing one shows in the item. */
  onProgress(token: string | number, value: Progress): void {
    if (value.kind === 'begin' && /index/i.test(value.title)) {
      this.indexingToken = token;
      this.indexing = { percentage: value.percentage, message: value.message };
    } else if (token === this.indexingToken && value.kind === 'report') {
      this.indexing = { percentage: value.percentage ?? this.indexing?.percentage, message: value.message };
    } else if (token === this.indexingToken && value.kind === 'end') {
      this.indexingToken = undefined;
      this.indexing = undefined;
    } else {
      return;
    }
    this.render();
  }

  render(): void {
    if (this.fixed) {
      this.statusBar.show(this.fixed);
      return;
    }
    const active = vscode.window.activeTextEditor?.document;
    const offHere = this.offFor && active && sameUri(this.offFor.uri, active.uri.toString()) ? this.offFor.reason : undefined;
    const state: ClientState = {
      snoozed: this.snooze.remaining(),
      indexing: this.indexing,
      offForFile: offHere,
      automatic: automaticEffective(this.menuState()),
    };
    this.statusBar.show(displayView(this.status, state, formatRemaining));
    if (state.snoozed !== undefined && state.snoozed !== 'restart') {
      this.startTicker();
    } else {
      this.stopTicker();
    }
  }

  private startTicker(): void {
    this.ticker ??= setInterval(() => this.render(), 1000);
  }

  private stopTicker(): void {
    if (this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private menuState(): MenuState {
    const inspected = vscode.workspace.getConfiguration(SECTION).inspect<boolean>(AUTOMATIC_SETTING);
    return {
      snoozed: this.snooze.remaining(),
      automaticGlobal: inspected?.globalValue ?? inspected?.defaultValue ?? true,
      automaticWorkspace: inspected?.workspaceValue,
      hasWorkspace: (vscode.workspace.workspaceFolders?.length ?? 0) > 0,
    };
  }

  async showMenu(): Promise<void> {
    const entries = menuEntries(this.menuState());
    const picked = await vscode.window.showQuickPick(entries, { title: 'holepilot', placeHolder: 'Control holepilot' });
    if (picked) {
      await vscode.commands.executeCommand(picked.command, ...(picked.args ?? []));
    }
  }

  async snoozeFor(raw?: unknown): Promise<void> {
    let length = parseSnoozeLength(raw);
    if (length !== undefined && typeof length === 'object') {
      void vscode.window.showErrorMessage(length.error);
      return;
    }
    if (length === undefined) {
      const choice = await vscode.window.showQuickPick(
        SNOOZE_LENGTHS.map((value) => ({ label: `Snooze ${snoozeLabel(value)}`, value })),
        { title: 'holepilot: snooze automatic suggestions' },
      );
      if (!choice) {
        return;
      }
      length = choice.value;
    }
    this.snooze.start(length);
    this.render();
  }

  resume(): void {
    this.snooze.resume();
    this.render();
  }

  private async toggle(target: vscode.ConfigurationTarget): Promise<void> {
    const state = this.menuState();
    const config = vscode.workspace.getConfiguration(SECTION);
    if (target === vscode.ConfigurationTarget.Workspace) {
      if (!state.hasWorkspace) {
        void vscode.window.showWarningMessage('holepilot: open a folder to set automatic suggestions for it.');
        return;
      }
      await config.update(AUTOMATIC_SETTING, !automaticEffective(state), target);
    } else {
      await config.update(AUTOMATIC_SETTING, !state.automaticGlobal, target);
    }
  }

  /** Manual-only: automatic suggestions off everywhere (a workspace's "on" removed too); again: on. */
  private async manualOnly(): Promise<void> {
    const state = this.menuState();
    const config = vscode.workspace.getConfiguration(SECTION);
    const automatic = !automaticEffective(state);
    if (state.automaticWorkspace !== undefined) {
      await config.update(AUTOMATIC_SETTING, undefined, vscode.ConfigurationTarget.Workspace);
    }
    await config.update(AUTOMATIC_SETTING, automatic, vscode.ConfigurationTarget.Global);
    if (!automatic) {
      void vscode.window.showInformationMessage('holepilot: manual-only mode; ask for a suggestion with Alt+\\.');
    }
  }
}

function sameUri(a: string, b: string): boolean {
  return vscode.Uri.parse(a).toString() === vscode.Uri.parse(b).toString();
}
