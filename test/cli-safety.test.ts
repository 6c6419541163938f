// Command safety through the CLI and the fake LLM server: nobody at the keyboard
// means blocked, --yes approves dangerous but never forbidden, the sandbox holds,
// the log cannot be redirected, secrets never reach it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { type FakeLLM, type RecordedRequest, type Step, startFakeLLM } from './fake-llm/server.ts';
import { cleanEnv, runCli, tempDir, tempProject } from './helpers/cli.ts';

const KEY = 'sk-test-secret-value-1234567890';
const envFor = (fake: FakeLLM) =>
  cleanEnv({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_MODEL: 'm' });
const toolOutputs = (r: RecordedRequest): string[] =>
  r.body.messages
    .filter((m: { role: string }) => m.role === 'tool')
    .map((m: { content: string }) => m.content);
const cmd = (command: string): Step => ({ toolCalls: [{ name: 'run_cmd', args: { command } }] });
const logLines = (dir: string) =>
  readFileSync(join(dir, '.nanocode.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

async function scripted(steps: Step[], args: string[], dir = tempProject()) {
  const fake = await startFakeLLM(steps);
  try {
    const run = await runCli([...args, 'task'], { cwd: dir, env: envFor(fake) });
    return { run, dir, requests: fake.requests };
  } finally {
    await fake.close();
  }
}

test('with nobody to ask, a dangerous command is blocked, the model is told, the run goes on', async () => {
  const dir = tempProject();
  writeFileSync(join(dir, 'precious.txt'), 'keep me');
  const { run, requests } = await scripted([cmd('ls; rm -rf precious.txt'), { text: 'ok' }], [], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(existsSync(join(dir, 'precious.txt')), 'the file is still there');
  const [output] = toolOutputs(requests[1]!);
  assert.match(
    output!,
    /^Blocked: .*needs confirmation \(rm -r deletes.*\).*--yes or choose a safer command/,
  );
  const [entry] = logLines(dir);
  assert.equal(entry.decision, 'blocked');
  assert.equal(entry.level, 'dangerous');
  assert.ok(entry.reasons.length > 0);
});

test('--yes runs the dangerous command', async () => {
  const dir = tempProject();
  writeFileSync(join(dir, 'junk.txt'), 'x');
  const { run } = await scripted([cmd('rm junk.txt'), { text: 'ok' }], ['--yes'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(!existsSync(join(dir, 'junk.txt')));
  assert.equal(logLines(dir)[0].decision, 'approved');
});

test('a forbidden command is refused even with --yes', async () => {
  const { run, requests, dir } = await scripted([cmd('rm -rf ~'), { text: 'ok' }], ['--yes']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(toolOutputs(requests[1]!)[0]!, /^Refused: .* is never allowed/);
  const [entry] = logLines(dir);
  assert.equal(entry.decision, 'refused');
  assert.equal(entry.level, 'forbidden');
});

test('--strict blocks a normal command with nobody to ask; safe ones still run', async () => {
  const { requests, dir } = await scripted([cmd('ls'), cmd('touch made.txt'), { text: 'ok' }], ['--strict']);
  assert.doesNotMatch(toolOutputs(requests[1]!)[0]!, /Blocked/);
  assert.match(toolOutputs(requests[2]!)[1]!, /^Blocked: /);
  assert.ok(!existsSync(join(dir, 'made.txt')));
});

test('writes outside the project, into .git or into the log are blocked with nobody to ask', async () => {
  const dir = tempProject();
  mkdirSync(join(dir, '.git'));
  const outside = join(tempProject(), 'outside.txt');
  const write = (path: string) => ({ name: 'write_file', args: { path, content: 'x' } });
  const { requests } = await scripted(
    [
      { toolCalls: [write(outside), write('.git/config'), write('.nanocode.log'), write('ok.txt')] },
      { text: 'ok' },
    ],
    ['--sandbox=off'], // without the sandbox these are asked about; with it, refused (sandbox-boundary.test.ts)
    dir,
  );
  const outputs = toolOutputs(requests[1]!);
  for (const output of outputs.slice(0, 3)) assert.match(output, /^Blocked: /);
  assert.ok(!existsSync(outside));
  assert.ok(!existsSync(join(dir, '.git', 'config')));
  assert.equal(readFileSync(join(dir, 'ok.txt'), 'utf8'), 'x');
});

test('project rules: deny refuses, ask blocks, allow lets a normal command through under --strict', async () => {
  const dir = tempProject();
  mkdirSync(join(dir, '.nanocode'));
  const rules = { deny: ['curl'], ask: ['make deploy'], allow: ['npm test'] };
  writeFileSync(join(dir, '.nanocode', 'config.json'), JSON.stringify(rules));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'echo tests-ran' } }));
  const { requests, run } = await scripted(
    [
      { toolCalls: [{ name: 'run_cmd', args: { command: 'curl http://127.0.0.1:9/' } }] },
      cmd('make deploy'),
      cmd('npm test'),
      { text: 'ok' },
    ],
    ['--strict'],
    dir,
  );
  assert.match(toolOutputs(requests[1]!)[0]!, /^Refused: .*denied by rule "curl"/);
  assert.match(toolOutputs(requests[2]!)[1]!, /^Blocked: .*rule "make deploy" asks/);
  assert.match(toolOutputs(requests[3]!)[2]!, /tests-ran/);
  assert.match(run.stderr, /allowing without asking, per \.nanocode\/config\.json: npm test/);
});

test('a malformed config file is one line and exit 2', async () => {
  const dir = tempProject();
  mkdirSync(join(dir, '.nanocode'));
  writeFileSync(join(dir, '.nanocode', 'config.json'), '{"deny": "rm"');
  const run = await runCli(['x'], { cwd: dir, env: cleanEnv({ OPENAI_API_KEY: 'k' }) });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /config\.json: invalid JSON/);
});

test('a planted .nanocode.log symlink is never written through', async () => {
  const dir = tempProject();
  const target = join(tempProject(), 'victim.txt');
  writeFileSync(target, 'original\n');
  symlinkSync(target, join(dir, '.nanocode.log'));
  const { run } = await scripted([cmd('echo hi'), { text: 'ok' }], [], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\.nanocode\.log is a symlink; not writing the audit log/);
  assert.equal(readFileSync(target, 'utf8'), 'original\n');
  assert.ok(lstatSync(join(dir, '.nanocode.log')).isSymbolicLink());
});

test('the log is created 0600 and secrets are redacted from it', async () => {
  const dir = tempProject();
  const { run } = await scripted(
    [cmd(`echo ${KEY} ghp_abcdefghijklmnopqrstuvwxyz0123456789`), { text: 'ok' }],
    ['--yes'],
    dir,
  );
  assert.equal(run.code, 0, run.stderr);
  const text = readFileSync(join(dir, '.nanocode.log'), 'utf8');
  assert.ok(!text.includes(KEY), 'the key value is redacted');
  assert.ok(!text.includes('ghp_abcdefghijklmnopqrstuvwxyz0123456789'), 'token shapes are redacted');
  assert.match(text, /\[REDACTED\]/);
  assert.equal(lstatSync(join(dir, '.nanocode.log')).mode & 0o777, 0o600);
});

test('check-command prints the level and reasons, runs nothing, exits 0', async () => {
  const dir = tempProject();
  writeFileSync(join(dir, 'x'), '');
  const plain = await runCli(['check-command', 'ls; rm -rf x'], { cwd: dir });
  assert.equal(plain.code, 0);
  assert.match(plain.stdout, /^dangerous\n {2}- rm -r deletes/);
  assert.ok(existsSync(join(dir, 'x')));
  const json = await runCli(['check-command', '--json', 'cat README.md'], { cwd: dir });
  assert.deepEqual(JSON.parse(json.stdout), { level: 'safe', reasons: [] });
  const missing = await runCli(['check-command'], { cwd: dir });
  assert.equal(missing.code, 2);
});

const hasBwrap = spawnSync('bwrap', ['--ro-bind', '/', '/', 'true']).status === 0;

test('--sandbox keeps a write outside the project from happening', {
  skip: !hasBwrap && 'bubblewrap is not usable here',
}, async () => {
  // Outside /tmp, which the sandbox replaces with a private one.
  const outsideDir = tempDir('nanocode-outside-', '/var/tmp');
  const outside = join(outsideDir, 'escaped.txt');
  const { run, requests, dir } = await scripted(
    [cmd(`echo inside > inside.txt; echo escaped > ${outside}; echo status $?`), { text: 'ok' }],
    ['--sandbox', '--yes'],
  );
  assert.equal(run.code, 0, run.stderr);
  assert.ok(!existsSync(outside), 'nothing written outside');
  assert.equal(readFileSync(join(dir, 'inside.txt'), 'utf8'), 'inside\n');
  assert.match(toolOutputs(requests[1]!)[0]!, /Read-only file system[\s\S]*status 1/);
});

test('the sandbox (on by default) blocks a loopback connection, saying so; --sandbox=network allows it', {
  skip: !hasBwrap && 'bubblewrap is not usable here',
}, async () => {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    // The probe closes at once; a reset while we answer is expected, not a failure.
    socket.on('error', () => {});
    socket.end('hello\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const probe = `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${port}), 2); print('connected')"`;
  try {
    const closed = await scripted([cmd(probe), { text: 'ok' }], ['--yes']);
    assert.doesNotMatch(toolOutputs(closed.requests[1]!)[0]!, /connected/);
    assert.match(
      toolOutputs(closed.requests[1]!)[0]!,
      /\[sandbox: commands have no network\. .*--sandbox=network/,
    );
    assert.equal(connections, 0);
    const open = await scripted([cmd(probe), { text: 'ok' }], ['--sandbox=network', '--yes']);
    assert.match(toolOutputs(open.requests[1]!)[0]!, /connected/);
    assert.equal(connections, 1);
  } finally {
    server.close();
  }
});

test('--sandbox off TASK (the value written apart) turns the sandbox off and leaves the task as typed', {
  skip: !hasBwrap && 'bubblewrap is not usable here',
}, async () => {
  const outside = join(tempDir('nanocode-outside-'), 'made-outside.txt');
  const { run, requests } = await scripted(
    [cmd(`touch ${outside}`), { text: 'ok' }],
    ['--yes', '--sandbox', 'off'],
  );
  assert.equal(run.code, 0, run.stderr);
  assert.ok(existsSync(outside), 'the command ran unsandboxed');
  const user = requests[0]!.body.messages.find((m: { role: string }) => m.role === 'user');
  assert.equal(user.content, 'task');
});

test('--sandbox without a working bubblewrap says so once and falls back to --strict', async () => {
  const { run, requests } = await scripted(
    [cmd('touch made.txt'), { text: 'ok' }],
    ['--sandbox'],
    tempProject(),
  );
  if (hasBwrap) {
    assert.doesNotMatch(run.stderr, /sandbox unavailable/);
    return;
  }
  assert.match(run.stderr, /sandbox unavailable .* --strict/);
  assert.match(toolOutputs(requests[1]!)[0]!, /^Blocked: /);
});
