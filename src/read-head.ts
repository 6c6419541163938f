// Reading the start of a file a sandboxed command may have made, synchronously: only a regular file,
// opened without blocking, so a FIFO put in its place (also between a check and the open) cannot hang
// the process. Contract: the first `maxBytes` bytes as Latin-1 text, or undefined for anything that is
// not a readable regular file. Never throws.

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export function readHeadSync(path: string, maxBytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(maxBytes);
    let got = 0;
    for (let n = 1; n > 0 && got < maxBytes; got += n) n = readSync(fd, buf, got, maxBytes - got, got);
    return buf.toString('latin1', 0, got);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
