// Child processes of the end-to-end run: each in its own process group, logged to a file,
// awaited on an output line (never a sleep), and stopped as a group.
import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const running = new Set();

export function startProcess(name, command, args, { cwd, env, logPath }) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logPath);
  const listeners = new Set();
  const lines = [];
  const onLine = (stream) => (line) => {
    log.write(`[${stream}] ${line}\n`);
    lines.push(line);
    for (const listener of listeners) listener(line);
  };
  createInterface({ input: child.stdout }).on('line', onLine('out'));
  createInterface({ input: child.stderr }).on('line', onLine('err'));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const spawned = new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const proc = { name, child, lines, listeners, exited, spawned, log };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** Resolves with the first line (seen so far or later) matching `pattern`; rejects on exit or timeout. */
export function waitForLine(proc, pattern, timeoutMs) {
  return new Promise((resolve, reject) => {
    const earlier = proc.lines.find((line) => pattern.test(line));
    if (earlier !== undefined) {
      resolve(earlier.match(pattern));
      return;
    }
    const done = (fn, value) => {
      clearTimeout(timer);
      proc.listeners.delete(listener);
      fn(value);
    };
    const listener = (line) => {
      const match = line.match(pattern);
      if (match) done(resolve, match);
    };
    const timer = setTimeout(
      () => done(reject, new Error(`${proc.name}: no line matching ${pattern} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    proc.listeners.add(listener);
    void proc.exited.then(({ code, signal }) =>
      done(reject, new Error(`${proc.name} exited (code ${code}, signal ${signal}) before ${pattern}`)),
    );
  });
}

/** Runs a command to completion within `timeoutMs`; rejects on a non-zero exit. */
export async function run(name, command, args, options) {
  const proc = startProcess(name, command, args, options);
  const timer = setTimeout(() => stopProcess(proc), options.timeoutMs ?? 300000);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) {
    throw new Error(`${name} failed (code ${code}, signal ${signal}); see ${options.logPath}`);
  }
  return proc.lines;
}

export async function stopProcess(proc, graceMs = 5000) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
    return;
  }
  const signalGroup = (signal) => {
    try {
      process.kill(-proc.child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
  // Children that outlived the leader still belong to the group.
  signalGroup('SIGKILL');
}

export async function stopAll() {
  await Promise.all([...running].map((proc) => stopProcess(proc)));
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Pids of the processes of group `pgid` whose command line matches `pattern` (Linux /proc). */
export function processesInGroup(pgid, pattern) {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (Number(fields[2]) === pgid && pattern.test(cmdline)) {
        found.push(Number(name));
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
