/**
 * Child processes and cleanups, for scripts, end-to-end tests and benches. Every
 * long-running process is started in its own process group, registered here, and
 * killed (the whole group, so workerd dies with wrangler) by its `stop()`, by
 * `cleanupAll()`, or at the latest when this Node process exits: on an error, a
 * timeout or Ctrl+C no wrangler or workerd is left running.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The project folder. */
export const ROOT = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');
const BIN = join(ROOT, 'node_modules', '.bin');

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];
const groups = new Set<number>();
// Last resort if something exits without cleaning up: no process group may outlive us.
process.on('exit', () => {
  for (const pgid of groups) killGroup(pgid, 'SIGKILL');
});

/** Registers work to undo when the program ends (`cleanupAll`, `runMain`); runs last-in first-out. */
export function onCleanup(cleanup: Cleanup): void {
  cleanups.push(cleanup);
}

let cleaning: Promise<void> | undefined;

export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop();
      try {
        await withTimeout(Promise.resolve(cleanup?.()), 15_000, 'cleanup');
      } catch (error) {
        console.error(`cleanup failed: ${String(error)}`);
      }
    }
    for (const pgid of groups) killGroup(pgid, 'SIGKILL');
  })();
  return cleaning;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Runs a command-line program's `main` with cleanups guaranteed: on return, on a
 * thrown error and on SIGINT/SIGTERM. The process exits with 0 on success, 1 on error.
 */
export async function runMain(main: () => Promise<void>, onError?: (message: string) => void): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping`);
      void cleanupAll().then(() => process.exit(130));
    });
  }
  let code = 0;
  try {
    await main();
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    code = 1;
    onError?.(error instanceof Error ? error.message : String(error));
  }
  await cleanupAll();
  process.exit(code);
}

/** The environment for tools: Node 24 and the project's binaries first on PATH, no telemetry. */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}`,
    WRANGLER_SEND_METRICS: 'false',
    ASTRO_TELEMETRY_DISABLED: '1',
    CI: process.env.CI ?? '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...extra,
  };
}

export interface Started {
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Stops the process group: `signal`, then SIGKILL after `graceMs`. */
  stop: (signal?: NodeJS.Signals, graceMs?: number) => Promise<void>;
}

/**
 * Starts a long-running tool in its own process group (so its own children, e.g.
 * workerd, die with it), output to `logFile`, registered for cleanup.
 */
export function startProcess(
  command: string,
  args: string[],
  options: SpawnOptions & { logFile: string },
): Started {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(command, args, {
    env: toolEnv(),
    ...options,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${command}`);
  groups.add(pgid);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  let stopped: Promise<void> | undefined;
  const stop = (signal: NodeJS.Signals = 'SIGTERM', graceMs = 8_000): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(pgid, signal);
        const timer = new Promise((resolve) => setTimeout(resolve, graceMs));
        await Promise.race([exited, timer]);
      }
      // The leader may be gone while workerd still runs in the group.
      killGroup(pgid, 'SIGKILL');
      groups.delete(pgid);
      log.end();
    })();
    return stopped;
  };
  onCleanup(() => stop());
  return { child, exited, stop };
}

export interface RunResult {
  code: number | string;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Runs a command to completion in its own process group, killed after `timeoutMs`. */
export function runCommand(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs: number; echo?: boolean | 'stderr' },
): Promise<RunResult> {
  const started = Date.now();
  const child = spawn(command, args, {
    env: toolEnv(),
    ...options,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid;
  if (pgid !== undefined) groups.add(pgid);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (options.echo === true) process.stderr.write(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (options.echo) process.stderr.write(chunk);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pgid !== undefined) killGroup(pgid, 'SIGKILL');
  }, options.timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (pgid !== undefined) {
        killGroup(pgid, 'SIGKILL');
        groups.delete(pgid);
      }
      resolve({ code: code ?? signal ?? 'unknown', stdout, stderr, ms: Date.now() - started, timedOut });
    });
    child.once('error', (error) => {
      stderr += String(error);
    });
  });
}

/** Runs a command and throws with its output tail when it fails. */
export async function mustRun(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs: number; echo?: boolean | 'stderr' },
): Promise<RunResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-25).join('\n');
    const why = result.timedOut ? `timed out after ${options.timeoutMs} ms` : `exit ${result.code}`;
    throw new Error(`${command} ${args.join(' ')} failed (${why}):\n${tail}`);
  }
  return result;
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers (any status; with `ok`, a 2xx), or throws after `timeoutMs`. */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  options: { alive?: () => boolean; ok?: boolean } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (options.alive && !options.alive()) throw new Error(`the server for ${url} exited before answering`);
    try {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (!options.ok || response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${String(last)})`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
