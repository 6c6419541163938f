// Entry point: read the flags, pick a mode (subcommand, REPL, one-shot), exit
// with an honest code. No agent logic lives here.

import module from 'node:module';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { isatty } from 'node:tty';
import pkg from '../package.json' with { type: 'json' };
import { HELP, type Options, parseOptions, UsageError } from './args.ts';
import { checkDirectory } from './directory.ts';
import { EXIT } from './exit-codes.ts';
import { escapeForDisplay } from './format.ts';
import { closeAllMcp } from './mcp/open.ts';
import { jsonResult } from './modes/json-events.ts';
import type { Request } from './modes/one-shot.ts';
import { pipedText, withPiped } from './piped-input.ts';
import { guardOutputs, interruptDuringStartup } from './process-guards.ts';
import { ProviderConfigError } from './providers.ts';
import { parseStdinRequests, readStdin } from './stdin-request.ts';

// Node ≥ 22.1 keeps the compiled code of the chunks loaded from here on (the run's modes, the provider)
// in a cache on disk, and a later start skips compiling them; Node 20 has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const stderr = (text: string) => process.stderr.write(text);
const warn = (message: string) => stderr(`nanocode: ${message}\n`);

async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (opts.help) return print(`${HELP}\n`, EXIT.done);
  if (opts.version) return print(`${pkg.version}\n`, EXIT.done);
  if (opts.command?.name === 'check-command') return checkCommand(opts);
  if (opts.command?.name === 'sessions') return sessionsCommand(opts);
  if (opts.command?.name === 'acp') return (await import('./acp/serve.ts')).serveAcp(opts, warn);
  if (opts.command?.name === 'undo' || opts.command?.name === 'checkpoints') {
    const { checkpointCommand } = await import('./checkpoints/command.ts');
    return print(await checkpointCommand(opts), EXIT.done);
  }

  const color = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR && !opts.noColor;
  // isatty(0), not process.stdin.isTTY: making process.stdin for /dev/null or a file loads fs streams
  // (and readline) at start, which a run that never reads stdin does not need.
  const term = { stdinTTY: isatty(0), stdoutTTY: Boolean(process.stdout.isTTY), color };
  if (opts.task === undefined && term.stdinTTY && term.stdoutTTY && !opts.json && !opts.print) {
    // The agent, and the provider SDK under it, load only when a run needs them: --help stays instant.
    const { runInteractive } = await import('./modes/interactive.ts');
    return runInteractive(opts, color && term.stdoutTTY, warn);
  }
  const requests = await readRequests(opts, term.stdinTTY, warn);
  const { runOneShot } = await import('./modes/one-shot.ts');
  return runOneShot(opts, requests, term, warn);
}

/** The task from the arguments, else JSON requests from stdin (never read when a task was given). */
async function readRequests(opts: Options, stdinTTY: boolean, warn: (m: string) => void): Promise<Request[]> {
  const flags = {
    cwd: opts.cwd ?? '.',
    model: opts.model,
    thinking: opts.thinking,
    trajectory: opts.trajectory,
  };
  if (opts.task !== undefined) {
    if (!opts.task.trim()) throw new UsageError('the task is empty');
    const piped = opts.print && !stdinTTY ? await pipedText(process.stdin) : undefined;
    return [{ ...flags, prompt: withPiped(opts.task, piped) }];
  }
  if (stdinTTY) throw new UsageError('no task given: nanocode "what to do" (see nanocode --help)');
  const text = await readStdin(process.stdin);
  // -p reads stdin as the task itself unless it is JSON (echo "fix it" | nanocode -p).
  const plain = opts.print && text.trim() && !text.trimStart().startsWith('{');
  const requests = plain ? [{ prompt: text.trim() }] : parseStdinRequests(text, warn);
  // Flags win over the JSON's own fields.
  return requests.map((r) => ({
    ...r,
    cwd: opts.cwd ?? r.cwd ?? '.',
    model: opts.model ?? r.model,
    thinking: opts.thinking ?? r.thinking,
    trajectory: opts.trajectory ?? r.trajectory,
  }));
}

/** `nanocode check-command [--json] 'CMD'`: the level and reasons, as the gate would see them. Runs nothing. */
async function checkCommand(opts: Options): Promise<number> {
  const command = opts.command!.args.join(' ');
  if (!command.trim())
    throw new UsageError("check-command needs a command: nanocode check-command 'rm -rf build'");
  const cwd = checkDirectory(opts.cwd ?? '.');
  const home = homedir();
  const { classifyWithRules, loadUserRules } = await import('./safety/setup.ts');
  const { withCliRules } = await import('./safety/cli-rules.ts');
  const rules = withCliRules(loadUserRules(cwd, home), opts);
  const verdict = await classifyWithRules(command, cwd, home, rules);
  if (opts.json) return print(`${JSON.stringify(verdict)}\n`, EXIT.done);
  const reasons = verdict.reasons.map((r) => `  - ${escapeForDisplay(r)}\n`).join('');
  return print(`${verdict.level}\n${reasons}`, EXIT.done);
}

/** `nanocode sessions [--json] [-C DIR]`: saved sessions, most recent first (only DIR's with -C). */
async function sessionsCommand(opts: Options): Promise<number> {
  if (opts.command!.args.length > 0) {
    throw new UsageError(`sessions takes no arguments, got "${opts.command!.args.join(' ')}"`);
  }
  const { listSessions } = await import('./sessions/list.ts');
  const cwd = opts.cwd === undefined ? undefined : resolve(opts.cwd);
  return print(listSessions({ json: opts.json, cwd, env: process.env }), EXIT.done);
}

function print(text: string, code: number): number {
  process.stdout.write(text);
  return code;
}

const argv = process.argv.slice(2);
guardOutputs();
interruptDuringStartup((signal) => {
  stderr(`nanocode: ${signal} during start-up, stopping\n`);
  if (argv.includes('--json'))
    writeErrorResult('interrupted', 'interrupted during start-up', EXIT.interrupted);
});
main(argv).then(
  (code) => {
    process.exitCode = code;
    closeAllMcp();
  },
  (error: unknown) => {
    closeAllMcp();
    const usage = error instanceof UsageError || error instanceof ProviderConfigError;
    const message = error instanceof Error ? error.message : String(error);
    const reason = `${usage ? '' : 'internal error: '}${message}`;
    stderr(`nanocode: ${reason}\n`);
    process.exitCode = usage ? EXIT.usage : EXIT.failed;
    // A program reading --json still gets its one result event.
    if (argv.includes('--json')) writeErrorResult('error', reason, process.exitCode);
  },
);

function writeErrorResult(status: 'error' | 'interrupted', reason: string, exitCode: number): void {
  jsonResult((line) => process.stdout.write(line), {
    status,
    reason,
    finalText: '',
    turns: 0,
    usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    costUsd: null,
    durationMs: 0,
    exitCode,
  });
}
