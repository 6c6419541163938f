// Reading a file the file tools may touch: only a regular file, only up to a size cap.
//
// Contract: FIFOs, sockets and devices are refused on their stat, before any open; the open itself is
// non-blocking and re-checked on the handle, so a file swapped for a FIFO in between cannot hang the
// process. A file over `maxBytes` is refused before a byte is read. Errors keep their fs code.

import { constants } from 'node:fs';
import { open, stat } from '../lazy-fs.ts';
import { specialKind } from './atomic-write.ts';

export class NotRegularError extends Error {}
export class TooBigError extends Error {
  constructor(readonly size: number) {
    super(`${size} bytes`);
  }
}

/** The whole content of the regular file at `path`, at most `maxBytes`. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const info = await stat(path);
  const kind = specialKind(info);
  if (kind === 'a directory') throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  if (kind) throw new NotRegularError(kind);
  if (info.size > maxBytes) throw new TooBigError(info.size);
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const again = await fh.stat();
    const swapped = specialKind(again);
    if (swapped) throw new NotRegularError(swapped);
    if (again.size > maxBytes) throw new TooBigError(again.size);
    const buf = Buffer.alloc(again.size + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    // Grew past the cap while we read: refuse rather than cut.
    if (got > maxBytes) throw new TooBigError(got);
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}
