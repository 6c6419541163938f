// Ending a sandbox for certain: its pid namespace empty, not merely its bwrap exited. bwrap exits as
// soon as the command it started has, while the namespace's other processes (what a command left
// running) die a moment later; until they have, a placeholder removed on the host (a mount point)
// is unmounted inside, and one of them could create the path (a .git/config with a hook).
//
// Contract: bwrap reports its namespace's init through --info-fd (`child-pid`, a host pid, and
// `pid-namespace`); `endNamespace` kills that init if it still runs and returns true once the
// namespace is empty, false if it cannot tell within `waitMs`. The kernel empties a pid namespace
// (kills and reaps every other process in it) before its init turns zombie, so an init that is a
// zombie or gone means an empty namespace. Synchronous: it runs in the process's exit handler.

import { readFileSync, readlinkSync } from 'node:fs';

export interface NamespaceInit {
  /** Host pid of the namespace's init (bwrap's own pid 1). */
  pid: number;
  /** The pid namespace's inode number, to tell the init from a later process given the same pid. */
  namespace: number;
}

/** bwrap's --info-fd JSON; undefined unless it names both. */
export function parseBwrapInfo(text: string): NamespaceInit | undefined {
  try {
    const info = JSON.parse(text) as Record<string, unknown>;
    const pid = info['child-pid'];
    const namespace = info['pid-namespace'];
    if (Number.isSafeInteger(pid) && (pid as number) > 1 && Number.isSafeInteger(namespace))
      return { pid: pid as number, namespace: namespace as number };
  } catch {
    // Cut short (bwrap failed): nothing started.
  }
  return undefined;
}

/**
 * What became of `init`: `gone` once it is reaped or a zombie (the namespace then is empty) or its pid
 * belongs to a process of another namespace (it was reaped and the pid given again); `ours` while it
 * runs as that namespace's init; `unknown` otherwise: an exiting init loses its namespace link before
 * the kernel has emptied the namespace, and what cannot be read proves nothing.
 */
function fate(init: NamespaceInit): 'gone' | 'ours' | 'unknown' {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${init.pid}/stat`, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unknown';
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return 'gone';
  try {
    return readlinkSync(`/proc/${init.pid}/ns/pid`) === `pid:[${init.namespace}]` ? 'ours' : 'gone';
  } catch {
    return 'unknown';
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** This process's own pid namespace: a report naming it describes no sandbox (it was not bwrap's). */
function ownNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

/**
 * Kills the namespace's init if it still runs; true once the namespace is empty (within `waitMs`).
 * An init said to be in this process's own namespace is no sandbox's: nothing is killed, and false.
 */
export function endNamespace(init: NamespaceInit, waitMs = 500): boolean {
  const own = ownNamespace();
  if (own === undefined || own === `pid:[${init.namespace}]`) return false;
  for (let waited = 0; ; waited += 2) {
    const now = fate(init);
    if (now === 'gone') return true;
    if (waited >= waitMs) return false;
    if (now === 'ours') {
      try {
        process.kill(init.pid, 'SIGKILL'); // only a process seen as that namespace's init
      } catch {
        // Gone meanwhile: the next look says so.
      }
    }
    Atomics.wait(pause, 0, 0, 2);
  }
}
