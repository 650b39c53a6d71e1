// The language client's lifecycle: start, restart, stop, and a clear message when the server
// cannot run. Configuration is sent as initializationOptions and on every change.

import { homedir } from 'os';
import { createInterface } from 'readline';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  CancellationToken,
  DynamicFeature,
  ErrorCodes,
  LSPErrorCodes,
  MessageSignature,
  ResponseError,
  ExecuteCommandRegistrationOptions,
  ExecuteCommandRequest,
  RegistrationData,
  StaticFeature,
  State,
  ProgressToken,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
  WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import { serverCommandsToRegister } from './commandIds';
import { FeedbackHooks, feedbackMiddleware } from './feedback';
import {
  adviseOnStartFailure,
  FailureAdvice,
  formatCommandLine,
  resolveServerCommand,
  ServerCommand,
  serverEnvironment,
  stderrLevel,
} from './serverCommand';
import { checkServerImport, ensureStopped, SpawnedServer, spawnServer } from './serverProcess';
import { collectServerSettings, SECTION, serverSettingKeys, withoutClientOnly } from './settings';
import { parseStatus, StatusParams } from './status';
import { readApiKey } from './secrets';

const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 3 * 60 * 1000;

export interface ClientEvents {
  onStatus(status: StatusParams): void;
  onStarting(apiKey: boolean): void;
  onFailed(advice: FailureAdvice): void;
  onRequestFailed(method: string, message: string): void;
  onProgress(token: ProgressToken, value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd): void;
  feedback: FeedbackHooks;
}

/** A language client that leaves the extension's own command ids to the extension. */
class HoleLanguageClient extends LanguageClient {
  override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    if ('registrationType' in feature && feature.registrationType.method === ExecuteCommandRequest.method) {
      const commands = feature as DynamicFeature<ExecuteCommandRegistrationOptions>;
      const register = commands.register.bind(commands);
      commands.register = (data: RegistrationData<ExecuteCommandRegistrationOptions>) =>
        register({
          ...data,
          registerOptions: { ...data.registerOptions, commands: serverCommandsToRegister(data.registerOptions.commands) },
        });
    }
    super.registerFeature(feature);
  }

  /** Set after construction; told about every failed request, which never pops up on its own. */
  onRequestFailure: ((method: string, message: string) => void) | undefined;

  override handleFailedRequest<T>(
    type: MessageSignature,
    token: CancellationToken | undefined,
    error: unknown,
    defaultValue: T,
    _showNotification?: boolean,
    throwOnCancel?: boolean,
  ): T {
    if (error instanceof ResponseError && !QUIET_ERRORS.has(error.code)) {
      this.onRequestFailure?.(type.method, error.message);
    }
    return super.handleFailedRequest(type, token, error, defaultValue, false, throwOnCancel);
  }
}

// Cancellations, edits racing a request and a closing connection are not failures worth showing.
const QUIET_ERRORS = new Set<number>([
  ErrorCodes.PendingResponseRejected,
  ErrorCodes.ConnectionInactive,
  LSPErrorCodes.RequestCancelled,
  LSPErrorCodes.ServerCancelled,
  LSPErrorCodes.ContentModified,
]);

export class HoleClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private server: SpawnedServer | undefined;
  private command: ServerCommand | undefined;
  private crashes: number[] = [];
  private readonly keys: string[];
  private transition: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly events: ClientEvents,
  ) {
    this.keys = serverSettingKeys(context.extension.packageJSON);
  }

  /** The running client, or undefined with the reason shown to the user. */
  get running(): LanguageClient | undefined {
    return this.client?.state === State.Running ? this.client : undefined;
  }

  start(): Promise<void> {
    return this.serialize(() => this.doStart());
  }

  restart(): Promise<void> {
    return this.serialize(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  stop(): Promise<void> {
    return this.serialize(() => this.doStop());
  }

  dispose(): void {
    void this.stop();
  }

  /** The command line of the current (or next) server, for messages. */
  commandLine(): string {
    return formatCommandLine(this.command ?? resolveServerCommand({}));
  }

  serverSettings(): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration(SECTION);
    return collectServerSettings(this.keys, (name) => config.get(name));
  }

  async sendConfiguration(): Promise<void> {
    const client = this.running;
    if (client) {
      this.log.info('Settings changed; sending them to the server.');
      await client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { [SECTION]: this.serverSettings() },
      });
    }
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step, step);
    return this.transition;
  }

  private async doStart(): Promise<void> {
    const config = vscode.workspace.getConfiguration(`${SECTION}.server`);
    const command = resolveServerCommand(
      { pythonPath: config.get<string>('pythonPath'), command: config.get<string[]>('command') },
      { workspaceFolder: workspaceDir(), home: homedir() },
    );
    this.command = command;
    const apiKey = await readApiKey(this.context.secrets);
    this.events.onStarting(apiKey !== undefined);
    this.log.info(`Starting the server: ${formatCommandLine(command)} (API key ${apiKey ? 'set' : 'not set'})`);
    if (command.python) {
      const env = serverEnvironment(process.env, apiKey);
      const failure = await checkServerImport(command.python, env, workspaceDir());
      if (failure) {
        this.fail(adviseOnStartFailure(command, failure));
        return;
      }
    }
    const client = new HoleLanguageClient('holepilot', 'holepilot', () => this.spawn(command, apiKey), this.options());
    client.onNotification('holepilot/status', (raw: unknown) => this.events.onStatus(parseStatus(raw)));
    // A restart after a crash starts the client again: the item says so until the new server reports.
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Starting) {
        this.events.onStarting(apiKey !== undefined);
      }
    });
    client.onRequestFailure = (method, message) => {
      this.log.warn(`${method} failed: ${message}`);
      this.events.onRequestFailed(method, message);
    };
    this.client = client;
    try {
      await client.start();
      this.log.info('The server is running.');
    } catch (error) {
      await this.reportStartFailure(command, error);
    }
  }

  private async spawn(command: ServerCommand, apiKey: string | undefined) {
    this.server = await spawnServer(command, serverEnvironment(process.env, apiKey), workspaceDir());
    const server = this.server;
    void server.exited.then((code) => this.log.info(`The server process exited (code ${code}).`));
    return server.process;
  }

  private async reportStartFailure(command: ServerCommand, error: unknown): Promise<void> {
    const server = this.server;
    const exitCode = server ? await Promise.race([server.exited, delay(1000, undefined)]) : undefined;
    const err = error as NodeJS.ErrnoException | undefined;
    const advice = adviseOnStartFailure(command, {
      errorCode: typeof err?.code === 'string' ? err.code : undefined,
      errorMessage: err?.message,
      stderrTail: server?.stderr.toString(),
      exitCode,
    });
    await this.doStop();
    this.fail(advice);
  }

  private fail(advice: FailureAdvice): void {
    this.log.error(`${advice.message} ${advice.fix}`);
    this.events.onFailed(advice);
    void vscode.window
      .showErrorMessage(`${advice.message} ${advice.fix}`, 'Open settings', 'Show log', 'Restart')
      .then((choice) => {
        if (choice === 'Open settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'holepilot.server');
        } else if (choice === 'Show log') {
          this.log.show(true);
        } else if (choice === 'Restart') {
          void this.restart();
        }
      });
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    const server = this.server;
    this.client = undefined;
    this.server = undefined;
    if (client && client.state !== State.Stopped && client.state !== State.StartFailed) {
      try {
        await client.stop(3000);
      } catch (error) {
        this.log.warn(`Stopping the server: ${String(error)}`);
      }
    }
    if (server) {
      await ensureStopped(server);
    }
  }

  private options(): LanguageClientOptions {
    return {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'untitled', language: 'python' },
      ],
      outputChannel: this.log,
      stdioOptions: {
        // Only used by servers that are not spoken to over stdio; the default handling.
        stdout: (input, channel) => createInterface({ input, crlfDelay: Infinity }).on('line', (line) => channel.info(line)),
        stderr: (input, channel) =>
          createInterface({ input, crlfDelay: Infinity }).on('line', (line) => channel[stderrLevel(line)](line)),
      },
      initializationOptions: () => this.serverSettings(),
      // A failed initialize is reported once, by reportStartFailure, with its fix.
      initializationFailedHandler: () => false,
      errorHandler: {
        error: (_error, _message, count): ErrorHandlerResult => ({
          action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
          handled: true,
        }),
        closed: () => this.onClosed(),
      },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value, i) => (params.items[i]?.section === SECTION ? withoutClientOnly(value) : value));
          },
        },
        handleWorkDoneProgress: (token, params, next) => {
          this.events.onProgress(token, params);
          next(token, params);
        },
        ...feedbackMiddleware(() => this.running, this.events.feedback),
      },
    };
  }

  /** The connection closed: restart a crashed server a few times, then explain and give up. */
  private onClosed(): CloseHandlerResult {
    if (this.client?.state !== State.Running) {
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.crashes.length <= MAX_CRASHES) {
      this.log.warn(`The server stopped unexpectedly; restarting (${this.crashes.length}/${MAX_CRASHES}).`);
      return { action: CloseAction.Restart, handled: true };
    }
    const command = this.command ?? resolveServerCommand({});
    const advice = adviseOnStartFailure(command, { stderrTail: this.server?.stderr.toString() });
    this.fail({ message: `holepilot: the server crashed ${this.crashes.length} times in 3 minutes.`, fix: advice.fix });
    return { action: CloseAction.DoNotRestart, handled: true };
  }
}

function workspaceDir(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}
