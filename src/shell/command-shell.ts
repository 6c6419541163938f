// The command shell: one long-lived bash per run (inside the sandbox when there is one) that starts
// every run_cmd command, instead of a sandbox and a fork of the agent per command.
//
// Contract:
// - start(command, cwd) returns a job at once; the job says `exit` (code, signal) once the command
//   has ended and `close` on its output once every process holding it has let go, exactly like a
//   child process with one output pipe. `kill(signal)` reaches the command's whole process group,
//   also after it ended (something it left running).
// - The shell starts on first use and again whenever its launch changes: the environment, or the
//   sandbox's key (a protected file that appeared since needs a mount of its own). A shell that is
//   replaced or dies takes nothing with it silently: its jobs end with the truth (killed with it).
// - Idle, the shell keeps nothing alive (no ref'd handle); dispose() ends it.
// - Never throws: a shell that cannot start makes each job `error`; so does a command line holding a
//   NUL byte (bash cannot take one, and the protocol separates fields with it).
// - What the shell says is untrusted: a sandboxed command can reach its status stream (ptrace is
//   allowed between processes of one user). Lines are taken only in the exact grammar, FIFO names are
//   numbers we join to a directory the sandbox cannot move (a bind mount of the sandbox's), opened
//   without following a symlink and only if they are FIFOs, once per job: a forged line can end or
//   confuse a job of the run, never reach a file outside the sandbox.

import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, constants, fstatSync, openSync, rmSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { privateTempDir } from '../sandbox/private-temp.ts';
import { startDirect } from './direct-job.ts';
import { SHELL_SCRIPT } from './shell-script.ts';

export interface ShellLaunch {
  /** Wraps the shell's argv (the sandbox); absent: run as is. */
  wrap?: (argv: string[]) => string[];
  /** What the wrapped shell depends on beyond the environment; a new value means a new shell. */
  key?: () => string;
  /** Where the FIFOs go: a host directory the commands cannot move or replace, and the path the shell
   * sees it at. Absent: a private directory of our own (no sandbox). */
  fifos?: { host: string; inside: string };
  /** Start each command as a process of its own instead (src/shell/direct-job.ts). Default: outside
   * Linux, where what the shell's FIFOs rely on (a reader sees no end before a writer came) is untested. */
  direct?: boolean;
  /** Told before each command starts (the sandbox then looks at what commands left, at its end). */
  onCommand?: () => void;
  /** Told when a shell ends without having been asked to (it did not start, or was killed). */
  onDied?: (stderr: string) => void;
  /**
   * Asked before each shell starts: an open file that becomes the shell process's fd 3 (the wrapper
   * writes there, then closes it: the sandbox's bwrap reports its namespace), and whom to tell of the
   * process. The shell closes its copy of the fd once the process is spawned.
   */
  report?: () => { fd: number; started: (child: ChildProcess) => void };
}

export type CommandEnv = Record<string, string | undefined>;

/** The environment commands get: the given one, pagers turned off. */
function childEnv(env: CommandEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  out.PAGER = 'cat';
  out.GIT_PAGER = 'cat';
  return out;
}

/** How much of a shell's own stderr is kept to explain a shell that failed to start. */
const STDERR_KEEP = 4096;

export interface ShellJob extends EventEmitter {
  /** The command's output (stdout and stderr together); null until it started. */
  output: Socket | null;
  /** Sends `signal` to the command's process group (once it has one). */
  kill(signal: NodeJS.Signals): void;
  // Events: 'output' (Socket), 'exit' (code: number | null, signal: NodeJS.Signals | null), 'error' (Error)
}

class Job extends EventEmitter implements ShellJob {
  output: Socket | null = null;
  pgid: number | undefined;
  /** The FIFO's name in the shell's FIFO directory. */
  fifo = '';
  ended = false;
  #wantKill: NodeJS.Signals[] = [];
  #send: (signal: NodeJS.Signals, pgid: number) => void = () => {};

  bind(send: (signal: NodeJS.Signals, pgid: number) => void): void {
    this.#send = send;
  }
  started(pgid: number): void {
    this.pgid = pgid;
    for (const signal of this.#wantKill.splice(0)) this.#send(signal, pgid);
  }
  kill(signal: NodeJS.Signals): void {
    if (this.pgid === undefined) this.#wantKill.push(signal);
    else this.#send(signal, this.pgid);
  }
}

interface RunningShell {
  child: ChildProcess;
  key: string;
  /** The FIFO directory (host side) and this shell's prefix of names in it. */
  fifoHost: string;
  prefix: string;
  jobs: Map<string, Job>;
  stderr: string;
  gone: boolean;
  /** Its input was closed by us (disposed or replaced): its end is expected. */
  retired?: boolean;
}

export class CommandShell {
  #launch: ShellLaunch;
  #shell: RunningShell | undefined;
  #ownDir: string | undefined;
  #next = 1;
  #shells = 1;
  #disposed = false;

  constructor(launch: ShellLaunch = {}) {
    this.#launch = launch;
  }

  get #direct(): boolean {
    return this.#launch.direct ?? process.platform !== 'linux';
  }

  /** Starts `command` (bash -c) in `cwd` with `env` (pagers off). */
  start(command: string, cwd: string, env: CommandEnv): ShellJob {
    const job = new Job();
    // A NUL ends a field of the protocol: what follows it would be read as a request of its own.
    if (command.includes('\0') || cwd.includes('\0')) {
      queueMicrotask(() => job.emit('error', new Error('the command line holds a NUL byte')));
      return job;
    }
    this.#launch.onCommand?.();
    if (this.#direct) return startDirect(command, cwd, childEnv(env), this.#launch.wrap);
    const shell = this.#shellFor(env);
    const id = String(this.#next++);
    shell.jobs.set(id, job);
    job.bind((signal, pgid) => {
      if (!shell.gone) shell.child.stdin?.write(`K\0${signal}\0${pgid}\0`);
    });
    this.#refresh(shell);
    if (shell.gone) queueMicrotask(() => this.#fail(shell, job, id));
    else shell.child.stdin?.write(`R\0${id}\0${cwd}\0${command}\0`);
    return job;
  }

  /** Ends the shell (commands still running keep running unsandboxed; sandboxed ones end with it). */
  dispose(): void {
    this.#disposed = true;
    if (this.#shell) this.#retire(this.#shell);
    this.#shell = undefined;
    this.#removeOwnDir();
    process.off('exit', this.#removeOwnDir);
  }

  #removeOwnDir = (): void => {
    try {
      if (this.#ownDir) rmSync(this.#ownDir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // A shell still starting makes FIFOs as it goes: what is left, a later run sweeps (sweepStaleTmps).
    }
    this.#ownDir = undefined;
  };

  /** Starts the shell ahead of the first command (while a model request is in flight); not once disposed. */
  prewarm(env: CommandEnv): void {
    if (!this.#direct && !this.#disposed) this.#shellFor(env);
  }

  #shellFor(given: CommandEnv): RunningShell {
    const env = childEnv(given);
    const key = `${this.#launch.key?.() ?? ''}\0${JSON.stringify(env)}`;
    const current = this.#shell;
    if (current && !current.gone && !exited(current) && current.key === key) return current;
    if (current) {
      // Its bash is gone (a command killed it) while a command's waiting subshell still holds the
      // status pipe, so 'close' has not come yet: a job written to it now would never start.
      if (!current.gone && !current.retired && exited(current)) this.#launch.onDied?.(current.stderr);
      this.#retire(current);
    }
    this.#shell = this.#spawn(key, env);
    return this.#shell;
  }

  #fifoDir(): { host: string; inside: string } {
    if (this.#launch.fifos) return this.#launch.fifos;
    if (!this.#ownDir) {
      // Named like the sandbox's temps, so a run that was killed has it swept by a later one.
      this.#ownDir = privateTempDir('shell-');
      process.once('exit', this.#removeOwnDir);
    }
    return { host: this.#ownDir, inside: this.#ownDir };
  }

  #spawn(key: string, env: Record<string, string>): RunningShell {
    const dirs = this.#fifoDir();
    let child: ChildProcess;
    const shell: RunningShell = {
      child: undefined as unknown as ChildProcess,
      key,
      fifoHost: dirs.host,
      prefix: `${process.pid}-${this.#shells++}`,
      jobs: new Map(),
      stderr: '',
      gone: false,
    };
    try {
      const inner = [
        'bash',
        '--noprofile',
        '--norc',
        '-c',
        SHELL_SCRIPT,
        'nanocode-shell',
        dirs.inside,
        shell.prefix,
      ];
      const [file, ...args] = this.#launch.wrap ? this.#launch.wrap(inner) : inner;
      const report = this.#launch.report?.();
      const stdio: StdioOptions = report ? ['pipe', 'pipe', 'pipe', report.fd] : 'pipe';
      try {
        child = spawn(file!, args, { env, detached: true, stdio });
      } finally {
        if (report) closeSync(report.fd);
      }
      report?.started(child);
    } catch (error) {
      shell.gone = true;
      shell.stderr = (error as Error).message;
      this.#launch.onDied?.(shell.stderr);
      return shell;
    }
    shell.child = child;
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      buffered += text;
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        this.#message(shell, buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      if (shell.stderr.length < STDERR_KEEP) shell.stderr += text.slice(0, STDERR_KEEP - shell.stderr.length);
    });
    child.stdin!.on('error', () => {}); // a shell that died: its jobs are told by the 'close' below
    // Not started (no bash, no bwrap): nothing will run, so nothing more will be said.
    child.on('error', (error) => {
      shell.stderr ||= error.message;
      this.#gone(shell);
    });
    // Every writer of the status pipe is gone (the shell and each command's waiting subshell).
    child.on('close', () => this.#gone(shell));
    this.#refresh(shell); // idle until a job comes: keeps nothing alive
    return shell;
  }

  #gone(shell: RunningShell): void {
    if (shell.gone) return;
    shell.gone = true;
    if (!shell.retired) this.#launch.onDied?.(shell.stderr);
    for (const [id, job] of shell.jobs) this.#fail(shell, job, id);
    if (this.#shell === shell) this.#shell = undefined;
  }

  #fifoPath(shell: RunningShell, n: string, suffix = ''): string {
    return join(shell.fifoHost, `${shell.prefix}.${n}${suffix}`);
  }

  /** One line from the shell (see src/shell/shell-script.ts); anything else is ignored. */
  #message(shell: RunningShell, line: string): void {
    const m = LINE.exec(line);
    if (!m) return;
    const [, kind, id, a, b] = m as unknown as [string, string, string, string, string | undefined];
    const job = shell.jobs.get(id);
    if (!job || (a === 'cd') !== (kind === 'X')) return;
    if (kind === 'F') {
      if (job.fifo || b !== undefined) return;
      job.fifo = a;
      try {
        job.output = openFifo(this.#fifoPath(shell, a));
        job.emit('output', job.output);
      } catch (error) {
        shell.jobs.delete(id);
        job.ended = true;
        this.#refresh(shell);
        job.emit('error', error);
      }
    } else if (kind === 'S') {
      if (!job.fifo || job.pgid !== undefined || b !== undefined) return;
      // Both ends are open: the name can go.
      unlinkQuiet(this.#fifoPath(shell, job.fifo));
      job.started(Number(a));
    } else if ((kind === 'E' && b !== undefined) || (kind === 'X' && b === undefined)) {
      shell.jobs.delete(id);
      job.ended = true;
      if (job.fifo) {
        unlinkQuiet(this.#fifoPath(shell, job.fifo));
        unlinkQuiet(this.#fifoPath(shell, job.fifo, '.s'));
      }
      this.#refresh(shell);
      if (kind === 'X') {
        job.output?.destroy();
        job.emit('error', new Error('no such directory'));
        return;
      }
      const status = Number(a);
      const signal = b === 'signal' && status > 128 ? signalName(status - 128) : null;
      job.emit('exit', signal ? null : status, signal);
    }
  }

  /** A job whose shell is gone: it did not start, or it was killed with the shell. */
  #fail(shell: RunningShell, job: Job, id: string): void {
    shell.jobs.delete(id);
    if (job.ended) return;
    job.ended = true;
    if (job.pgid === undefined) {
      const why = shell.stderr.trim() || 'the command shell exited';
      job.emit('error', new Error(why));
    } else {
      job.emit('exit', null, 'SIGKILL');
    }
  }

  /** Keeps the process alive while the shell has jobs, and not a moment longer. */
  #refresh(shell: RunningShell): void {
    if (shell.gone) return;
    const busy = shell.jobs.size > 0;
    const handles = [shell.child, shell.child.stdout, shell.child.stderr, shell.child.stdin] as {
      ref?: () => void;
      unref?: () => void;
    }[];
    for (const h of handles) (busy ? h?.ref : h?.unref)?.call(h);
  }

  #retire(shell: RunningShell): void {
    shell.retired = true;
    shell.child.stdin?.end();
    this.#refresh(shell);
  }
}

/** The shell's lines: F id n, S id pgid, E id status exit|signal, X id cd. */
const LINE = /^([FSEX]) (\d{1,9}) (\d{1,9}|cd)(?: (exit|signal))?$/;

/** Opens a FIFO for reading without blocking: never through a symlink, never anything but a FIFO. */
function openFifo(path: string): Socket {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    if (!fstatSync(fd).isFIFO()) throw new Error(`${path} is not a FIFO`);
    return new Socket({ fd, readable: true, writable: false });
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already.
  }
}

function signalName(n: number): NodeJS.Signals | null {
  for (const [name, value] of Object.entries(osConstants.signals))
    if (value === n) return name as NodeJS.Signals;
  return null;
}

/** The shell's own process has ended (its 'close' waits for the commands' subshells too). */
function exited(shell: RunningShell): boolean {
  return shell.child !== undefined && (shell.child.exitCode !== null || shell.child.signalCode !== null);
}
