// MBPP plumbing end to end (bench/mbpp.ts): problems in MBPP's format written for this test
// (test/fixtures/mbpp-sample.jsonl: our own, not MBPP's; same fields), a fake LLM that writes a right
// solution for two and a wrong one for the third, the built CLI, and the check in its own python3.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runProcess } from '../bench/lib/process.ts';
import { checkProgram, instruction, readMbpp } from '../bench/mbpp.ts';
import { cleanEnv, runProgram, tempDir } from './helpers/cli.ts';
import { runPythonBench, writeSolution } from './helpers/python-bench.ts';

const DATA = new URL('./fixtures/mbpp-sample.jsonl', import.meta.url).pathname;
const SCRIPT = new URL('../bench/mbpp.ts', import.meta.url).pathname;
const ROOT = new URL('..', import.meta.url).pathname;

/** The fixture's rows as written, reference solutions (`code`) and challenge tests included. */
const rows = (): { code: string; test_list: string[]; challenge_test_list: string[] }[] =>
  readFileSync(DATA, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

test('the task text and only the first test make the instruction', () => {
  const [first] = readMbpp(DATA);
  const text = instruction(first!);
  assert.match(text, /count the vowels/);
  assert.ok(text.includes("assert count_vowels('nanocode') == 4"));
  assert.ok(!text.includes('RHYTHM'), 'the other asserts are the check, not the example');
});

test('the check runs setup code and all three asserts, not the challenge tests', async () => {
  const problems = readMbpp(DATA);
  const dir = tempDir('mbpp-check-');
  for (const [i, row] of rows().entries()) {
    const program = checkProgram(row.code, problems[i]!);
    for (const t of row.test_list) assert.ok(program.includes(t));
    for (const t of row.challenge_test_list) assert.ok(!program.includes(t), 'challenge tests stay out');
    writeFileSync(join(dir, `ok${i}.py`), program);
    assert.equal((await runProcess('python3', [`ok${i}.py`], dir, 10_000)).code, 0, program);
    writeFileSync(join(dir, `bare${i}.py`), checkProgram('', problems[i]!));
    assert.notEqual((await runProcess('python3', [`bare${i}.py`], dir, 10_000)).code, 0);
  }
  // 903's asserts use SQUARES and OTHERS, which only its test_setup_code defines.
  assert.match(checkProgram('', problems[2]!), /SQUARES = \[0, 1, 4, 9, 144\]/);
});

test('a line without test_list is exit 2 with a one-line reason', async () => {
  const bad = join(tempDir('mbpp-bad-'), 'bad.jsonl');
  writeFileSync(bad, `${readFileSync(DATA, 'utf8').split('\n')[0]}\n{"text": "x", "task_id": 2}\n`);
  const run = await runProgram(process.execPath, ['--import', 'tsx', SCRIPT, '--data', bad], {
    cwd: ROOT,
    env: cleanEnv(),
  });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^mbpp: --data: line 2 has no "test_list" of assert strings$/m);
});

test('--limit 3: two right solutions and one wrong one give pass@1 = 2/3; the check sees no API key', async () => {
  const [a, b] = rows();
  // The first solution also fails if any *_API_KEY reached the check's environment.
  const keyless = "import os\nassert not [k for k in os.environ if k.endswith('_API_KEY')], 'key leaked'\n";
  const scripts = new Map([
    ['count_vowels', writeSolution(keyless + a!.code)],
    ['second_largest', writeSolution(b!.code)],
    ['is_perfect_square', writeSolution('def is_perfect_square(n):\n    return n % 4 == 0\n')],
  ]);
  const { run, misses, results, requests } = await runPythonBench(SCRIPT, DATA, scripts, [
    '--limit',
    '3',
    '--jobs',
    '2',
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(misses, []);
  assert.match(run.stdout, /^pass@1 = 2\/3 \(66\.7%\)$/m, run.stdout + run.stderr);
  assert.equal(results.get('901')?.passed, true, String(results.get('901')?.check));
  assert.equal(results.get('902')?.passed, true);
  const wrong = results.get('903')!;
  assert.equal(wrong.passed, false);
  assert.match(String(wrong.check), /AssertionError/);
  assert.match(String(wrong.solution), /n % 4 == 0/);
  for (const r of results.values()) assert.equal(r.status, 'done');
  // Each task asked for the function the first test calls, and showed that test.
  const firsts = requests.filter((r) => r.body.messages.length === 2).map((r) => JSON.stringify(r.body));
  assert.equal(firsts.length, 3);
  assert.ok(firsts.some((body) => body.includes('assert is_perfect_square(16) == True')));
});
