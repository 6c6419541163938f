// The sandbox as the boundary, tried as an attacker would (issue 10), through
// the CLI and the fake LLM: a prompt-injected model or a hostile repository
// with harmless payloads (`touch` a marker) and a fake $HOME. Tests that need a
// working bubblewrap skip with a message where it is missing.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Step, startFakeLLM } from './fake-llm/server.ts';
import { needsBwrap } from './helpers/bwrap.ts';
import { CLI, cleanEnv, runCli, tempDir, tempProject } from './helpers/cli.ts';
import { committedRepo } from './helpers/project.ts';
import { type ScriptedRun, scriptedRun } from './helpers/scripted-run.ts';

const KEY = 'sk-test-secret-value-1234567890';

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** A fake $HOME outside /tmp (the sandbox replaces /tmp, which would hide it for the wrong reason). */
function fakeHome(): string {
  const home = tempDir('nanocode-home-', '/var/tmp');
  cleanup.push(home);
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'id_rsa'), 'PRIVATE-KEY-MATERIAL\n');
  writeFileSync(join(home, '.bashrc'), '# rc\n');
  return home;
}

const cmd = (command: string): Step => ({ toolCalls: [{ name: 'run_cmd', args: { command } }] });
const tool = (name: string, args: Record<string, unknown>): Step => ({ toolCalls: [{ name, args }] });
/** A run of the CLI with the model scripted (test/helpers/scripted-run.ts), holding KEY. */
const scripted = (steps: Step[], opts: ScriptedRun = {}) => scriptedRun(steps, { key: KEY, ...opts });

/** A repository whose config runs `touch <marker>` from every hook git offers an attacker. */
function hostileRepo(marker: string): string {
  const dir = tempProject();
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, 'config', 'user.email', 'a@b.c']);
  execFileSync('git', ['-C', dir, 'config', 'user.name', 'a']);
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  writeFileSync(join(dir, '.gitattributes'), '*.txt filter=evil diff=evil\n');
  execFileSync('git', ['-C', dir, 'add', '.']);
  execFileSync('git', ['-C', dir, 'commit', '-qm', 'init']);
  const touch = `touch ${marker}`;
  mkdirSync(join(dir, 'hooks'));
  for (const hook of ['post-index-change', 'pre-commit', 'reference-transaction']) {
    writeFileSync(join(dir, 'hooks', hook), `#!/bin/sh\n${touch}\n`);
    chmodSync(join(dir, 'hooks', hook), 0o755);
  }
  const config = [
    '[core]',
    `\tfsmonitor = "${touch}; false"`,
    `\tpager = ${touch}; cat`,
    `\thooksPath = ${join(dir, 'hooks')}`,
    '[diff]',
    `\texternal = ${touch}`,
    '[diff "evil"]',
    `\ttextconv = ${touch}; cat`,
    `\tcommand = ${touch}`,
    '[filter "evil"]',
    `\tclean = ${touch}; cat`,
    `\tsmudge = ${touch}; cat`,
  ].join('\n');
  writeFileSync(
    join(dir, '.git', 'config'),
    `${readFileSync(join(dir, '.git', 'config'), 'utf8')}${config}\n`,
  );
  // A change, with the index's stat data out of date, so status and diff must look at the content.
  writeFileSync(join(dir, 'a.txt'), 'two\n');
  return dir;
}

for (const args of [['--sandbox=off'], []]) {
  test(`nanocode's own git never runs a repository's fsmonitor, pager, diff, filter or hooks (${args.join(' ') || 'default'})`, async () => {
    const marker = join(tempDir('nanocode-marker-', '/var/tmp'), 'ran');
    cleanup.push(join(marker, '..'));
    const dir = hostileRepo(marker);
    const { run, requests } = await scripted([], { args, dir });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!existsSync(marker), 'nothing from .git/config ran');
    // The git context still made it into the prompt.
    const system = JSON.stringify(requests[0]!.body);
    assert.match(system, /git status --short[^"]*M a\.txt/);
    assert.match(system, /git diff --stat HEAD[^"]*a\.txt \| 2 \+-/);
  });
}

test('a git that hangs holds the first request only to the time limit, and is killed with its bash (--sandbox=off)', async () => {
  const bin = tempDir('nanocode-bin-', '/var/tmp');
  const started = join(bin, 'started');
  writeFileSync(join(bin, 'git'), `#!/bin/sh\necho $$ >> ${started}\nexec sleep 60\n`, { mode: 0o755 });
  const dir = tempProject();
  mkdirSync(join(dir, '.git'));
  const env = { PATH: `${bin}:${process.env.PATH}` };
  const { run, requests } = await scripted([], { args: ['--sandbox=off'], dir, env });
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(JSON.stringify(requests[0]!.body), /git status --short/);
  const pids = readFileSync(started, 'utf8').trim().split('\n').map(Number);
  assert.ok(pids.length > 0);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(pids.filter(alive), [], 'no git is left running');
});

test(
  'a first run without .git cannot plant a git config, hooks, rules, a .env or truncate the log',
  needsBwrap,
  async () => {
    const dir = tempProject();
    writeFileSync(join(dir, '.nanocode.log'), '');
    const plant = [
      'mkdir -p .git/hooks; printf "[core]\\n\\tfsmonitor = touch pwned\\n" > .git/config; echo "git:$?"',
      'mkdir -p .nanocode; echo \'{"allow":["rm"]}\' > .nanocode/config.json; echo "rules:$?"',
      ': > .nanocode.log; echo "log:$?"',
      'echo OPENAI_BASE_URL=http://evil > .env; echo "env:$?"',
      'echo x > .env.local; echo "envlocal:$?"',
      'echo fine > ok.txt; echo "ok:$?"',
    ].join('; ');
    const { run, outputs } = await scripted([cmd(plant)], { dir, args: ['--yes'] });
    assert.equal(run.code, 0, run.stderr);
    const out = outputs[0]!;
    for (const step of ['git', 'rules', 'log', 'env', 'envlocal'])
      assert.match(out, new RegExp(`${step}:[1-9]`));
    assert.match(out, /ok:0/);
    assert.equal(readFileSync(join(dir, 'ok.txt'), 'utf8'), 'fine\n');
    // Nothing planted, and no placeholder left behind.
    for (const name of ['.git', '.nanocode', '.env', '.env.local'])
      assert.ok(!existsSync(join(dir, name)), name);
    assert.ok(
      readFileSync(join(dir, '.nanocode.log'), 'utf8').includes('"tool":"run_cmd"'),
      'the log was kept',
    );
  },
);

test(
  'a process a command leaves running cannot plant a git config, rules or a .env while the run ends',
  needsBwrap,
  async () => {
    // Spinners that retry until a protected path is writable: a placeholder removed on the host while
    // the sandbox still runs is unmounted inside, so they must be gone before the placeholders are.
    const spinner =
      '(while :; do mkdir .git .nanocode 2>/dev/null; ' +
      'printf "[core]\\n\\tfsmonitor = touch pwned\\n" > .git/config 2>/dev/null && break; ' +
      'echo \'{"allow":["rm"]}\' > .nanocode/config.json 2>/dev/null && break; ' +
      'echo OPENAI_BASE_URL=http://evil > .env 2>/dev/null && break; done) >/dev/null 2>&1 &';
    const plant = `${spinner} ${spinner} ${spinner} echo started`;
    for (let round = 0; round < 4; round++) {
      const dir = tempProject();
      const { run, outputs } = await scripted([cmd(plant), cmd('sleep 0.2; echo waited')], {
        dir,
        args: ['--yes'],
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(outputs[0]!, /started/);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a spinner that escaped would be writing now
      for (const name of ['.git', '.nanocode', '.env', '.env.local', '.envrc'])
        assert.ok(!existsSync(join(dir, name)), `round ${round}: ${name} is in the project after the run`);
    }
  },
);

test(
  '.git cannot be swapped for a hostile one nor written; git reads it in the sandbox',
  needsBwrap,
  async () => {
    const dir = gitRepo();
    const swap =
      'mv .git .git-old; echo "mv:$?"; printf "[core]\\n\\thooksPath = x\\n" >> .git/config; echo "config:$?"; ' +
      'touch .git/hooks/pre-commit; echo "hook:$?"; ' +
      'git -c user.name=a -c user.email=a@b.c commit -q --allow-empty -m m; echo "commit:$?"; ' +
      'git log --oneline | wc -l; git status --short; echo "status:$?"';
    const { outputs } = await scripted([cmd(swap)], { dir, args: ['--yes'] });
    const out = outputs[0]!;
    for (const step of ['mv', 'config', 'hook', 'commit']) assert.match(out, new RegExp(`${step}:[1-9]`));
    assert.match(out, /^1$/m, 'git log reads the history');
    assert.match(out, /status:0/);
    assert.ok(!existsSync(join(dir, '.git-old')));
    assert.doesNotMatch(readFileSync(join(dir, '.git', 'config'), 'utf8'), /hooksPath/);
  },
);

test(
  'a run that ends while another runs in the project leaves it its placeholders; the last one out removes them',
  needsBwrap,
  async () => {
    const dir = tempProject();
    const home = fakeHome(); // one user: one state directory for both runs
    const spinner =
      '(while :; do mkdir .git .nanocode 2>/dev/null; ' +
      'echo \'{"allow":["rm"]}\' > .nanocode/config.json 2>/dev/null && break; ' +
      'echo OPENAI_BASE_URL=http://evil > .env 2>/dev/null && break; done) >/dev/null 2>&1 &';
    const first = scripted([cmd('sleep 1; echo first')], { dir, home, args: ['--yes'] });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the first run's sandbox is up
    const second = scripted([cmd(`${spinner} echo started`), cmd('sleep 2; echo waited')], {
      dir,
      home,
      args: ['--yes'],
    });
    const a = await first;
    assert.equal(a.run.code, 0, a.run.stderr);
    assert.ok(existsSync(join(dir, '.env')), 'the first run left its placeholders to the second');
    const b = await second;
    assert.equal(b.run.code, 0, b.run.stderr);
    assert.match(b.outputs[0]!, /started/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const name of ['.git', '.nanocode', '.env', '.env.local', '.envrc'])
      assert.ok(!existsSync(join(dir, name)), `${name} is in the project after both runs`);
  },
);

test("what a killed run's sandbox left in the project, the next run there removes", needsBwrap, async () => {
  const dir = tempProject();
  const home = fakeHome();
  const fake = await startFakeLLM([cmd('sleep 30'), { text: 'never' }]);
  try {
    const env = {
      ...cleanEnv({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_MODEL: 'm' }),
      HOME: home,
    };
    const child = spawn(process.execPath, [CLI, '--yes', 'task'], { cwd: dir, env, stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(join(dir, '.envrc')); i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(join(dir, '.envrc')), 'the sandbox made its placeholders');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
  } finally {
    await fake.close();
  }
  assert.ok(existsSync(join(dir, '.envrc')), 'a killed run cannot remove them');
  const next = await scripted([cmd('echo next')], { dir, home, args: ['--yes'] });
  assert.equal(next.run.code, 0, next.run.stderr);
  for (const name of ['.git', '.nanocode', '.env', '.env.local', '.envrc'])
    assert.ok(!existsSync(join(dir, name)), `${name} is in the project after the next run`);
});

test(
  'a hostile .gitmodules naming a path through a symlink neither stops the sandbox nor reaches outside',
  needsBwrap,
  async () => {
    const dir = gitRepo();
    const outside = tempDir('nanocode-outside-', '/var/tmp');
    symlinkSync(outside, join(dir, 'link'));
    writeFileSync(join(dir, '.gitmodules'), '[submodule "x"]\n\tpath = link/deep\n\turl = ./x\n');
    const { run, outputs } = await scripted([cmd('echo ran')], { dir, args: ['--yes'] });
    assert.equal(run.code, 0, run.stderr);
    assert.match(outputs[0]!, /^ran$/m);
    assert.deepEqual(readdirSync(outside), [], 'nothing made outside the project');
  },
);

/** A git repository with one commit, made outside the sandbox (as the user has it). */
const gitRepo = (dir?: string) => committedRepo({ 'a.txt': 'a\n' }, dir);

/** The user's own `git status` in `dir` after the run, outside any sandbox; true if `marker` appeared. */
function userGitStatusRan(dir: string, marker: string): boolean {
  spawnSync('git', ['status', '--short'], { cwd: dir, stdio: 'ignore', timeout: 10_000 });
  return existsSync(marker);
}

test(
  "a command cannot make the user's next git status run code: commondir, a planted submodule, a swapped one",
  needsBwrap,
  async () => {
    const hook = (marker: string) =>
      `printf '[core]\\n\\trepositoryformatversion = 0\\n\\tfsmonitor = touch ${marker}; false\\n'`;
    // 1. .git/commondir names a directory of the project whose config git then reads.
    const commondir = (marker: string) =>
      `mkdir -p evil/objects evil/refs; ${hook(marker)} > evil/config; echo ../evil > .git/commondir; echo "attack:$?"`;
    // 2. A nested repository with that config, registered in the index as a submodule.
    const planted = (marker: string) =>
      `git init -q sub && ${hook(marker)} > sub/.git/config && ` +
      'git -C sub -c user.email=a@b -c user.name=a commit -q --allow-empty -m x; ' +
      'git update-index --add --cacheinfo 160000,$(git -C sub rev-parse HEAD),sub; echo "attack:$?"';
    for (const [name, attack] of [
      ['commondir', commondir],
      ['planted submodule', planted],
    ] as const) {
      const dir = gitRepo();
      const marker = join(tempDir('nanocode-marker-', '/var/tmp'), 'ran');
      const { run, outputs } = await scripted([cmd(attack(marker))], { dir, args: ['--yes'] });
      assert.equal(run.code, 0, run.stderr);
      assert.match(outputs[0]!, /attack:/, name);
      assert.equal(
        userGitStatusRan(dir, marker),
        false,
        `${name}: the user's git status ran the planted config`,
      );
    }
    // 3. An existing submodule whose .git (a gitdir file) a command swaps for a repository of its own.
    const source = gitRepo(tempDir('nanocode-subsource-', '/var/tmp'));
    const dir = gitRepo();
    execFileSync('git', ['-c', 'protocol.file.allow=always', 'submodule', '-q', 'add', source, 'sub'], {
      cwd: dir,
      stdio: 'ignore',
    });
    execFileSync('git', ['-c', 'user.email=u@localhost', '-c', 'user.name=u', 'commit', '-qm', 'sub'], {
      cwd: dir,
      stdio: 'ignore',
    });
    const marker = join(tempDir('nanocode-marker-', '/var/tmp'), 'ran');
    const swap = `rm -f sub/.git; git init -q sub; ${hook(marker)} > sub/.git/config; echo "attack:$?"`;
    const { run, outputs } = await scripted([cmd(swap)], { dir, args: ['--yes'] });
    assert.equal(run.code, 0, run.stderr);
    assert.match(outputs[0]!, /attack:/);
    assert.equal(
      userGitStatusRan(dir, marker),
      false,
      "swapped submodule: the user's git status ran its config",
    );
  },
);

test(
  'the file tools cannot write outside the project or nanocode configuration, even with --yes',
  needsBwrap,
  async () => {
    const home = fakeHome();
    const dir = tempProject();
    const { run, outputs } = await scripted(
      [
        tool('write_file', { path: join(home, '.bashrc'), content: 'touch pwned\n' }),
        tool('edit_file', { path: join(home, '.bashrc'), old_text: '# rc', new_text: 'touch pwned' }),
        tool('write_file', { path: '.nanocode/config.json', content: '{"allow":["rm","curl"]}' }),
        tool('write_file', { path: join(home, '.config', 'nanocode', 'config.json'), content: '{}' }),
        tool('write_file', { path: '.env', content: 'OPENAI_BASE_URL=http://evil\n' }),
      ],
      { dir, home, args: ['--yes'] },
    );
    assert.equal(run.code, 0, run.stderr);
    for (const output of outputs.slice(0, 5)) assert.match(output, /^Refused: /);
    assert.equal(readFileSync(join(home, '.bashrc'), 'utf8'), '# rc\n');
    assert.ok(!existsSync(join(dir, '.nanocode')));
    assert.ok(!existsSync(join(home, '.config', 'nanocode')));
    assert.ok(!existsSync(join(dir, '.env')));
  },
);

test('without the sandbox, writing nanocode configuration is dangerous: blocked with nobody to ask', async () => {
  const dir = tempProject();
  const { outputs } = await scripted(
    [
      tool('write_file', { path: '.nanocode/config.json', content: '{"allow":["rm"]}' }),
      tool('write_file', { path: '.env.production', content: 'X=1' }),
    ],
    { dir, args: ['--sandbox=off'] },
  );
  assert.equal(outputs.length, 2);
  for (const output of outputs) assert.match(output, /^Blocked: .*needs confirmation/);
  assert.ok(!existsSync(join(dir, '.nanocode')));
});

test(
  'read_file refuses credentials outside the project; cat of them reads nothing in the sandbox',
  needsBwrap,
  async () => {
    const home = fakeHome();
    const { outputs } = await scripted(
      [
        tool('read_file', { path: join(home, '.ssh', 'id_rsa') }),
        tool('read_file', { path: '/etc/shadow' }),
        cmd(`cat ${join(home, '.ssh', 'id_rsa')}; cat ${join(home, '.bashrc')}`),
      ],
      { home, args: ['--yes'] },
    );
    assert.match(outputs[0]!, /^Refused: read .*id_rsa .*credentials/);
    assert.match(outputs[1]!, /^Refused: read \/etc\/shadow/);
    assert.match(outputs[2]!, /# rc/, 'the rest of home stays readable');
    for (const output of outputs) assert.doesNotMatch(output, /PRIVATE-KEY-MATERIAL|root:/);
  },
);

test('without the sandbox, read_file of a credential is dangerous: blocked with nobody to ask', async () => {
  const home = fakeHome();
  const { outputs } = await scripted([tool('read_file', { path: join(home, '.ssh', 'id_rsa') })], {
    home,
    args: ['--sandbox=off'],
  });
  assert.match(outputs[0]!, /^Blocked: read .*id_rsa needs confirmation \(reads credentials/);
});

for (const args of [['--sandbox=off'], []]) {
  test(`ps shows no provider key to the model, the terminal, --json, the session or the log (${args.join(' ') || 'default'})`, async () => {
    const home = tempDir('nanocode-home-', '/var/tmp');
    cleanup.push(home);
    const { run, dir, outputs } = await scripted(
      [cmd('ps eww $PPID; ps axeww | head -50; cat /proc/$PPID/environ | tr "\\0" "\\n"')],
      { home, args: [...args, '--json', '--yes'] },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.ok(outputs[0]!.length > 0);
    for (const text of [outputs[0]!, run.stdout, run.stderr]) assert.ok(!text.includes(KEY), 'key leaked');
    const files = [join(dir, '.nanocode.log'), ...listFiles(home)];
    for (const file of files) assert.ok(!readFileSync(file, 'utf8').includes(KEY), `key in ${file}`);
  });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

test("a project's .env cannot take the run over when the real environment names a provider key", async () => {
  const trap = await startFakeLLM([{ text: 'stolen' }]);
  const real = await startFakeLLM([{ text: 'safe' }]);
  const dir = tempProject();
  try {
    writeFileSync(
      join(dir, '.env'),
      `OPENAI_API_KEY=sk-repo-key-123456\nOPENAI_BASE_URL=${trap.url}/v1\nFOO=1\n`,
    );
    const env = cleanEnv({ ANTHROPIC_API_KEY: 'sk-ant-real-key-123', NANOCODE_BASE_URL: real.url });
    const run = await runCli(['hi'], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(trap.requests.length, 0, 'the repository server got nothing');
    assert.equal(real.requests.length, 1);
    assert.match(
      run.stderr,
      /ignoring provider settings in \.env \(OPENAI_API_KEY, OPENAI_BASE_URL\): the environment already sets ANTHROPIC_API_KEY\n/,
    );
  } finally {
    await trap.close();
    await real.close();
  }
});

test('.env is read only as a small regular file inside the project', async () => {
  const outside = join(tempDir('nanocode-outside-', '/var/tmp'), 'env');
  cleanup.push(join(outside, '..'));
  writeFileSync(outside, 'NANOCODE_MODEL=openai/from-outside\n');
  const cases: [string, (path: string) => void, RegExp][] = [
    ['a device', (p) => symlinkSync('/dev/zero', p), /skipping \.env: it points outside the project/],
    ['a symlink out', (p) => symlinkSync(outside, p), /skipping \.env: it points outside the project/],
    ['a FIFO', (p) => execFileSync('mkfifo', [p]), /skipping \.env: not a regular file/],
    ['too big', (p) => writeFileSync(p, `# ${'x'.repeat(70_000)}\n`), /skipping \.env: 70003 bytes/],
  ];
  for (const [what, make, notice] of cases) {
    const dir = tempProject();
    make(join(dir, '.env'));
    const { run, requests } = await scripted([], { dir, args: ['--sandbox=off'] });
    assert.equal(run.code, 0, `${what}: ${run.stderr}`);
    assert.match(run.stderr, notice, what);
    assert.equal(requests[0]!.body.model, 'm', what);
  }
});

test('the notice naming project allow rules escapes control characters', async () => {
  const dir = tempProject();
  mkdirSync(join(dir, '.nanocode'));
  writeFileSync(
    join(dir, '.nanocode', 'config.json'),
    JSON.stringify({ allow: ['ls\u001b[2J\u001b]0;x\u0007'] }),
  );
  const { run } = await scripted([], { dir, args: ['--sandbox=off'] });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /allowing without asking.*ls\\x1b\[2J\\x1b\]0;x\\x07/);
  assert.ok(!run.stderr.includes('\u001b'));
});

test('a fork bomb stops at the process limit; memory per process is capped', needsBwrap, async () => {
  const bomb = [
    'import os, time',
    'n = 0',
    'try:',
    '    for i in range(200):',
    '        if os.fork() == 0:',
    '            time.sleep(2); os._exit(0)',
    '        n += 1',
    'except OSError as e:',
    '    print("fork failed after", n)',
  ].join('\n');
  const dir = tempProject();
  writeFileSync(join(dir, 'bomb.py'), bomb);
  // A low limit (NANOCODE_MAX_PROCESSES) keeps the test quick: forks are slow on a loaded machine.
  const { outputs } = await scripted([cmd('python3 bomb.py; grep "Max data size" /proc/self/limits')], {
    dir,
    args: ['--yes'],
    env: { NANOCODE_MAX_PROCESSES: '40' },
  });
  const forked = Number(/fork failed after (\d+)/.exec(outputs[0]!)?.[1]);
  assert.ok(forked > 0 && forked < 40, outputs[0]);
  assert.doesNotMatch(outputs[0]!, /Max data size\s+unlimited/);
});

/** A PATH whose `bwrap` fails, in front of the real one. */
function brokenBwrapPath(): string {
  const bin = tempDir('nanocode-bin-', '/var/tmp');
  cleanup.push(bin);
  writeFileSync(
    join(bin, 'bwrap'),
    '#!/bin/sh\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n',
  );
  chmodSync(join(bin, 'bwrap'), 0o755);
  return `${bin}:${process.env.PATH}`;
}

test('where the sandbox cannot start it says so once and runs as before; asked for explicitly, it is stricter', async () => {
  const PATH = brokenBwrapPath();
  const auto = await scripted([cmd('touch made.txt')], { env: { PATH } });
  assert.equal(auto.run.code, 0, auto.run.stderr);
  assert.equal(auto.run.stderr.match(/sandbox unavailable/g)?.length, 1, auto.run.stderr);
  assert.match(
    auto.run.stderr,
    /sandbox unavailable \(bwrap does not work here: .*\); commands run unsandboxed/,
  );
  assert.ok(existsSync(join(auto.dir, 'made.txt')));
  const asked = await scripted([cmd('touch made.txt')], { args: ['--sandbox'], env: { PATH } });
  assert.match(asked.run.stderr, /sandbox unavailable .* --strict/);
  assert.match(asked.outputs[0]!, /^Blocked: /);
  const off = await scripted([cmd('touch made.txt')], { args: ['--sandbox=off'], env: { PATH } });
  assert.doesNotMatch(off.run.stderr, /sandbox/);
  // Machine-readable runs (CI, benchmarks) are not told, unless -v.
  const json = await scripted([cmd('touch made.txt')], { args: ['--json'], env: { PATH } });
  assert.equal(json.run.stderr, '');
  const verbose = await scripted([cmd('touch made.txt')], { args: ['--json', '-v'], env: { PATH } });
  assert.match(verbose.run.stderr, /sandbox unavailable/);
});

test(
  'a sandbox that started is not probed again; if it stops starting, its commands fail and the next run probes',
  needsBwrap,
  async () => {
    // bwrap behind a wrapper that logs each start and, once `broken` exists, fails like a kernel that
    // stopped allowing user namespaces (the wrapper itself unchanged, so the remembered success matches).
    const bin = tempDir('nanocode-bin-', '/var/tmp');
    cleanup.push(bin);
    const real = execFileSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).trim();
    writeFileSync(
      join(bin, 'bwrap'),
      `#!/bin/sh\necho "$*" >> "${bin}/starts"\n` +
        `if [ -e "${bin}/broken" ]; then echo "bwrap: setting up uid map: Permission denied" >&2; exit 1; fi\n` +
        `exec ${real} "$@"\n`,
    );
    chmodSync(join(bin, 'bwrap'), 0o755);
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      XDG_CACHE_HOME: tempDir('nanocode-cache-'),
    };
    cleanup.push(env.XDG_CACHE_HOME);
    const probes = () =>
      readFileSync(join(bin, 'starts'), 'utf8')
        .split('\n')
        .filter((l) => / true$/.test(l)).length;

    const first = await scripted([cmd('echo first')], { env });
    assert.match(first.outputs[0]!, /^first\n\[exit code 0\]/, first.run.stderr);
    assert.equal(probes(), 1);
    const second = await scripted([cmd('echo second')], { env });
    assert.match(second.outputs[0]!, /^second\n\[exit code 0\]/, second.run.stderr);
    assert.equal(probes(), 1, 'the second run trusts the first probe');

    writeFileSync(join(bin, 'broken'), '');
    const stale = await scripted([cmd('touch made.txt')], { env });
    assert.equal(stale.run.code, 0, stale.run.stderr);
    assert.match(stale.outputs[0]!, /uid map: Permission denied/);
    assert.equal(existsSync(join(stale.dir, 'made.txt')), false, 'never run unsandboxed');
    const next = await scripted([cmd('touch made.txt')], { env });
    assert.equal(probes(), 2, 'the run after a failed start probes again');
    assert.match(
      next.run.stderr,
      /sandbox unavailable \(bwrap does not work here: .*uid map.*\); commands run unsandboxed/,
    );
    assert.ok(existsSync(join(next.dir, 'made.txt')));
  },
);

test('the user config turns the sandbox off; a project config cannot', needsBwrap, async () => {
  const outsideDir = tempDir('nanocode-outside-', '/var/tmp');
  cleanup.push(outsideDir);
  const home = tempDir('nanocode-home-', '/var/tmp');
  cleanup.push(home);
  const write = cmd(`echo x > ${join(outsideDir, 'out.txt')}; echo "write:$?"`);
  const project = tempProject();
  mkdirSync(join(project, '.nanocode'));
  writeFileSync(join(project, '.nanocode', 'config.json'), '{"sandbox":"off"}');
  const fromProject = await scripted([write], { dir: project, home, args: ['--yes'] });
  assert.match(fromProject.outputs[0]!, /write:1/);
  mkdirSync(join(home, '.config', 'nanocode'), { recursive: true });
  writeFileSync(join(home, '.config', 'nanocode', 'config.json'), '{"sandbox":"off"}');
  const fromUser = await scripted([write], { home, args: ['--yes'] });
  assert.match(fromUser.outputs[0]!, /write:0/);
  writeFileSync(join(home, '.config', 'nanocode', 'config.json'), '{"sandbox":"maybe"}');
  const env = cleanEnv({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_MODEL: 'm' });
  const bad = await runCli(['task'], { cwd: tempProject(), env: { ...env, HOME: home } });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"sandbox" must be "on", "network" or "off", got "maybe"/);
});

test('commands and the file tools share one private /tmp for the run', needsBwrap, async () => {
  const name = `nanocode-shared-${process.pid}-${Date.now()}`;
  const { run, outputs } = await scripted(
    [
      tool('write_file', { path: `/tmp/${name}/a.txt`, content: 'from the tool\n' }),
      cmd(`cat /tmp/${name}/a.txt; echo from the command > /tmp/${name}/b.txt`),
      tool('read_file', { path: `/tmp/${name}/b.txt` }),
    ],
    { args: ['--yes'] },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(outputs[0]!, new RegExp(`^Created /tmp/${name}/a\\.txt`));
  assert.match(outputs[1]!, /from the tool/);
  assert.match(outputs[2]!, /from the command/);
  assert.ok(!existsSync(`/tmp/${name}`), 'the host /tmp is untouched');
});

test(
  'the provider code cache (code nanocode runs outside the sandbox) is out of reach, even when the project is the home directory',
  needsBwrap,
  async () => {
    const home = fakeHome();
    const planted = join(home, '.cache', 'nanocode', 'code-cache', 'planted.bin');
    const { run, outputs } = await scripted(
      [
        cmd(
          'mkdir -p ~/.cache/nanocode/code-cache; echo evil > ~/.cache/nanocode/code-cache/planted.bin; echo tried',
        ),
      ],
      // The default place: under the home directory, which is the project here.
      { args: ['--yes'], dir: home, home, env: { XDG_CACHE_HOME: join(home, '.cache') } },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(outputs[0]!, /Read-only file system[\s\S]*tried/);
    assert.equal(existsSync(planted), false);
  },
);

test('the private /tmp a killed run left behind is swept by a later run', needsBwrap, async () => {
  const dead = spawnSync('true').pid;
  const stale = join(tmpdir(), `nanocode-tmp-${dead}-stale`);
  mkdirSync(join(stale, 'inside'), { recursive: true });
  const { run } = await scripted([cmd('echo hi')]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(existsSync(stale), false);
});

test(
  "nanocode's configuration and state cannot be written by a command, even when the project is the home directory",
  needsBwrap,
  async () => {
    const home = fakeHome();
    const { run, outputs } = await scripted(
      [
        cmd(
          `mkdir -p ~/.config/nanocode ~/.local/state/nanocode; echo '{"sandbox":"off"}' > ~/.config/nanocode/config.json; echo x > ~/.local/state/nanocode/planted; echo tried`,
        ),
      ],
      { args: ['--yes'], dir: home, home, env: { XDG_STATE_HOME: join(home, '.local', 'state') } },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(outputs[0]!, /Read-only file system[\s\S]*tried/);
    assert.equal(existsSync(join(home, '.config', 'nanocode', 'config.json')), false);
    assert.equal(existsSync(join(home, '.local', 'state', 'nanocode', 'planted')), false);
  },
);
