// `nanocode` with no task on a terminal: the REPL, one conversation across
// prompts, the terminal view for each turn, slash commands.

import pkg from '../../package.json' with { type: 'json' };
import { type Options, positiveInt, UsageError } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { formatUsage } from '../format.ts';
import { writeLastMessage } from '../last-message.ts';
import { formatUsd } from '../pricing.ts';
import { type RunSetup, setupRun } from '../run-setup.ts';
import { runEndLines } from '../run-summary.ts';
import type { Repl, SlashCommand } from './repl.ts';
import { startRepl } from './repl.ts';
import { commandPrefix, recordApproval } from './session-approvals.ts';
import { createTerminalView } from './terminal-view.ts';

export async function runInteractive(
  opts: Options,
  color: boolean,
  warn: (m: string) => void,
): Promise<number> {
  let repl: Repl | undefined;
  const stdout = (text: string) => process.stdout.write(text);
  const stderr = (text: string) => process.stderr.write(text);
  const view = createTerminalView({
    answer: { write: stdout, stream: true, color },
    progress: { write: stderr, spinner: color, color },
  });
  const setup: RunSetup = await setupRun({
    opts,
    cwd: opts.cwd ?? '.',
    model: opts.model,
    resume: opts.resume,
    ask: async (question) => {
      if (!repl) return false;
      view.hold();
      const prefix = question.kind === 'command' ? commandPrefix(question.target) : undefined;
      const answer = await repl.ask(question, prefix);
      recordApproval(question, answer, prefix, setup.safety.rules, setup.log);
      return answer !== 'no';
    },
    warn,
  });
  const { conversation } = setup;
  setup.sinks.push(view.sink);
  setup.commandOutput.push(view.output);

  if (opts.maxCostUsd !== undefined && !conversation.priced) {
    throw new UsageError(
      `--max-cost needs the model's price and nanocode has none for ${conversation.choice.label}`,
    );
  }
  let images: string[] | undefined = opts.images;
  repl = startRepl({
    input: process.stdin,
    output: process.stdout,
    banner: banner(setup),
    commands: slashCommands(setup),
    async send(prompt, signal) {
      const limits = {
        signal,
        maxTurns: opts.maxTurns,
        maxCostUsd: opts.maxCostUsd,
        timeoutMs: opts.timeoutMs,
      };
      const outcome = await conversation.send(prompt, limits, images);
      images = undefined; // --image goes with the first prompt
      view.finish();
      stderr(runEndLines(conversation.choice.label, outcome, true));
      // Before the user runs git again: the sandbox's own end says the same, later.
      for (const line of setup.safety.sandbox?.leftBehind({ afterCommandsOnly: true }) ?? []) warn(line);
      if (opts.outputLastMessage !== undefined)
        writeLastMessage(opts.outputLastMessage, outcome.finalText, warn);
    },
  });
  // SIGTERM (no terminal key sends it) stops a running turn and leaves, exit 130.
  process.once('SIGTERM', () => {
    process.exitCode = EXIT.interrupted;
    repl?.close();
  });
  await repl.done;
  stderr(exitLine(setup, opts.session));
  setup.log.close();
  conversation.close();
  process.stdin.pause();
  return Number(process.exitCode ?? EXIT.done);
}

const COMPACT_TIMEOUT_MS = 5 * 60_000;

function banner({ conversation, cwd }: RunSetup): string {
  const resumed = conversation.historyLength > 0 ? ` · resumed session ${conversation.id.slice(0, 8)}` : '';
  return `nanocode ${pkg.version} · ${conversation.choice.label} · ${cwd}${resumed}\n/help for commands, Ctrl-D to leave`;
}

/** The line printed on leaving: what the session did and how to come back to it. */
function exitLine({ conversation, cwd }: RunSetup, saved: boolean): string {
  const t = conversation.totals;
  if (t.runs === 0 && conversation.historyLength === 0) return '';
  const cost = t.costUsd === null ? 'cost unknown' : formatUsd(t.costUsd);
  const summary = `session ${conversation.id.slice(0, 8)} · ${t.runs} prompts · ${t.turns} turns · ${formatUsage(t.usage)} · ${cost}`;
  const resume = `nanocode -c${cwd === process.cwd() ? '' : ` -C ${cwd}`} (or nanocode -r ${conversation.id.slice(0, 8)})`;
  return saved ? `${summary} · resume with: ${resume}\n` : `${summary} · not saved (--no-session)\n`;
}

function slashCommands(setup: RunSetup): Record<string, SlashCommand> {
  const { conversation } = setup;
  return {
    clear: {
      help: 'start a new session',
      run: () => {
        conversation.clear();
        return `new session ${conversation.id.slice(0, 8)}`;
      },
    },
    model: {
      help: 'show or switch the model: /model provider/model',
      run: (arg) => {
        if (!arg) return conversation.choice.label;
        conversation.setModel(setup.choose(arg));
        return `model: ${conversation.choice.label}`;
      },
    },
    compact: {
      help: 'summarize the history now',
      run: () => conversation.compact(AbortSignal.timeout(COMPACT_TIMEOUT_MS)),
    },
    undo: {
      help: 'restore the files to before the last prompt (/undo N: to before its turn N); /undo again takes it back',
      run: async (arg) => {
        const turn = arg.trim() ? positiveInt('/undo', arg.trim()) : undefined;
        const { undoLast } = await import('../checkpoints/undo.ts');
        const placeholders = setup.safety.sandbox?.placeholders;
        return (await undoLast(setup.cwd, { turn, env: process.env, placeholders })).message;
      },
    },
    cost: {
      help: 'tokens and cost of this session so far',
      run: () => {
        const t = conversation.totals;
        const cost = t.costUsd === null ? 'cost unknown' : formatUsd(t.costUsd);
        return `${t.runs} prompts · ${t.turns} turns · ${formatUsage(t.usage)} · ${cost}`;
      },
    },
    sessions: {
      help: 'saved sessions of this directory',
      run: async () => {
        const { listSessions } = await import('../sessions/list.ts');
        return listSessions({ json: false, cwd: setup.cwd, env: process.env }) || 'no saved sessions here';
      },
    },
  };
}
