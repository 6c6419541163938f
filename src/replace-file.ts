// Replacing one of nanocode's own files whole (a session, a ledger, a cache, a checkpoint list):
// the content goes to a temporary file beside it, which is then renamed over it, so a reader sees
// the old file or the new one, never part of one.
//
// Contract: on any failure (a full disk, a read-only directory) the temporary file is removed and the
// error thrown; the target is as it was. `temp` names the temporary file (default
// `<path>.<pid>.<n>.tmp`, unique among processes and calls; a git ref wants a `.lock` name git never reads). Not flushed to disk:
// the project's files are (src/tools/atomic-write.ts); for nanocode's state a crash may lose the
// newest version, never leave a torn one.

import { renameSync, rmSync, writeFileSync } from 'node:fs';

let written = 0;

export function replaceFileSync(
  path: string,
  data: string | Uint8Array,
  opts: { mode?: number; temp?: string } = {},
): void {
  const temp = opts.temp ?? `${path}.${process.pid}.${++written}.tmp`;
  try {
    writeFileSync(temp, data, { mode: opts.mode ?? 0o600 });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
