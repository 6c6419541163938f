// A real 1 MB tmpfs for full-disk tests: mounted in a new directory, unmounted after `body`. Needs root;
// elsewhere, or where mounting fails, the test is skipped with a message.
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { tempProject } from './cli.ts';

export const canMount = process.getuid?.() === 0;
export const needsMount = { skip: !canMount && 'mounting a tmpfs needs root' };

export async function withSmallDisk(t: TestContext, body: (disk: string) => Promise<void>): Promise<void> {
  const disk = tempProject('nanocode-disk-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk]);
  } catch {
    t.skip('cannot mount a tmpfs here');
    return;
  }
  try {
    await body(disk);
  } finally {
    execFileSync('umount', [disk]);
  }
}
