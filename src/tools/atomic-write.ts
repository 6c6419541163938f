// Writes that never destroy: the new content goes to a temporary file beside the target, is flushed to
// disk, then renamed over the target. A full disk, a crash or a kill mid-write leaves the old file whole
// (at worst a stray `.name.nanocode-*.tmp` beside it, removed when the process can).
//
// Contract: the target keeps its permission bits (and owner, where allowed); a new file gets 0666
// less the umask. Only a regular file (or nothing) may be at the target; anything else is refused
// before it is opened. Errors carry a plain-words message (`disk full`, `permission denied`).

import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomHex } from '../lazy-crypto.ts';
import { open, rename, stat, unlink } from '../lazy-fs.ts';

export class WriteError extends Error {}

/** What a non-regular file is, in words, or undefined for a regular file. */
export function specialKind(info: {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Writes `data` to `target` atomically. Throws WriteError with a message for the model. */
export async function writeFileAtomic(target: string, data: Buffer | string): Promise<void> {
  let existing: Stats | undefined;
  try {
    existing = await stat(target);
  } catch {
    // a new file
  }
  const kind = existing && specialKind(existing);
  if (kind) throw new WriteError(`it is ${kind}, not a regular file; only regular files are written`);
  const tmp = join(dirname(target), `.${basename(target)}.nanocode-${randomHex(4)}.tmp`);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(tmp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    await fh.writeFile(data);
    await fh.sync();
    if (existing) {
      await fh.chmod(existing.mode & 0o7777);
      await fh.chown(existing.uid, existing.gid).catch(() => {});
    }
    await fh.close();
    fh = undefined;
    await rename(tmp, target);
  } catch (error) {
    await fh?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw new WriteError(plainWords(error as NodeJS.ErrnoException));
  }
}

/** An fs error in words: a full disk says so plainly. */
export function plainWords(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'disk full (no space left on the device); the file was left as it was';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return error.message;
  }
}
