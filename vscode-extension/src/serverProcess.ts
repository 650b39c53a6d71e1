// Spawning the server process: resolves once it runs, rejects with the spawn error otherwise,
// and keeps the tail of its stderr so that a failed start can be explained.

import { ChildProcess, execFile, spawn } from 'child_process';
import { SERVER_MODULE, ServerCommand, StartFailure, TailBuffer } from './serverCommand';

export interface SpawnedServer {
  process: ChildProcess;
  stderr: TailBuffer;
  /** Resolves with the exit code (or null after a signal) when the process ends. */
  exited: Promise<number | null>;
}

export function spawnServer(
  command: ServerCommand,
  env: Record<string, string>,
  cwd: string | undefined,
): Promise<SpawnedServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.command, command.args, { env, cwd, stdio: 'pipe', windowsHide: true });
    const stderr = new TailBuffer();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => stderr.append(chunk));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.once('error', reject);
    child.once('spawn', () => {
      child.removeListener('error', reject);
      // Later errors (e.g. EPIPE after the server died) surface through the exit instead.
      child.on('error', () => undefined);
      resolve({ process: child, stderr, exited });
    });
  });
}

/** Ends the process if it is still alive after `graceMs`: stop() asks politely first. */
export async function ensureStopped(server: SpawnedServer, graceMs = 2000): Promise<void> {
  if (server.process.exitCode !== null || server.process.signalCode !== null) {
    return;
  }
  const timer = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), graceMs).unref());
  if ((await Promise.race([server.exited, timer])) === 'timeout') {
    server.process.kill('SIGKILL');
    await server.exited;
  }
}

/**
 * Checks that the interpreter runs and can import the server package, so that a missing install
 * is reported with its fix instead of as a broken connection. Undefined when all is well.
 */
export function checkServerImport(
  python: string,
  env: Record<string, string>,
  cwd: string | undefined,
  timeoutMs = 20000,
): Promise<StartFailure | undefined> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', importCheck(SERVER_MODULE)],
      { env, cwd, timeout: timeoutMs, windowsHide: true },
      (error, _stdout, stderr) => {
        if (!error) {
          resolve(undefined);
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        resolve({
          errorCode: typeof code === 'string' ? code : undefined,
          errorMessage: error.message,
          stderrTail: String(stderr),
          exitCode: typeof code === 'number' ? code : null,
        });
      },
    );
  });
}

/** Python that exits non-zero, naming the module, unless `python -m <module>` can run. */
export function importCheck(module: string): string {
  return [
    'import importlib.util, sys',
    `import ${module}`,
    `sys.exit(0 if importlib.util.find_spec("${module}.__main__") else "No module named ${module}.__main__")`,
  ].join('; ');
}
