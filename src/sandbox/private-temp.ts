// nanocode's private temporary directories (the sandbox's /tmp, the command shell's FIFOs, the
// checkpoints' git I/O): one name pattern, so that those of a run that was killed are swept by a later one.
//
// Contract: privateTempDir() makes a new directory (0700) named nanocode-tmp-<pid>-<kind>…; its maker
// removes it at exit. sweepStaleTmps() removes every such directory whose process is gone; never throws.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from './limits.ts';

/** A new private directory in the system's temporary directory; `kind` ('', 'shell-', 'git-') names its use. */
export function privateTempDir(kind = ''): string {
  return mkdtempSync(join(tmpdir(), `nanocode-tmp-${process.pid}-${kind}`));
}

/** Removes the private temps of nanocode runs that died without cleaning up (killed). Never throws. */
export function sweepStaleTmps(): void {
  try {
    for (const name of readdirSync(tmpdir())) {
      const pid = Number(/^nanocode-tmp-(\d+)-/.exec(name)?.[1]);
      if (pid && !isAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  } catch {
    // Not readable: nothing to sweep.
  }
}
