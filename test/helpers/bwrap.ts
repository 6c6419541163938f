// Whether bubblewrap works on this machine: tests of the sandbox skip, with a message, where it does not.
import { spawnSync } from 'node:child_process';

export const hasBwrap =
  process.platform === 'linux' &&
  spawnSync('bwrap', ['--unshare-all', '--ro-bind', '/', '/', '--proc', '/proc', 'true']).status === 0;

/** Test options: skipped where bubblewrap is not usable. */
export const needsBwrap = { skip: !hasBwrap && 'bubblewrap is not usable here' };
