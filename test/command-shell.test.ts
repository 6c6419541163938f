// The command shell (src/shell/): one bash per run, inside the sandbox, starts every command. Tried
// through the CLI and the fake LLM as a model would use it, and as a model that attacks it would:
// a command that kills the shell, a command line that smuggles a second request, a protected file
// that appears mid-run.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CommandShell } from '../src/shell/command-shell.ts';
import { SHELL_SCRIPT } from '../src/shell/shell-script.ts';
import { runCmd } from '../src/tools/run-cmd.ts';
import type { Step } from './fake-llm/server.ts';
import { makeCtx } from './fixtures/tool-ctx.ts';
import { hasBwrap, needsBwrap } from './helpers/bwrap.ts';
import { tempDir } from './helpers/cli.ts';
import { scriptedRun } from './helpers/scripted-run.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const cmd = (command: string): Step => ({ toolCalls: [{ name: 'run_cmd', args: { command } }] });
async function scripted(commands: string[], args: string[] = [], env: Record<string, string> = {}) {
  const result = await scriptedRun(commands.map(cmd), { args, env });
  dirs.push(result.dir);
  return result;
}

for (const args of [[], ['--sandbox=off']]) {
  const label = args.join(' ') || 'sandboxed';
  const options = args.length ? {} : needsBwrap;

  test(
    `a command that kills the shell is reported killed; the next command gets a new shell (${label})`,
    options,
    async () => {
      const { run, outputs } = await scripted(
        [
          // The command's parent is the subshell waiting on it; that one's parent is the shell.
          `echo before; kill -KILL "$(cut -d' ' -f4 /proc/$PPID/stat)"; sleep 0.5; echo after`,
          'echo again',
        ],
        args,
      );
      assert.equal(run.code, 0, run.stderr);
      // In the sandbox the command dies with the shell; outside it, it runs to its end as it would have.
      if (args.length) assert.equal(outputs[0], 'before\nafter\n[exit code 0]');
      else assert.match(outputs[0]!, /^before\n\[killed: signal SIGKILL\]$/);
      assert.equal(outputs[1], 'again\n[exit code 0]');
    },
  );
}

test(
  'something one command leaves running in the background is still there for the next',
  needsBwrap,
  async () => {
    const { run, outputs } = await scripted(
      [
        '(sleep 0.3; echo late > /tmp/bg.txt) > /dev/null 2>&1 &',
        'for i in $(seq 50); do [ -s /tmp/bg.txt ] && break; sleep 0.1; done; cat /tmp/bg.txt',
      ],
      ['--yes'],
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(outputs[0], '[exit code 0]');
    assert.equal(outputs[1], 'late\n[exit code 0]');
  },
);

test('a .env file a command creates is read-only for the commands after it', needsBwrap, async () => {
  const { run, outputs, dir } = await scripted(
    ['echo A=1 > .env.staging && echo made', 'echo B=2 >> .env.staging; cat .env.staging'],
    ['--yes'],
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(outputs[0]!, /^made\n/);
  assert.match(outputs[1]!, /Read-only file system/);
  assert.equal(readFileSync(join(dir, '.env.staging'), 'utf8'), 'A=1\n');
});

test('a command line holding a NUL byte is refused, never split into a second command', async () => {
  const ctx = makeCtx();
  try {
    const marker = join(ctx.cwd, 'smuggled');
    const r = await runCmd.execute({ command: `echo one\0R\x009\0/\0touch ${marker}\0` }, ctx);
    assert.equal(r.isError, true);
    assert.match(r.output, /NUL/);
    // A command after it still runs, and the smuggled one never did.
    const next = await runCmd.execute({ command: 'sleep 0.2; echo two' }, ctx);
    assert.equal(next.output, 'two\n[exit code 0]');
    assert.equal(existsSync(marker), false);
  } finally {
    ctx.cleanup();
  }
});

test('the shell itself refuses a NUL byte in a command or directory (its field separator)', async () => {
  const ctx = makeCtx();
  const shell = new CommandShell();
  try {
    const marker = join(ctx.cwd, 'smuggled');
    for (const [command, cwd] of [
      [`echo one\0R\x009\0/\0touch ${marker}\0`, ctx.cwd],
      ['echo one', `${ctx.cwd}\0R\x009\0/\0touch ${marker}\0`],
    ] as const) {
      const error = await new Promise<Error>((resolve) =>
        shell.start(command, cwd, { PATH: process.env.PATH }).on('error', resolve),
      );
      assert.match(error.message, /NUL/);
    }
    const job = shell.start('sleep 0.2', ctx.cwd, { PATH: process.env.PATH });
    assert.deepEqual(await new Promise((resolve) => job.on('exit', (...a) => resolve(a))), [0, null]);
    assert.equal(existsSync(marker), false);
  } finally {
    shell.dispose();
    ctx.cleanup();
  }
});

const hasPython = spawnSync('python3', ['-c', 'pass']).status === 0;
const needsPidfd = {
  skip: (!hasBwrap && 'bubblewrap is not usable here') || (!hasPython && 'python3 is not installed'),
};

/** Python that takes the shell's status stream from the waiting subshell (pidfd_getfd, as ptrace allows)
 * and forges lines naming paths outside the sandbox, for the jobs that come next. */
function forger(paths: string[]): string {
  const lines = paths.flatMap((p) => ['2', '3', '4'].map((id) => `F ${id} ${p}\\n`)).join('');
  return [
    "python3 - <<'PY' &",
    'import ctypes, os, time',
    'libc = ctypes.CDLL(None, use_errno=True)',
    // The forger's parent is the command's bash; that one's parent is the waiting subshell.
    'stat = open(f"/proc/{os.getppid()}/stat").read()',
    'pidfd = libc.syscall(434, int(stat.rsplit(")", 1)[1].split()[1]), 0)',
    'fd = libc.syscall(438, pidfd, 1, 0)',
    'print("got", fd > 0, flush=True)',
    'if fd > 0:',
    '    for _ in range(300):',
    `        os.write(fd, b"${lines}")`,
    '        time.sleep(0.01)',
    'PY',
    'sleep 0.3',
  ].join('\n');
}

test(
  "a command that forges the shell's messages cannot make nanocode read or remove a file outside the sandbox",
  needsPidfd,
  async (t) => {
    const home = tempDir('nanocode-home-', '/var/tmp');
    dirs.push(home);
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_rsa'), 'PRIVATE-KEY-MATERIAL\n');
    execFileSync('mkfifo', [join(home, 'pipe')]);
    writeFileSync(join(home, 'victim.s'), 'keep me\n');
    const up = `${'../'.repeat(12)}${home.slice(1)}`;
    const { run, outputs } = await scripted(
      [
        forger([`${up}/.ssh/id_rsa`, `${up}/pipe`, `${up}/victim`]),
        'sleep 0.5; echo two',
        'sleep 0.5; echo three',
      ],
      ['--yes'],
      { HOME: home },
    );
    assert.equal(run.code, 0, run.stderr);
    // Where ptrace is restricted (Yama), the forgery cannot happen at all.
    if (!/got True/.test(outputs[0]!)) return t.skip('pidfd_getfd is not allowed here (ptrace restricted)');
    for (const output of outputs) assert.doesNotMatch(output, /PRIVATE-KEY-MATERIAL/);
    assert.equal(outputs[1], 'two\n[exit code 0]');
    assert.equal(outputs[2], 'three\n[exit code 0]');
    assert.ok(existsSync(join(home, 'pipe')), 'a host FIFO is not removed');
    assert.equal(readFileSync(join(home, 'victim.s'), 'utf8'), 'keep me\n');
  },
);

test(
  'FIFOs a command replaces with symlinks to host FIFOs are refused, not followed',
  needsBwrap,
  async () => {
    const home = tempDir('nanocode-home-', '/var/tmp');
    dirs.push(home);
    const pipe = join(home, 'pipe');
    execFileSync('mkfifo', [pipe]);
    // On the host, something keeps writing a secret into a FIFO of its own.
    const writer = spawn('sh', ['-c', `while :; do echo HOST-SECRET > '${pipe}'; done`], { stdio: 'ignore' });
    try {
      // Inside, the FIFO directory is writable: every name, made and to come, becomes a symlink to it.
      const plant = [
        'cd /tmp/.nanocode-shell && p=$(ls | head -1 | cut -d. -f1)',
        'for i in $(seq 1 40); do rm -f "$p.$i"; ln -s "$HOME/pipe" "$p.$i"; done; echo planted',
      ].join('\n');
      const { run, outputs } = await scripted([plant, 'echo two', 'echo three'], ['--yes'], { HOME: home });
      assert.equal(run.code, 0, run.stderr);
      assert.match(outputs[0]!, /^planted\n/);
      for (const output of outputs) assert.doesNotMatch(output, /HOST-SECRET/);
    } finally {
      writer.kill('SIGKILL');
    }
  },
);

test('a shell whose input ends (nanocode gone) leaves no subshell blocked on a FIFO nobody opens', async () => {
  const dir = tempDir('nanocode-shell-test-');
  dirs.push(dir);
  const shell = spawn('bash', ['--noprofile', '--norc', '-c', SHELL_SCRIPT, 'nanocode-shell', dir, 't'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let said = '';
  const closed = new Promise<boolean>((resolve) => {
    shell.on('close', () => resolve(true));
    setTimeout(() => resolve(false), 5000).unref();
  });
  shell.stdout.on('data', (chunk: Buffer) => {
    said += chunk.toString();
    // The command is about to start once its FIFO is opened: nanocode goes away instead.
    if (said.startsWith('F 1 ')) shell.stdin.end();
  });
  shell.stdin.write(`R\x001\0${dir}\0echo never\0`);
  assert.equal(await closed, true, 'the status stream closed: no subshell holds it');
  shell.kill('SIGKILL');
});

for (const direct of [false, true]) {
  test(`a job says what the command printed, how it ended, and a kill reaches its group (${direct ? 'a process per command' : 'the shell'})`, async () => {
    const shell = new CommandShell({ direct });
    const env = { PATH: process.env.PATH };
    const run = (command: string, killAfterMs?: number) =>
      new Promise<{ out: string; code: number | null; signal: string | null }>((resolve, reject) => {
        const job = shell.start(command, tmpdir(), env);
        let out = '';
        let ended: [number | null, string | null] | undefined;
        let closed = false;
        const done = () => ended && closed && resolve({ out, code: ended[0], signal: ended[1] });
        job.on('output', (socket: import('node:net').Socket) => {
          socket.on('data', (d: Buffer) => {
            out += d;
          });
          socket.on('close', () => {
            closed = true;
            done();
          });
        });
        job.on('exit', (code: number | null, signal: string | null) => {
          ended = [code, signal];
          done();
        });
        job.on('error', reject);
        if (killAfterMs) setTimeout(() => job.kill('SIGTERM'), killAfterMs);
      });
    try {
      assert.deepEqual(await run('echo out; echo err >&2; exit 3'), {
        out: 'out\nerr\n',
        code: 3,
        signal: null,
      });
      assert.deepEqual(await run('kill -KILL $$'), { out: '', code: null, signal: 'SIGKILL' });
      // The group: a child of the command dies with it, and holds the output no longer.
      const started = Date.now();
      const killed = await run('sleep 30 & echo started; wait', 300);
      assert.equal(killed.out, 'started\n');
      assert.ok(Date.now() - started < 5000);
    } finally {
      shell.dispose();
    }
  });
}

// A shell started ahead of the first command (while the first model request is in flight) keeps the
// process alive no more than an idle one: a run that ends without a command, or whose prewarm comes
// after the end, exits on its own instead of waiting on a bash that waits for input.
for (const [label, body] of [
  ['prewarmed and never used', 'shell.prewarm({ PATH: process.env.PATH });'],
  ['prewarmed after dispose', 'shell.dispose(); shell.prewarm({ PATH: process.env.PATH });'],
] as const) {
  test(`a process whose command shell was ${label} exits on its own`, async () => {
    const dir = tempDir('nanocode-prewarm-');
    const script = join(dir, 'prewarm.ts');
    const module = new URL('../src/shell/command-shell.ts', import.meta.url).href;
    writeFileSync(
      script,
      `import { CommandShell } from ${JSON.stringify(module)};\n` +
        `const shell = new CommandShell({ direct: false });\n${body}\n` +
        'setTimeout(() => console.log("idle"), 100);\n',
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: new URL('..', import.meta.url),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const ended = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!ended) child.kill('SIGKILL');
    assert.equal(out, 'idle\n');
    assert.ok(ended, 'the process was still running 10 s after its last timer');
  });
}

test('a shell disposed while it is still starting (making its FIFOs) never throws', async () => {
  const failures: string[] = [];
  for (let i = 0; i < 40; i++) {
    const shell = new CommandShell({ direct: false });
    shell.prewarm({ PATH: process.env.PATH });
    await new Promise((resolve) => setTimeout(resolve, 3));
    try {
      shell.dispose();
    } catch (error) {
      failures.push(String(error));
    }
  }
  assert.deepEqual(failures, []);
});
