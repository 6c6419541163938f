// One run's sandbox: the boundary around every command (run_cmd), nanocode's own
// git calls, and — through the approval gate — the file tools.
//
// Contract: `wrapCommand` returns the argv to spawn instead of `argv` (bubblewrap,
// the rlimits, for root a pids cgroup) — the run's command shell (src/shell/) is
// started with it; `shellKey` changes when a new shell is needed (a protected
// path appeared); `wrapGit` the same with the project read-only as well;
// `dispose` (also run at process exit) removes the placeholders bwrap created for
// protected paths that did not exist, the private temp, the shell's FIFO directory
// and the cgroups, and once the sandbox has ended, warns of what commands left that git
// would run outside it: git repositories made or changed below the project
// (src/sandbox/nested-repos.ts) and the project's hooks where they are its files
// (src/sandbox/project-hooks.ts); `leftBehind` lets a REPL ask after each prompt.
// Nothing here throws once created.
// A placeholder is removed only once every sandbox started with a `report` has ended for certain (its
// pid namespace empty: src/sandbox/namespace-end.ts): removed on the host while a process of the
// sandbox still runs, a mount point is unmounted inside it, and that process could create the path.
// A sandbox that cannot be seen to end keeps its placeholders (empty files and directories). Nor is
// one removed while another run in the project is alive: the last run out removes them all, and a
// later run what a killed one left (src/sandbox/placeholder-ledger.ts).
import type { ChildProcess } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  unlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureCodeCacheDir } from '../provider/cached-script.ts';
import { afterFirstRequest } from '../provider/first-request.ts';
import { sessionsDir } from '../sessions/store.ts';
import { bwrapArgv } from './bwrap.ts';
import { createPidsCgroup, maxProcesses, rlimitPrefix, signalGroup } from './limits.ts';
import { endNamespace, parseBwrapInfo } from './namespace-end.ts';
import { strayRepos } from './nested-repos.ts';
import { openLedger } from './placeholder-ledger.ts';
import { credentialPaths, insideDir } from './policy.ts';
import { privateTempDir, sweepStaleTmps } from './private-temp.ts';
import { changedHooks, type HooksSnapshot, snapshotHooks } from './project-hooks.ts';

export interface SandboxSettings {
  project: string;
  home: string;
  /** Share the host network with commands. */
  network: boolean;
  /** Where the end of the sandbox says what commands left that runs outside it. */
  warn?: (message: string) => void;
}

export interface Sandbox {
  network: boolean;
  /** The host directory commands see as /tmp (kept for the run). */
  privateTmp: string;
  /** The command shell's FIFOs: a host directory, mounted inside at a path commands cannot replace. */
  shellFifos: { host: string; inside: string };
  /** With `infoFd`, bwrap reports its namespace on that fd (a `report`'s, as fd 3 of the process). */
  wrapCommand(argv: string[], opts?: { infoFd?: number }): string[];
  /** What a command's sandbox is made of now (the mounts): a command shell started under another must be replaced. */
  shellKey(): string;
  /**
   * The empty files and directories bwrap made in the project as mount points (for paths it hides or
   * protects that did not exist): this run's and those other runs' ledgers name. Not the user's files.
   */
  placeholders(): Set<string>;
  wrapGit(argv: string[]): string[];
  /**
   * For a process about to start with `wrapCommand(argv, { infoFd: 3 })`: the file to give it as fd 3,
   * and `started` to call with it. The placeholders stay until its sandbox has ended for certain.
   */
  report(): { fd: number; started: (child: ChildProcess) => void };
  /** A command is about to run: the sandbox's end looks for the git repositories commands left. */
  commandStarted(): void;
  /**
   * A line each for what commands left that git would run outside the sandbox, those reported before
   * left out; none if no command ran: the git repositories they made or changed below the project
   * whose config or hooks run a program, and the project's hooks they added or changed where
   * core.hooksPath keeps them among the project's files. `afterCommandsOnly`: none unless a command
   * ran since the last look (a REPL's prompt without commands costs no walk of the project).
   */
  leftBehind(opts?: { afterCommandsOnly?: boolean }): string[];
  dispose(): void;
}

/** Where commands see the command shell's FIFO directory (a mount point in their /tmp). */
const SHELL_FIFOS_INSIDE = '/tmp/.nanocode-shell';

/**
 * nanocode's own directories outside the project: the user configuration (it can turn the sandbox
 * off), the state (sessions, checkpoint stores, MCP trust) and the provider code cache (code run
 * outside the sandbox). Hidden from commands like credentials. Where one lies inside the project (the
 * project is the home directory) it is made first if missing, so that no command can create it.
 */
function nanocodeOwn(s: SandboxSettings): string[] {
  const codeCache = ensureCodeCacheDir();
  const dirs = [
    join(s.home, '.config', 'nanocode'),
    dirname(sessionsDir()),
    ...(codeCache ? [codeCache] : []),
  ];
  for (const dir of dirs) {
    if (insideDir(s.project, dir) === undefined) continue;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch {
      // Not makeable (a file there): bwrap's mount over it hides it all the same.
    }
  }
  return dirs;
}

/** SSH host keys, by name (their directory is readable, the keys are not). */
function sshHostKeys(): string[] {
  try {
    return readdirSync('/etc/ssh')
      .filter((name) => /_key$/.test(name))
      .map((name) => join('/etc/ssh', name));
  } catch {
    return [];
  }
}

/** Call only after probeSandbox said ok. */
export function createSandbox(s: SandboxSettings): Sandbox {
  const createdAt = Date.now();
  const isRoot = process.getuid?.() === 0;
  // Off the path to the first request: listing a busy /tmp costs milliseconds.
  afterFirstRequest(sweepStaleTmps);
  const privateTmp = privateTempDir();
  const shellFifos = {
    host: privateTempDir('shell-'),
    inside: SHELL_FIFOS_INSIDE,
  };
  const binds = [shellFifos];
  const hide = [...credentialPaths(s.home), ...sshHostKeys(), ...nanocodeOwn(s)];
  const procs = maxProcesses();
  const rlimits = rlimitPrefix(procs);
  const cgroup = isRoot ? createPidsCgroup(procs) : undefined;
  const ledger = openLedger(dirname(sessionsDir()), s.project, removePlaceholder);
  /** bwrap's reports (outside the sandbox's reach: host /tmp is not its /tmp), made with the first. */
  let reports: string | undefined;
  const started: { file: string; child?: ChildProcess }[] = [];
  /**
   * Every sandbox ended for certain: its namespace emptied (killed now if need be), or none made
   * (bwrap exited by itself without a report). Otherwise it is stopped, and the answer is no.
   */
  const allEnded = () =>
    started
      .map(({ file, child }) => {
        const init = parseBwrapInfo(readOr(file));
        if (init) return endNamespace(init);
        if (!child || child.exitCode !== null) return true; // never spawned, or bwrap gave up before a sandbox
        signalGroup(child.pid, 'SIGKILL'); // its end cannot be seen: stopped, its placeholders kept
        return false;
      })
      .every(Boolean);

  let commandsRan = false;
  let ranSinceLook = false;
  /** The project's hooks before the first command, when git keeps them among the project's files. */
  let hooks: HooksSnapshot | undefined;
  const reported = new Set<string>();
  const leftBehind = (opts: { afterCommandsOnly?: boolean } = {}): string[] => {
    if (!commandsRan || (opts.afterCommandsOnly && !ranSinceLook)) return [];
    ranSinceLook = false;
    const found = strayRepos(s.project, createdAt);
    const lines = found.repos.map(strayRepoLine);
    const changed = hooks ? changedHooks(hooks) : [];
    if (changed.length > 0) lines.push(hookLine(changed));
    if (found.incomplete)
      lines.push(`could not finish looking for git repositories commands made: ${found.incomplete}`);
    const fresh = lines.filter((line) => !reported.has(line));
    for (const line of fresh) reported.add(line);
    return fresh;
  };

  const dispose = () => {
    if (allEnded()) ledger.settle();
    // Nothing of the sandbox runs now (or it was stopped): what it left is final.
    try {
      for (const line of leftBehind()) s.warn?.(line);
    } catch {
      // stderr closed: nobody to tell.
    }
    cgroup?.cleanup();
    // A sandbox not known to have ended may still be writing in them: a later run sweeps what is left.
    for (const dir of [privateTmp, shellFifos.host, reports]) {
      try {
        if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
      } catch {
        // Left for sweepStaleTmps.
      }
    }
    process.off('exit', dispose);
  };
  process.on('exit', dispose);
  /** The sandbox of commands as the project is now (placeholders made earlier count as missing). */
  const commandPlan = () => ({
    project: s.project,
    network: s.network,
    isRoot,
    privateTmp,
    binds,
    hide,
    known: ledger.paths,
  });

  return {
    network: s.network,
    privateTmp,
    shellFifos,
    wrapCommand(argv, opts = {}) {
      ledger.register();
      const built = bwrapArgv(commandPlan());
      ledger.add(built.placeholders);
      const info = opts.infoFd === undefined ? [] : ['--info-fd', String(opts.infoFd)];
      const [bwrap, ...rest] = built.prefix;
      return [...(cgroup?.prefix() ?? []), bwrap!, ...info, ...rest, ...rlimits, ...argv];
    },
    shellKey() {
      ledger.register(); // what killed runs left is cleared before any plan
      return bwrapArgv(commandPlan()).prefix.join('\0');
    },
    placeholders: () => ledger.inProject(),
    wrapGit(argv) {
      const plan = { project: s.project, network: false, isRoot, hide, readOnlyProject: true };
      return [...bwrapArgv(plan).prefix, ...argv];
    },
    report() {
      reports ??= privateTempDir('report-');
      const entry: (typeof started)[number] = { file: join(reports, `${started.length + 1}.json`) };
      started.push(entry);
      return {
        fd: openSync(entry.file, 'wx', 0o600),
        started: (child: ChildProcess) => {
          entry.child = child;
        },
      };
    },
    commandStarted() {
      if (!commandsRan) hooks = snapshotHooks(s.project);
      commandsRan = true;
      ranSinceLook = true;
    },
    leftBehind,
    dispose,
  };
}

function strayRepoLine({ path, reasons }: { path: string; reasons: string[] }): string {
  const where = dirname(path) === '.' ? 'the project' : dirname(path);
  return `warning: a command made or changed ${path}, a git repository whose config or hooks run programs (${reasons.join(', ')}) when git runs in ${where}, outside the sandbox: check them before running git there, or remove ${path}`;
}

function hookLine(paths: string[]): string {
  return `warning: a command added or changed ${paths.join(', ')}: hooks git runs (core.hooksPath) on a commit or checkout in the project, outside the sandbox: check them before running git there`;
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Removes an empty placeholder (an empty file or directory) that bwrap left; anything with content stays. */
function removePlaceholder(path: string): void {
  try {
    const info = lstatSync(path);
    if (info.isDirectory()) rmdirSync(path);
    else if (info.isFile() && info.size === 0) unlinkSync(path);
  } catch {
    // Gone already, or not empty: leave it.
  }
}
