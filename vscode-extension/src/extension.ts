// Entry point: wires the language client, the status bar and the commands together.

import * as vscode from 'vscode';
import { registerPartialAccepts } from './acceptCommands';
import { HoleClient } from './client';
import { Controls } from './controls';
import { ACCEPT_COMMAND, CompletionFeedback, reportAccepted } from './feedback';
import { CONTEXT_SCHEME, fillHole, showContext, showDoctor, showStats } from './holeCommands';
import { PartialAccepts } from './partialAccept';
import { VirtualDocuments } from './virtualDocuments';
import { InlineChat } from './inlineChat';
import { NextEdits } from './nextEditsView';
import { clearApiKey, promptForApiKey } from './secrets';
import { needsRestart, SECTION } from './settings';
import { failedRequestStatus, failedView, startingView, StatusParams } from './status';
import { StatusBar } from './statusBar';

let holeClient: HoleClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('holepilot', { log: true });
  const statusBar = new StatusBar();
  const controls = new Controls(statusBar);
  const partialAccepts = new PartialAccepts();
  let lastStatus: StatusParams = { state: 'ok' };
  const client = new HoleClient(context, log, {
    onStarting: (apiKey) => {
      statusBar.setApiKey(apiKey);
      controls.showFixed(startingView());
    },
    onStatus: (status) => {
      lastStatus = status.uri ? lastStatus : status;
      controls.onStatus(status);
    },
    onRequestFailed: (method, message) => controls.onStatus(failedRequestStatus(lastStatus, method, message)),
    onFailed: (advice) => controls.showFixed(failedView(`${advice.message} ${advice.fix}`)),
    onProgress: (token, value) => controls.onProgress(token, value),
    feedback: {
      holdAutomatic: () => controls.snooze.active,
      shown: (document, position, items) => partialAccepts.record(document.toString(), position, items),
    },
  });
  holeClient = client;
  const running = () => client.running;
  const inlineChat = new InlineChat(running);
  const nextEdits = new NextEdits(running, log);
  const contexts = new VirtualDocuments();
  const command = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  context.subscriptions.push(
    log,
    statusBar,
    controls,
    client,
    inlineChat,
    ...registerPartialAccepts(partialAccepts, running, log),
    vscode.workspace.registerTextDocumentContentProvider(CONTEXT_SCHEME, contexts),
    command('holepilot.inlineChat', () => inlineChat.run()),
    command('holepilot.acceptEdit', () => inlineChat.accept()),
    command('holepilot.rejectEdit', () => inlineChat.reject()),
    nextEdits,
    command('holepilot.nextEdit.goto', () => nextEdits.goto()),
    command('holepilot.nextEdit.accept', () => nextEdits.accept()),
    command('holepilot.nextEdit.acceptAll', () => nextEdits.acceptAll()),
    command('holepilot.nextEdit.dismiss', () => nextEdits.dismiss()),
    command('holepilot.followUp', () => inlineChat.followUp()),
    command('holepilot.undoTurn', () => inlineChat.undoTurn()),
    command('holepilot.stats', () => showStats(running(), contexts)),
    command('holepilot.fillHole', () => fillHole(running())),
    command('holepilot.showContext', () => showContext(running(), contexts)),
    command('holepilot.doctor', () => showDoctor(running(), contexts, client.commandLine())),
    command('holepilot.restartServer', () => client.restart()),
    command('holepilot.showLog', () => log.show(true)),
    command('holepilot.setApiKey', async () => {
      if (await promptForApiKey(context.secrets)) {
        log.info('The API key changed; restarting the server.');
        await client.restart();
      }
    }),
    command('holepilot.clearApiKey', async () => {
      await clearApiKey(context.secrets);
      log.info('The API key was cleared; restarting the server.');
      await client.restart();
    }),
    command(ACCEPT_COMMAND, (feedback: CompletionFeedback) => reportAccepted(running(), feedback)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (needsRestart((section) => event.affectsConfiguration(section))) {
        void client.restart();
      } else if (event.affectsConfiguration(SECTION)) {
        void client.sendConfiguration();
      }
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await holeClient?.stop();
  holeClient = undefined;
}
