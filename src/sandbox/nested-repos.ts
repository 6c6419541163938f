// Git repositories that sandboxed commands made or changed below the project, and what in them runs a
// program. The sandbox keeps the project's `.git` and its submodules' read-only, but every other
// directory of the project is writable, and no mount can stop a command from making `x/.git` there:
// the program its config or hooks name runs outside the sandbox, as the user, when the user runs git
// in `x` (or an editor that looks for repositories below the folder it opened does). The sandbox
// cannot prevent that; it ends with a look, so the user hears of it before running git there.
//
// Contract: `strayRepos(project, sinceMs)` finds every `.git` below `project` (directory, file or
// link; at any depth, ignored directories included; the project's own left out: it is read-only)
// whose git directory, config, commondir or hooks changed (ctime) since `sinceMs`, and reports those
// that would run a program: a config key outside the ones that only describe the repository (git
// lists the keys itself, `git config --file … --list --name-only`, which runs nothing and follows no
// include; an include is reported like any other key), or a hook that is not a `.sample`. What
// `git init` and `git clone` write reports nothing. Synchronous (it runs in the exit handler),
// bounded (search and inspection stop after SEARCH_MS in all and say so; a FIFO where a file should
// be is never read) and never throws. File times are the
// kernel's clock: on a network filesystem whose server's clock is behind, a change can be missed.

import { spawnSync } from 'node:child_process';
import { type Dirent, lstatSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { commonDirOf, gitdirNamed } from '../git-dir.ts';

export interface StrayRepo {
  /** The `.git` entry, relative to the project. */
  path: string;
  /** What runs a program: `core.fsmonitor`, `hooks/pre-commit`, ... */
  reasons: string[];
}

export interface StrayRepoSearch {
  repos: StrayRepo[];
  /** Why the search could not look at everything, if it could not. */
  incomplete?: string;
}

const SEARCH_MS = 2000;
/** Filesystems that keep coarse times, and a ctime read from a clock a tick behind. */
const CLOCK_SLACK_MS = 1000;
/** More changed repositories than this are reported by count (each costs a git process). */
const MAX_INSPECTED = 20;

/**
 * Config keys that describe a repository and run nothing (lower case; `*` is any subsection). Any
 * other key is reported: the keys that name programs are many (core.fsmonitor, core.pager,
 * core.sshCommand, core.hooksPath, diff.*.textconv, filter.*.clean, credential.helper, ...) and grow
 * with git, so the list says what is safe, not what is not.
 */
const DESCRIPTIVE = new Set([
  'core.repositoryformatversion',
  'core.filemode',
  'core.bare',
  'core.logallrefupdates',
  'core.ignorecase',
  'core.precomposeunicode',
  'core.symlinks',
  'core.autocrlf',
  'core.eol',
  'core.safecrlf',
  'core.checkstat',
  'core.trustctime',
  'core.quotepath',
  'core.sharedrepository',
  'core.sparsecheckout',
  'core.sparsecheckoutcone',
  'core.untrackedcache',
  'core.commitgraph',
  'core.multipackindex',
  'core.abbrev',
  'core.worktree',
  'extensions.objectformat',
  'extensions.worktreeconfig',
  'extensions.partialclone',
  'extensions.refstorage',
  'init.defaultbranch',
  'user.name',
  'user.email',
  'gc.auto',
  'pull.rebase',
  'pull.ff',
  'fetch.prune',
  'push.default',
  'index.version',
  'remote.*.url',
  'remote.*.pushurl',
  'remote.*.fetch',
  'remote.*.push',
  'remote.*.tagopt',
  'remote.*.prune',
  'remote.*.mirror',
  'remote.*.promisor',
  'remote.*.partialclonefilter',
  'branch.*.remote',
  'branch.*.merge',
  'branch.*.rebase',
  'branch.*.pushremote',
  'branch.*.description',
  'submodule.active',
  'submodule.recurse',
  'submodule.*.url',
  'submodule.*.active',
  'lfs.repositoryformatversion',
  'lfs.*.access',
  'lfs.*.locksverify',
  'maintenance.auto',
  'maintenance.strategy',
]);

/** `section.key`, or `section.*.key` for a name with a subsection (which may itself hold dots). */
function pattern(name: string): string {
  const first = name.indexOf('.');
  const last = name.lastIndexOf('.');
  if (first === last) return name.toLowerCase();
  return `${name.slice(0, first)}.*.${name.slice(last + 1)}`.toLowerCase();
}

export function strayRepos(project: string, sinceMs: number): StrayRepoSearch {
  const deadline = Date.now() + SEARCH_MS;
  const found = findGitEntries(project, deadline);
  const changed = found.entries
    .map((entry) => ({ entry, dirs: gitDirsOf(entry) }))
    .filter(({ entry, dirs }) => changedSince(entry, dirs, sinceMs - CLOCK_SLACK_MS));
  const repos: StrayRepo[] = [];
  let looked = 0;
  for (const { entry, dirs } of changed.slice(0, MAX_INSPECTED)) {
    if (Date.now() > deadline) break;
    looked++;
    const reasons = programsIn(dirs, deadline);
    if (reasons.length > 0) repos.push({ path: relative(project, entry), reasons });
  }
  const skipped = changed.length - looked;
  const incomplete =
    found.incomplete ?? (skipped > 0 ? `${skipped} more changed repositories not looked into` : undefined);
  return incomplete ? { repos, incomplete } : { repos };
}

/**
 * Every `.git` below the project but its own, not descending into any, nor following links: a walk of
 * this process (a `find` would cost more to start than a small project's walk; 20 000 files take ~20 ms).
 */
function findGitEntries(project: string, deadline: number): { entries: string[]; incomplete?: string } {
  const entries: string[] = [];
  const dirs = [project];
  for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
    if (Date.now() > deadline) return { entries, incomplete: `the search took over ${SEARCH_MS / 1000} s` };
    let list: Dirent[];
    try {
      list = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable, or gone: no command of the sandbox could write there either, or it is gone
    }
    for (const entry of list) {
      const path = join(dir, entry.name);
      if (entry.name === '.git') {
        if (dir !== project) entries.push(path);
      } else if (entry.isDirectory()) dirs.push(path);
    }
  }
  return { entries };
}

/** The git directory a `.git` entry stands for: itself, the directory a link leads to, or a `.git` file's gitdir. */
function gitDirOf(entry: string): string | undefined {
  try {
    if (statSync(entry).isDirectory()) return entry;
  } catch {
    return undefined;
  }
  return gitdirNamed(entry);
}

/** The directories git reads config and hooks from for this entry: its git directory and any commondir. */
function gitDirsOf(entry: string): string[] {
  const dir = gitDirOf(entry);
  if (!dir) return [];
  const common = commonDirOf(dir); // none: the usual case
  return common ? [dir, common] : [dir];
}

function ctimeMs(path: string): number | undefined {
  try {
    return lstatSync(path).ctimeMs;
  } catch {
    return undefined;
  }
}

function hookNames(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'hooks'));
  } catch {
    return [];
  }
}

/** Whether the entry, or what git reads through it (its git directories, `dirs`), changed at or after `since`. */
function changedSince(entry: string, dirs: string[], since: number): boolean {
  const paths = [entry];
  for (const dir of dirs) {
    paths.push(dir, join(dir, 'config'), join(dir, 'config.worktree'), join(dir, 'commondir'));
    paths.push(join(dir, 'hooks'), ...hookNames(dir).map((name) => join(dir, 'hooks', name)));
  }
  return paths.some((path) => (ctimeMs(path) ?? -Infinity) >= since);
}

/** What in the git directories `dirs` (an entry's, and its commondir) runs a program when git runs there. */
function programsIn(dirs: string[], deadline: number): string[] {
  const reasons: string[] = [];
  for (const dir of dirs) {
    for (const file of ['config', 'config.worktree']) {
      for (const key of configKeys(join(dir, file), deadline)) {
        if (!DESCRIPTIVE.has(pattern(key)) && !reasons.includes(key)) reasons.push(key);
      }
    }
    for (const name of hookNames(dir)) if (!name.endsWith('.sample')) reasons.push(`hooks/${name}`);
  }
  return reasons;
}

/**
 * The keys a config file sets, as git reads them; none when it has none, or git cannot read it, or
 * it is not a regular file (git would wait on a FIFO: the time limit stops it).
 */
function configKeys(file: string, deadline: number): string[] {
  try {
    if (!statSync(file).isFile()) return [];
  } catch {
    return [];
  }
  const run = spawnSync('git', ['config', '--file', file, '--list', '--name-only', '-z'], {
    cwd: '/', // no repository around to read
    encoding: 'utf8',
    timeout: Math.max(100, deadline - Date.now()),
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_DIR: undefined },
  });
  if (run.status !== 0) return [];
  return (run.stdout ?? '').split('\0').filter(Boolean);
}
