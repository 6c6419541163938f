// Failure modes through the built CLI and the fake LLM server: provider errors,
// broken streams, bad tool calls, floods, interrupts, a full disk under nanocode's own state.

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type FakeLLM, type RecordedRequest, type Step, startFakeLLM } from './fake-llm/server.ts';
import {
  type CliOptions,
  cleanEnv,
  runCli,
  signalAfterFirstRequest,
  signalWhenCommandStarts,
  tempProject,
} from './helpers/cli.ts';
import { needsMount, withSmallDisk } from './helpers/small-disk.ts';

const chatEnv = (fake: FakeLLM, extra: Record<string, string> = {}) =>
  cleanEnv({
    OPENAI_API_KEY: 'sk-test-key-123456',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_MODEL: 'm',
    ...extra,
  });

async function withFake(steps: Step[], body: (fake: FakeLLM, dir: string) => Promise<void>) {
  const fake = await startFakeLLM(steps);
  try {
    await body(fake, tempProject());
  } finally {
    await fake.close();
  }
}

const run = (fake: FakeLLM, dir: string, task = 'do it', extra: Partial<CliOptions> = {}) =>
  runCli([task], { cwd: dir, env: chatEnv(fake), ...extra });

/** The text of the tool results a request carried (OpenAI chat format). */
const toolOutputs = (r: RecordedRequest): string[] =>
  r.body.messages
    .filter((m: { role: string }) => m.role === 'tool')
    .map((m: { content: string }) => m.content);

test('a 429 with Retry-After is retried after the given wait, then succeeds', () =>
  withFake([{ httpError: 429, retryAfter: 1, body: 'slow down' }, { text: 'fine' }], async (fake, dir) => {
    const started = Date.now();
    const r = await run(fake, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'fine\n');
    assert.equal(fake.requests.length, 2);
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
  }));

test('a 500 that survives the retries ends the run: exit 1, the provider message on one line', () =>
  withFake(
    [1, 2, 3].map(() => ({ httpError: 500, body: 'the upstream is on fire', retryAfter: 0 })),
    async (fake, dir) => {
      const r = await run(fake, dir);
      assert.equal(r.code, 1);
      assert.equal(fake.requests.length, 3, 'two retries');
      assert.match(r.stderr, /nanocode: error: .*HTTP 500: the upstream is on fire/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
    },
  ));

test('a 401 is not retried and names the problem', () =>
  withFake([{ httpError: 401, body: 'invalid api key' }], async (fake, dir) => {
    const r = await run(fake, dir);
    assert.equal(r.code, 1);
    assert.equal(fake.requests.length, 1);
    assert.match(r.stderr, /HTTP 401: invalid api key/);
  }));

test('a stream cut mid-way ends the run with exit 1', () =>
  withFake([{ brokenStream: true }, { brokenStream: true }, { brokenStream: true }], async (fake, dir) => {
    const r = await run(fake, dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /nanocode: error: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }));

test('unknown tools and broken arguments go back to the model, and the run finishes', () =>
  withFake(
    [
      {
        toolCalls: [
          { name: 'launch_missiles', args: {} },
          { name: 'run_cmd', args: '{"command": "echo hi' },
        ],
      },
      { text: 'recovered' },
    ],
    async (fake, dir) => {
      const r = await run(fake, dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'recovered\n');
      const outputs = toolOutputs(fake.requests[1]!);
      assert.equal(outputs.length, 2);
      assert.match(outputs[0]!, /unknown tool "launch_missiles"/);
      assert.match(outputs[1]!, /not valid JSON/);
      assert.deepEqual(fake.protocolErrors, []);
    },
  ));

test('a flood of output reaches the model cut to 8000 bytes, head and tail kept', () =>
  withFake(
    [
      { toolCalls: [{ name: 'run_cmd', args: { command: 'echo FIRST; seq 1 200000; echo LAST' } }] },
      { text: 'seen' },
    ],
    async (fake, dir) => {
      const r = await run(fake, dir);
      assert.equal(r.code, 0, r.stderr);
      const [output] = toolOutputs(fake.requests[1]!);
      assert.ok(Buffer.byteLength(output!) <= 8000 + 200, `cut: ${Buffer.byteLength(output!)} bytes`);
      assert.match(output!, /^FIRST/);
      assert.match(output!, /LAST/);
      assert.match(output!, /bytes dropped|dropped/);
      // The command's start line, then its result line.
      const lines = readFileSync(join(dir, '.nanocode.log'), 'utf8').trim().split('\n');
      assert.equal(JSON.parse(lines[0]!).event, 'start');
      const log = JSON.parse(lines[1]!);
      assert.ok(log.bytes > 1_000_000, 'the log counts every byte printed');
    },
  ));

test('commands never see the API keys', () =>
  withFake(
    [
      { toolCalls: [{ name: 'run_cmd', args: { command: 'env | grep -c API_KEY || true' } }] },
      { text: 'ok' },
    ],
    async (fake, dir) => {
      const r = await runCli(['x'], { cwd: dir, env: chatEnv(fake, { ANTHROPIC_API_KEY: 'sk-ant-zzz' }) });
      assert.equal(r.code, 0, r.stderr);
      const [output] = toolOutputs(fake.requests[1]!);
      assert.match(output!, /^0\n/);
    },
  ));

test('the turn limit ends the run with exit 3', () =>
  withFake(
    [1, 2, 3].map(() => ({ toolCalls: [{ name: 'run_cmd', args: { command: 'true' } }] })),
    async (fake, dir) => {
      const r = await runCli(['--max-turns', '2', 'loop'], { cwd: dir, env: chatEnv(fake) });
      assert.equal(r.code, 3);
      assert.match(r.stderr, /turn limit/);
      assert.equal(fake.requests.length, 2);
    },
  ));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during a command stops it, keeps the log, exits 130`, () =>
    withFake(
      [
        { toolCalls: [{ name: 'run_cmd', args: { command: 'echo started; sleep 60' } }] },
        { text: 'unreachable' },
      ],
      async (fake, dir) => {
        const started = Date.now();
        const r = await runCli(['wait'], {
          cwd: dir,
          env: chatEnv(fake),
          onSpawn: signalWhenCommandStarts(dir, [300, signal]),
        });
        assert.equal(r.code, 130, r.stderr);
        assert.ok(Date.now() - started < 20_000);
        const log = readFileSync(join(dir, '.nanocode.log'), 'utf8').trim().split('\n');
        assert.equal(log.length, 2, 'a start line, then the end line');
        assert.match(log[0]!, /"event":"start".*sleep 60/);
        assert.match(log[1]!, /sleep 60/);
      },
    ));
}

test('SIGTERM while the model hangs exits 130 promptly', () =>
  withFake([{ hang: true }], async (fake, dir) => {
    const r = await runCli(['hang'], {
      cwd: dir,
      env: chatEnv(fake),
      onSpawn: signalAfterFirstRequest(fake, [0, 'SIGTERM']),
    });
    assert.equal(r.code, 130, r.stderr);
  }));

test(
  "a full disk under nanocode's state and cache: the run ends 0, says what it could not keep, and leaves no temporary file or lock",
  needsMount,
  (t) =>
    withSmallDisk(t, async (disk) => {
      const home = join(disk, 'home');
      mkdirSync(home);
      try {
        writeFileSync(join(disk, 'fill'), Buffer.alloc(2 << 20));
      } catch {
        // Full now.
      }
      const steps: Step[] = [
        { toolCalls: [{ name: 'write_file', args: { path: 'b.txt', content: 'b\n' } }] },
        { toolCalls: [{ name: 'run_cmd', args: { command: 'echo hi' } }] },
        { text: 'done' },
      ];
      await withFake(steps, async (fake, dir) => {
        const env = chatEnv(fake, {
          HOME: home,
          XDG_CACHE_HOME: join(home, 'cache'),
          XDG_STATE_HOME: join(home, 'state'),
        });
        const r = await runCli(['--yes', 'go'], { cwd: dir, env });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'b\n');
        assert.match(r.stderr, /cannot write the session any more/);
        assert.match(r.stderr, /checkpoints off for this run/);
        const walk = (d: string): string[] =>
          readdirSync(d, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)],
          );
        assert.deepEqual(
          walk(disk).filter((f) => /\.(tmp|lock)$/.test(f)),
          [],
          'no temporary file or lock left behind',
        );
      });
    }),
);
