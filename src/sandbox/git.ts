// nanocode's own git calls (the system prompt's status and diff). Contract:
// they never execute anything a repository's configuration names — no
// fsmonitor, pager, external diff, textconv, filter driver or hook — whether or
// not the sandbox is on; with it on, they run inside it (project read-only, no
// network). All of them are one bash started once (in one sandbox), not a
// process of nanocode's each: every start of a process from nanocode costs it
// ~10 ms of its own time here, before the first request.
// Resolves undefined outside a work tree or on any failure; never throws.
import { spawn } from 'node:child_process';
import { signalGroup } from './limits.ts';

/**
 * Settings given on the command line, which outrank every config file (includes too); then, for every
 * filter driver the configuration defines, `-c filter.<name>.clean= …` (status would run a clean filter
 * on changed files), and per subcommand the flags that switch off programs the repository may name.
 * Status and diff run at once (diff into a pipe read after status). Outside a work tree status fails:
 * exit code 4. Output: status, a NUL, diff (empty without a HEAD).
 */
const SCRIPT = `h=(--no-pager --no-optional-locks -c core.fsmonitor=false -c core.hooksPath=/dev/null -c core.pager=cat)
while IFS= read -r -d '' key; do
  n=\${key#filter.}; n=\${n%.*}
  h+=(-c "filter.$n.clean=" -c "filter.$n.smudge=" -c "filter.$n.process=" -c "filter.$n.required=false")
done < <(git "\${h[@]}" config -z --name-only --get-regexp '^filter\\.' 2>/dev/null)
exec 3< <(git "\${h[@]}" diff --stat --no-ext-diff --no-textconv --ignore-submodules=all HEAD 2>/dev/null)
git "\${h[@]}" status --short --ignore-submodules=all 2>/dev/null || exit 4
printf '\\0'
cat <&3
`;

export interface GitOptions {
  /** Wraps the argv (the sandbox), once it is known; absent or undefined: run directly. */
  wrap?: Promise<((argv: string[]) => string[]) | undefined>;
  timeoutMs?: number;
}

/** The environment git runs with: no system config, no prompts, no external diff. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
  for (const name of ['GIT_EXTERNAL_DIFF', 'GIT_PAGER', 'PAGER', 'GIT_ASKPASS', 'SSH_ASKPASS', 'BASH_ENV'])
    delete env[name];
  return env;
}

/** Output beyond this is not read: the prompt keeps only the start of it anyway. */
const MAX_OUTPUT = 1 << 20;

/**
 * `git status --short` and `git diff --stat HEAD` of the work tree at `cwd`. The bash is a process
 * group of its own: at the time limit the whole group is killed, the git it is waiting for included.
 */
export async function gitStatusAndDiff(
  cwd: string,
  opts: GitOptions = {},
): Promise<{ status: string; diff: string } | undefined> {
  const argv = ['bash', '--noprofile', '--norc', '-c', SCRIPT, 'nanocode-git'];
  const wrap = await opts.wrap;
  const [file, ...args] = wrap ? wrap(argv) : argv;
  return new Promise((resolve) => {
    const child = spawn(file!, args, {
      cwd,
      env: gitEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let failed = false;
    const kill = () => {
      failed = true;
      signalGroup(child.pid, 'SIGKILL');
    };
    const timer = setTimeout(kill, opts.timeoutMs ?? 4000);
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_OUTPUT) return kill();
      chunks.push(chunk);
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve(undefined); // no bash
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(chunks).toString('utf8');
      const cut = stdout.indexOf('\0');
      if (failed || code !== 0 || cut < 0) return resolve(undefined);
      resolve({ status: stdout.slice(0, cut), diff: stdout.slice(cut + 1) });
    });
  });
}
