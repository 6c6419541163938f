// Runs the built CLI (dist/cli.cjs) as a user would: a fresh process, a clean
// environment (no keys from the outer shell, a private HOME), optional stdin.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Written to stdin then closed; when absent stdin is closed at once. */
  stdin?: string;
  timeoutMs?: number;
  /** Called with the child once it is spawned (e.g. to send it a signal). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

/** One provider code cache for the CLI runs of this test process (src/provider/cached-script.ts). */
let codeCache: string | undefined;

/** The temporary directories this test process made (homes, projects, the code cache): removed when it exits. */
const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // a test left a directory it made unreadable: it stays
    }
  }
});

/** A new directory in `parent` (the system's temporary directory), removed when this test process exits. */
export function tempDir(prefix: string, parent = tmpdir()): string {
  const dir = realpathSync(mkdtempSync(join(parent, prefix)));
  made.push(dir);
  return dir;
}

export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = tempDir('nanocode-home-');
  codeCache ??= tempDir('nanocode-cache-');
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    XDG_CACHE_HOME: codeCache,
    ...extra,
  };
}

export function runCli(args: string[], opts: CliOptions): Promise<CliRun> {
  return runProgram(process.execPath, [CLI, ...args], { ...opts, env: opts.env ?? cleanEnv() });
}

/** Runs any program to completion, collecting its output; stdin gets `opts.stdin` then closes. */
export function runProgram(
  file: string,
  args: string[],
  opts: Omit<CliOptions, 'cwd'> & { cwd?: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const limit = opts.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not finish in ${limit} ms\nstderr: ${stderr}`));
    }, limit);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
    opts.onSpawn?.(child);
  });
}

export function tempProject(prefix = 'nanocode-proj-'): string {
  return tempDir(prefix);
}

/**
 * An onSpawn callback that, once the fake LLM has received its first request,
 * sends each signal after its delay (ms). The model's first reply streams back
 * right after that request, so a delay of a few hundred ms lands while the
 * command it asked for runs.
 */
export function signalAfterFirstRequest(
  fake: { requests: unknown[] },
  ...signals: [delayMs: number, signal: NodeJS.Signals][]
): (child: import('node:child_process').ChildProcess) => void {
  return (child) => {
    const poll = setInterval(() => {
      if (fake.requests.length === 0) return;
      clearInterval(poll);
      for (const [delayMs, signal] of signals) setTimeout(() => child.kill(signal), delayMs);
    }, 20);
  };
}

/**
 * An onSpawn callback that sends each signal after its delay (ms), counted from the moment the
 * audit log in `dir` records a command's start: the command is then surely running (or about to),
 * however slow the machine was to get there. Gives up after 30 s (the run's own timeout fails the test).
 */
export function signalWhenCommandStarts(
  dir: string,
  ...signals: [delayMs: number, signal: NodeJS.Signals][]
): (child: import('node:child_process').ChildProcess) => void {
  const log = join(dir, '.nanocode.log');
  return (child) => {
    const started = Date.now();
    const poll = setInterval(() => {
      let text = '';
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        // not written yet
      }
      if (!text.includes('"event":"start"') && Date.now() - started < 30_000) return;
      clearInterval(poll);
      for (const [delayMs, signal] of signals) setTimeout(() => child.kill(signal), delayMs);
    }, 20);
  };
}
