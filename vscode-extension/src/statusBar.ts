// The status bar item: one status at a time (see status.ts displayView), a warning background
// on errors, and a click that opens the menu of controls (the doctor view on a backend error,
// the log while no server runs).

import * as vscode from 'vscode';
import { accessibleLabel, apiKeyLabel, StatusView } from './status';

export const CLICK_COMMANDS: Record<NonNullable<StatusView['click']>, string> = {
  menu: 'holepilot.showMenu',
  doctor: 'holepilot.doctor',
  log: 'holepilot.showLog',
};

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('holepilot.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'holepilot';
    this.item.command = CLICK_COMMANDS.log;
  }

  private apiKey = false;

  /** Whether the running server got an API key; shown in the tooltip and the accessible label. */
  setApiKey(present: boolean): void {
    this.apiKey = present;
  }

  show(view: StatusView): void {
    const keyState = apiKeyLabel(this.apiKey);
    this.item.text = view.text;
    this.item.tooltip = `${view.tooltip}\n${keyState}`;
    this.item.command = CLICK_COMMANDS[view.click ?? 'log'];
    this.item.accessibilityInformation = { label: accessibleLabel(view, this.apiKey) };
    this.item.backgroundColor =
      view.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
