// The provider code cache (src/provider/cached-script.ts), through the CLI: written by the first run,
// used by the next, a corrupt one replaced without harm, an unsafe directory left alone.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeLLM } from './fake-llm/server.ts';
import { cleanEnv, runCli, tempProject } from './helpers/cli.ts';

async function run(cacheHome: string) {
  const fake = await startFakeLLM([{ text: 'hello' }]);
  try {
    const env = cleanEnv({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      NANOCODE_OPENAI_API: 'responses',
      XDG_CACHE_HOME: cacheHome,
    });
    return await runCli(['--sandbox=off', 'hi'], { cwd: tempProject(), env });
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

test('the first run writes the provider code cache; a corrupt one is replaced and the run is unharmed', async () => {
  const cacheHome = mkdtempSync(join(tmpdir(), 'nanocode-cache-test-'));
  const first = await run(cacheHome);
  assert.equal(first.code, 0, first.stderr);
  const [file] = cacheFiles(cacheHome);
  assert.match(file ?? '', /^openai\.cjs-\d+-\d+-v\d+\.\d+\.\d+\.bin$/);
  const path = join(cacheHome, 'nanocode', 'code-cache', file!);
  const good = readFileSync(path);
  assert.ok(good.length > 10_000);

  const second = await run(cacheHome);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(readFileSync(path), good, 'an accepted cache is not rewritten');

  writeFileSync(path, Buffer.alloc(good.length, 7));
  const third = await run(cacheHome);
  assert.equal(third.code, 0, third.stderr);
  assert.equal(third.stdout.trim(), 'hello');
  assert.notDeepEqual(readFileSync(path), Buffer.alloc(good.length, 7), 'a rejected cache is written again');
});

test('a code cache directory others can write is neither read nor written', async () => {
  const cacheHome = mkdtempSync(join(tmpdir(), 'nanocode-cache-test-'));
  const dir = join(cacheHome, 'nanocode', 'code-cache');
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  const r = await run(cacheHome);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(cacheFiles(cacheHome), []);
});
