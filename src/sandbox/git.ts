// nanocode's own git calls (the system prompt's status and diff). Contract:
// they never execute anything a repository's configuration names — no
// fsmonitor, pager, external diff, textconv, filter driver or hook — whether or
// not the sandbox is on; with it on, the calls that read the work tree (status,
// diff) also run inside it (project read-only, no network), while those that
// only read config and refs run directly (one bwrap start less at start-up).
// Resolves undefined on any failure; never throws.
import { execFile } from 'node:child_process';

/** Settings given on the command line, which outrank every config file (includes too). */
const HARDENING = [
  '--no-pager',
  '--no-optional-locks',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.pager=cat',
];

/** Subcommands that read the work tree, and so run inside the sandbox when it is on. */
const WORK_TREE = new Set(['status', 'diff']);

/** Per subcommand: flags that switch off programs the repository may name (`diff.external` included). */
const SUBCOMMAND_FLAGS: Record<string, string[]> = {
  diff: ['--no-ext-diff', '--no-textconv', '--ignore-submodules=all'],
  status: ['--ignore-submodules=all'],
};

export interface GitOptions {
  /** Wraps the argv of the work-tree readers (the sandbox), once it is known; absent or undefined: run git directly. */
  wrap?: Promise<((argv: string[]) => string[]) | undefined>;
  timeoutMs?: number;
}

/** The environment git runs with: no system config, no prompts, no external diff. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
  for (const name of ['GIT_EXTERNAL_DIFF', 'GIT_PAGER', 'PAGER', 'GIT_ASKPASS', 'SSH_ASKPASS'])
    delete env[name];
  return env;
}

function exec(cwd: string, argv: string[], timeoutMs = 3000): Promise<string | undefined> {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    execFile(file!, args, { cwd, env: gitEnv(), timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}

/**
 * `-c filter.<name>.clean= …` for every filter driver the configuration
 * defines: `git status` would otherwise run a clean filter on changed files.
 */
async function filterOverrides(cwd: string, timeoutMs?: number): Promise<string[]> {
  const argv = ['git', ...HARDENING, 'config', '-z', '--get-regexp', '^filter\\.'];
  const out = await exec(cwd, argv, timeoutMs);
  const names = new Set<string>();
  for (const entry of (out ?? '').split('\0')) {
    const key = entry.split('\n', 1)[0]!;
    const match = /^filter\.(.+)\.[^.]+$/.exec(key);
    if (match) names.add(match[1]!);
  }
  return [...names].flatMap((n) =>
    ['clean=', 'smudge=', 'process=', 'required=false'].flatMap((s) => ['-c', `filter.${n}.${s}`]),
  );
}

/**
 * A git runner for one directory. The filter overrides are looked up once, on first use; a call that
 * only reads refs (`rev-parse`) runs meanwhile, since no filter driver or sandbox concerns it.
 */
export function safeGit(cwd: string, opts: GitOptions = {}): (args: string[]) => Promise<string | undefined> {
  let filters: Promise<string[]> | undefined;
  return async (args) => {
    filters ??= filterOverrides(cwd, opts.timeoutMs);
    const [sub, ...rest] = args;
    if (sub === 'rev-parse') return exec(cwd, ['git', ...HARDENING, ...args], opts.timeoutMs);
    const argv = ['git', ...HARDENING, ...(await filters), sub!, ...(SUBCOMMAND_FLAGS[sub!] ?? []), ...rest];
    const wrap = WORK_TREE.has(sub!) ? await opts.wrap : undefined;
    return exec(cwd, wrap ? wrap(argv) : argv, opts.timeoutMs);
  };
}
