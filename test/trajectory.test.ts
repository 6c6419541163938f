// --trajectory FILE: the run as an ATIF-v1.7 document (Harbor's RFC 0001), checked against the rules of
// Harbor's own models (test/helpers/atif.ts), plus nanocode's own: tool call ids unique within a step.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import pkg from '../package.json' with { type: 'json' };
import type { AgentEvent } from '../src/agent.ts';
import { TrajectoryRecorder } from '../src/modes/trajectory.ts';
import { type FakeLLM, type Step, startFakeLLM } from './fake-llm/server.ts';
import { atifErrors } from './helpers/atif.ts';
import { cleanEnv, runCli, signalWhenCommandStarts, tempProject } from './helpers/cli.ts';
import { longTask, SUMMARY_TEXT } from './helpers/long-task.ts';
import { BUGFIX_SCRIPT, buggyProject } from './helpers/project.ts';

type Obj = Record<string, unknown>;

type Traj = {
  session_id: string;
  agent: Obj & { tool_definitions: { function: { name: string } }[] };
  steps: (Obj & {
    source: string;
    message: string;
    tool_calls?: { tool_call_id: string; function_name: string; arguments: Obj; extra?: Obj }[];
    observation?: { results: { source_call_id: string; content: string; extra: Obj }[] };
    metrics?: { prompt_tokens: number; completion_tokens: number; cached_tokens: number; cost_usd?: number };
    llm_call_count?: number;
    reasoning_content?: string;
    model_name?: string;
    extra?: Obj;
  })[];
  final_metrics: Record<string, number>;
  extra: Obj;
};

/** Reads and validates a trajectory file; fails the test with every schema error found. */
function readTrajectory(path: string): Traj {
  const text = readFileSync(path, 'utf8');
  const doc = JSON.parse(text) as unknown;
  assert.deepEqual(atifErrors(doc), [], 'a valid ATIF-v1.7 document');
  for (const step of (doc as Traj).steps) {
    const ids = (step.tool_calls ?? []).map((c) => c.tool_call_id);
    assert.equal(new Set(ids).size, ids.length, `tool call ids unique in step ${step.step_id}`);
  }
  assert.ok(!text.includes(': null'), 'optional fields are omitted, never null');
  return doc as Traj;
}

const chatEnv = (fake: FakeLLM) =>
  cleanEnv({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_MODEL: 'm' });

async function withFake(steps: Step[], body: (fake: FakeLLM) => Promise<void>) {
  const fake = await startFakeLLM(steps);
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

test('a scripted run with tool calls writes a valid trajectory, relative to the process cwd', () =>
  withFake(structuredClone(BUGFIX_SCRIPT), async (fake) => {
    const project = buggyProject();
    const here = tempProject('nanocode-traj-');
    const env = cleanEnv({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: fake.url });
    const run = await runCli(['--json', '-C', project, '--trajectory', 'out.json', 'fix the bug'], {
      cwd: here,
      env,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readdirSync(here), ['out.json'], 'written where asked, no temp file left');
    assert.ok(!readdirSync(project).includes('out.json'), 'not relative to -C');
    const t = readTrajectory(join(here, 'out.json'));
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Obj);

    assert.equal(t.session_id, events[0]!.session_id, 'the same session id as the --json stream');
    assert.equal(t.agent.name, 'nanocode');
    assert.equal(t.agent.version, pkg.version);
    assert.equal(t.agent.model_name, 'claude-sonnet-4-6');
    assert.deepEqual(
      t.agent.tool_definitions.map((d) => d.function.name),
      ['run_cmd', 'read_file', 'write_file', 'edit_file'],
    );
    assert.deepEqual(
      t.steps.map((s) => s.source),
      ['system', 'user', 'agent', 'agent', 'agent', 'agent'],
    );
    assert.match(t.steps[0]!.message, /nanocode/, 'the system prompt');
    assert.equal(t.steps[1]!.message, 'fix the bug');
    const agent = t.steps.slice(2);
    assert.equal(agent[0]!.message, 'Let me look.');
    assert.deepEqual(
      agent.map((s) => s.tool_calls?.map((c) => c.function_name)),
      [['read_file'], ['edit_file'], ['run_cmd'], undefined],
    );
    assert.deepEqual(agent[0]!.tool_calls![0]!.arguments, { path: 'calc.py' });
    for (const step of agent.slice(0, 3)) {
      const [call] = step.tool_calls!;
      const [result] = step.observation!.results;
      assert.equal(result!.source_call_id, call!.tool_call_id);
    }
    assert.match(agent[2]!.observation!.results[0]!.content, /ok/);
    assert.equal(agent[2]!.observation!.results[0]!.extra.exit_code, 0);
    assert.equal(agent[3]!.message, 'Fixed add() in calc.py: it now returns a + b.');
    const { cost_usd: lastCost, ...lastTokens } = agent[3]!.metrics!;
    assert.deepEqual(lastTokens, { prompt_tokens: 900, completion_tokens: 20, cached_tokens: 800 });
    assert.ok(typeof lastCost === 'number' && lastCost > 0, 'a priced model: each step has its cost');

    const result = events.at(-1)! as { usage: Record<string, number>; cost_usd: number | null };
    const { total_cost_usd, ...totals } = t.final_metrics;
    assert.deepEqual(totals, {
      total_prompt_tokens: result.usage.input,
      total_completion_tokens: result.usage.output,
      total_cached_tokens: result.usage.cache_read,
      total_steps: 6,
    });
    assert.equal(totals.total_prompt_tokens, 930);
    assert.equal(total_cost_usd, result.cost_usd ?? undefined, "the run's cost when known, else absent");
    const stepCosts = agent.reduce((sum, s) => sum + (s.metrics?.cost_usd ?? 0), 0);
    assert.ok(Math.abs(stepCosts - result.cost_usd!) < 1e-12, 'the steps add up to the total');
    assert.equal(t.extra.status, 'done');
    assert.equal(t.extra.exit_code, 0);
    assert.equal(t.extra.turns, 4);
  }));

test('a run that ends in a provider error still writes a valid trajectory', () =>
  withFake(
    [1, 2, 3].map(() => ({ httpError: 500, retryAfter: 0, body: 'down' })),
    async (fake) => {
      const dir = tempProject();
      const run = await runCli(['--trajectory', 't.json', 'x'], { cwd: dir, env: chatEnv(fake) });
      assert.equal(run.code, 1);
      const t = readTrajectory(join(dir, 't.json'));
      assert.equal(t.extra.status, 'error');
      assert.equal(t.extra.exit_code, 1);
      assert.match(String(t.extra.reason), /HTTP 500: down/);
      const last = t.steps.at(-1)!;
      assert.equal(last.source, 'agent');
      assert.match(String(last.extra?.error), /HTTP 500/);
      assert.equal(t.final_metrics.total_steps, 3);
    },
  ));

test('a run stopped by --max-turns is written; arguments that are not JSON become {} plus the raw text', () =>
  withFake([{ toolCalls: [{ name: 'read_file', args: '{"path": ' }] }], async (fake) => {
    const dir = tempProject();
    const run = await runCli(['--max-turns', '1', '--trajectory', 't.json', 'x'], {
      cwd: dir,
      env: chatEnv(fake),
    });
    assert.equal(run.code, 3, run.stderr);
    const t = readTrajectory(join(dir, 't.json'));
    assert.equal(t.extra.status, 'limit');
    const [call] = t.steps[2]!.tool_calls!;
    assert.deepEqual(call!.arguments, {});
    assert.equal(call!.extra?.raw_arguments, '{"path": ');
    assert.match(t.steps[2]!.observation!.results[0]!.content, /not valid JSON/);
  }));

test('an interrupted run (SIGTERM during a command) is written, every call answered', () =>
  withFake(
    [{ toolCalls: [{ name: 'run_cmd', args: { command: 'echo started; sleep 60' } }] }],
    async (fake) => {
      const dir = tempProject();
      const run = await runCli(['--trajectory', 't.json', 'wait'], {
        cwd: dir,
        env: chatEnv(fake),
        onSpawn: signalWhenCommandStarts(dir, [300, 'SIGTERM']),
      });
      assert.equal(run.code, 130, run.stderr);
      const t = readTrajectory(join(dir, 't.json'));
      assert.equal(t.extra.status, 'interrupted');
      assert.equal(t.extra.exit_code, 130);
      const step = t.steps[2]!;
      assert.equal(step.observation!.results[0]!.source_call_id, step.tool_calls![0]!.tool_call_id);
    },
  ));

test('a second signal (quit at once) still leaves a valid trajectory', () =>
  withFake(
    [{ toolCalls: [{ name: 'run_cmd', args: { command: 'trap "" TERM; sleep 4' } }] }],
    async (fake) => {
      const dir = tempProject();
      const run = await runCli(['--yes', '--trajectory', 't.json', 'wait'], {
        cwd: dir,
        env: chatEnv(fake),
        // The command ignores SIGTERM, so the first signal cannot end the run quickly; the second exits.
        onSpawn: signalWhenCommandStarts(dir, [300, 'SIGTERM'], [600, 'SIGTERM']),
      });
      assert.equal(run.code, 130, run.stderr);
      const t = readTrajectory(join(dir, 't.json'));
      assert.equal(t.extra.status, 'interrupted');
      assert.equal(t.steps[2]!.tool_calls![0]!.function_name, 'run_cmd');
    },
  ));

test('"trajectory" in stdin JSON works like the flag', () =>
  withFake([{ text: 'Hello.' }], async (fake) => {
    const dir = tempProject();
    const stdin = JSON.stringify({ prompt: 'say hello', trajectory: 'from-stdin.json' });
    const run = await runCli([], { cwd: dir, env: chatEnv(fake), stdin });
    assert.equal(run.code, 0, run.stderr);
    const t = readTrajectory(join(dir, 'from-stdin.json'));
    assert.equal(t.steps.at(-1)!.message, 'Hello.');
  }));

test("JSON lines on stdin: each later prompt is its own user step (here on another model); the cost is every prompt's", () =>
  withFake(
    [
      { text: 'First.', usage: { input: 1000, output: 100 } },
      { text: 'Second.', usage: { input: 3000, output: 300 } },
    ],
    async (fake) => {
      const dir = tempProject();
      const stdin = [
        JSON.stringify({ prompt: 'one', trajectory: 'two-prompts.json' }),
        JSON.stringify({ prompt: 'two', model: 'openai/gpt-5-mini' }),
      ].join('\n');
      const env = { ...chatEnv(fake), OPENAI_MODEL: 'gpt-5.2' }; // a model nanocode knows the price of
      const run = await runCli(['--json'], { cwd: dir, env, stdin });
      assert.equal(run.code, 0, run.stderr);
      const t = readTrajectory(join(dir, 'two-prompts.json'));
      assert.deepEqual(
        t.steps.filter((s) => s.source !== 'system').map((s) => [s.source, s.message]),
        [
          ['user', 'one'],
          ['agent', 'First.'],
          ['user', 'two'],
          ['agent', 'Second.'],
        ],
      );
      const results = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Obj)
        .filter((e) => e.type === 'result') as { cost_usd: number }[];
      assert.equal(results.length, 2);
      const [a, b] = results.map((r) => r.cost_usd);
      assert.ok(a! > 0 && b! > 0 && a !== b, `two prompts, two priced models (${a}, ${b})`);
      const agent = t.steps.filter((s) => s.source === 'agent');
      assert.deepEqual(
        agent.map((s) => s.metrics?.cost_usd),
        [a, b],
        'each step carries its own cost, priced with its own model',
      );
      assert.deepEqual(
        agent.map((s) => s.model_name),
        [undefined, 'gpt-5-mini'],
        "a step names its model when it is not the trajectory's",
      );
      assert.ok(Math.abs(t.final_metrics.total_cost_usd! - (a! + b!)) < 1e-12, 'the total is both prompts');
      assert.equal(t.final_metrics.total_prompt_tokens, 4000);
      assert.equal(t.extra.turns, 2);
    },
  ));

test("a compaction is a step of its own: no turn loses its figures, the totals are the run's", async () => {
  // Every turn uses 10 in / 5 out; the summary requests use far more, so a mix-up shows.
  const task = longTask(9, {
    outputBytes: 200,
    summary: () => ({ text: SUMMARY_TEXT, usage: { input: 5000, output: 400 } }),
  });
  await withFake(task.steps, async (fake) => {
    const dir = tempProject();
    const env = { ...chatEnv(fake), XDG_STATE_HOME: join(dir, '.state') };
    const args = ['--json', '--compact-every', '4', '--trajectory', 't.json', 'print the numbers'];
    const run = await runCli(args, { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    const t = readTrajectory(join(dir, 't.json'));
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { usage: Record<string, number> };
    const compactions = t.steps.filter((s) => s.extra?.compaction);
    assert.equal(compactions.length, 2);
    for (const c of compactions) {
      assert.equal(c.source, 'agent');
      assert.equal(c.llm_call_count, 1);
      assert.deepEqual(c.metrics, { prompt_tokens: 5000, completion_tokens: 400, cached_tokens: 0 });
      assert.equal((c.extra!.compaction as Obj).method, 'summary');
    }
    const turns = t.steps.filter((s) => s.source === 'agent' && !s.extra?.compaction);
    assert.equal(turns.length, 9);
    for (const turn of turns)
      assert.deepEqual(turn.metrics, { prompt_tokens: 10, completion_tokens: 5, cached_tokens: 0 });
    assert.equal(t.final_metrics.total_prompt_tokens, result.usage.input);
    assert.equal(t.final_metrics.total_completion_tokens, result.usage.output);
    assert.equal(t.final_metrics.total_prompt_tokens, 9 * 10 + 2 * 5000);
    // The compaction after turn 4 comes between turn 4's results and turn 5.
    const order = t.steps.filter((s) => s.source === 'agent').map((s) => (s.extra?.compaction ? 'C' : 'T'));
    assert.deepEqual(order.join(''), 'TTTTCTTTTCT');
  });
});

test('a run killed hard (SIGKILL during a command) leaves the trajectory of the steps before it', () =>
  withFake(
    [
      {
        text: 'Listing.',
        toolCalls: [{ name: 'run_cmd', args: { command: 'ls' } }],
        usage: { input: 70, output: 7 },
      },
      { toolCalls: [{ name: 'run_cmd', args: { command: 'echo started; sleep 5' } }] },
    ],
    async (fake) => {
      const dir = tempProject();
      const file = join(dir, 't.json');
      const run = await runCli(['--yes', '--trajectory', 't.json', 'wait'], {
        cwd: dir,
        env: chatEnv(fake),
        // Killed once the second command's call is on disk: nothing of nanocode runs after that.
        onSpawn: (child) => {
          const poll = setInterval(() => {
            if (
              fake.requests.length < 2 ||
              !existsSync(file) ||
              !readFileSync(file, 'utf8').includes('sleep 5')
            )
              return;
            clearInterval(poll);
            child.kill('SIGKILL');
          }, 20);
        },
      });
      assert.equal(run.signal, 'SIGKILL');
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.includes('t.json')),
        ['t.json'],
        'no temp file left',
      );
      const t = readTrajectory(file);
      assert.equal(t.extra.status, 'incomplete');
      const agent = t.steps.filter((s) => s.source === 'agent');
      assert.equal(agent[0]!.message, 'Listing.');
      assert.deepEqual(agent[0]!.metrics, { prompt_tokens: 70, completion_tokens: 7, cached_tokens: 0 });
      assert.equal(agent[0]!.observation!.results.length, 1, 'the first command answered');
      assert.equal(agent[1]!.tool_calls![0]!.arguments.command, 'echo started; sleep 5');
      assert.equal(t.final_metrics.total_prompt_tokens, 80);
    },
  ));

test("reasoning is the step's reasoning_content; a restarted stream drops what it had", () => {
  const dir = tempProject();
  const clock = () => new Date('2026-01-02T03:04:05.000Z');
  const start = {
    path: join(dir, 't.json'),
    sessionId: 's',
    version: '1',
    model: 'm',
    provider: 'openai' as const,
  };
  const recorder = new TrajectoryRecorder({ ...start, cwd: dir, system: 'sys', task: 'think' }, clock);
  const usage = { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 };
  const events: AgentEvent[] = [
    { type: 'message', message: { role: 'user', content: 'think' } },
    { type: 'turn', turn: 1 },
    { type: 'reasoning', text: 'lost when the stream restarts' },
    { type: 'notice', message: 'the model stream was silent; retrying' },
    { type: 'reasoning', text: 'First, ' },
    { type: 'reasoning', text: 'the plan.' },
    { type: 'text', text: 'Done.' },
    { type: 'usage', usage, total: usage },
  ];
  for (const event of events) recorder.sink(event);
  recorder.finish({ status: 'done', reason: 'the model finished', exitCode: 0 });
  const t = readTrajectory(join(dir, 't.json'));
  const step = t.steps[2]!;
  assert.equal(step.reasoning_content, 'First, the plan.');
  assert.equal(step.message, 'Done.');
  assert.deepEqual(step.metrics, { prompt_tokens: 10, completion_tokens: 5, cached_tokens: 0 });
});

test('a trajectory path that cannot be written is exit 2 before anything runs', () =>
  withFake([{ text: 'never asked' }], async (fake) => {
    const dir = tempProject();
    mkdirSync(join(dir, 'adir'));
    const cases: [string, RegExp][] = [
      ['missing/t.json', /--trajectory: directory .*missing does not exist/],
      ['adir', /--trajectory .*adir is a directory/],
      ['', /--trajectory needs a file name/],
    ];
    for (const [path, message] of cases) {
      const run = await runCli(['--trajectory', path, 'x'], { cwd: dir, env: chatEnv(fake) });
      assert.equal(run.code, 2, `${path}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, 'one line');
    }
    assert.equal(fake.requests.length, 0, 'the model was never called');
  }));

test('the validator itself catches what the schema forbids', () => {
  const valid = {
    schema_version: 'ATIF-v1.7',
    session_id: 's',
    agent: { name: 'a', version: '1' },
    steps: [
      { step_id: 1, source: 'user', message: 'hi' },
      {
        step_id: 2,
        source: 'agent',
        message: '',
        tool_calls: [{ tool_call_id: 'c1', function_name: 'f', arguments: {} }],
        observation: { results: [{ source_call_id: 'c1', content: 'ok' }] },
        metrics: { prompt_tokens: 1, completion_tokens: 1 },
      },
    ],
  };
  assert.deepEqual(atifErrors(valid), []);
  const broken = (edit: (d: typeof valid & Obj) => void) => {
    const d = structuredClone(valid) as typeof valid & Obj;
    edit(d);
    return atifErrors(d).join('\n');
  };
  assert.match(
    broken((d) => {
      d.steps[1]!.step_id = 3;
    }),
    /steps\[1\]\.step_id/,
  );
  assert.match(
    broken((d) => {
      d.steps[1]!.observation!.results[0]!.source_call_id = 'c2';
    }),
    /not a call of this step/,
  );
  assert.match(
    broken((d) => {
      (d.steps[0] as Obj).metrics = {};
    }),
    /only for source "agent"/,
  );
  assert.match(
    broken((d) => {
      d.surprise = 1;
    }),
    /trajectory\.surprise: unknown field/,
  );
  assert.match(
    broken((d) => {
      d.steps[1]!.metrics!.prompt_tokens = 1.5;
    }),
    /prompt_tokens: wrong type/,
  );
  assert.match(
    broken((d) => {
      delete (d as Obj).agent;
    }),
    /agent: required/,
  );
  // Rules of Harbor v0.22's models beyond the basic shapes.
  assert.match(
    broken((d) => {
      Object.assign(d.steps[1]!, { llm_call_count: 0 });
    }),
    /metrics: must be absent when llm_call_count is 0/,
  );
  assert.match(
    broken((d) => {
      (d.steps[0] as Obj).message = [{ type: 'image', text: 'x' }];
    }),
    /message\[0\]\.source: required when type is "image"/,
  );
  assert.match(
    broken((d) => {
      (d.steps[0] as Obj).timestamp = 'yesterday';
    }),
    /steps\[0\]\.timestamp: wrong type/,
  );
  assert.match(
    broken((d) => {
      d.subagent_trajectories = [
        { agent: { name: 's', version: '1' }, steps: [{ step_id: 1, source: 'user', message: 'x' }] },
      ];
    }),
    /subagent_trajectories\[0\]\.trajectory_id: required/,
  );
  assert.match(
    broken((d) => {
      d.steps[1]!.observation!.results[0] = { subagent_trajectory_ref: [{ session_id: 's' }] } as never;
    }),
    /needs trajectory_id or trajectory_path/,
  );
  assert.deepEqual(
    atifErrors({ ...structuredClone(valid), schema_version: undefined, session_id: undefined }),
    [],
    'schema_version defaults in Harbor, session_id is optional since v1.7',
  );
});
