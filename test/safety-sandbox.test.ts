// The bubblewrap sandbox: argv shape always; real confinement when bwrap works here.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkSandbox, sandboxArgv } from '../src/safety/sandbox.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nanocode-sandbox-'));
  dirs.push(dir);
  return dir;
}

describe('sandboxArgv', () => {
  test('has the documented shape: read-only root, private /tmp before the project, no network', () => {
    const p = tempDir();
    const argv = sandboxArgv('echo hi', p, { network: false, isRoot: false });
    assert.deepEqual(argv.slice(0, 11), [
      'bwrap',
      '--die-with-parent',
      '--new-session',
      '--unshare-all',
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
    ]);
    assert.ok(!argv.includes('--share-net'));
    const at = (flag: string, target: string) =>
      argv.findIndex((a, i) => a === flag && argv[i + 2] === target);
    assert.ok(argv.indexOf('--tmpfs') < at('--bind', p), '/tmp comes before the project bind');
    assert.deepEqual(argv.slice(-6), ['--chdir', p, '--', 'bash', '-c', 'echo hi']);
  });

  test('shares the network and drops capabilities when asked; protects git and nanocode files', () => {
    const p = tempDir();
    mkdirSync(join(p, '.git'));
    writeFileSync(join(p, '.nanocode.log'), '');
    const argv = sandboxArgv('true', p, { network: true, isRoot: true });
    assert.equal(argv[4], '--share-net');
    const joined = argv.join(' ');
    assert.ok(joined.includes(`--ro-bind ${p}/.git ${p}/.git`), '.git is a read-only mount point of its own');
    assert.ok(!joined.includes(`--bind ${p}/.git `), 'no part of .git is writable');
    assert.ok(joined.includes(`--ro-bind ${p}/.nanocode.log ${p}/.nanocode.log`));
    assert.ok(joined.includes(`--tmpfs ${p}/.nanocode --remount-ro ${p}/.nanocode`));
    assert.ok(joined.includes('--cap-drop ALL'));
    assert.deepEqual(argv.slice(-4), ['--', 'bash', '-c', 'true']);
  });

  test('resolves a relative project directory', () => {
    const argv = sandboxArgv('true', '.', { network: false, isRoot: false });
    assert.equal(argv[argv.indexOf('--chdir') + 1], process.cwd());
  });
});

/** Runs the command in the sandbox; resolves with its exit code and output. */
function run(
  command: string,
  project: string,
  network = false,
): Promise<{ code: number | null; out: string }> {
  const isRoot = process.getuid?.() === 0;
  const [file, ...args] = sandboxArgv(command, project, { network, isRoot });
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('bubblewrap confinement', async () => {
  const check = await checkSandbox(tempDir());
  const skip = check.ok ? false : `bubblewrap unavailable: ${check.reason}`;
  let project = '';
  let outside = '';
  before(() => {
    const root = tempDir();
    project = join(root, 'project');
    outside = join(root, 'outside');
    mkdirSync(join(project, '.git'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(project, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(project, '.git', 'config'), '[core]\n');
    mkdirSync(join(project, '.git', 'hooks'));
  });

  test('a write inside the project works', { skip }, async () => {
    const r = await run('echo inside > made.txt', project);
    assert.equal(r.code, 0, r.out);
    assert.equal(readFileSync(join(project, 'made.txt'), 'utf8'), 'inside\n');
  });

  test('writes outside the project fail', { skip }, async () => {
    assert.notEqual((await run('touch /etc/nanocode-sandbox-test', project)).code, 0);
    assert.ok(!existsSync('/etc/nanocode-sandbox-test'));
    assert.notEqual((await run(`touch ${outside}/x`, project)).code, 0);
    assert.ok(!existsSync(join(outside, 'x')));
  });

  test('all of .git is read-only: config, hooks, HEAD, commondir', { skip }, async () => {
    assert.notEqual((await run('echo evil >> .git/config', project)).code, 0);
    assert.equal(readFileSync(join(project, '.git', 'config'), 'utf8'), '[core]\n');
    assert.notEqual((await run('touch .git/hooks/pre-commit', project)).code, 0);
    assert.notEqual((await run('echo ref: refs/heads/x > .git/HEAD', project)).code, 0);
    assert.equal(readFileSync(join(project, '.git', 'HEAD'), 'utf8'), 'ref: refs/heads/main\n');
    assert.notEqual((await run('echo ../evil > .git/commondir', project)).code, 0);
    assert.ok(!existsSync(join(project, '.git', 'commondir')));
  });

  test('/tmp is private to the command', { skip }, async () => {
    const r = await run('echo x > /tmp/nanocode-private && cat /tmp/nanocode-private', project);
    assert.equal(r.code, 0, r.out);
    assert.ok(!existsSync('/tmp/nanocode-private'));
  });

  test('loopback TCP fails without network and works with it', { skip }, async () => {
    const server = createServer((socket) => {
      socket.on('error', () => {}); // a client that hangs up early is not a failure
      socket.end('pong\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const probe = `exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`;
      const off = await run(probe, project, false);
      assert.notEqual(off.code, 0, off.out);
      const on = await run(probe, project, true);
      assert.equal(on.code, 0, on.out);
      assert.match(on.out, /pong/);
    } finally {
      server.close();
    }
  });
});

test('checkSandbox reports a missing or failing bwrap without throwing', async () => {
  const missing = await checkSandbox(tempDir(), { bwrap: join(tempDir(), 'no-such-bwrap') });
  assert.deepEqual(missing, { ok: false, reason: 'bubblewrap (bwrap) is not installed' });
  const failing = await checkSandbox(tempDir(), { bwrap: 'false' });
  assert.deepEqual(failing, { ok: false, reason: 'bwrap does not work here: exit code 1' });
});
