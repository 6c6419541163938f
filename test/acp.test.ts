// `nanocode acp` end to end: a real ACP client (the SDK's client side) drives the
// built CLI over stdio against the fake LLM server.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type FakeLLM, type RecordedRequest, type Step, startFakeLLM } from './fake-llm/server.ts';
import { type AcpAgent, chunks, type PermissionAnswer, startAcp } from './helpers/acp.ts';
import { needsBwrap } from './helpers/bwrap.ts';
import { cleanEnv, tempProject } from './helpers/cli.ts';
import { everythingServer } from './helpers/mcp.ts';

const cmd = (command: string): Step => ({ toolCalls: [{ name: 'run_cmd', args: { command } }] });
const toolOutputs = (r: RecordedRequest): string[] =>
  r.body.messages
    .filter((m: { role: string }) => m.role === 'tool')
    .map((m: { content: string }) => m.content);
const choose =
  (optionId: string): PermissionAnswer =>
  () => ({ outcome: 'selected', optionId });

async function withAcp(
  steps: Step[],
  run: (acp: AcpAgent, ctx: { fake: FakeLLM; dir: string; env: Record<string, string> }) => Promise<void>,
  opts: { answer?: PermissionAnswer; env?: Record<string, string>; dir?: string; args?: string[] } = {},
) {
  const fake = await startFakeLLM(steps);
  const dir = opts.dir ?? tempProject();
  const env = opts.env ?? cleanEnv();
  Object.assign(env, { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_MODEL: 'm' });
  const acp = await startAcp({ cwd: dir, env, answer: opts.answer, args: opts.args });
  try {
    await run(acp, { fake, dir, env });
  } finally {
    const code = await acp.stop();
    await fake.close();
    assert.equal(code, 0, acp.stderr());
    for (const line of acp.stdoutLines())
      assert.equal(JSON.parse(line).jsonrpc, '2.0', `not protocol: ${line}`);
  }
}

test('initialize, session/new with modes, a prompt that runs a command: streamed text and the tool call', async () => {
  await withAcp(
    [{ text: 'Let me check. ', ...cmd('echo hi-from-acp') }, { text: 'All done.' }],
    async (acp, { dir }) => {
      const init = await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
      assert.equal(init.protocolVersion, 1);
      assert.equal(init.agentCapabilities?.loadSession, true);
      const session = await acp.agent.request('session/new', { cwd: dir, mcpServers: [] });
      assert.deepEqual(
        session.modes?.availableModes.map((m) => m.id),
        ['default', 'strict', 'yes'],
      );
      assert.equal(session.modes?.currentModeId, 'default');
      const { stopReason } = await acp.agent.request('session/prompt', {
        sessionId: session.sessionId,
        prompt: [{ type: 'text', text: 'say hi' }],
      });
      assert.equal(stopReason, 'end_turn');
      const updates = acp.updates.map((n) => n.update);
      assert.ok(acp.updates.every((n) => n.sessionId === session.sessionId));
      const call = updates.find((u) => u.sessionUpdate === 'tool_call');
      assert.ok(call && call.sessionUpdate === 'tool_call');
      assert.equal(call.kind, 'execute');
      assert.equal(call.title, 'echo hi-from-acp');
      assert.equal(call.status, 'pending');
      const statuses = updates
        .filter((u) => u.sessionUpdate === 'tool_call_update' && u.toolCallId === call.toolCallId)
        .map((u) => (u.sessionUpdate === 'tool_call_update' ? u.status : undefined));
      assert.deepEqual(statuses, ['in_progress', 'completed']);
      const done = updates.findLast((u) => u.sessionUpdate === 'tool_call_update');
      assert.match(JSON.stringify(done), /hi-from-acp/);
      assert.equal(chunks(acp.updates), 'Let me check. All done.');
      const usage = updates.find((u) => u.sessionUpdate === 'usage_update');
      assert.deepEqual(
        usage,
        { sessionUpdate: 'usage_update', used: 15, size: 128_000 },
        'the fake usage: 10 in, 5 out',
      );
      assert.equal(acp.permissions.length, 0, 'a harmless command asks nothing');
    },
  );
});

test('a dangerous command asks the client; rejected, it does not run and the model is told', async () => {
  const dir = tempProject();
  mkdirSync(join(dir, 'build'));
  await withAcp(
    [cmd('rm -rf build'), { text: 'ok, leaving it' }],
    async (acp, { fake }) => {
      await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
      const { sessionId } = await acp.agent.request('session/new', { cwd: dir, mcpServers: [] });
      const { stopReason } = await acp.agent.request('session/prompt', {
        sessionId,
        prompt: [{ type: 'text', text: 'clean up' }],
      });
      assert.equal(stopReason, 'end_turn');
      assert.equal(acp.permissions.length, 1);
      const [question] = acp.permissions;
      assert.match(question!.toolCall.title ?? '', /rm -rf build/);
      assert.deepEqual(
        question!.options.map((o) => o.kind),
        ['allow_once', 'allow_always', 'reject_once'],
      );
      assert.ok(existsSync(join(dir, 'build')), 'the directory is still there');
      assert.match(toolOutputs(fake.requests[1]!)[0]!, /^Blocked: the user declined rm -rf build/);
      const failed = acp.updates.map((n) => n.update).findLast((u) => u.sessionUpdate === 'tool_call_update');
      assert.equal(failed?.sessionUpdate === 'tool_call_update' && failed.status, 'failed');
    },
    { dir, answer: choose('reject_once') },
  );
});

test('"allow always" holds for the session; mode "yes" asks nothing', async () => {
  const dir = tempProject();
  const steps = [
    cmd('rm -rf a'),
    { text: 'one' },
    cmd('rm -rf a'),
    { text: 'two' },
    cmd('rm -rf b'),
    { text: 'three' },
  ];
  await withAcp(
    steps,
    async (acp) => {
      await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
      const { sessionId } = await acp.agent.request('session/new', { cwd: dir, mcpServers: [] });
      const prompt = (text: string) =>
        acp.agent.request('session/prompt', { sessionId, prompt: [{ type: 'text', text }] });
      mkdirSync(join(dir, 'a'));
      await prompt('first');
      assert.equal(acp.permissions.length, 1);
      assert.ok(!existsSync(join(dir, 'a')));
      mkdirSync(join(dir, 'a'));
      await prompt('second');
      assert.equal(acp.permissions.length, 1, 'allowed always: not asked again');
      assert.ok(!existsSync(join(dir, 'a')));
      await acp.agent.request('session/set_mode', { sessionId, modeId: 'yes' });
      mkdirSync(join(dir, 'b'));
      await prompt('third');
      assert.equal(acp.permissions.length, 1, 'mode yes: not asked');
      assert.ok(!existsSync(join(dir, 'b')));
    },
    { dir, answer: choose('allow_always') },
  );
});

test('session/cancel mid-command kills the command and the prompt stops with "cancelled"', async () => {
  const dir = tempProject();
  await withAcp([cmd('exec sleep 61.25'), { text: 'never' }], async (acp, { fake }) => {
    await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
    const { sessionId } = await acp.agent.request('session/new', { cwd: dir, mcpServers: [] });
    const prompt = acp.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'wait' }],
    });
    await acp.waitForUpdate(
      (n) => n.update.sessionUpdate === 'tool_call_update' && n.update.status === 'in_progress',
    );
    // Found by its command line: inside the sandbox's PID namespace `$$` is not the host's pid.
    while (sleepers('61.25').length === 0) await new Promise((r) => setTimeout(r, 20));
    await acp.agent.notify('session/cancel', { sessionId });
    const { stopReason } = await prompt;
    assert.equal(stopReason, 'cancelled');
    assert.deepEqual(sleepers('61.25'), [], 'the sleep was killed');
    assert.equal(fake.requests.length, 1, 'no request after the cancel');
    const last = acp.updates.map((n) => n.update).findLast((u) => u.sessionUpdate === 'tool_call_update');
    assert.match(JSON.stringify(last), /interrupted/);
  });
});

test('session/cancel while the client is still deciding: the command does not run', async () => {
  const dir = tempProject();
  mkdirSync(join(dir, 'build'));
  const never = () => new Promise<never>(() => {});
  await withAcp(
    [cmd('rm -rf build'), { text: 'never' }],
    async (acp, { fake }) => {
      await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
      const { sessionId } = await acp.agent.request('session/new', { cwd: dir, mcpServers: [] });
      const prompt = acp.agent.request('session/prompt', {
        sessionId,
        prompt: [{ type: 'text', text: 'clean' }],
      });
      while (acp.permissions.length === 0) await new Promise((r) => setTimeout(r, 20));
      await acp.agent.notify('session/cancel', { sessionId });
      assert.equal((await prompt).stopReason, 'cancelled');
      assert.ok(existsSync(join(dir, 'build')), 'not deleted');
      assert.equal(fake.requests.length, 1);
    },
    { dir, answer: never },
  );
});

test('session/list shows saved sessions; session/load replays one and continues it', async () => {
  const dir = tempProject();
  const env = cleanEnv();
  let sessionId = '';
  await withAcp(
    [{ text: 'The answer is 42.' }],
    async (acp) => {
      await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
      ({ sessionId } = await acp.agent.request('session/new', { cwd: dir, mcpServers: [] }));
      await acp.agent.request('session/prompt', {
        sessionId,
        prompt: [{ type: 'text', text: 'what is the answer?' }],
      });
    },
    { dir, env },
  );
  await withAcp(
    [{ text: 'Still 42.' }],
    async (acp, { fake }) => {
      const init = await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
      assert.ok(init.agentCapabilities?.sessionCapabilities?.list);
      const listed = await acp.agent.request('session/list', { cwd: dir });
      assert.deepEqual(
        listed.sessions.map((s) => [s.sessionId, s.cwd, s.title]),
        [[sessionId, dir, 'what is the answer?']],
      );
      await acp.agent.request('session/load', { sessionId, cwd: dir, mcpServers: [] });
      assert.equal(chunks(acp.updates, 'user_message_chunk'), 'what is the answer?');
      assert.equal(chunks(acp.updates, 'agent_message_chunk'), 'The answer is 42.');
      const { stopReason } = await acp.agent.request('session/prompt', {
        sessionId,
        prompt: [{ type: 'text', text: 'and now?' }],
      });
      assert.equal(stopReason, 'end_turn');
      const sent = JSON.stringify(fake.requests[0]!.body.messages);
      assert.match(sent, /what is the answer\?.*The answer is 42\..*and now\?/);
    },
    { dir, env },
  );
});

test('an unknown session id to load is a JSON-RPC error with one clear line', async () => {
  await withAcp([], async (acp, { dir }) => {
    await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
    await assert.rejects(
      acp.agent.request('session/load', { sessionId: 'ffffffff', cwd: dir, mcpServers: [] }),
      /no session ffffffff/,
    );
  });
});

test("session/new's MCP servers are started; their calls ask the client", async () => {
  const echo: Step = { toolCalls: [{ name: 'mcp__everything__echo', args: { message: 'via acp' } }] };
  await withAcp(
    [echo, { text: 'echoed' }],
    async (acp, { dir, fake }) => {
      await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
      const server = everythingServer();
      const { sessionId } = await acp.agent.request('session/new', {
        cwd: dir,
        mcpServers: [{ name: 'everything', command: server.command, args: server.args, env: [] }],
      });
      await acp.agent.request('session/prompt', { sessionId, prompt: [{ type: 'text', text: 'echo' }] });
      assert.equal(acp.permissions.length, 1);
      assert.match(acp.permissions[0]!.toolCall.title ?? '', /mcp__everything__echo/);
      assert.match(toolOutputs(fake.requests[1]!)[0]!, /Echo: via acp/);
    },
    { answer: choose('allow_once') },
  );
});

/** Host pids of `sleep SECONDS` processes still alive (not zombies). */
function sleepers(seconds: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (argv[0]?.endsWith('sleep') && argv[1] === seconds && state !== 'Z') found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

test('a content-filtered answer ends the prompt with the refusal stop reason', async () => {
  // One JSON chunk a line, as the replay step takes them (an OpenAI chat stream stopped by its filter).
  const chunk = (delta: unknown, finish: string | null) =>
    JSON.stringify({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  const replay = `${chunk({ role: 'assistant', content: '' }, null)}\n${chunk({}, 'content_filter')}\n`;
  await withAcp([{ replay }], async (acp, { dir }) => {
    await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
    const { sessionId } = await acp.agent.request('session/new', { cwd: dir, mcpServers: [] });
    const { stopReason } = await acp.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'something the filter blocks' }],
    });
    assert.equal(stopReason, 'refusal');
  });
});

test('a git repository a command plants is named to the editor after the prompt', needsBwrap, async () => {
  await withAcp(
    [cmd('git init -q lib && git -C lib config core.pager "touch pwned"'), { text: 'Set up lib.' }],
    async (acp, { dir }) => {
      await acp.agent.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
      const session = await acp.agent.request('session/new', { cwd: dir, mcpServers: [] });
      await acp.agent.request('session/set_mode', { sessionId: session.sessionId, modeId: 'yes' });
      const { stopReason } = await acp.agent.request('session/prompt', {
        sessionId: session.sessionId,
        prompt: [{ type: 'text', text: 'set up lib' }],
      });
      assert.equal(stopReason, 'end_turn');
      assert.match(
        chunks(acp.updates),
        /^Set up lib\.\n\nnanocode: warning: a command made or changed lib\/\.git, .*\(core\.pager\)/,
      );
    },
  );
});
