// Loads a CommonJS bundle with V8's code cache: the CLI's (dist/nanocode.cjs, from src/launch.ts) and
// a provider's (dist/providers/<name>.cjs). Node 20 has no compile cache for ES modules, and compiling
// the CLI and a provider with its zod and provider-utils are the largest costs before the first request.
// The cache of a bundle is written when the process that compiled it exits, so it holds every function
// the run used, and a later run skips compiling them.
//
// Contract:
// - The cache lives in $XDG_CACHE_HOME/nanocode/code-cache (default ~/.cache/...), one file per bundle,
//   named by the bundle's size and time and the Node version, so a new nanocode or Node never reads a
//   stale one; V8 checks each cache against the source and rejects one that does not match. Writing a
//   bundle's cache removes that bundle's older ones.
// - A cache is code nanocode runs: a directory not owned by this user, or writable by others, is never
//   read or written, and sandboxed commands never see it (it is hidden like a credential, also when
//   the project is the home directory).
// - Never throws for the cache: unreadable, unwritable or rejected, the bundle is compiled as before.

import { isAscii } from 'node:buffer';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';
import { replaceFileSync } from '../replace-file.ts';
import { applyV8Flags } from '../v8-flags.ts';
import WRAPPER from './cached-script-wrapper.json' with { type: 'json' };

/** Where code caches go: $XDG_CACHE_HOME/nanocode/code-cache, default ~/.cache/nanocode/code-cache. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  return join(base ?? join(env.HOME || homedir(), '.cache'), 'nanocode', 'code-cache');
}

/**
 * The code cache directory, made if missing, or undefined when it is not safe to use: not a
 * directory, not owned by this user, or writable by others. The sandbox hides it from commands
 * (src/sandbox/sandbox.ts), which is why it is made before the sandbox starts.
 */
export function ensureCodeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = codeCacheDir(env);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = lstatSync(dir);
    const mine = process.getuid === undefined || info.uid === process.getuid();
    return info.isDirectory() && mine && (info.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the CommonJS bundle at `file` and returns its exports. */
export function loadCachedScript(file: string, env: NodeJS.ProcessEnv = process.env): unknown {
  // The bundles are ASCII (esbuild escapes the rest): read as such, they need no UTF-8 decoding.
  const bytes = readFileSync(file);
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const info = statSync(file);
  const dir = ensureCodeCacheDir(env);
  const cacheFile =
    dir && join(dir, `${basename(file)}-${info.size}-${Math.trunc(info.mtimeMs)}-${process.version}.bin`);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    // Not made yet.
  }
  applyV8Flags(); // the flags the cache was, or will be, made under
  // Our bundles come wrapped (scripts/build.mjs): compiled as they are, without one more copy of the text.
  const wrapped = source.startsWith(WRAPPER.head) ? source : `${WRAPPER.head}${source}${WRAPPER.tail}`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} as unknown };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  if (cacheFile && (!cachedData || script.cachedDataRejected)) {
    process.once('exit', () => {
      try {
        replaceFileSync(cacheFile, script.createCachedData());
        removeOtherCaches(dir, basename(file), cacheFile);
      } catch {
        // A full disk or a read-only home: the next start compiles again.
      }
    });
  }
  return module.exports;
}

/** The caches of earlier builds of the same bundle (another size, time or Node): one per bundle is kept. */
function removeOtherCaches(dir: string, bundle: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path !== keep && name.startsWith(`${bundle}-`) && name.endsWith('.bin'))
      rmSync(path, { force: true });
  }
}
