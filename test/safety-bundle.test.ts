// dist/ is the whole program: web-tree-sitter is bundled and both wasm files
// ship beside the bundle, so the classifier must work from a copy of dist/
// alone, with no node_modules anywhere above it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/cli.ts';

const dist = fileURLToPath(new URL('../dist', import.meta.url));

/** True when some directory from `dir` up to the root holds a node_modules. */
function nodeModulesAbove(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return true;
    if (dirname(d) === d) return false;
  }
}

test('the classifier works from a copy of dist/ with no node_modules to fall back on', () => {
  const dir = tempDir('nanocode-bundle-');
  try {
    assert.equal(nodeModulesAbove(dir), false, `${dir} must not see a node_modules`);
    cpSync(dist, join(dir, 'dist'), { recursive: true });
    const cli = join(dir, 'dist', 'cli.cjs');
    const check = (command: string) =>
      JSON.parse(
        execFileSync(process.execPath, [cli, 'check-command', '--json', command], {
          cwd: dir,
          encoding: 'utf8',
        }),
      ) as { level: string };
    assert.equal(check('rm -rf /').level, 'forbidden');
    assert.equal(check('ls -la').level, 'safe');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
