// Resource limits inside the sandbox (the run's command shell and every command
// it starts): a process count (a fork bomb stops at it) and a memory cap per process.
//
// RLIMIT_NPROC counts, since Linux 5.14, the processes of the user *in the
// sandbox's user namespace*, so it bounds the sandbox alone — except for real
// root, whom the kernel exempts. For root, each sandbox also joins a fresh pids
// cgroup (v1 `pids` hierarchy or a v2 cgroup with the pids controller) when one
// can be created. RLIMIT_DATA bounds each process's heap and anonymous memory
// (not address-space reservations, so V8 and Go still start).
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { totalmem } from 'node:os';
import { delimiter, join } from 'node:path';

/** Processes per sandbox: NANOCODE_MAX_PROCESSES, default 1024. */
export function maxProcesses(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.NANOCODE_MAX_PROCESSES);
  return Number.isInteger(n) && n > 0 ? n : 1024;
}
/** Half the machine's memory, at most 16 GiB, per process. */
export const MAX_DATA_BYTES = Math.min(totalmem() / 2, 16 * 1024 ** 3);

/** The argv prefix that applies the rlimits and then execs the rest (inside bwrap). */
export function rlimitPrefix(procs: number, path = process.env.PATH ?? ''): string[] {
  const data = Math.floor(MAX_DATA_BYTES);
  const prlimit = path
    .split(delimiter)
    .map((dir) => join(dir, 'prlimit'))
    .find((file) => existsSync(file));
  if (prlimit) return [prlimit, `--nproc=${procs}`, `--data=${data}`, '--'];
  const kb = Math.floor(data / 1024);
  return ['bash', '-c', `ulimit -u ${procs} -d ${kb} && exec "$@"`, 'bash'];
}

/** A parent cgroup with the pids controller, for root; one child per sandbox started. */
export interface PidsCgroup {
  /** The argv prefix (outside bwrap) that moves what follows into a new child cgroup, then execs it. */
  prefix(): string[];
  /** Removes the child cgroups whose processes are all gone, and the parent once empty. Never throws. */
  cleanup(): void;
}

/** Creates `nanocode-<pid>` under a writable pids hierarchy, or returns undefined. Never throws. */
export function createPidsCgroup(procs: number): PidsCgroup | undefined {
  const parent = pidsParent();
  if (!parent) return undefined;
  sweepStale(parent);
  const root = join(parent, `nanocode-${process.pid}`);
  try {
    mkdirSync(root);
    // v2: the controller must be enabled for the children.
    if (parent !== V1_PIDS) appendFileSync(join(root, 'cgroup.subtree_control'), '+pids');
  } catch {
    try {
      rmdirSync(root);
    } catch {}
    return undefined;
  }
  let next = 0;
  const children: string[] = [];
  return {
    prefix() {
      const child = join(root, `c${next++}`);
      try {
        mkdirSync(child);
        writeFileSync(join(child, 'pids.max'), String(procs));
      } catch {
        return [];
      }
      children.push(child);
      return ['sh', '-c', 'echo $$ > "$0" && exec "$@"', join(child, 'cgroup.procs')];
    },
    cleanup() {
      for (const dir of [...children.splice(0), root]) {
        try {
          rmdirSync(dir);
        } catch {
          // Still has processes (left in the background): the kernel keeps it.
        }
      }
    },
  };
}

const V1_PIDS = '/sys/fs/cgroup/pids';

/** Removes the empty cgroups of nanocode runs that died without cleaning up (killed). Never throws. */
function sweepStale(parent: string): void {
  try {
    for (const name of readdirSync(parent)) {
      const pid = Number(/^nanocode-(\d+)$/.exec(name)?.[1]);
      if (!pid || isAlive(pid)) continue;
      const root = join(parent, name);
      for (const child of readdirSync(root, { withFileTypes: true }))
        if (child.isDirectory()) rmdirQuietly(join(root, child.name));
      rmdirQuietly(root);
    }
  } catch {
    // Not readable: nothing to sweep.
  }
}

/** Sends `signal` to the process group `pid` leads (a child spawned detached); nothing if it is gone. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** True when a process with this id exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Busy (processes left) or gone.
  }
}

function pidsParent(): string | undefined {
  if (existsSync(join(V1_PIDS, 'cgroup.procs'))) return V1_PIDS;
  try {
    // v2: our own cgroup, if it already hands the pids controller to its children.
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('0::'));
    const dir = line ? join('/sys/fs/cgroup', line.slice(3)) : undefined;
    if (dir && readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('pids'))
      return dir;
  } catch {
    // No cgroup v2 here.
  }
  return undefined;
}
