// One writer per session: `ID.lock` beside the session file holds the pid of the process writing it.
//
// Contract: lockSession succeeds when there is no lock, when the lock is this process's own, or when it
// is stale (its process is gone, or it is unreadable): a stale lock is taken over. A lock held by a
// live process is a UsageError naming it, so a second run continuing the same session at once never
// interleaves its lines with the first's. The lock is removed on release and when the process exits.

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../args.ts';

const held = new Set<string>();
let exitHook = false;

export function lockSession(dir: string, id: string): () => void {
  const file = join(dir, `${id}.lock`);
  if (held.has(file)) return () => releaseLock(file);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } catch {
        rmSync(file, { force: true }); // a full disk: an empty lock left would only look stale
        return () => {};
      } finally {
        closeSync(fd);
      }
      held.add(file);
      if (!exitHook) {
        exitHook = true;
        process.on('exit', () => {
          for (const f of held) rmSync(f, { force: true });
        });
      }
      return () => releaseLock(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return () => {}; // no lock possible: do not block the run
      const pid = ownerOf(file);
      if (pid !== undefined && pid !== process.pid && alive(pid)) {
        throw new UsageError(
          `session ${id} is in use by another nanocode run (pid ${pid}); wait for it to end, or start a new session`,
        );
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  return () => {};
}

function releaseLock(file: string): void {
  if (!held.delete(file)) return;
  rmSync(file, { force: true });
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
