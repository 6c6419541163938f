// Runs the built CLI once (`node dist/cli.cjs --json --yes`) and reports how it ended.

import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AgentRun, fromResult, parseEvent } from './events.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

export interface AgentOptions {
  cwd: string;
  prompt: string;
  env: NodeJS.ProcessEnv;
  maxTurns: number;
  /** Passed as --model; otherwise the environment chooses. */
  model?: string;
  timeoutMs: number;
  /** Where the JSONL event stream and stderr are written as they arrive. */
  logDir: string;
}

const KILL_GRACE_MS = 10_000;

/**
 * Runs `node dist/cli.cjs --json --yes` once. Never throws: a spawn failure, a crash or a timeout
 * (SIGTERM, then SIGKILL after a grace period) is a run with that status.
 */
export function runNanocode(opts: AgentOptions): Promise<AgentRun> {
  const args = [CLI, '--json', '--yes', '--max-turns', String(opts.maxTurns)];
  if (opts.model) args.push('--model', opts.model);
  args.push('--', opts.prompt);
  const started = Date.now();
  const stream = createWriteStream(join(opts.logDir, 'nanocode.jsonl'));
  const stderr = createWriteStream(join(opts.logDir, 'stderr.txt'));
  let result: Record<string, unknown> | undefined;
  let lastTotal: unknown; // the running usage total and turn, for a run that never writes its result
  let lastTurn: unknown;
  let model: string | null = null;
  let lastStderr = '';
  let partial = '';
  let timedOut = false;

  const onLine = (line: string) => {
    const event = parseEvent(line);
    if (event?.type === 'result') result = event;
    if (event?.type === 'start') model = `${event.provider}/${event.model}`;
    if (event?.type === 'usage') lastTotal = event.total;
    if (event?.type === 'turn') lastTurn = event.turn;
  };

  return new Promise((done) => {
    const child = spawn(process.execPath, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stream.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.write(chunk);
      lastStderr = (lastStderr + chunk.toString('utf8')).slice(-2000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    }, opts.timeoutMs);
    const finish = (exitCode: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      if (partial) onLine(partial);
      stream.end();
      stderr.end();
      const durationMs = Date.now() - started;
      const fallback = spawnError?.message ?? lastLine(lastStderr) ?? `nanocode exited ${exitCode}`;
      if (result && !timedOut) return done({ ...fromResult(result), exitCode, durationMs, model });
      const status = timedOut ? 'timeout' : 'crashed';
      const reason = timedOut ? `no result after ${Math.round(opts.timeoutMs / 1000)} s` : fallback;
      const partialRun = fromResult(result ?? { usage: lastTotal, turns: lastTurn });
      done({ ...partialRun, status, reason, exitCode, durationMs, model });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

const lastLine = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .at(-1);
