// .nanocode.log stays out of the user's `git status`: nanocode adds it once to .git/info/exclude,
// never through a symlink.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { excludeFromGit } from '../src/git-exclude.ts';
import { startFakeLLM } from './fake-llm/server.ts';
import { cleanEnv, runCli, tempProject } from './helpers/cli.ts';
import { buggyProject } from './helpers/project.ts';

const status = (dir: string) =>
  execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' });

test("after a run, git status shows the user's files but not .nanocode.log; the exclude line is added once", async () => {
  const fake = await startFakeLLM([
    { toolCalls: [{ name: 'run_cmd', args: { command: 'echo hi' } }] },
    { text: 'one' },
    { text: 'two' },
  ]);
  try {
    const dir = buggyProject();
    const env = cleanEnv({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_MODEL: 'm' });
    for (const task of ['first', 'second']) {
      const run = await runCli([task], { cwd: dir, env });
      assert.equal(run.code, 0, run.stderr);
    }
    assert.ok(existsSync(join(dir, '.nanocode.log')), 'the log is written');
    assert.equal(status(dir), '?? notes.txt\n');
    const exclude = readFileSync(join(dir, '.git', 'info', 'exclude'), 'utf8');
    assert.equal(exclude.split('\n').filter((l) => l === '.nanocode.log').length, 1, exclude);
  } finally {
    await fake.close();
  }
});

test('a run in a subdirectory and a missing info/ directory work too', () => {
  const dir = buggyProject();
  rmSync(join(dir, '.git', 'info'), { recursive: true, force: true });
  execFileSync('mkdir', ['-p', join(dir, 'pkg')]);
  writeFileSync(join(dir, 'pkg', '.nanocode.log'), '{}\n');
  excludeFromGit(join(dir, 'pkg'), '.nanocode.log');
  assert.equal(status(dir), '?? notes.txt\n');
});

test('a planted exclude symlink is not written through', () => {
  const dir = buggyProject();
  const target = join(tempProject(), 'bashrc');
  writeFileSync(target, 'original\n');
  rmSync(join(dir, '.git', 'info', 'exclude'), { force: true });
  symlinkSync(target, join(dir, '.git', 'info', 'exclude'));
  excludeFromGit(dir, '.nanocode.log');
  assert.equal(readFileSync(target, 'utf8'), 'original\n');
});

test("a .git directory that is no repository (empty: another run's sandbox placeholder) is not written to", () => {
  const dir = tempProject();
  mkdirSync(join(dir, '.git'));
  excludeFromGit(dir, '.nanocode.log');
  assert.deepEqual(readdirSync(join(dir, '.git')), []);
});
