// Checkpoints and undo through the built CLI and the fake LLM: a run that edits, creates, deletes and
// chmods files is taken back exactly by `nanocode undo`, which is itself undoable; the user's .git is
// never touched and never executed; big files are skipped with a note; --no-checkpoints turns it off.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { CheckpointStore, MAX_PACKS } from '../src/checkpoints/store.ts';
import { type FakeLLM, type Step, startFakeLLM } from './fake-llm/server.ts';
import { needsBwrap } from './helpers/bwrap.ts';
import { CLI, cleanEnv, runCli, tempProject } from './helpers/cli.ts';

const envFor = (fake: FakeLLM, state: string) =>
  cleanEnv({
    OPENAI_API_KEY: 'sk-test-key-123456',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_MODEL: 'm',
    XDG_STATE_HOME: state,
  });

const cmd = (command: string): Step => ({ toolCalls: [{ name: 'run_cmd', args: { command } }] });
const write = (path: string, content: string): Step => ({
  toolCalls: [{ name: 'write_file', args: { path, content } }],
});

/** Every file under `dir` (but .git and the audit log) with its content hash and mode. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.name === '.git' || e.name === '.nanocode.log') continue;
      if (e.isDirectory()) walk(p);
      else {
        const hash = createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 12);
        out[relative(dir, p)] = `${hash} ${(statSync(p).mode & 0o777).toString(8)}`;
      }
    }
  };
  walk(dir);
  return out;
}

/** The user's git state: index bytes, refs, stash, status, hooks dir. */
function gitState(dir: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  const index = createHash('sha256')
    .update(readFileSync(join(dir, '.git', 'index')))
    .digest('hex');
  return [
    index,
    git('for-each-ref'),
    git('stash', 'list'),
    git('status', '--porcelain').replace('?? .nanocode.log\n', ''),
    readdirSync(join(dir, '.git')).sort().join(','),
  ].join('\n');
}

/** A git project with uncommitted work, an ignored file and a private (0600) file. */
function project(): string {
  const dir = tempProject();
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  git('init', '-q');
  writeFileSync(join(dir, '.gitignore'), 'build/\n');
  writeFileSync(join(dir, 'app.js'), 'console.log(1);\n');
  writeFileSync(join(dir, 'old.txt'), 'old\n');
  git('add', '.');
  git('commit', '-qm', 'init');
  writeFileSync(join(dir, 'app.js'), 'console.log("uncommitted work");\n');
  git('add', 'app.js');
  writeFileSync(join(dir, 'app.js'), 'console.log("more uncommitted work");\n');
  writeFileSync(join(dir, 'notes.md'), 'untracked notes\n');
  writeFileSync(join(dir, '.env'), 'TOKEN=x\n', { mode: 0o600 });
  chmodSync(join(dir, '.env'), 0o600);
  mkdirSync(join(dir, 'build'));
  writeFileSync(join(dir, 'build', 'out.bin'), 'ignored build output\n');
  git('stash', 'list');
  return dir;
}

/** git against a checkpoint store (not the project's repository). */
const storeGitOut = (store: string, ...args: string[]) =>
  execFileSync('git', ['--git-dir', store, ...args], {
    encoding: 'utf8',
    env: cleanEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** The one checkpoint store under `state`, or undefined when there is none yet. */
function storeUnder(state: string): string | undefined {
  const root = join(state, 'nanocode', 'checkpoints');
  const [first] = existsSync(root) ? readdirSync(root) : [];
  return first && join(root, first);
}

/** The files of each checkpoint the store lists, oldest first. */
function recordedFiles(store: string): string[][] {
  return readFileSync(join(store, 'checkpoints.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => storeGitOut(store, 'ls-tree', '-r', '--name-only', JSON.parse(line).tree).split('\n'));
}

/** The project's files but the audit log, sorted. */
const projectFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f !== '.nanocode.log')
    .sort();

/** `path` in the tree the store under `state` wrote last (its index-tree note), or undefined. */
function lastWritten(state: string, path: string): string | undefined {
  const store = storeUnder(state);
  if (!store) return undefined;
  const note = join(store, 'index-tree');
  if (!existsSync(note)) return undefined;
  return storeGitOut(store, 'show', `${readFileSync(note, 'utf8').split(' ')[0]}:${path}`);
}

/** Waits until the store under `state` last wrote `path` as `content`, or `ms` passed; returns what it last wrote. */
async function untilWritten(state: string, path: string, content: string, ms: number) {
  const until = Date.now() + ms;
  while (lastWritten(state, path) !== content && Date.now() < until)
    await new Promise((r) => setTimeout(r, 20));
  return lastWritten(state, path);
}

const destructive: Step[] = [
  write('app.js', 'overwritten\n'),
  cmd('rm old.txt notes.md && mkdir -p src/new && echo new > src/new/file.txt && chmod +x app.js'),
  {
    toolCalls: [
      { name: 'edit_file', args: { path: '.env', old_text: 'TOKEN=x', new_text: 'TOKEN=y' } },
      { name: 'run_cmd', args: { command: 'echo rebuilt > build/out.bin' } },
    ],
  },
  { text: 'done' },
];

test('undo takes a whole run back exactly, never touches .git, and is itself undoable', async () => {
  const dir = project();
  const state = tempProject('nanocode-state-');
  const before = snapshot(dir);
  const git0 = gitState(dir);
  const fake = await startFakeLLM(structuredClone(destructive));
  try {
    const env = envFor(fake, state);
    // The sandbox (on by default) refuses .env edits; this test is about undo, so it runs without it.
    const run = await runCli(['--json', '--yes', '--sandbox=off', 'wreck it'], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const checkpoints = events.filter((e) => e.type === 'checkpoint');
    assert.deepEqual(
      checkpoints.map((e) => e.turn),
      [1, 2, 3],
    );
    const after = snapshot(dir);
    assert.notDeepEqual(after, before);
    assert.equal(existsSync(join(dir, 'old.txt')), false);

    // The session names each checkpoint.
    const sessions = join(state, 'nanocode', 'sessions');
    const file = readdirSync(sessions).find((f) => f !== 'index.jsonl')!;
    const lines = readFileSync(join(sessions, file), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.filter((l) => l.type === 'checkpoint').map((l) => l.id),
      checkpoints.map((e) => e.id),
    );

    const undo = await runCli(['undo'], { cwd: dir, env });
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stdout, /restored .* to before turn 1 of run .*: 4 files written, 1 removed/);
    const restored = snapshot(dir);
    // The ignored build output is not the checkpoint's business: it stays as the run left it.
    assert.equal(readFileSync(join(dir, 'build', 'out.bin'), 'utf8'), 'rebuilt\n');
    delete restored['build/out.bin'];
    const expected = { ...before };
    delete expected['build/out.bin'];
    assert.deepEqual(restored, expected, 'contents, modes (0600 .env kept), deletions, new files removed');
    assert.equal(existsSync(join(dir, 'src')), false, 'new directories removed');
    assert.equal(gitState(dir), git0, "the user's index, refs, stash and .git untouched");

    const redo = await runCli(['undo'], { cwd: dir, env });
    assert.equal(redo.code, 0, redo.stderr);
    assert.match(redo.stdout, /before the last undo/);
    const back = snapshot(dir);
    delete back['build/out.bin'];
    const afterRun = { ...after };
    delete afterRun['build/out.bin'];
    assert.deepEqual(back, afterRun, 'undoing the undo brings the run back');

    const list = await runCli(['checkpoints'], { cwd: dir, env });
    assert.equal(list.code, 0, list.stderr);
    const rows = list.stdout.trim().split('\n');
    assert.match(rows[0]!, /^RUN\s+TURN\s+TIME\s+FILES CHANGED$/);
    const run1 = checkpoints[0].run as string;
    assert.ok(
      rows.some((r) =>
        new RegExp(`^${run1}\\s+2\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+4$`).test(r),
      ),
      list.stdout,
    );
    assert.ok(rows.filter((r) => /^undo-\w+\s+undo\s/.test(r)).length === 2, list.stdout);
  } finally {
    await fake.close();
  }
});

test('undo --turn N restores to before turn N of the last run; the end line says how to undo', async () => {
  const dir = tempProject(); // not a git repository
  const state = tempProject('nanocode-state-');
  writeFileSync(join(dir, 'a.txt'), 'a0\n');
  const fake = await startFakeLLM([
    write('a.txt', 'a1\n'),
    { toolCalls: [{ name: 'read_file', args: { path: 'a.txt' } }] },
    write('a.txt', 'a3\n'),
    write('b.txt', 'b4\n'),
    { text: 'done' },
  ]);
  try {
    const env = envFor(fake, state);
    const run = await runCli(['-v', 'step by step'], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /undo: nanocode undo/);
    const undo = await runCli(['undo', '--turn', '2'], { cwd: dir, env });
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stdout, /before turn 3 /, 'turn 2 only read: the next checkpoint is before turn 3');
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'a1\n');
    assert.equal(existsSync(join(dir, 'b.txt')), false);
    const bad = await runCli(['undo', '--turn', '9'], { cwd: dir, env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no checkpoint at or after turn 9/);
    const usage = await runCli(['--turn', '2', 'x'], { cwd: dir, env });
    assert.equal(usage.code, 2);
  } finally {
    await fake.close();
  }
});

test("the files after a turn's changes are captured while the next request is in flight, and that capture is the next checkpoint", async () => {
  const dir = tempProject(); // not a git repository
  const state = tempProject('nanocode-state-');
  writeFileSync(join(dir, 'a.txt'), 'a0\n');
  /** Holds the reply until a.txt as `content` is written to the store, or 5 s; says which. */
  const heldUntilCaptured = (content: string, then: Step, seen: boolean[]) => async () => {
    seen.push((await untilWritten(state, 'a.txt', content, 5000)) === content);
    return then;
  };
  const seen: boolean[] = [];
  const fake = await startFakeLLM([
    write('a.txt', 'a1\n'),
    heldUntilCaptured('a1\n', { toolCalls: [{ name: 'read_file', args: { path: 'a.txt' } }] }, seen),
    write('a.txt', 'a3\n'),
    heldUntilCaptured('a3\n', { text: 'done' }, seen),
  ]);
  try {
    const env = envFor(fake, state);
    const run = await runCli(['step by step'], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(seen, [true, true], 'each capture was written before the model answered');
    const list = await runCli(['checkpoints', '--json'], { cwd: dir, env });
    const rows = list.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { turn: number; files_changed: number });
    assert.deepEqual(
      rows.map((r) => [r.turn, r.files_changed]),
      [
        [3, 1],
        [1, 1],
      ],
      'before turn 3 is the capture after turn 1 (turn 2 only read); the end is the capture after turn 3',
    );
    const undo = await runCli(['undo', '--turn', '3'], { cwd: dir, env });
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'a1\n');
  } finally {
    await fake.close();
  }
});

test('in a project with a store, the files are captured while the first request is in flight; a new project gets no store from a run that changes nothing', async () => {
  const dir = tempProject(); // not a git repository
  const state = tempProject('nanocode-state-');
  writeFileSync(join(dir, 'a.txt'), 'a0\n');
  const seen: (string | undefined)[] = [];
  /** Answers the first request once a.txt as `content` is in the store, or after 3 s; notes what it saw. */
  const firstAnswer = (content: string, then: Step) => async () => {
    seen.push(await untilWritten(state, 'a.txt', content, 3000));
    return then;
  };
  const fake = await startFakeLLM([
    cmd('cat a.txt'), // a read-only run in a project nanocode never changed
    { text: 'looked' },
    write('a.txt', 'a1\n'), // the run that makes the store
    { text: 'wrote' },
    firstAnswer('user\n', write('a.txt', 'a2\n')),
    { text: 'wrote again' },
  ]);
  try {
    const env = envFor(fake, state);
    const look = await runCli(['look'], { cwd: dir, env });
    assert.equal(look.code, 0, look.stderr);
    assert.equal(storeUnder(state), undefined, 'a run that changed nothing made no store');
    assert.equal((await runCli(['write'], { cwd: dir, env })).code, 0);
    const store = storeUnder(state)!;
    assert.equal(storeGitOut(store, 'rev-parse', '--is-bare-repository').trim(), 'false');
    assert.equal(storeGitOut(store, 'fsck', '--no-dangling').trim(), '', 'a store git finds sound');
    writeFileSync(join(dir, 'a.txt'), 'user\n'); // the user's own edit between runs
    const again = await runCli(['write again'], { cwd: dir, env });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(seen, ['user\n'], 'the third run captured the files before its first answer');
    const undo = await runCli(['undo'], { cwd: dir, env });
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(
      readFileSync(join(dir, 'a.txt'), 'utf8'),
      'user\n',
      'that capture is the checkpoint undo returns to',
    );
  } finally {
    await fake.close();
  }
});

/**
 * Two runs in one project, each writing a.txt; before the second, `lock` puts an index.lock in the store
 * (and may return what undoes it). The second run must take its checkpoint, and undo go back to a1.
 */
async function secondRunFindsLock(lock: (path: string) => (() => void) | undefined) {
  const dir = tempProject();
  const state = tempProject('nanocode-state-');
  writeFileSync(join(dir, 'a.txt'), 'a0\n');
  const fake = await startFakeLLM([
    write('a.txt', 'a1\n'),
    { text: 'one' },
    write('a.txt', 'a2\n'),
    { text: 'two' },
  ]);
  try {
    const env = envFor(fake, state);
    assert.equal((await runCli(['one'], { cwd: dir, env })).code, 0);
    const path = join(storeUnder(state)!, 'index.lock');
    writeFileSync(path, '');
    const cleanup = lock(path);
    const two = await runCli(['--json', 'two'], { cwd: dir, env });
    cleanup?.();
    assert.equal(two.code, 0, two.stderr);
    assert.doesNotMatch(two.stderr, /checkpoints off/);
    assert.equal(two.stdout.match(/"type":"checkpoint"/g)?.length, 1);
    assert.ok(!existsSync(path));
    assert.equal((await runCli(['undo'], { cwd: dir, env })).code, 0);
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'a1\n');
  } finally {
    await fake.close();
  }
}

test("a store's index held by another run's git (index.lock) is waited for, not a reason to turn checkpoints off", () =>
  secondRunFindsLock((path) => {
    // Another nanocode's git writing the index right now, done 400 ms later.
    const release = setTimeout(() => rmSync(path, { force: true }), 400);
    return () => clearTimeout(release);
  }));

test('an index.lock a killed git left in the store long ago is removed, not a reason to turn checkpoints off for good', () =>
  secondRunFindsLock((path) => {
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(path, hourAgo, hourAgo); // a git killed mid-write an hour ago: nothing holds it now
    return undefined;
  }));

test(
  "the sandbox's placeholders (the empty .env files it hides credentials behind) are not recorded, so undo never makes them",
  needsBwrap,
  async () => {
    const dir = tempProject();
    const state = tempProject('nanocode-state-');
    writeFileSync(join(dir, 'a.txt'), 'a0\n');
    const fake = await startFakeLLM([
      cmd('echo a1 > a.txt'), // starts the sandbox, which places .env, .envrc, ... while the run lasts
      write('b.txt', 'b\n'),
      { text: 'done' },
    ]);
    try {
      const env = envFor(fake, state);
      const run = await runCli(['--sandbox=on', 'change'], { cwd: dir, env });
      assert.equal(run.code, 0, run.stderr);
      // The model sees them too (ls, git status): the system prompt says whose they are.
      assert.match(JSON.stringify(fake.requests[0]!.body), /empty \.env\* files are its placeholders/);
      const store = storeUnder(state)!;
      const recorded = recordedFiles(store).flat();
      assert.deepEqual([...new Set(recorded.filter(Boolean))].sort(), ['a.txt', 'b.txt']);
      const undo = await runCli(['undo'], { cwd: dir, env });
      assert.equal(undo.code, 0, undo.stderr);
      assert.deepEqual(projectFiles(dir), ['a.txt']);
      assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'a0\n');
    } finally {
      await fake.close();
    }
  },
);

test(
  "a first snapshot of many files (git add --all) leaves the sandbox's placeholders out too",
  needsBwrap,
  async () => {
    const dir = tempProject();
    const state = tempProject('nanocode-state-');
    mkdirSync(join(dir, 'many'));
    for (let i = 0; i < 600; i++) writeFileSync(join(dir, 'many', `f${i}.txt`), `${i}\n`);
    const fake = await startFakeLLM([cmd('echo x > x.txt'), { text: 'done' }]);
    try {
      const run = await runCli(['--sandbox=on', 'change'], { cwd: dir, env: envFor(fake, state) });
      assert.equal(run.code, 0, run.stderr);
      const store = storeUnder(state)!;
      for (const files of recordedFiles(store)) {
        assert.deepEqual(
          files.filter((f) => f.startsWith('.')),
          [],
        );
        assert.ok(files.length >= 600);
      }
    } finally {
      await fake.close();
    }
  },
);

test(
  'a file recorded, then deleted, is not brought back by undo when a sandbox placeholder stands in its place',
  needsBwrap,
  async () => {
    const dir = tempProject();
    const state = tempProject('nanocode-state-');
    writeFileSync(join(dir, '.env'), ''); // the user's own, empty
    const fake = await startFakeLLM([
      write('a.txt', 'a\n'),
      { text: 'one' },
      cmd('echo b > b.txt'),
      { text: 'two' },
    ]);
    try {
      const env = envFor(fake, state);
      assert.equal((await runCli(['--sandbox=off', 'one'], { cwd: dir, env })).code, 0); // records .env
      rmSync(join(dir, '.env')); // the user deletes it
      const two = await runCli(['--sandbox=on', 'two'], { cwd: dir, env }); // bwrap puts an empty .env there
      assert.equal(two.code, 0, two.stderr);
      assert.equal(existsSync(join(dir, '.env')), false, 'the placeholder is gone with the run');
      assert.equal((await runCli(['undo'], { cwd: dir, env })).code, 0);
      assert.deepEqual(projectFiles(dir), ['a.txt']);
    } finally {
      await fake.close();
    }
  },
);

test('a recorded empty file at a placeholder path (deleted since, or recorded by an earlier nanocode) leaves the checkpoints once bwrap puts its placeholder there', async () => {
  const dir = tempProject();
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  writeFileSync(join(dir, '.env'), ''); // what a sandboxed run of an earlier version recorded
  const env = { ...process.env, XDG_STATE_HOME: tempProject('nanocode-state-') };
  const files = async (store: CheckpointStore, placeholders: string[]) => {
    const { tree } = await store.capture({ placeholders });
    return storeGitOut(store.dir, 'ls-tree', '-r', '--name-only', tree).trim().split('\n');
  };
  assert.deepEqual(await files(await CheckpointStore.open(dir, env), []), ['.env', 'a.txt']);
  // A later process: .env unchanged, now bwrap's placeholder.
  const later = await CheckpointStore.open(dir, env);
  assert.deepEqual(await files(later, [join(dir, '.env')]), ['a.txt']);
  assert.deepEqual(await files(later, [join(dir, '.env')]), ['a.txt']);
  writeFileSync(join(dir, '.env'), 'TOKEN=1\n'); // the user's own file at that path is recorded
  assert.deepEqual(await files(later, [join(dir, '.env')]), ['.env', 'a.txt']);
});

test('a run of safe commands takes no checkpoint; --no-checkpoints takes none at all', async () => {
  const dir = tempProject();
  const state = tempProject('nanocode-state-');
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  const fake = await startFakeLLM([
    cmd('ls -la'),
    { text: 'looked' },
    write('a.txt', 'b\n'),
    { text: 'wrote' },
  ]);
  try {
    const env = envFor(fake, state);
    const look = await runCli(['--json', 'look'], { cwd: dir, env });
    assert.equal(look.code, 0, look.stderr);
    assert.doesNotMatch(look.stdout, /"type":"checkpoint"/);
    const off = await runCli(['--json', '--no-checkpoints', 'write'], { cwd: dir, env });
    assert.equal(off.code, 0, off.stderr);
    assert.doesNotMatch(off.stdout, /"type":"checkpoint"/);
    assert.equal(existsSync(join(state, 'nanocode', 'checkpoints')), false);
    const undo = await runCli(['undo'], { cwd: dir, env });
    assert.equal(undo.code, 2);
    assert.match(undo.stderr, /no checkpoints for .*: nothing to undo/);
  } finally {
    await fake.close();
  }
});

test("checkpoints' git server leaves no files behind; a failing git is one warning and the run goes on", async () => {
  const dir = tempProject();
  const state = tempProject('nanocode-state-');
  const tmp = tempProject('nanocode-tmpdir-');
  const steps: Step[] = [write('a.txt', 'one\n'), write('b.txt', 'two\n'), { text: 'wrote' }];
  const fake = await startFakeLLM([...steps, ...steps]);
  try {
    const ok = await runCli(['--json', 'write'], { cwd: dir, env: { ...envFor(fake, state), TMPDIR: tmp } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.match(/"type":"checkpoint"/g)?.length, 2);
    assert.deepEqual(
      readdirSync(tmp),
      [],
      'the git server I/O directory (and every private temp) is removed',
    );

    // A git that fails: the first checkpoint says why, once; the files are still written.
    const bin = tempProject('nanocode-bin-');
    writeFileSync(join(bin, 'git'), '#!/bin/sh\necho "git is broken here" >&2\nexit 3\n', { mode: 0o755 });
    const broken = { ...envFor(fake, tempProject('nanocode-state-')), PATH: `${bin}:${process.env.PATH}` };
    const run = await runCli(['write'], { cwd: dir, env: broken });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stderr.match(/checkpoints off for this run: git [a-z-]+: git is broken here/g)?.length,
      1,
    );
    assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'two\n');
  } finally {
    await fake.close();
  }
});

test("Ctrl-C (SIGINT to the whole process group) does not take the checkpoints' git with it", async () => {
  const dir = tempProject();
  const state = tempProject('nanocode-state-');
  const fake = await startFakeLLM([write('a.txt', 'one\n'), { hang: true }]);
  try {
    // A terminal sends SIGINT to its foreground process group: nanocode and every child it did not detach.
    const child = spawn(process.execPath, [CLI, 'write'], {
      cwd: dir,
      env: envFor(fake, state),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    // The second request is out once the first turn's checkpoint was taken: the git server is running.
    while (fake.requests.length < 2) await new Promise((r) => setTimeout(r, 20));
    process.kill(-child.pid!, 'SIGINT');
    assert.equal(await code, 130, stderr);
    assert.doesNotMatch(stderr, /checkpoints off/);
    // The run's checkpoint is there and undoes it.
    const list = await runCli(['checkpoints', '--json'], { cwd: dir, env: envFor(fake, state) });
    assert.deepEqual(
      list.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).turn),
      [1],
    );
    assert.equal((await runCli(['undo'], { cwd: dir, env: envFor(fake, state) })).code, 0);
    assert.equal(existsSync(join(dir, 'a.txt')), false);
  } finally {
    await fake.close();
  }
});

// At the store's level: nanocode's system prompt runs `git status` in the project (src/prompt.ts), which is
// not the checkpoints' doing, so the CLI cannot show this alone.
test("the repository's config, hooks and attributes are never executed nor applied", async () => {
  const dir = project();
  const state = tempProject('nanocode-state-');
  const pwned = join(state, 'PWNED');
  writeFileSync(join(dir, '.gitattributes'), '* text eol=crlf filter=evil\n');
  const git0 = gitState(dir);
  // Planted after gitState, which runs git itself (git status runs post-index-change).
  const hook = `#!/bin/sh\necho "$0" >> ${pwned}\n`;
  for (const name of ['pre-commit', 'post-checkout', 'post-index-change', 'reference-transaction']) {
    writeFileSync(join(dir, '.git', 'hooks', name), hook, { mode: 0o755 });
  }
  execFileSync('git', ['config', 'core.fsmonitor', `touch ${pwned}`], { cwd: dir });
  execFileSync('git', ['config', 'filter.evil.clean', `touch ${pwned}; cat`], { cwd: dir });
  const env = { ...process.env, XDG_STATE_HOME: state, GIT_DIR: join(dir, '.git') };
  const store = await CheckpointStore.open(dir, env);
  const first = await store.snapshot({ run: 'r1', turn: 1, kind: 'turn' });
  writeFileSync(join(dir, 'app.js'), 'changed\n');
  const now = await store.snapshot({ run: 'undo', turn: 0, kind: 'undo' });
  await store.restore(first.tree, now.tree);
  assert.equal(existsSync(pwned), false, 'nothing of the repository ran');
  assert.equal(readFileSync(join(dir, 'app.js'), 'utf8'), 'console.log("more uncommitted work");\n');
  assert.equal(readFileSync(join(dir, 'notes.md'), 'utf8'), 'untracked notes\n', 'no end-of-line conversion');
  // gitState runs git status, which would run the planted fsmonitor.
  execFileSync('git', ['config', '--unset', 'core.fsmonitor'], { cwd: dir });
  for (const name of ['post-index-change', 'reference-transaction']) rmSync(join(dir, '.git', 'hooks', name));
  assert.equal(gitState(dir), git0, "a GIT_DIR in the environment does not lead it to the user's .git");
});

test("the checkpoints' git server does not source $BASH_ENV", async () => {
  const dir = project();
  const state = tempProject('nanocode-state-');
  const ran = join(state, 'BASH_ENV-RAN');
  writeFileSync(join(state, 'env.sh'), `touch ${ran}\n`);
  const before = process.env.BASH_ENV;
  process.env.BASH_ENV = join(state, 'env.sh');
  try {
    const store = await CheckpointStore.open(dir, { ...process.env, XDG_STATE_HOME: state });
    await store.snapshot({ run: 'r1', turn: 1, kind: 'turn' });
  } finally {
    if (before === undefined) delete process.env.BASH_ENV;
    else process.env.BASH_ENV = before;
  }
  assert.equal(existsSync(ran), false);
});

test('a file over the size limit is skipped with a note and left alone by undo', async () => {
  const dir = tempProject();
  const state = tempProject('nanocode-state-');
  writeFileSync(join(dir, 'small.txt'), 's\n');
  writeFileSync(join(dir, 'huge.bin'), '');
  truncateSync(join(dir, 'huge.bin'), 11 * 1024 * 1024); // sparse: cheap to make
  const fake = await startFakeLLM([write('small.txt', 't\n'), { text: 'done' }]);
  try {
    const env = envFor(fake, state);
    const run = await runCli(['--json', 'go'], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /checkpoint: huge\.bin is over 10 MB, not recorded/);
    assert.match(run.stdout, /"type":"checkpoint".*"skipped":\["huge\.bin"\]/);
    const undo = await runCli(['undo'], { cwd: dir, env });
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(readFileSync(join(dir, 'small.txt'), 'utf8'), 's\n');
    assert.equal(statSync(join(dir, 'huge.bin')).size, 11 * 1024 * 1024);
  } finally {
    await fake.close();
  }
});

test('a recorded file growing past the size limit leaves the other files recorded and restorable', async () => {
  const dir = tempProject();
  const env = { ...process.env, XDG_STATE_HOME: tempProject('nanocode-state-') };
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'main.ts'), 'precious\n');
  writeFileSync(join(dir, 'src', 'b.ts'), 'other\n');
  const store = await CheckpointStore.open(dir, env);
  const first = await store.snapshot({ run: 'r1', turn: 1, kind: 'turn' });
  writeFileSync(join(dir, 'src', 'b.ts'), 'other\nedit\n');
  await store.snapshot({ run: 'r1', turn: 2, kind: 'turn' });
  truncateSync(join(dir, 'src', 'main.ts'), 11 * 1024 * 1024);
  writeFileSync(join(dir, 'src', 'b.ts'), 'clobbered\n');
  const third = await store.snapshot({ run: 'r1', turn: 3, kind: 'turn' });
  assert.deepEqual(third.skipped, ['src/main.ts']);
  await store.restore(first.tree, third.tree);
  assert.equal(readFileSync(join(dir, 'src', 'b.ts'), 'utf8'), 'other\n');
});

test('pruning keeps the recent runs and drops checkpoints older than the policy', async () => {
  const dir = tempProject();
  const env = { ...process.env, XDG_STATE_HOME: tempProject('nanocode-state-') };
  const store = await CheckpointStore.open(dir, env);
  for (let i = 0; i < 3; i++) {
    writeFileSync(join(dir, 'f.txt'), `${i}\n`);
    await store.snapshot({ run: `r${i}`, turn: 1, kind: 'turn' });
  }
  assert.equal(await store.prune(), 0, 'nothing is old yet');
  assert.equal(store.list().length, 3);
  const later = Date.now() + 15 * 24 * 3600 * 1000;
  assert.equal(await store.prune(later), 3);
  assert.equal(store.list().length, 0);
});

/** Loose objects and packs in a store. */
function objectFiles(store: string): { loose: number; packs: number } {
  const objects = join(store, 'objects');
  let loose = 0;
  for (const d of readdirSync(objects))
    if (/^[0-9a-f]{2}$/.test(d)) loose += readdirSync(join(objects, d)).length;
  const packs = readdirSync(join(objects, 'pack')).filter((f) => f.endsWith('.pack')).length;
  return { loose, packs };
}

test('a big first snapshot is one pack, not a loose object per file, and restores exactly', async () => {
  const dir = tempProject();
  const env = { ...process.env, XDG_STATE_HOME: tempProject('nanocode-state-') };
  for (let d = 0; d < 6; d++) {
    mkdirSync(join(dir, `d${d}`));
    for (let f = 0; f < 100; f++) writeFileSync(join(dir, `d${d}`, `f${f}.txt`), `file ${d}/${f}\n`);
  }
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  chmodSync(join(dir, 'run.sh'), 0o755);
  symlinkSync('d0/f0.txt', join(dir, 'link'));
  const before = snapshot(dir);
  const store = await CheckpointStore.open(dir, env);
  const first = await store.snapshot({ run: 'r1', turn: 1, kind: 'turn' });
  const objects = objectFiles(store.dir);
  assert.equal(objects.packs, 1, 'the blobs went into one pack');
  assert.ok(objects.loose < 20, `only trees and tiny blobs are loose, not ${objects.loose} objects`);
  rmSync(join(dir, 'd1'), { recursive: true });
  writeFileSync(join(dir, 'd2', 'f5.txt'), 'changed\n');
  writeFileSync(join(dir, 'new.txt'), 'new\n');
  chmodSync(join(dir, 'run.sh'), 0o644);
  const second = await store.snapshot({ run: 'r2', turn: 1, kind: 'turn' });
  await store.restore(first.tree, second.tree);
  assert.deepEqual(snapshot(dir), before);
  assert.equal(readlinkSync(join(dir, 'link')), 'd0/f0.txt');
  assert.equal(storeGitOut(store.dir, 'fsck', '--no-dangling').trim(), '');
});

test('an unchanged tree reuses the tree last written, unless the index changed since (a restore)', async () => {
  const dir = tempProject();
  const env = { ...process.env, XDG_STATE_HOME: tempProject('nanocode-state-') };
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  const store = await CheckpointStore.open(dir, env);
  const t1 = (await store.snapshot({ run: 'r1', turn: 1, kind: 'turn' })).tree;
  assert.equal((await store.snapshot({ run: 'r1', turn: 2, kind: 'turn' })).tree, t1);
  writeFileSync(join(dir, 'a.txt'), 'two\n');
  const t2 = (await store.snapshot({ run: 'r1', turn: 3, kind: 'turn' })).tree;
  assert.notEqual(t2, t1);
  await store.restore(t1, t2);
  // The work tree is t1 again and the scan finds nothing to add: the tree must come from the index
  // read-tree wrote, not from the note of the last one written (t2).
  assert.equal((await store.snapshot({ run: 'undo', turn: 0, kind: 'undo' })).tree, t1);
  // A store from before the note: the tree is written, the same.
  rmSync(join(store.dir, 'index-tree'));
  assert.equal((await store.snapshot({ run: 'r2', turn: 1, kind: 'turn' })).tree, t1);
  assert.ok(existsSync(join(store.dir, 'index-tree')), 'the note is written again');
  // Each tree is kept by a ref git reads (written without git), and pruning deletes them.
  const refs = storeGitOut(store.dir, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/nanocode/');
  assert.deepEqual(
    refs.trim().split('\n').sort(),
    [t1, t2].map((t) => `refs/nanocode/trees/${t} ${t}`).sort(),
  );
  await store.prune(Date.now() + 15 * 24 * 3600 * 1000);
  assert.equal(storeGitOut(store.dir, 'for-each-ref', 'refs/nanocode/').trim(), '');
});

test('prune repacks a store with more than MAX_PACKS packs, dropping what only pruned checkpoints kept', async () => {
  const dir = tempProject();
  const env = { ...process.env, XDG_STATE_HOME: tempProject('nanocode-state-') };
  const store = await CheckpointStore.open(dir, env);
  const trees: string[] = [];
  for (let round = 0; round <= MAX_PACKS; round++) {
    for (let f = 0; f < 510; f++) writeFileSync(join(dir, `f${f}.txt`), `round ${round} file ${f}\n`);
    trees.push((await store.snapshot({ run: `r${round}`, turn: 1, kind: 'turn' })).tree);
  }
  assert.equal(objectFiles(store.dir).packs, MAX_PACKS + 1, 'one pack per big snapshot');
  const old = storeGitOut(store.dir, 'rev-parse', `${trees[0]}:f0.txt`).trim();
  const current = storeGitOut(store.dir, 'rev-parse', `${trees.at(-1)}:f0.txt`).trim();
  assert.equal(await store.prune(Date.now() + 15 * 24 * 3600 * 1000), MAX_PACKS + 1);
  assert.equal(objectFiles(store.dir).packs, 1);
  assert.throws(() => storeGitOut(store.dir, 'cat-file', '-e', old), 'a pruned blob is gone from the pack');
  // What the store's index holds (the project as it is) is kept.
  assert.equal(storeGitOut(store.dir, 'cat-file', 'blob', current), `round ${MAX_PACKS} file 0\n`);
});
