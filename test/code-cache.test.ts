// The code caches of the CLI's bundle and its provider (src/provider/cached-script.ts), through the CLI: written by the first run,
// used by the next, a corrupt one replaced without harm, an unsafe directory left alone.
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeLLM } from './fake-llm/server.ts';
import { cleanEnv, runCli, runProgram, tempDir, tempProject } from './helpers/cli.ts';

/** One run of the CLI (or of the dist/ copy whose cli.cjs is `cli`) with its code caches in `cacheHome`. */
async function run(cacheHome: string, cli?: string) {
  const fake = await startFakeLLM([{ text: 'hello' }]);
  try {
    const env = cleanEnv({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      NANOCODE_OPENAI_API: 'responses',
      XDG_CACHE_HOME: cacheHome,
    });
    const args = ['--sandbox=off', 'hi'];
    const opts = { cwd: tempProject(), env };
    return await (cli ? runProgram(process.execPath, [cli, ...args], opts) : runCli(args, opts));
  } finally {
    await fake.close();
  }
}

const cacheFiles = (cacheHome: string) => {
  try {
    return readdirSync(join(cacheHome, 'nanocode', 'code-cache'));
  } catch {
    return [];
  }
};

test('the first run writes the code caches (the CLI, its provider); corrupt ones are replaced and the run is unharmed', async () => {
  const cacheHome = tempDir('nanocode-cache-test-');
  const first = await run(cacheHome);
  assert.equal(first.code, 0, first.stderr);
  const files = cacheFiles(cacheHome).sort();
  assert.equal(files.length, 2, files.join(', '));
  assert.match(files[0]!, /^nanocode\.cjs-\d+-\d+-v\d+\.\d+\.\d+\.bin$/);
  assert.match(files[1]!, /^openai\.cjs-\d+-\d+-v\d+\.\d+\.\d+\.bin$/);
  const paths = files.map((file) => join(cacheHome, 'nanocode', 'code-cache', file));
  const good = paths.map((path) => readFileSync(path));
  for (const bytes of good) assert.ok(bytes.length > 10_000);

  const second = await run(cacheHome);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(
    paths.map((path) => readFileSync(path)),
    good,
    'accepted caches are not rewritten',
  );

  for (const [i, path] of paths.entries()) writeFileSync(path, Buffer.alloc(good[i]!.length, 7));
  const third = await run(cacheHome);
  assert.equal(third.code, 0, third.stderr);
  assert.equal(third.stdout.trim(), 'hello');
  for (const [i, path] of paths.entries())
    assert.notDeepEqual(
      readFileSync(path),
      Buffer.alloc(good[i]!.length, 7),
      'a rejected cache is written again',
    );
});

test('a code cache directory others can write is neither read nor written', async () => {
  const cacheHome = tempDir('nanocode-cache-test-');
  const dir = join(cacheHome, 'nanocode', 'code-cache');
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  const r = await run(cacheHome);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(cacheFiles(cacheHome), []);
});

test('a new build of a bundle replaces its old cache instead of adding one', async () => {
  const cacheHome = tempDir('nanocode-cache-test-');
  const copy = tempDir('nanocode-dist-');
  cpSync(new URL('../dist', import.meta.url), copy, { recursive: true });
  const cli = join(copy, 'cli.cjs');
  const first = await run(cacheHome, cli);
  assert.equal(first.code, 0, first.stderr);
  const before = cacheFiles(cacheHome).filter((f) => f.startsWith('nanocode.cjs-'));
  assert.equal(before.length, 1);
  // What an upgrade looks like to the cache: the bundle's time changes.
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(copy, 'nanocode.cjs'), later, later);
  const second = await run(cacheHome, cli);
  assert.equal(second.code, 0, second.stderr);
  const after = cacheFiles(cacheHome).filter((f) => f.startsWith('nanocode.cjs-'));
  assert.equal(after.length, 1, after.join(', '));
  assert.notEqual(after[0], before[0]);
});
