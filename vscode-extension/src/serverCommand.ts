// How the language server is started, and what to tell the user when it cannot be.
// Pure: no `vscode` import, so node's test runner covers it.

export const API_KEY_ENV = 'HOLEPILOT_API_KEY';
export const SERVER_MODULE = 'lsp_server';
export const DEFAULT_PYTHON = 'python3';

export interface ServerConfig {
  /** `holepilot.server.pythonPath`: the interpreter that has holepilot installed. */
  pythonPath?: string;
  /** `holepilot.server.command`: a whole command line as an array, wins over pythonPath. */
  command?: readonly string[];
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** Which setting produced the command, for messages. */
  source: 'holepilot.server.command' | 'holepilot.server.pythonPath' | 'default';
  /** The interpreter to install holepilot into, when the command is a python. */
  python?: string;
}

export interface PathVariables {
  workspaceFolder?: string;
  home?: string;
}

/** `${workspaceFolder}`, `${userHome}` and a leading `~/` in a setting, as VS Code users write them. */
export function expandVariables(value: string, vars: PathVariables): string {
  let out = value.replace(/\$\{(workspaceFolder|userHome)\}/g, (whole, name: string) => {
    const replacement = name === 'workspaceFolder' ? vars.workspaceFolder : vars.home;
    return replacement ?? whole;
  });
  if (vars.home && (out === '~' || out.startsWith('~/'))) {
    out = vars.home + out.slice(1);
  }
  return out;
}

export function resolveServerCommand(config: ServerConfig, vars: PathVariables = {}): ServerCommand {
  const command = (config.command ?? [])
    .filter((part) => part.trim() !== '')
    .map((part) => expandVariables(part, vars));
  if (command.length > 0) {
    const [head, ...args] = command;
    return { command: head, args, source: 'holepilot.server.command' };
  }
  const pythonPath = config.pythonPath?.trim() ? expandVariables(config.pythonPath.trim(), vars) : undefined;
  if (pythonPath) {
    return {
      command: pythonPath,
      args: ['-m', SERVER_MODULE],
      source: 'holepilot.server.pythonPath',
      python: pythonPath,
    };
  }
  return { command: DEFAULT_PYTHON, args: ['-m', SERVER_MODULE], source: 'default', python: DEFAULT_PYTHON };
}

/** The environment of the spawned server: the editor's own, plus the stored API key if any. */
export function serverEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  apiKey: string | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined) {
      env[name] = value;
    }
  }
  if (apiKey) {
    env[API_KEY_ENV] = apiKey;
  }
  return env;
}

export function formatCommandLine(command: ServerCommand): string {
  return [command.command, ...command.args].map(quoteArg).join(' ');
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface StartFailure {
  /** Spawn error code, e.g. ENOENT, if the process never ran. */
  errorCode?: string;
  /** The error message of the failed start. */
  errorMessage?: string;
  /** The last lines the server wrote on stderr. */
  stderrTail?: string;
  exitCode?: number | null;
}

export interface FailureAdvice {
  message: string;
  fix: string;
}

/** Turns a failed start into one sentence of what went wrong and one of how to fix it. */
export function adviseOnStartFailure(command: ServerCommand, failure: StartFailure): FailureAdvice {
  const line = formatCommandLine(command);
  const python = command.python;
  const stderr = failure.stderrTail ?? '';
  const setting =
    command.source === 'holepilot.server.command' ? 'holepilot.server.command' : 'holepilot.server.pythonPath';
  if (failure.errorCode === 'ENOENT' || failure.errorCode === 'EACCES') {
    return {
      message: `holepilot: cannot run '${command.command}' (${failure.errorCode}).`,
      fix: python
        ? `Set ${setting} to a Python that exists and has holepilot installed (pip install holepilot).`
        : `Set ${setting} to a command that exists.`,
    };
  }
  if (/No module named '?(lsp_server|completion|context)'?/.test(stderr) && python) {
    return {
      message: `holepilot: the language server is not installed in ${python}.`,
      fix: `Run "${python} -m pip install holepilot", or set holepilot.server.pythonPath to a Python that has it.`,
    };
  }
  const missing = /No module named '?([\w.]+)'?/.exec(stderr);
  if (missing && python) {
    return {
      message: `holepilot: the server in ${python} misses the module '${missing[1]}'.`,
      fix: `Run "${python} -m pip install --upgrade holepilot" to install its dependencies.`,
    };
  }
  const detail = lastLine(stderr) || failure.errorMessage || exitDetail(failure.exitCode);
  return {
    message: `holepilot: the language server (${line}) failed to start${detail ? `: ${detail}` : '.'}`,
    fix: python
      ? `Check the log; "${python} -m pip install --upgrade holepilot" fixes a broken install.`
      : `Check the log and ${setting}.`,
  };
}

function exitDetail(exitCode: number | null | undefined): string {
  return exitCode === undefined || exitCode === null ? '' : `exit code ${exitCode}`;
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return lines.length > 0 ? lines[lines.length - 1] : '';
}

/** Keeps the last `limit` characters of a stream, for error messages. */
export class TailBuffer {
  private text = '';

  constructor(private readonly limit = 4000) {}

  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }

  toString(): string {
    return this.text;
  }
}

/**
 * The log level of a line the server wrote on stderr. The server sends its INFO records as
 * window/logMessage too, so those stay at debug here; anything else (warnings, errors,
 * tracebacks, output of a server that never started) is a warning.
 */
export function stderrLevel(line: string): 'debug' | 'warn' {
  return /^\S+ \S+ (DEBUG|INFO) /.test(line) ? 'debug' : 'warn';
}
