// The task suite end to end: bench/run.sh drives the built CLI against one fake LLM that plays each
// task's solution.json (every task passes) or wrong.json (every check fails), and prints the table.
// Also: every task's untouched starting files fail its check, so no check passes trivially.

import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runNanocode } from '../bench/lib/nanocode.ts';
import { runProcess } from '../bench/lib/process.ts';
import { loadTasks, type Task } from '../bench/lib/tasks.ts';
import { type RecordedRequest, type Step, startFakeLLM } from './fake-llm/server.ts';
import { type CliRun, cleanEnv, runProgram, tempDir } from './helpers/cli.ts';

const RUN_SH = new URL('../bench/run.sh', import.meta.url).pathname;
const TASKS = loadTasks();

/**
 * One fake LLM for concurrent runs: a request is answered from the script whose key its first user message
 * contains, at the step given by the number of assistant turns already in the conversation (OpenAI chat).
 */
function routed(scripts: { key: string; steps: Step[] }[], misses: string[]): Step[] {
  const route = (req: RecordedRequest): Step => {
    const messages: { role: string }[] = req.body?.messages ?? [];
    const user = JSON.stringify(messages.find((m) => m.role === 'user') ?? '');
    const script = scripts.find((s) => user.includes(s.key));
    const turn = messages.filter((m) => m.role === 'assistant').length;
    const step = script?.steps[turn];
    if (step) return step;
    misses.push(`no step ${turn} for ${user.slice(0, 80)}`);
    return { httpError: 400, body: 'fake-llm: no scripted step' };
  };
  return Array.from({ length: 500 }, () => route);
}

const scriptOf = (task: Task, name: 'solution.json' | 'wrong.json'): Step[] =>
  JSON.parse(readFileSync(join(task.dir, name), 'utf8'));
/** The first line of task.md, as it appears inside a JSON string. */
const keyOf = (task: Task) => JSON.stringify(task.prompt.split('\n')[0]).slice(1, -1);

function runSh(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runProgram('bash', [RUN_SH, ...args], { env, timeoutMs: 600_000 });
}

/**
 * run.sh against a fake LLM playing `script` for every task. The server's tool-call ledger assumes one
 * conversation at a time, so it is checked only with --jobs 1.
 */
async function suite(script: 'solution.json' | 'wrong.json', jobs: number, extraArgs: string[] = []) {
  const misses: string[] = [];
  const scripts = TASKS.map((t) => ({ key: keyOf(t), steps: scriptOf(t, script) }));
  const fake = await startFakeLLM(routed(scripts, misses));
  try {
    const env = cleanEnv({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_MODEL: 'fake-model',
    });
    const run = await runSh(['--jobs', String(jobs), ...extraArgs], env);
    assert.deepEqual(misses, []);
    if (jobs === 1) assert.deepEqual(fake.protocolErrors, []);
    return run;
  } finally {
    await fake.close();
  }
}

/** The table row of a task, split on runs of spaces. */
const rowOf = (stdout: string, id: string) =>
  stdout
    .split('\n')
    .find((l) => l.startsWith(`${id} `))
    ?.trim()
    .split(/\s+/);

test('every task ships its files, a check and both scripts, and the starting files fail the check', async () => {
  assert.equal(TASKS.length, 10);
  await Promise.all(
    TASKS.map(async (task) => {
      const work = tempDir(`bench-pristine-${task.id}-`);
      cpSync(join(task.dir, 'files'), work, { recursive: true });
      const check = await runProcess('bash', [join(task.dir, 'check.sh')], work, 30_000);
      assert.notEqual(check.code, 0, `${task.id}: the untouched files pass the check:\n${check.output}`);
      assert.ok(scriptOf(task, 'solution.json').length > 1 && scriptOf(task, 'wrong.json').length > 1);
    }),
  );
});

test('run.sh: each scripted solution drives nanocode to a pass; the table and JSON add up', async () => {
  const out = join(tempDir('bench-json-'), 'results.json');
  const run = await suite('solution.json', 2, ['--json', out]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /model: openai-compatible\/fake-model/);
  assert.match(run.stdout, /^task\s+result\s+status\s+turns\s+tokens in\/out\s+cost\s+time$/m);
  let turns = 0;
  for (const task of TASKS) {
    const steps = scriptOf(task, 'solution.json').length;
    turns += steps;
    // The fake server reports 10 input and 5 output tokens a turn; cost is unknown.
    assert.deepEqual(rowOf(run.stdout, task.id)?.slice(0, 6), [
      task.id,
      'pass',
      'done',
      String(steps),
      `${10 * steps}/${5 * steps}`,
      '-',
    ]);
  }
  assert.deepEqual(rowOf(run.stdout, 'total')?.slice(0, 5), [
    'total',
    '10/10',
    '(100%)',
    String(turns),
    `${10 * turns}/${5 * turns}`,
  ]);

  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(report.passed, 10);
  assert.equal(report.total, 10);
  assert.equal(report.model, 'openai-compatible/fake-model');
  const first = report.results[0];
  assert.equal(first.task, '01_fizzbuzz');
  assert.equal(first.pass, true);
  assert.equal(first.exit_code, 0);
  assert.deepEqual(first.usage, { input: 30, output: 15, cache_read: 0, cache_write: 0 });
  assert.equal(first.cost_usd, null);
});

test('run.sh: each scripted wrong attempt fails its check', async () => {
  const run = await suite('wrong.json', 2);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  for (const task of TASKS)
    assert.deepEqual(rowOf(run.stdout, task.id)?.slice(1, 3), ['FAIL', 'done'], task.id);
  assert.deepEqual(rowOf(run.stdout, 'total')?.slice(1, 3), ['0/10', '(0%)']);
});

test('run.sh --tasks runs only the tasks named', async () => {
  const run = await suite('solution.json', 1, ['--tasks', '02,05_file_ops']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.ok(rowOf(run.stdout, '02_bugfix') && rowOf(run.stdout, '05_file_ops'));
  assert.equal(rowOf(run.stdout, '01_fizzbuzz'), undefined);
  assert.deepEqual(rowOf(run.stdout, 'total')?.slice(1, 3), ['2/2', '(100%)']);
});

test('runNanocode: a run that outlives its timeout is stopped and reported with the usage so far', async () => {
  const fake = await startFakeLLM([
    { toolCalls: [{ name: 'run_cmd', args: { command: 'true' } }], usage: { input: 70, output: 7 } },
    { hang: true },
  ]);
  const logDir = tempDir('bench-timeout-');
  try {
    const run = await runNanocode({
      cwd: logDir,
      prompt: 'wait forever',
      env: cleanEnv({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_MODEL: 'm' }),
      maxTurns: 5,
      timeoutMs: 2000,
      logDir,
    });
    assert.equal(run.status, 'timeout');
    assert.match(run.reason, /no result after 2 s/);
    assert.equal(run.turns, 2);
    assert.deepEqual(run.usage, { input: 70, output: 7, cacheRead: 0, cacheWrite: 0 });
    assert.ok(run.durationMs < 15_000, `stopped after ${run.durationMs} ms`);
    assert.match(readFileSync(join(logDir, 'nanocode.jsonl'), 'utf8'), /"type":"start"/);
  } finally {
    await fake.close();
  }
});
