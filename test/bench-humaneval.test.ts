// HumanEval plumbing end to end: the first three problems of the real data set, a fake LLM that writes the
// canonical solution for two of them and a wrong one for the third, the built CLI, the published check.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { checkProgram, readProblems } from '../bench/humaneval.ts';
import { runProcess } from '../bench/lib/process.ts';
import { type RecordedRequest, type Step, startFakeLLM } from './fake-llm/server.ts';
import { cleanEnv, runProgram, tempDir } from './helpers/cli.ts';

const DATA = new URL('./fixtures/humaneval/HumanEval.jsonl.gz', import.meta.url).pathname;
const SCRIPT = new URL('../bench/humaneval.ts', import.meta.url).pathname;
const ROOT = new URL('..', import.meta.url).pathname;

interface Row {
  task_id: string;
  prompt: string;
  canonical_solution: string;
  entry_point: string;
}

const rows = (): Row[] =>
  gunzipSync(readFileSync(DATA))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** Answers each request from the script of the problem its task names, by how many turns came before. */
function routed(scripts: Map<string, Step[]>, misses: string[]): Step[] {
  const route = (req: RecordedRequest): Step => {
    const messages: { role: string }[] = req.body?.messages ?? [];
    const user = JSON.stringify(messages.find((m) => m.role === 'user') ?? '');
    const entry = [...scripts.keys()].find((e) => user.includes(`\`${e}\``));
    const step = entry
      ? scripts.get(entry)?.[messages.filter((m) => m.role === 'assistant').length]
      : undefined;
    if (step) return step;
    misses.push(user.slice(0, 120));
    return { httpError: 400, body: 'fake-llm: no scripted step' };
  };
  return Array.from({ length: 50 }, () => route);
}

const solve = (content: string): Step[] => [
  { toolCalls: [{ name: 'write_file', args: { path: 'solution.py', content } }] },
  { text: 'Done.' },
];

test('readProblems reads the gzipped data set', () => {
  const problems = readProblems(DATA);
  assert.equal(problems.length, 164);
  assert.equal(problems[0]?.entry_point, 'has_close_elements');
});

test('the published check passes a canonical solution and fails the bare prompt', async () => {
  const [first] = rows();
  const dir = tempDir('humaneval-check-');
  const problem = readProblems(DATA)[0]!;
  writeFileSync(join(dir, 'ok.py'), checkProgram(first!.prompt + first!.canonical_solution, problem));
  writeFileSync(join(dir, 'bare.py'), checkProgram(first!.prompt, problem));
  assert.equal((await runProcess('python3', ['ok.py'], dir, 10_000)).code, 0);
  assert.notEqual((await runProcess('python3', ['bare.py'], dir, 10_000)).code, 0);
});

test('--limit 3: two canonical solutions and one wrong one give pass@1 = 2/3', async () => {
  const [a, b, c] = rows();
  const scripts = new Map([
    [a!.entry_point, solve(a!.prompt + a!.canonical_solution)],
    [b!.entry_point, solve(b!.prompt + b!.canonical_solution)],
    [c!.entry_point, solve(`${c!.prompt}    return number - 1\n`)],
  ]);
  const misses: string[] = [];
  const fake = await startFakeLLM(routed(scripts, misses));
  const out = join(tempDir('humaneval-out-'), 'results.jsonl');
  try {
    const env = cleanEnv({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_MODEL: 'fake-model',
    });
    const args = ['--import', 'tsx', SCRIPT, '--data', DATA, '--limit', '3', '--jobs', '2', '--out', out];
    const run = await runProgram(process.execPath, args, { cwd: ROOT, env, timeoutMs: 300_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(misses, []);
    assert.match(run.stdout, /^pass@1 = 2\/3 \(66\.7%\)$/m, run.stdout + run.stderr);

    const results = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const byId = new Map(results.map((r) => [r.task_id, r]));
    assert.equal(results.length, 3);
    assert.equal(byId.get('HumanEval/0').passed, true);
    assert.equal(byId.get('HumanEval/1').passed, true);
    const wrong = byId.get('HumanEval/2');
    assert.equal(wrong.passed, false);
    assert.match(wrong.check, /AssertionError/);
    assert.match(wrong.solution, /return number - 1/);
    for (const r of results) {
      assert.equal(r.status, 'done');
      assert.equal(r.turns, 2);
      assert.deepEqual(r.usage, { input: 20, output: 10, cache_read: 0, cache_write: 0 });
    }
  } finally {
    await fake.close();
  }
});
