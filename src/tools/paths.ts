// Path helpers shared by the file tools: resolve against the context's cwd,
// show paths the short way, and suggest names when a file is missing.

import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { readdir, readlink, realpath } from '../lazy-fs.ts';

/** Absolute path for `p`; relative paths resolve against `cwd` (never process.cwd()). */
export function resolvePath(cwd: string, p: string): string {
  return resolve(cwd, p);
}

/**
 * Where a write to `abs` really lands: symlinks resolved, through the nearest
 * existing ancestor when the file does not exist yet. The gate must judge this
 * path, so a planted symlink cannot point a write outside the project. Never throws.
 */
export async function writeTarget(abs: string, depth = 0): Promise<string> {
  const rest: string[] = [];
  for (let p = abs; ; p = dirname(p)) {
    try {
      return join(await realpath(p), ...rest);
    } catch {
      // Missing, or a dangling symlink, which a write would follow: follow it too.
    }
    try {
      const link = await readlink(p);
      if (depth < 40) return writeTarget(join(resolve(dirname(p), link), ...rest), depth + 1);
    } catch {
      // Not a symlink.
    }
    if (dirname(p) === p) return abs;
    rest.unshift(basename(p));
  }
}

/** `abs` relative to `cwd` when it lies inside it, else absolute. */
export function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

/** Text for a missing file: ` Did you mean a, b?` with up to 3 similar names in its directory, or ''. Never throws. */
export async function didYouMean(cwd: string, abs: string): Promise<string> {
  const dir = dirname(abs);
  const want = basename(abs).toLowerCase();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return '';
  }
  const scored = names
    .map((name) => ({ name, score: distance(want, name.toLowerCase()) }))
    .filter(({ name, score }) => score <= Math.max(2, Math.floor(want.length / 3)) || sameStem(want, name))
    .sort((a, b) => a.score - b.score)
    .slice(0, 3);
  if (scored.length === 0) return '';
  return ` Did you mean ${scored.map((s) => displayPath(cwd, resolve(dir, s.name))).join(', ')}?`;
}

function sameStem(want: string, name: string): boolean {
  const stem = (s: string) => s.toLowerCase().replace(/\.[^.]*$/, '');
  return stem(want) !== '' && stem(want) === stem(name);
}

/** Levenshtein distance (names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}
