// Entry point: wires the language client, the status bar and the commands together.

import * as vscode from 'vscode';
import { HoleClient } from './client';
import { ACCEPT_COMMAND, CompletionFeedback, reportAccepted } from './feedback';
import { CONTEXT_SCHEME, fillHole, showContext, showDoctor } from './holeCommands';
import { VirtualDocuments } from './virtualDocuments';
import { InlineChat } from './inlineChat';
import { clearApiKey, promptForApiKey } from './secrets';
import { needsRestart, SECTION } from './settings';
import { failedRequestStatus, failedView, startingView, StatusParams, statusView } from './status';
import { StatusBar } from './statusBar';

let holeClient: HoleClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('holepilot', { log: true });
  const statusBar = new StatusBar('holepilot.showLog');
  let lastStatus: StatusParams = { state: 'ok' };
  const client = new HoleClient(context, log, {
    onStarting: (apiKey) => {
      statusBar.setApiKey(apiKey);
      statusBar.show(startingView());
    },
    onStatus: (status) => {
      lastStatus = status;
      statusBar.show(statusView(status));
    },
    onRequestFailed: (method, message) =>
      statusBar.show(statusView(failedRequestStatus(lastStatus, method, message))),
    onFailed: (advice) => statusBar.show(failedView(`${advice.message} ${advice.fix}`)),
  });
  holeClient = client;
  const running = () => client.running;
  const inlineChat = new InlineChat(running);
  const contexts = new VirtualDocuments();
  const command = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  context.subscriptions.push(
    log,
    statusBar,
    client,
    inlineChat,
    vscode.workspace.registerTextDocumentContentProvider(CONTEXT_SCHEME, contexts),
    command('holepilot.inlineChat', () => inlineChat.run()),
    command('holepilot.acceptEdit', () => inlineChat.accept()),
    command('holepilot.rejectEdit', () => inlineChat.reject()),
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
