// The status bar item: backend · model · last latency, a warning background on errors,
// and a click that opens the log.

import * as vscode from 'vscode';
import { StatusView } from './status';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('holepilot.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'holepilot';
    this.item.command = command;
  }

  show(view: StatusView): void {
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
