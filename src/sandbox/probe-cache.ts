// The sandbox probe's last success, so that a start does not pay a sandbox start (~20 ms before the
// first request) to learn what the previous one learnt. Only success is remembered: a failure is
// checked again every run, and so is anything the remembered success no longer matches.
//
// Contract:
// - A success holds for one day, for the same machine boot, user, bwrap program (its path on PATH and
//   that file's identity: device, inode, size, time) and user-namespace settings. Anything else, or
//   anything unreadable, means no remembered success: the probe runs.
// - The file is in the code cache directory (src/provider/cached-script.ts): owned by this user, not
//   writable by others, hidden from sandboxed commands. A forged success could only make commands
//   fail to start (fail closed), never run them unsandboxed.
// - A sandboxed command shell that dies without being asked to (src/shell/command-shell.ts) forgets
//   the success: its commands failed with bwrap's own message, and the next run probes again.

import { accessSync, constants, readFileSync, statSync, unlinkSync } from 'node:fs';
import { release } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { ensureCodeCacheDir } from '../provider/cached-script.ts';
import { replaceFileSync } from '../replace-file.ts';

const FILE = 'sandbox-probe';
const KEEP_MS = 24 * 3600 * 1000;
/** Kernel settings that decide whether an unprivileged user may make the namespaces bwrap needs. */
const USERNS_SETTINGS = [
  '/proc/sys/kernel/unprivileged_userns_clone',
  '/proc/sys/user/max_user_namespaces',
  '/proc/sys/kernel/apparmor_restrict_unprivileged_userns',
];

/** What a remembered success is valid for, or undefined when it cannot be told (then never remembered). */
export function probeKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const bwrap = onPath('bwrap', env.PATH ?? '');
    if (!bwrap) return undefined;
    const file = statSync(bwrap);
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const userns = USERNS_SETTINGS.map((path) => readOr(path, '-')).join(',');
    const who = `${process.getuid?.()}:${process.getgid?.()}`;
    return [boot, release(), who, bwrap, file.dev, file.ino, file.size, file.mtimeMs, userns].join('|');
  } catch {
    return undefined;
  }
}

export function probeRemembered(key: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  const path = probeFile(env);
  if (!key || !path) return false;
  const [time, ...rest] = readOr(path, '').split('\n');
  const age = Date.now() - Number(time);
  return rest.join('\n') === key && age >= 0 && age < KEEP_MS;
}

export function rememberProbe(key: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  const path = probeFile(env);
  if (!key || !path) return;
  try {
    replaceFileSync(path, `${Date.now()}\n${key}`);
  } catch {
    // Not remembered: the next run probes.
  }
}

export function forgetProbe(env: NodeJS.ProcessEnv = process.env): void {
  const path = probeFile(env);
  try {
    if (path) unlinkSync(path);
  } catch {
    // Nothing remembered.
  }
}

function probeFile(env: NodeJS.ProcessEnv): string | undefined {
  const dir = ensureCodeCacheDir(env);
  return dir && join(dir, FILE);
}

/**
 * The file `spawn` would run for `name`: the first executable match on PATH. Undefined when a relative
 * entry comes first (what it names depends on the directory).
 */
function onPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!isAbsolute(dir)) return undefined;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return fallback;
  }
}
