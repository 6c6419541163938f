// Keeps nanocode's own files out of the user's `git status`: the name is added once to the
// repository's `.git/info/exclude` (local to this clone, never committed, unlike .gitignore).
//
// Contract: never throws, never runs git (a repository's config is not trusted), never writes
// through a symlink (a planted `.git/info` or `exclude` link is left alone), and writes only
// inside the repository's own git directory.

import {
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { commonDirOf, gitdirNamed } from './git-dir.ts';
import { pathExists } from './path-exists.ts';

export function excludeFromGit(cwd: string, name: string): void {
  try {
    const gitDir = findGitDir(cwd);
    if (!gitDir) return;
    const info = join(gitDir, 'info');
    if (!pathExists(info)) mkdirSync(info, { mode: 0o755 });
    if (!lstatSync(info).isDirectory()) return;
    const exclude = join(info, 'exclude');
    const present = pathExists(exclude);
    if (present && !lstatSync(exclude).isFile()) return;
    if (present && listsName(readFileSync(exclude, 'utf8'), name)) return;
    const fd = openSync(
      exclude,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      0o644,
    );
    try {
      const text = present ? readFileSync(exclude, 'utf8') : '';
      const lead = text && !text.endsWith('\n') ? '\n' : '';
      writeSync(fd, `${lead}# added by nanocode (its audit log)\n${name}\n`);
    } finally {
      closeSync(fd);
    }
  } catch {
    // An unusual repository layout: the log simply shows up in git status.
  }
}

function listsName(text: string, name: string): boolean {
  return text.split(/\r?\n/).some((line) => line.trim() === name || line.trim() === `/${name}`);
}

/**
 * The git directory whose info/exclude applies to `cwd`: the nearest `.git` directory holding a
 * repository up the tree; for a `.git` file (a worktree, a submodule) the directory it names, or its
 * common directory. Undefined outside a repository; may throw on a file system changing under it.
 */
export function findGitDir(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    if (pathExists(dotGit)) {
      const stat = lstatSync(dotGit);
      // Only a repository (it has HEAD), as git sees it: an empty `.git` (another run's sandbox placeholder) is none.
      if (stat.isDirectory()) {
        if (pathExists(join(dotGit, 'HEAD'))) return dotGit;
        if (dirname(dir) === dir) return undefined;
        continue;
      }
      if (!stat.isFile()) return undefined;
      const gitDir = gitdirNamed(dotGit);
      if (!gitDir) return undefined;
      const target = commonDirOf(gitDir) ?? gitDir;
      // Only a real git directory (it has HEAD) is written to.
      return pathExists(join(target, 'HEAD')) ? realpathSync(target) : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}
