// Builds the run's approval gate and sandbox from the flags: classifier plus
// user rules, who can be asked, and whether commands run under bubblewrap.

import { UsageError } from '../args.ts';
import { oneLine } from '../format.ts';
import { mcpToolVerdict } from '../mcp/rules.ts';
import { afterFirstRequest } from '../provider/first-request.ts';
import { fileReadVerdict, fileWriteVerdict } from '../sandbox/file-gate.ts';
import { type SandboxChoice, sandboxMode } from '../sandbox/mode.ts';
import { probeSandbox } from '../sandbox/probe.ts';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.ts';
import type { ApprovalGate } from '../tools/types.ts';
import { withCliRules } from './cli-rules.ts';
import { type ApprovalMode, type ApprovalQuestion, createGate } from './gate.ts';
import type { Analysis } from './levels.ts';
import { getBashParser } from './parser.ts';
import { applyRules, loadRules, type UserRules } from './rules.ts';

export interface SafetyOptions {
  cwd: string;
  home: string;
  yes: boolean;
  strict: boolean;
  /** The --sandbox flag; absent: the user's config, else on where it works. */
  sandbox?: SandboxChoice;
  /** Machine-readable output (--json without -v): falling back from the automatic sandbox is not announced. */
  quietFallback?: boolean;
  /** Present only when a person can answer (stdin and stdout are terminals). */
  ask?: (question: ApprovalQuestion) => Promise<boolean>;
  warn: (message: string) => void;
  /** --allow / --deny from the command line. */
  cliRules?: { allow: string[]; deny: string[] };
}

export interface Safety {
  gate: ApprovalGate;
  /** Present when commands run sandboxed. */
  sandbox?: Sandbox;
  rules: UserRules;
  /** Turns --yes on or off for the commands that follow (a JSON request's `yes`). */
  setYes(yes: boolean): void;
  /** Turns --strict on or off for the commands that follow (an ACP session's mode); never off when it replaces the sandbox. */
  setStrict(strict: boolean): void;
}

/** A malformed config file: like any bad input, one line and exit 2. */
export class ConfigError extends UsageError {}

/**
 * The user's and the project's rules. A project's allow rules apply too (as the
 * README documents), but the repository wrote them, so `warn` names them.
 */
export function loadUserRules(cwd: string, home: string, warn?: (message: string) => void): UserRules {
  try {
    return loadRules(cwd, home, {
      trustProjectAllow: true,
      onProjectAllow: (rules) =>
        warn?.(`allowing without asking, per .nanocode/config.json: ${oneLine(rules.join(', '), 400)}`),
    });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** Throws ConfigError only, for a malformed config file. */
export async function setupSafety(opts: SafetyOptions): Promise<Safety> {
  const loaded = loadUserRules(opts.cwd, opts.home, opts.warn);
  const rules = opts.cliRules ? withCliRules(loaded, opts.cliRules) : loaded;
  let strict = opts.strict;
  let sandbox: Sandbox | undefined;
  let mode: ReturnType<typeof sandboxMode>;
  try {
    mode = sandboxMode(opts.sandbox, opts.home);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (mode.choice !== 'off') {
    const check = await probeSandbox(opts.cwd);
    if (check.ok) {
      const network = mode.choice === 'network';
      sandbox = createSandbox({ project: opts.cwd, home: opts.home, network, warn: opts.warn });
    } else if (mode.explicit) {
      opts.warn(`sandbox unavailable (${check.reason}); continuing in --strict mode instead`);
      strict = true;
    } else if (!opts.quietFallback) {
      opts.warn(`sandbox unavailable (${check.reason}); commands run unsandboxed (--sandbox=off hides this)`);
    }
  }
  const boundary = { project: opts.cwd, home: opts.home, sandboxed: sandbox !== undefined };
  const writable = sandbox ? [sandbox.privateTmp] : [];
  // Compile the grammar while the first model request is in flight (not before it is sent); the first
  // command would wait for it anyway.
  // The classifier's rules load then too: nothing before the first request needs them.
  afterFirstRequest(() => {
    getBashParser().catch(() => {});
    import('./classify.ts').catch(() => {});
  });
  const gateOptions = {
    cwd: opts.cwd,
    mode: (strict ? 'strict' : 'default') as ApprovalMode,
    yes: opts.yes,
    ask: opts.ask,
    classify: (command: string) => classifyWithRules(command, opts.cwd, opts.home, rules),
    classifyWrite: (abs: string) => fileWriteVerdict(abs, { ...boundary, writable }),
    classifyRead: (abs: string) => fileReadVerdict(abs, boundary),
    classifyTool: (name: string) => mcpToolVerdict(name, rules),
  };
  const gate = createGate(gateOptions);
  const setYes = (yes: boolean) => {
    gateOptions.yes = yes;
  };
  // When the sandbox could not start, strict stands in for it and cannot be turned off.
  const forcedStrict = strict && !opts.strict;
  const setStrict = (on: boolean) => {
    gateOptions.mode = on || forcedStrict ? 'strict' : 'default';
  };
  return { gate, sandbox, rules, setYes, setStrict };
}

/** The classifier's verdict on a command, with the user's rules applied. Its module loads on first use. */
export async function classifyWithRules(command: string, cwd: string, home: string, rules: UserRules) {
  return applyRules(await analyze(command, cwd, home), rules);
}

/** Analyses of the last commands: a turn's command is classified for its checkpoint and then by the gate. */
const analyses = new Map<string, Promise<Analysis>>();
const KEEP_ANALYSES = 32;

/** The classifier's analysis, memoized: it reads the command text and the two directories only. */
function analyze(command: string, cwd: string, home: string): Promise<Analysis> {
  const key = `${cwd}\0${home}\0${command}`;
  let analysis = analyses.get(key);
  if (!analysis) {
    analysis = import('./classify.ts').then(({ analyzeCommand }) =>
      analyzeCommand(command, { projectDir: cwd, homeDir: home }),
    );
    analysis.catch(() => analyses.delete(key));
    analyses.set(key, analysis);
    if (analyses.size > KEEP_ANALYSES) analyses.delete(analyses.keys().next().value!);
  }
  return analysis;
}
