// The bubblewrap argv around one command. Contract:
// - the whole file system is read-only; writable are the project and the run's
//   private temp (mounted at /tmp); /run (sockets: docker, dbus) is hidden;
// - inside the project, `.git` (all of it: a writable `.git/commondir` or index
//   lets a command choose the config the user's next `git status` runs), the `.git`
//   of every submodule `.gitmodules` names (or one swapped in runs its own config),
//   `.nanocode/`, `.nanocode.log`, `.env`, `.envrc`, `.env.local` are read-only
//   whether or not they exist, and any other existing `.env*` too: a missing path
//   gets an empty read-only placeholder (bwrap creates its mount point, and any missing
//   directory above it, on the host; `placeholders` lists them so they can be
//   removed); `.git` and `.nanocode` are mount points, so they cannot be renamed away;
// - credentials are replaced by empty ones; new PID, IPC, UTS and network
//   namespaces (network shared only when asked), all capabilities dropped.
import { type Dirent, existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gitdirNamed } from '../git-dir.ts';
import { insideDir, isEnvFile } from './policy.ts';

export interface BwrapPlan {
  project: string;
  /** Share the host network. */
  network: boolean;
  isRoot: boolean;
  /** Host directory mounted at /tmp; absent: a fresh empty /tmp per command. */
  privateTmp?: string;
  /** Host directories mounted writable inside (after /tmp): mount points, so they cannot be moved or replaced. */
  binds?: readonly { host: string; inside: string }[];
  /** Credential paths to hide (those that do not exist are skipped). */
  hide: readonly string[];
  /** Mount the project read-only too (nanocode's own git calls). */
  readOnlyProject?: boolean;
  /** Placeholders made for earlier commands: still treated as missing, so they stay placeholders. */
  known?: ReadonlySet<string>;
}

export interface BwrapArgv {
  /** Everything before the command's own argv (ends with `--`). */
  prefix: string[];
  /** Paths that did not exist and that bwrap will create as mount points on the host. */
  placeholders: string[];
}

type Kind = 'file' | 'dir' | 'other' | undefined;

function kindOf(path: string): Kind {
  try {
    const info = lstatSync(path);
    return info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other';
  } catch {
    return undefined;
  }
}

/** Hidden already: under /tmp or /run, which the sandbox replaces. */
const replaced = (path: string) =>
  insideDir('/tmp', path) !== undefined || insideDir('/run', path) !== undefined;

export function bwrapArgv(plan: BwrapPlan): BwrapArgv {
  const p = plan.project;
  const argv = ['bwrap', '--die-with-parent', '--new-session', '--unshare-all'];
  if (plan.network) argv.push('--share-net');
  argv.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc');
  if (existsSync('/run')) argv.push('--tmpfs', '/run');
  if (plan.network && existsSync('/run/systemd/resolve'))
    argv.push('--ro-bind', '/run/systemd/resolve', '/run/systemd/resolve');
  // /tmp must be set up before the project, or a project under /tmp would be hidden.
  if (plan.privateTmp) argv.push('--bind', plan.privateTmp, '/tmp');
  else argv.push('--tmpfs', '/tmp');
  for (const { host, inside } of plan.binds ?? []) argv.push('--bind', host, inside);
  argv.push(plan.readOnlyProject ? '--ro-bind' : '--bind', p, p);
  const placeholders: string[] = [];
  if (!plan.readOnlyProject) protectProject(p, argv, placeholders, plan.known ?? new Set());
  // After the project, so a credential inside it (a project that is the home directory) stays hidden.
  for (const path of plan.hide) {
    if (replaced(path) && insideDir(p, path) === undefined) continue;
    const kind = kindOf(path);
    if (kind === 'dir') argv.push('--tmpfs', path, '--remount-ro', path);
    else if (kind) argv.push('--ro-bind', '/dev/null', path);
  }
  if (plan.isRoot) argv.push('--cap-drop', 'ALL');
  argv.push('--chdir', p, '--');
  return { prefix: argv, placeholders };
}

function protectProject(p: string, argv: string[], placeholders: string[], known: ReadonlySet<string>): void {
  const kindNow = (path: string) => (known.has(path) ? undefined : kindOf(path));
  const readOnly = (path: string, want: 'file' | 'dir') => {
    const kind = kindNow(path);
    if (kind === 'dir' || kind === 'file' || kind === 'other') {
      argv.push('--ro-bind', path, path);
      return;
    }
    // bwrap makes the mount point and any directory missing above it: each is a placeholder to remove.
    for (let dir = dirname(path); dir !== p && insideDir(p, dir) && !kindNow(dir); dir = dirname(dir))
      placeholders.push(dir);
    placeholders.push(path);
    if (want === 'dir') argv.push('--tmpfs', path, '--remount-ro', path);
    else argv.push('--ro-bind', '/dev/null', path);
  };
  // A mount point of its own, read-only whatever it is: no command can create a repository here, swap
  // `.git` for another, or change what git reads from it (config, hooks, commondir, the index).
  const git = join(p, '.git');
  readOnly(git, kindNow(git) === 'file' ? 'file' : 'dir');
  const pointed = gitdirInside(p, git);
  if (pointed) readOnly(pointed, 'dir');
  for (const sub of submodulePaths(p)) {
    const subGit = join(p, sub, '.git');
    readOnly(subGit, kindNow(subGit) === 'dir' ? 'dir' : 'file');
  }
  readOnly(join(p, '.nanocode'), 'dir');
  readOnly(join(p, '.nanocode.log'), 'file');
  // Those that tools load without asking get a placeholder; any other existing `.env*` is bound as it is.
  const envs = new Set(['.env', '.envrc', '.env.local']);
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(p, { withFileTypes: true });
  } catch {
    // An unreadable project: bwrap will say so.
  }
  for (const entry of entries) if (isEnvFile(entry.name)) envs.add(entry.name);
  for (const name of envs) readOnly(join(p, name), 'file');
}

/** The git directory a `.git` file names, when it lies inside the project (then it is protected too). */
function gitdirInside(p: string, git: string): string | undefined {
  try {
    if (!lstatSync(git).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const target = gitdirNamed(git);
  return target && insideDir(p, target) ? target : undefined;
}

const MAX_SUBMODULES = 256;

/** The submodule paths `.gitmodules` names, inside the project (git status looks into each). */
function submodulePaths(p: string): string[] {
  let text = '';
  try {
    text = readFileSync(join(p, '.gitmodules'), 'utf8').slice(0, 1_000_000);
  } catch {
    return [];
  }
  const paths: string[] = [];
  for (const m of text.matchAll(/^\s*path\s*=\s*(.+?)\s*$/gm)) {
    const value = m[1]!.replace(/^"(.*)"$/, '$1');
    const rel = insideDir(p, resolve(p, value));
    if (rel && !throughSymlink(p, rel)) paths.push(rel);
  }
  // Each is a mount of its own; a .gitmodules of thousands would slow every sandbox start.
  return paths.slice(0, MAX_SUBMODULES);
}

/** Whether a directory on the way from `p` to `rel` is a symlink (a hostile .gitmodules could lead out of the project). */
function throughSymlink(p: string, rel: string): boolean {
  let dir = p;
  for (const part of rel.split('/')) {
    dir = join(dir, part);
    try {
      if (lstatSync(dir).isSymbolicLink()) return true;
    } catch {
      return false; // missing from here on: bwrap makes plain directories
    }
  }
  return false;
}
