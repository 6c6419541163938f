// The project's hooks when git's core.hooksPath puts them among the project's files (husky's
// `.husky/_`, a `.githooks/`): git runs them on the user's next commit or checkout, outside the
// sandbox, and a sandboxed command can write there (only `.git` is read-only; husky's directory is
// ignored by git, so a change does not even show in `git status`). A read-only mount would break the
// install scripts that write them (husky's `prepare`), so the sandbox looks instead: the hooks are read
// when the first command starts and again at the end, and what a command added or changed is named.
//
// Contract: `snapshotHooks(project)` asks git where the hooks are (`git rev-parse --git-path hooks`,
// which runs nothing) and, when that is inside the project but outside its `.git` (read-only anyway),
// records each file directly in it (what git runs): mode and content, or size and ctime once
// READ_BYTES have been read. `changedHooks(snapshot)` lists the files added or changed since, by path
// relative to the project. Synchronous, never throws.

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { findGitDir } from '../git-exclude.ts';
import { readHeadSync } from '../read-head.ts';
import { insideDir } from './policy.ts';

export interface HooksSnapshot {
  project: string;
  dir: string;
  files: Map<string, string>;
}

/** Contents compared up to this much in all; past it, a file's size and ctime stand for it. */
const READ_BYTES = 4 << 20;

/** The project's hooks as they are, or undefined when git keeps them in `.git` or outside the project. */
export function snapshotHooks(project: string): HooksSnapshot | undefined {
  if (!inRepository(project)) return undefined; // no git process for a directory no repository holds
  const run = spawnSync('git', ['rev-parse', '--git-path', 'hooks'], {
    cwd: project,
    encoding: 'utf8',
    timeout: 2000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const named = run.status === 0 ? run.stdout.trim() : '';
  if (!named) return undefined;
  const dir = resolve(project, named);
  const rel = insideDir(project, dir);
  if (rel === undefined || rel === '' || rel.split('/')[0] === '.git') return undefined;
  return { project, dir, files: hookFiles(dir) };
}

/** Whether git may find a repository for `dir` (GIT_DIR set, or a repository at or above it). */
function inRepository(dir: string): boolean {
  if (process.env.GIT_DIR) return true;
  try {
    return findGitDir(dir) !== undefined; // the sandbox's empty `.git` placeholder is none
  } catch {
    return true; // cannot tell: ask git
  }
}

/** The hooks added or changed since the snapshot (relative paths). */
export function changedHooks(before: HooksSnapshot): string[] {
  const changed: string[] = [];
  for (const [name, now] of hookFiles(before.dir))
    if (before.files.get(name) !== now) changed.push(relative(before.project, join(before.dir, name)));
  return changed;
}

/** What git may run from `dir`: each file in it (links followed), by name. */
function hookFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return files; // not there (yet)
  }
  let budget = READ_BYTES;
  for (const name of names) {
    const path = join(dir, name);
    try {
      const info = statSync(path);
      if (!info.isFile()) continue;
      budget -= info.size;
      // Read without blocking: a FIFO swapped in after the stat is skipped, not waited on.
      const content = budget < 0 ? `${info.size}:${info.ctimeMs}` : readHeadSync(path, info.size + 1);
      if (content !== undefined) files.set(name, `${info.mode}\n${content}`);
    } catch {
      // Unreadable: git cannot run it either.
    }
  }
  return files;
}
