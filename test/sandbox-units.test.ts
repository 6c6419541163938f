// The boundary's pure parts: path rules for the file tools, the private /tmp
// mapping, key redaction, the mode from flag and config.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseOptions } from '../src/args.ts';
import { fileReadVerdict, fileWriteVerdict } from '../src/sandbox/file-gate.ts';
import { sandboxMode } from '../src/sandbox/mode.ts';
import { endNamespace, parseBwrapInfo } from '../src/sandbox/namespace-end.ts';
import { openLedger } from '../src/sandbox/placeholder-ledger.ts';
import { isCredentialRead } from '../src/sandbox/policy.ts';
import { keyRedactor } from '../src/sandbox/redact-keys.ts';
import { tmpPaths } from '../src/sandbox/tmp-paths.ts';
import { needsBwrap } from './helpers/bwrap.ts';
import { tempDir } from './helpers/cli.ts';

const project = '/work/proj';
const home = '/home/u';

test('credential reads: by name under any home, root included, and system secrets', () => {
  assert.ok(isCredentialRead('/root/.ssh/id_ed25519', '/root'));
  assert.ok(!isCredentialRead('/root/project/src/main.ts', '/root'), 'root home is not all secret');
  assert.ok(isCredentialRead('/home/u/.aws/credentials', home));
  assert.ok(isCredentialRead('/etc/shadow', home));
  assert.ok(isCredentialRead('/work/proj/.env.production', home));
  assert.ok(!isCredentialRead('/work/proj/.env.example', home));
  assert.ok(!isCredentialRead('/home/u/notes/*.txt', home));
});

test('file writes: protected paths are dangerous, or refused in the sandbox; outside is refused there', () => {
  const off = { project, home, sandboxed: false };
  const on = { project, home, sandboxed: true, writable: ['/tmp/nanocode-tmp-x'] };
  const gitDirs = ['.git/commondir', '.git/index', '.git/config', 'vendor/lib/.git/config', 'sub/.git'];
  for (const path of [
    '.nanocode/config.json',
    '.nanocode.log',
    '.env',
    '.env.local',
    '.envrc',
    'sub/.env',
    ...gitDirs,
  ]) {
    assert.equal(fileWriteVerdict(join(project, path), off)?.level, 'dangerous', path);
    assert.equal(fileWriteVerdict(join(project, path), on)?.level, 'forbidden', path);
  }
  assert.equal(fileWriteVerdict(join(project, '.git/hooks/pre-commit'), on)?.level, 'forbidden');
  assert.equal(fileWriteVerdict(join(home, '.config/nanocode/config.json'), off)?.level, 'dangerous');
  assert.equal(fileWriteVerdict(join(project, '.env.example'), on), undefined);
  assert.equal(fileWriteVerdict(join(project, 'src/a.ts'), on), undefined);
  assert.equal(fileWriteVerdict(join(project, '.github/workflows/ci.yml'), on), undefined);
  assert.equal(fileWriteVerdict(join(project, 'docs/.gitignore'), on), undefined);
  assert.equal(fileWriteVerdict('/tmp/nanocode-tmp-x/a', on), undefined);
  assert.equal(fileWriteVerdict(join(home, '.bashrc'), off), undefined, 'left to the usual rules');
  assert.match(fileWriteVerdict(join(home, '.bashrc'), on)!.reasons[0]!, /outside the project/);
});

test('file reads: credentials inside the project are asked about, outside refused in the sandbox', () => {
  const on = { project, home, sandboxed: true };
  assert.equal(fileReadVerdict(join(home, '.ssh/id_rsa'), on).level, 'forbidden');
  assert.equal(fileReadVerdict(join(project, '.env'), on).level, 'dangerous');
  assert.equal(fileReadVerdict(join(home, '.ssh/id_rsa'), { ...on, sandboxed: false }).level, 'dangerous');
  assert.equal(fileReadVerdict(join(project, 'README.md'), on).level, 'safe');
});

test('a symlink in the project that points at a credential is judged by its target', () => {
  const dir = tempDir('nanocode-units-');
  const fakeHome = join(dir, 'home');
  mkdirSync(join(fakeHome, '.ssh'), { recursive: true });
  writeFileSync(join(fakeHome, '.ssh', 'id_rsa'), 'k');
  mkdirSync(join(dir, 'proj'));
  const link = join(dir, 'proj', 'notes.txt');
  symlinkSync(join(fakeHome, '.ssh', 'id_rsa'), link);
  const verdict = fileReadVerdict(link, { project: join(dir, 'proj'), home: fakeHome, sandboxed: true });
  assert.equal(verdict.level, 'forbidden');
});

test('the private /tmp: absolute /tmp paths outside the project map to it, and back in the output', () => {
  const tmp = tmpPaths('/tmp/proj', '/tmp/nanocode-tmp-abc');
  const call = (path: string) => ({ id: '1', name: 'read_file', input: { path } });
  const mapped = (path: string, cwd = '/tmp/proj') =>
    (tmp.mapCall(call(path), cwd).input as { path: string }).path;
  assert.equal(mapped('/tmp/x/a.txt'), '/tmp/nanocode-tmp-abc/x/a.txt');
  assert.equal(mapped('a.txt'), 'a.txt', 'inside the project: unchanged');
  assert.equal(mapped('/tmp/proj/a.txt'), '/tmp/proj/a.txt');
  assert.equal(mapped('/etc/hosts'), '/etc/hosts');
  assert.equal(mapped('../other/a.txt'), '/tmp/nanocode-tmp-abc/other/a.txt');
  assert.equal(tmp.unmap('Created /tmp/nanocode-tmp-abc/x/a.txt'), 'Created /tmp/x/a.txt');
});

test('key redaction: exact values of provider keys from every source, short values left alone', () => {
  const redact = keyRedactor(
    { OPENAI_API_KEY: 'sk-proj-abcdefgh', HOME: '/home/u', SOME_API_KEY: 'zzzzzzzzzz' },
    { ANTHROPIC_API_KEY: 'short' },
  );
  assert.equal(
    redact('OPENAI_API_KEY=sk-proj-abcdefgh x=zzzzzzzzzz short /home/u'),
    'OPENAI_API_KEY=[REDACTED] x=[REDACTED] short /home/u',
  );
});

test('the mode: the flag wins, then the user config; a bad value names the file', () => {
  const dir = tempDir('nanocode-units-');
  assert.deepEqual(sandboxMode(undefined, dir), { choice: 'auto', explicit: false });
  assert.deepEqual(sandboxMode('off', dir), { choice: 'off', explicit: true });
  mkdirSync(join(dir, '.config', 'nanocode'), { recursive: true });
  const file = join(dir, '.config', 'nanocode', 'config.json');
  writeFileSync(file, '{"sandbox":"network"}');
  assert.deepEqual(sandboxMode(undefined, dir), { choice: 'network', explicit: true });
  writeFileSync(file, '{"sandbox":true}');
  assert.throws(
    () => sandboxMode(undefined, dir),
    /config\.json: "sandbox" must be "on", "network" or "off"/,
  );
});

test('--sandbox takes on, network or off; anything else is a usage error', () => {
  assert.equal(parseOptions(['--sandbox', 'x']).sandbox, 'on');
  assert.equal(parseOptions(['--sandbox=off', 'x']).sandbox, 'off');
  assert.equal(parseOptions(['--sandbox=network', 'x']).sandbox, 'network');
  assert.equal(parseOptions(['x']).sandbox, undefined);
  assert.throws(
    () => parseOptions(['--sandbox=bogus']),
    /--sandbox takes no value, "on", "network" or "off"/,
  );
});

test(
  'ending a sandbox: its namespace is emptied, a report naming anything else kills nothing',
  needsBwrap,
  async () => {
    const dir = tempDir('nanocode-ns-');
    const report = join(dir, 'report.json');
    const marker = join(dir, 'spinning');
    const fd = openSync(report, 'wx', 0o600);
    // bwrap's init, a command and what it left running in the background
    const child = spawn(
      'bwrap',
      [
        '--die-with-parent',
        '--unshare-all',
        '--info-fd',
        '3',
        '--ro-bind',
        '/',
        '/',
        '--bind',
        dir,
        dir,
        '--',
        'bash',
        '-c',
        `(while :; do date +%s%N > ${marker}; sleep 0.01; done) & sleep 30`,
      ],
      { stdio: ['ignore', 'ignore', 'ignore', fd], detached: true },
    );
    closeSync(fd);
    try {
      let init: ReturnType<typeof parseBwrapInfo>;
      for (let i = 0; i < 200 && !(init && existsSync(marker)); i++) {
        await new Promise((r) => setTimeout(r, 10));
        init = parseBwrapInfo(readFileSync(report, 'utf8'));
      }
      assert.ok(init, `bwrap reported its namespace: ${readFileSync(report, 'utf8')}`);
      // Forged reports: this very process, and a pid in another namespace than the one named.
      assert.equal(endNamespace({ pid: process.pid, namespace: ownPidNamespace() }, 50), false);
      assert.equal(
        endNamespace({ pid: process.pid, namespace: init.namespace }),
        true,
        'not that namespace: gone',
      );
      assert.equal(parseBwrapInfo('{"child-pid": 1, "pid-namespace": 5}'), undefined);
      assert.equal(parseBwrapInfo('{"child-pid": 12'), undefined);
      assert.equal(endNamespace(init), true);
      const last = readFileSync(marker, 'utf8');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(readFileSync(marker, 'utf8'), last, 'nothing in the namespace runs any more');
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // ended
      }
    }
  },
);

function ownPidNamespace(): number {
  return Number(/\d+/.exec(readlinkSync('/proc/self/ns/pid'))![0]);
}

test('placeholder ledgers: the last run out removes them; a live run elsewhere keeps them; a dead run is cleared', () => {
  const state = tempDir('nanocode-state-');
  const project = tempDir('nanocode-ledger-');
  const removed: string[] = [];
  const remove = (path: string) => {
    removed.push(path);
    rmSync(path, { force: true });
  };
  const touch = (name: string) => {
    writeFileSync(join(project, name), '');
    return join(project, name);
  };
  // Two runs of one process (ACP sessions): the first to settle leaves its placeholders to the second.
  const a = openLedger(state, project, remove);
  const b = openLedger(state, project, remove);
  a.register();
  b.register();
  a.add([touch('.env')]);
  b.add([touch('.envrc')]);
  a.settle();
  assert.equal(removed.length, 0);
  b.settle();
  assert.deepEqual(removed.sort(), [join(project, '.env'), join(project, '.envrc')]);
  // Another process's live run in the project (pid 1 is alive): nothing is removed, by settle or register.
  const dir = join(state, 'placeholders');
  const other = { project, paths: [touch('.env.local')] };
  writeFileSync(join(dir, '1-abcd.json'), JSON.stringify(other));
  const c = openLedger(state, project, remove);
  c.register();
  c.add([touch('.env')]);
  c.settle();
  assert.ok(existsSync(join(project, '.env.local')) && existsSync(join(project, '.env')));
  // That run is gone (a pid no process has): the next run clears what both left, and outside the project nothing.
  rmSync(join(dir, '1-abcd.json'));
  writeFileSync(
    join(dir, '999999999-abcd.json'),
    JSON.stringify({ ...other, paths: [...other.paths, '/etc/passwd'] }),
  );
  const d = openLedger(state, project, remove);
  d.register();
  assert.ok(!existsSync(join(project, '.env.local')), 'a dead run’s placeholder is cleared at register');
  assert.ok(!removed.includes('/etc/passwd'));
  d.settle();
  assert.ok(!existsSync(join(project, '.env')), 'and the settled run’s, by the last one out');
});
