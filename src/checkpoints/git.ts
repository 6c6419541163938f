// Runs git against the checkpoint store, never against the user's repository.
//
// Contract:
// - GIT_DIR is the store and GIT_WORK_TREE the project: the user's .git (config, index, stash,
//   branches, hooks) is never read or written, and no GIT_* variable from the environment leaks in.
// - No configuration is executed: no system or global config, no hooks, no fsmonitor, no pager,
//   no prompt, no automatic gc. Attribute-driven conversions are switched off in the store's
//   info/attributes (see store.ts), so what is stored and restored is the bytes on disk.
// - A command that finds a lock file of the store taken (another run's git is writing the same index or
//   refs: runs in one project share its store) runs again, every LOCK_WAIT_MS for up to LOCK_WAITS times.
//   A lock untouched for STALE_LOCK_MS was left by a git that died mid-write (a crash, kill -9, a full
//   machine): nothing but nanocode's git uses the store and none holds a lock for minutes, so it is
//   removed, once, and the command runs again.
// - Rejects with GitError (the command and git's first stderr line) on a non-zero exit, or when the
//   git server (src/checkpoints/git-server.ts: one bash per store that starts each git) is gone.

import { rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { insideDir } from '../sandbox/policy.ts';
import { GitServer } from './git-server.ts';

export class GitError extends Error {}

/** git's words for a lock file that exists: another git holds the index or a ref. */
const LOCK_TAKEN = /Unable to create '([^']*\.lock)': File exists/;
const LOCK_WAIT_MS = 50;
/** Up to ~2 s: another run's capture of a big project takes that long. */
const LOCK_WAITS = 40;
/** A first capture of a huge project takes a minute or two; no git of ours holds a lock longer. */
const STALE_LOCK_MS = 10 * 60_000;

/** The store's lock file git named, when nothing has touched it for STALE_LOCK_MS. */
function staleLock(stderr: string, store: string): string | undefined {
  const named = LOCK_TAKEN.exec(stderr)?.[1];
  if (!named) return undefined;
  const path = resolve(store, named);
  if (!insideDir(store, path)) return undefined;
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_LOCK_MS ? path : undefined;
  } catch {
    return undefined; // gone already: the next attempt will tell
  }
}

/** Settings passed with -c on every call: they win over any config file. */
const HARDENING = [
  'core.fsmonitor=',
  'core.hooksPath=/dev/null',
  'core.untrackedCache=true',
  'core.autocrlf=false',
  'core.safecrlf=false',
  'core.fileMode=true',
  'core.symlinks=true',
  'core.quotePath=false',
  'core.preloadIndex=true',
  'gc.auto=0',
  'maintenance.auto=false',
  'advice.addEmbeddedRepo=false',
  'protocol.allow=never',
];

export interface Git {
  (args: string[], input?: string): Promise<string>;
  readonly store: string;
}

/** A git runner bound to one store and one work tree. */
export function storeGit(store: string, workTree: string): Git {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  Object.assign(env, {
    GIT_DIR: store,
    GIT_WORK_TREE: workTree,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_AUTHOR_NAME: 'nanocode',
    GIT_AUTHOR_EMAIL: 'nanocode@localhost',
    GIT_COMMITTER_NAME: 'nanocode',
    GIT_COMMITTER_EMAIL: 'nanocode@localhost',
    LC_ALL: 'C',
  });
  const config = HARDENING.flatMap((kv) => ['-c', kv]);
  const server = new GitServer(workTree, env, config);
  const removed = new Set<string>();
  const run = async (args: string[], input?: string) => {
    for (let waits = 0; ; waits++) {
      // `git init` creates the store itself: it gets no GIT_DIR / GIT_WORK_TREE.
      const done = await server.run(args, input, { bare: args[0] === 'init' }).catch((error) => {
        throw new GitError(`git ${args[0]}: ${(error as Error).message}`);
      });
      if (done.code === 0) return done.stdout;
      const stale = staleLock(done.stderr, store);
      if (stale && !removed.has(stale)) {
        removed.add(stale);
        rmSync(stale, { force: true });
        continue;
      }
      if (waits < LOCK_WAITS && LOCK_TAKEN.test(done.stderr)) {
        await new Promise((resolve) => setTimeout(resolve, LOCK_WAIT_MS));
        continue;
      }
      const first = done.stderr.trim().split('\n')[0] || `exit code ${done.code}`;
      throw new GitError(`git ${args[0]}: ${first}`);
    }
  };
  return Object.assign(run, { store });
}
