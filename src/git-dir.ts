// What a `.git` file and a git directory's `commondir` name, read as git reads them: a worktree's or
// submodule's `.git` file says `gitdir: <path>` (relative to the file's directory), and a linked git
// directory's `commondir` holds the path of the one it shares config and hooks with (relative to it).
//
// Contract: absolute paths, or undefined when the file is missing, not a regular file, or names
// nothing. Only the first 4 KB are read, without blocking (a FIFO in its place is skipped). Never throws.

import { dirname, resolve } from 'node:path';
import { readHeadSync } from './read-head.ts';

/** The git directory a `.git` file names. */
export function gitdirNamed(dotGit: string): string | undefined {
  const named = /^gitdir:\s*(.+?)\s*$/m.exec(readHeadSync(dotGit, 4096) ?? '')?.[1];
  return named === undefined ? undefined : resolve(dirname(dotGit), named);
}

/** The common git directory `gitDir` names in its `commondir`, if it has one. */
export function commonDirOf(gitDir: string): string | undefined {
  const named = readHeadSync(resolve(gitDir, 'commondir'), 4096)?.trim();
  return named ? resolve(gitDir, named) : undefined;
}
