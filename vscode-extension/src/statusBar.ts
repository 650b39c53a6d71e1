// The status bar item: backend · model · last latency, a warning background on errors,
// and a click that opens the log.

import * as vscode from 'vscode';
import { accessibleLabel, apiKeyLabel, StatusView } from './status';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('holepilot.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'holepilot';
    this.item.command = command;
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
    this.item.accessibilityInformation = { label: accessibleLabel(view, this.apiKey) };
    this.item.backgroundColor =
      view.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
