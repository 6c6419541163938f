// run_cmd: run one bash command line in the project directory.
// Contract: the command runs (through the run's command shell, src/shell/) in its own
// process group with stdin closed; stdout and stderr share one pipe (exact arrival order); memory stays
// bounded whatever it prints; on timeout, abort or the output cap the whole group
// gets SIGTERM, then SIGKILL `killGraceMs` later. After a normal exit, processes
// left in the background keep running, but their output is waited for at most
// `exitGraceMs`. Never throws for a failed command.

import type { Socket } from 'node:net';
import { CommandShell } from '../shell/command-shell.ts';
import { OutputBuffer } from './output-buffer.ts';
import type { Tool, ToolContext, ToolResult } from './types.ts';

export interface RunCmdArgs {
  command: string;
  timeout?: number;
}

export interface RunCmdLimits {
  defaultTimeoutSec: number;
  maxTimeoutSec: number;
  /** Between SIGTERM and SIGKILL to the process group. */
  killGraceMs: number;
  /** Hard cap on what a command may print before it is killed. */
  maxOutputBytes: number;
  /** The text sent to the model, status line included, stays within these. */
  modelBytes: number;
  modelLines: number;
  headBytes: number;
  tailBytes: number;
  /** After the command exits, how long to wait for background processes still holding its output pipe. */
  exitGraceMs: number;
}

export const RUN_CMD_LIMITS: Readonly<RunCmdLimits> = Object.freeze({
  defaultTimeoutSec: 120,
  maxTimeoutSec: 600,
  killGraceMs: 2000,
  maxOutputBytes: 100 * 1024 * 1024,
  modelBytes: 8000,
  modelLines: 2000,
  headBytes: 4000,
  tailBytes: 4000,
  exitGraceMs: 500,
});

/** The shell of commands run without a sandbox and outside a run (a ToolContext without `shell`). */
const plainShell = new CommandShell();

/** Why the command stopped, when we stopped it. */
type StopReason = 'timeout' | 'abort' | 'cap';

interface RunOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stopped?: StopReason;
  spawnError?: Error;
  /** The command exited but something it started kept the output pipe open; we stopped reading. */
  leftHoldingPipe: boolean;
  buffer: OutputBuffer;
}

export function createRunCmd(overrides: Partial<RunCmdLimits> = {}): Tool<RunCmdArgs> {
  const limits: RunCmdLimits = { ...RUN_CMD_LIMITS, ...overrides };
  return {
    name: 'run_cmd',
    description:
      'Run a bash command in the project dir. Returns merged stdout+stderr (head and tail if long) and the exit code. Stdin is closed.',
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'Bash command line' },
        timeout: { type: 'number', description: 'Seconds before it is killed (default 120, max 600)' },
      },
      required: ['command'],
      additionalProperties: false,
    },
    async execute({ command, timeout }, ctx) {
      if (command.includes('\0')) {
        const output =
          "Error: the command holds a NUL byte, which bash cannot take; write one with printf '\\0'";
        return { output, isError: true, exitCode: null, bytes: 0, command };
      }
      const gate = await ctx.gate.command(command);
      if (!gate.allowed) {
        return {
          output: gate.message ?? `Blocked: ${command} was not allowed`,
          isError: true,
          gate,
          command,
        };
      }
      const notes: string[] = [];
      const seconds = pickTimeout(timeout, limits, notes);
      if (ctx.signal.aborted) {
        return {
          output: '[interrupted before it started]',
          isError: true,
          exitCode: null,
          bytes: 0,
          command,
          gate,
        };
      }
      const run = await runProcess(command, ctx, seconds * 1000, limits);
      if (run.leftHoldingPipe) {
        notes.push(
          '[note: a background process kept the output open after exit; its output was not read. Redirect it: cmd > file 2>&1 &]',
        );
      }
      const result = toResult(run, seconds, notes, limits, ctx.cwd);
      return { ...result, command, gate };
    },
  };
}

export const runCmd = createRunCmd();

/** Default when absent, clamp to the maximum; notes say what was changed. */
function pickTimeout(asked: number | undefined, limits: RunCmdLimits, notes: string[]): number {
  if (asked === undefined) return limits.defaultTimeoutSec;
  if (!Number.isFinite(asked) || asked <= 0) {
    notes.push(
      `[note: timeout ${asked} is not a positive number of seconds; used ${limits.defaultTimeoutSec} s]`,
    );
    return limits.defaultTimeoutSec;
  }
  if (asked > limits.maxTimeoutSec) {
    notes.push(`[note: timeout ${asked} s clamped to the ${limits.maxTimeoutSec} s maximum]`);
    return limits.maxTimeoutSec;
  }
  return asked;
}

/** Resolves once the command has exited and its output pipe closed (or `exitGraceMs` passed). Never rejects. */
function runProcess(
  command: string,
  ctx: ToolContext,
  timeoutMs: number,
  limits: RunCmdLimits,
): Promise<RunOutcome> {
  const buffer = new OutputBuffer(limits.headBytes, limits.tailBytes);
  const job = (ctx.shell ?? plainShell).start(command, ctx.cwd, ctx.env);

  return new Promise((resolve) => {
    let stopped: StopReason | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let pipeClosed = false;
    let done = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals) => job.kill(sig);
    const stop = (why: StopReason) => {
      if (stopped || done) return;
      stopped = why;
      killGroup('SIGTERM');
      // Unref'd: it must not keep the agent alive, but fires if the agent still is.
      setTimeout(() => killGroup('SIGKILL'), limits.killGraceMs).unref();
    };
    const onAbort = () => stop('abort');
    const timer = setTimeout(() => stop('timeout'), timeoutMs);

    const finish = (spawnError?: Error, leftHoldingPipe = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      resolve({
        code: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stopped,
        spawnError,
        leftHoldingPipe,
        buffer,
      });
    };

    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let output: Socket | undefined;
    job.on('output', (socket: Socket) => {
      output = socket;
      socket.on('data', (chunk: Buffer) => {
        buffer.push(chunk);
        ctx.onOutput?.(chunk);
        if (buffer.total > limits.maxOutputBytes) stop('cap');
      });
      socket.on('error', () => {}); // read errors end the stream; 'close' follows
      socket.on('close', () => {
        pipeClosed = true;
        if (exit) finish();
      });
    });
    job.on('error', (err: Error) => finish(err));
    job.on('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      exit = { code, signal };
      if (pipeClosed) return finish();
      // Something left running holds the pipe. When we are killing the group, wait for SIGKILL to land.
      const wait = stopped ? limits.killGraceMs + 500 : limits.exitGraceMs;
      graceTimer = setTimeout(() => {
        output?.destroy();
        finish(undefined, !stopped);
      }, wait);
    });
  });
}

function toResult(
  run: RunOutcome,
  seconds: number,
  notes: string[],
  limits: RunCmdLimits,
  cwd: string,
): ToolResult {
  if (run.spawnError) {
    return {
      output: `Error: could not start bash in ${cwd}: ${run.spawnError.message}`,
      isError: true,
      exitCode: null,
      bytes: 0,
    };
  }
  const status =
    run.stopped === 'timeout'
      ? `[killed after ${seconds} s timeout]`
      : run.stopped === 'abort'
        ? '[interrupted]'
        : run.stopped === 'cap'
          ? `[killed: output passed the ${Math.round(limits.maxOutputBytes / 1024 / 1024)} MB cap; redirect it to a file and read parts]`
          : run.signal
            ? `[killed: signal ${run.signal}]`
            : `[exit code ${run.code}]`;
  const trailer = [...notes, status].join('\n');
  const budget = limits.modelBytes - Buffer.byteLength(trailer) - 1;
  const body = run.buffer.render({ maxBytes: Math.max(0, budget), maxLines: limits.modelLines });
  const sep = body.text === '' || body.text.endsWith('\n') ? '' : '\n';
  return {
    output: body.text + sep + trailer,
    isError: run.stopped !== undefined || run.code !== 0,
    exitCode: run.code,
    bytes: run.buffer.total,
    truncated: body.truncated,
  };
}
