// What nanocode needs of node:crypto — random identifiers (session ids, checkpoint and temporary file
// names) and SHA-256 — without loading it at start: node:crypto costs ~4 ms of start-up here (some 25
// modules) for a few random bytes. Random bytes come from /dev/urandom; node:crypto loads where there
// is none, and when a hash is first asked for.

import { closeSync, openSync, readSync } from 'node:fs';
import { lazyBuiltin } from './lazy-builtin.ts';

/** `n` (at most 256) random bytes. */
export function randomBytes(n: number): Buffer {
  const bytes = Buffer.alloc(n);
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      if (readSync(fd, bytes, 0, n, null) === n) return bytes;
    } finally {
      closeSync(fd);
    }
  } catch {
    // no /dev/urandom (Windows)
  }
  return crypto().randomBytes(n);
}

/** The SHA-256 of `data` in hexadecimal. */
export const sha256Hex = (data: string): string => crypto().createHash('sha256').update(data).digest('hex');

const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');

/** `n` random bytes as 2n hexadecimal digits. */
export const randomHex = (n: number): string => randomBytes(n).toString('hex');

/** A random UUID (version 4, RFC 9562). */
export function randomUUID(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
