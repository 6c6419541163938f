// A command started by a process of its own, as a ShellJob (src/shell/command-shell.ts): where the
// command shell's FIFOs cannot be relied on (outside Linux, where a reader opened before any writer
// may see the end at once). Costs a fork of the agent per command.
//
// Contract: as a ShellJob: 'output' once (stdout and stderr together), 'exit' (code, signal) when the
// command has ended, 'error' if it could not start; kill(signal) reaches its process group.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { signalGroup } from '../sandbox/limits.ts';
import type { ShellJob } from './command-shell.ts';

export function startDirect(
  command: string,
  cwd: string,
  env: Record<string, string>,
  wrap?: (argv: string[]) => string[],
): ShellJob {
  // The outer shell points stderr at the stdout pipe, then execs bash on the command line untouched
  // (same pid, so same process group). It is `sh`, which starts in half bash's time.
  const inner = ['sh', '-c', 'exec 2>&1; exec bash -c "$1"', 'sh', command];
  const [file, ...args] = wrap ? wrap(inner) : inner;
  const child = spawn(file!, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const job = Object.assign(new EventEmitter(), {
    output: child.stdout as Socket,
    kill(signal: NodeJS.Signals) {
      signalGroup(child.pid, signal);
    },
  });
  child.on('error', (error) => job.emit('error', error));
  child.on('exit', (code, signal) => job.emit('exit', code, signal));
  queueMicrotask(() => job.emit('output', child.stdout));
  return job;
}
