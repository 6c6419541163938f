// Command-line flags → Options. Every bad input becomes a UsageError whose
// message says what was wrong and what was expected (the CLI exits 2).

import { parseArgs } from 'node:util';
import { compactAtValue, durationValue, usdValue } from './caps.ts';
import { parseDuration } from './duration.ts';
import { unknownFlagMessage } from './flag-suggest.ts';
import { isThinkingLevel, type ThinkingLevel } from './provider/thinking.ts';

export class UsageError extends Error {}

export interface Options {
  task?: string;
  model?: string;
  cwd?: string;
  maxTurns: number;
  /** Milliseconds of silence from the model stream before it is retried (once) and then given up. */
  idleTimeoutMs: number;
  yes: boolean;
  strict: boolean;
  verbose: boolean;
  json: boolean;
  /** --no-color (NO_COLOR in the environment does the same). */
  noColor: boolean;
  /** --trajectory FILE: write the run as ATIF JSON, FILE relative to the process's cwd (not -C). */
  trajectory?: string;
  /** --sandbox[=network|off]; absent: the user's config, else on where it works (src/sandbox/mode.ts). */
  sandbox?: 'on' | 'network' | 'off';
  /** --max-cost USD: no model request once the run has cost this much. */
  maxCostUsd?: number;
  /** --timeout DURATION: wall-clock cap on the run, in milliseconds. */
  timeoutMs?: number;
  /** False with --no-compact. */
  compact: boolean;
  /** --compact-at: a fraction (≤ 1) of the model's context window, or a number of tokens. */
  compactAt?: number;
  /** --compact-every N: also summarize every N turns. */
  compactEvery?: number;
  /** -c/--continue: resume the last session of this directory. */
  continue: boolean;
  /** --resume ID: resume that session (a unique prefix of its id will do). */
  resume?: string;
  /** False with --no-session: nothing is saved. */
  session: boolean;
  /** False with --no-checkpoints: no snapshots before turns that may change files. */
  checkpoints: boolean;
  /** --turn N of `nanocode undo`: restore to before turn N of the last run. */
  turn?: number;
  help: boolean;
  version: boolean;
  /** --thinking: reasoning effort; absent: NANOCODE_THINKING, else the provider's default. */
  thinking?: ThinkingLevel;
  /** --mcp-config FILE (repeatable): MCP servers in .mcp.json's format. */
  mcpConfig: string[];
  /** --trust-mcp: start the servers of the project's .mcp.json without asking. */
  trustMcp: boolean;
  /** A subcommand such as `check-command`, with its arguments. */
  command?: { name: string; args: string[] };
  /** -p/--print: one-shot, never the REPL (the task from the arguments, or stdin: JSON or plain text). */
  print: boolean;
  /** --append-system-prompt TEXT: added to the end of the system prompt. */
  appendSystemPrompt?: string;
  /** --allow RULE / --deny RULE (repeatable): rules like the config files', for this run only. */
  allow: string[];
  deny: string[];
  /** --output-last-message FILE: the last request's final answer is written there (relative to the process's cwd). */
  outputLastMessage?: string;
  /** --image FILE (repeatable): images attached to the (first) prompt. */
  images: string[];
}

export const DEFAULT_MAX_TURNS = 40;
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
const SUBCOMMANDS = new Set(['check-command', 'sessions', 'acp', 'undo', 'checkpoints']);

export const HELP = `nanocode — a small autonomous coding agent

Usage:
  nanocode                        interactive session (REPL) on a terminal; /help inside
  nanocode "task"                 do the task in the current directory, print the answer
  nanocode check-command [--json] 'CMD'
                                  show the safety level of a command and why; runs nothing
  nanocode sessions [--json]      list saved sessions (id, date, turns, cost, directory, first prompt)
  nanocode acp                    serve the Agent Client Protocol on stdio (for editors such as Zed)
  nanocode undo [--turn N]        restore the files to before the last run (before its turn N)
  nanocode checkpoints [--json]   list the checkpoints of this directory (run, turn, time, files changed)
  echo '{"prompt":"task","cwd":"dir"}' | nanocode
                                  the same, with the request as JSON on stdin (JSON lines:
                                  several requests, one after another in one session)

Options:
  -m, --model PROVIDER/MODEL      e.g. anthropic/claude-sonnet-4-6, openai/gpt-5.2, ollama/qwen3-coder
  -C, --cwd DIR                   work in DIR instead of the current directory
      --max-turns N               stop after N model turns (default ${DEFAULT_MAX_TURNS}; exit 3)
      --idle-timeout DURATION     retry a model stream silent this long, once (default 120s)
      --thinking LEVEL            reasoning effort: off, low, medium or high (default: the provider's)
      --max-cost USD              no model request once the run has cost USD (exit 3)
      --timeout DURATION          stop the run after this wall time, e.g. 90s, 15m, 1h (exit 3)
      --compact-at X              compact the history at X of the context window (default 0.6), or at X tokens
      --compact-every N           also summarize the history every N turns
      --no-compact                never compact (a run that outgrows the context window fails)
  -p, --print                     one-shot: do the task and print the answer, never the REPL
                                  (with no task, stdin is the task: JSON or plain text)
  -c, --continue                  continue the last session of this directory with a new task
  -r, --resume ID                 continue session ID (see nanocode sessions)
      --no-session                save no session
      --no-checkpoints            take no checkpoints (nanocode undo cannot restore this run)
  -y, --yes                       run commands that would need confirmation without asking
      --strict                    ask before every command that is not read-only
      --allow RULE, --deny RULE   allow / deny a command prefix for this run (repeatable; as config rules)
      --append-system-prompt TEXT add TEXT to the end of the system prompt
      --image FILE                attach an image to the prompt (repeatable; also @file.png in the task)
      --output-last-message FILE  also write the final answer to FILE
      --sandbox[=network|off]     the sandbox (on by default where bubblewrap works): only the project
                                  is writable, no network; =network keeps it, =off turns it off
      --mcp-config FILE           also start the MCP servers in FILE (.mcp.json's format; repeatable)
      --trust-mcp                 start the servers of the project's .mcp.json without asking
      --json                      JSONL events on stdout (start, text, tool_call, tool_result, usage, result)
      --trajectory FILE           also write the run to FILE as an ATIF trajectory (Harbor's JSON format)
  -v, --verbose                   more progress on stderr (with --json: progress at all)
      --no-color                  no colours (NO_COLOR does the same)
  -h, --help                      this help
      --version                   print the version

Environment: one of OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, GROQ_API_KEY,
DEEPSEEK_API_KEY, XAI_API_KEY, OPENROUTER_API_KEY; NANOCODE_MODEL; *_BASE_URL. See the README.
Exit codes: 0 done, 1 failed, 2 bad usage, 3 limit reached, 130 interrupted.`;

export function parseOptions(argv: string[]): Options {
  // --sandbox takes an optional value (--sandbox=network), which util.parseArgs cannot express. Written
  // apart (`--sandbox off`, Codex CLI's habit) a following on, network or off is its value, not the task's
  // first word: taken as the task, the sandbox would silently stay on and the task gain a word.
  let sandbox: Options['sandbox'];
  let positionalOnly = false;
  let valueNext = false;
  const flags = argv.filter((arg) => {
    if (arg === '--') positionalOnly = true;
    if (positionalOnly) return true;
    if (valueNext) {
      valueNext = false;
      if (isSandboxMode(arg)) {
        sandbox = arg;
        return false;
      }
    }
    if (arg !== '--sandbox' && !arg.startsWith('--sandbox=')) return true;
    const value = arg.slice('--sandbox='.length);
    if (arg === '--sandbox') {
      sandbox = 'on';
      valueNext = true;
    } else if (isSandboxMode(value)) sandbox = value;
    else throw new UsageError(`--sandbox takes no value, "on", "network" or "off", got "${value}"`);
    return false;
  });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(flags);
  } catch (error) {
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message);
    if (unknown) throw new UsageError(unknownFlagMessage(unknown[1]!, HELP));
    const missing = /^Option '(.+) <value>' argument missing/.exec((error as Error).message);
    if (missing) throw new UsageError(`${missing[1]} needs a value (see nanocode --help)`);
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see nanocode --help)`);
  }
  const { values, positionals } = parsed;
  const opts: Options = {
    model: values.model,
    cwd: values.cwd,
    maxTurns: DEFAULT_MAX_TURNS,
    idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
    yes: values.yes ?? false,
    strict: values.strict ?? false,
    verbose: values.verbose ?? false,
    json: values.json ?? false,
    noColor: values['no-color'] ?? false,
    trajectory: values.trajectory,
    sandbox,
    compact: !values['no-compact'],
    continue: values.continue ?? false,
    resume: values.resume,
    session: !values['no-session'],
    checkpoints: !values['no-checkpoints'],
    help: values.help ?? false,
    version: values.version ?? false,
    print: values.print ?? false,
    appendSystemPrompt: values['append-system-prompt'],
    allow: checkRules('--allow', values.allow),
    deny: checkRules('--deny', values.deny),
    outputLastMessage: values['output-last-message'],
    images: values.image ?? [],
    mcpConfig: values['mcp-config'] ?? [],
    trustMcp: values['trust-mcp'] ?? false,
  };
  if (values.turn !== undefined) opts.turn = positiveInt('--turn', values.turn);
  if (values['max-turns'] !== undefined) opts.maxTurns = positiveInt('--max-turns', values['max-turns']);
  if (values['max-cost'] !== undefined) opts.maxCostUsd = usdValue('--max-cost', values['max-cost']);
  if (values.timeout !== undefined) opts.timeoutMs = durationValue('--timeout', values.timeout);
  if (values['compact-at'] !== undefined) opts.compactAt = compactAtValue(values['compact-at']);
  if (values['compact-every'] !== undefined)
    opts.compactEvery = positiveInt('--compact-every', values['compact-every']);
  if (!opts.compact && (opts.compactAt !== undefined || opts.compactEvery !== undefined))
    throw new UsageError('--no-compact cannot be combined with --compact-at or --compact-every');
  if (opts.continue && opts.resume !== undefined)
    throw new UsageError('-c/--continue and --resume cannot be combined: --resume names the session');
  if (opts.resume !== undefined && !opts.resume.trim())
    throw new UsageError('--resume needs a session id (see nanocode sessions)');
  if (values['idle-timeout'] !== undefined) {
    const ms = parseDuration(values['idle-timeout']);
    if (ms === undefined)
      throw new UsageError(
        `--idle-timeout must be a duration like 120, 90s or 5m, got "${values['idle-timeout']}"`,
      );
    opts.idleTimeoutMs = ms;
  }
  if (values.thinking !== undefined) opts.thinking = thinkingValue('--thinking', values.thinking);
  if (values.model !== undefined && !values.model.trim())
    throw new UsageError('--model needs a value like openai/gpt-5.2');
  const [first, ...rest] = positionals;
  if (first && SUBCOMMANDS.has(first)) opts.command = { name: first, args: rest };
  if (opts.turn !== undefined && opts.command?.name !== 'undo')
    throw new UsageError('--turn goes with nanocode undo: nanocode undo --turn 3');
  else if (positionals.length > 0) opts.task = positionals.join(' ');
  return opts;
}

const isSandboxMode = (value: string): value is 'on' | 'network' | 'off' =>
  value === 'on' || value === 'network' || value === 'off';

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: 'string', short: 'm' },
      cwd: { type: 'string', short: 'C' },
      'max-turns': { type: 'string' },
      'idle-timeout': { type: 'string' },
      thinking: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      strict: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      json: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      trajectory: { type: 'string' },
      'max-cost': { type: 'string' },
      timeout: { type: 'string' },
      'compact-at': { type: 'string' },
      'compact-every': { type: 'string' },
      'no-compact': { type: 'boolean' },
      continue: { type: 'boolean', short: 'c' },
      resume: { type: 'string', short: 'r' },
      'no-session': { type: 'boolean' },
      'mcp-config': { type: 'string', multiple: true },
      'trust-mcp': { type: 'boolean' },
      'no-checkpoints': { type: 'boolean' },
      turn: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      print: { type: 'boolean', short: 'p' },
      'append-system-prompt': { type: 'string' },
      allow: { type: 'string', multiple: true },
      deny: { type: 'string', multiple: true },
      'output-last-message': { type: 'string' },
      image: { type: 'string', multiple: true },
    },
  });
}

/** --allow/--deny values: non-empty command prefixes, as in the config files. */
function checkRules(name: string, rules: string[] | undefined): string[] {
  for (const rule of rules ?? [])
    if (!rule.trim()) throw new UsageError(`${name} needs a command prefix, e.g. ${name} "npm test"`);
  return rules ?? [];
}

export function thinkingValue(name: string, raw: unknown): ThinkingLevel {
  const value = String(raw).trim().toLowerCase();
  if (!isThinkingLevel(value)) throw new UsageError(`${name} must be off, low, medium or high, got "${raw}"`);
  return value;
}

export function positiveInt(name: string, raw: unknown): number {
  const n = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw).trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${name} must be a whole number of at least 1, got "${raw}"`);
  return n;
}
