// What a sandboxed command leaves that git would run outside the sandbox, which the sandbox cannot
// stop: git repositories made below the project (src/sandbox/nested-repos.ts) and the project's hooks
// where core.hooksPath keeps them among its files (src/sandbox/project-hooks.ts). The run's end names
// them. Through the CLI, bubblewrap and the fake LLM; the payloads `touch` a marker, which must never
// appear (nanocode's own look runs nothing).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Step } from './fake-llm/server.ts';
import { needsBwrap } from './helpers/bwrap.ts';
import { tempProject } from './helpers/cli.ts';
import { scriptedRun } from './helpers/scripted-run.ts';

const cmd = (command: string): Step => ({ toolCalls: [{ name: 'run_cmd', args: { command } }] });
/** What a commit and a clone from a local path need in a fresh environment. */
const ID = '-c user.name=a -c user.email=a@b -c protocol.file.allow=always';
const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args]);

/** The lines of stderr that warn of a repository. */
const warnings = (stderr: string) =>
  stderr.split('\n').filter((line) => line.includes('a command made or changed'));
/** The lines of stderr that warn of the project's hooks. */
const hookWarnings = (stderr: string) => stderr.split('\n').filter((line) => line.includes('hooks git runs'));

test(
  'a git repository a command plants below the project is named at the end with what it would run; a plain git init is not',
  needsBwrap,
  async () => {
    const dir = tempProject();
    const plant = [
      'git init -q sub && git -C sub config core.fsmonitor "touch pwned-fsmonitor"',
      'git init -q plain',
      // A clone with its submodules writes submodule.* keys and, in the submodule's git directory, core.worktree.
      `git init -q lib && git -C lib ${ID} commit -q --allow-empty -m m && git init -q app`,
      `git -C app ${ID} submodule add -q "$PWD/lib" lib && git -C app ${ID} commit -q -m m`,
      `git ${ID} clone -q --recurse-submodules app cloned`,
      "git init -q hooked && printf '#!/bin/sh\\ntouch pwned-hook\\n' > hooked/.git/hooks/post-checkout && chmod +x hooked/.git/hooks/post-checkout",
      // In an ignored directory, deep down: an editor or a user can still run git there.
      "printf 'build/\\n' > .gitignore && git init -q build/deep/x && git -C build/deep/x config diff.external 'touch pwned-diff'",
      // A .git file naming a git directory elsewhere in the project.
      "mkdir wt && git init -q --bare meta/repo.git && git --git-dir=meta/repo.git config core.pager 'touch pwned-pager; cat' && printf 'gitdir: ../meta/repo.git\\n' > wt/.git",
      // A commondir naming a git directory whose config git reads too.
      "git init -q --bare common.git && git --git-dir=common.git config core.editor 'touch pwned-editor' && mkdir -p cd/.git && echo ../../common.git > cd/.git/commondir",
      // An include pulls in anything: named like any key.
      "git init -q inc && printf '[include]\\n\\tpath = ../evil.cfg\\n' >> inc/.git/config",
      'echo planted',
    ].join(' && ');
    for (const args of [['--yes'], ['--yes', '--json']]) {
      const project = args.includes('--json') ? tempProject() : dir;
      const { run, outputs } = await scriptedRun([cmd(plant)], { dir: project, args });
      assert.equal(run.code, 0, run.stderr);
      assert.match(outputs[0]!, /planted/);
      const lines = warnings(run.stderr);
      const expect: [string, string][] = [
        ['sub/.git', 'core.fsmonitor'],
        ['hooked/.git', 'hooks/post-checkout'],
        ['build/deep/x/.git', 'diff.external'],
        ['wt/.git', 'core.pager'],
        ['inc/.git', 'include.path'],
        ['cd/.git', 'core.editor'],
      ];
      for (const [path, reason] of expect) {
        const line = lines.find((l) => l.includes(`made or changed ${path},`));
        assert.ok(line, `${path} is named (${args.join(' ')}):\n${run.stderr}`);
        assert.ok(line.includes(reason), `${path}: ${reason} in ${line}`);
      }
      assert.equal(lines.length, expect.length, run.stderr); // plain/.git is not named
      assert.match(lines[0]!, /outside the sandbox/);
      for (const marker of ['pwned-fsmonitor', 'pwned-hook', 'pwned-diff', 'pwned-pager'])
        for (const where of ['', 'sub', 'hooked', 'build/deep/x', 'wt'])
          assert.ok(!existsSync(join(project, where, marker)), `${where}/${marker} ran`);
    }
  },
);

test(
  'a repository that was in the project before the run is named only when a command changes it',
  needsBwrap,
  async () => {
    const dir = tempProject();
    for (const name of ['theirs', 'touched']) {
      mkdirSync(join(dir, name));
      git(join(dir, name), 'init', '-q');
    }
    git(join(dir, 'theirs'), 'config', 'core.pager', 'less -R'); // the user's own choice, left alone
    // Older than the run by more than the slack the look allows for coarse file times.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { run } = await scriptedRun(
      [cmd("git -C touched config core.sshCommand 'touch pwned'; echo done")],
      {
        dir,
        args: ['--yes'],
      },
    );
    assert.equal(run.code, 0, run.stderr);
    const lines = warnings(run.stderr);
    assert.equal(lines.length, 1, run.stderr);
    assert.match(
      lines[0]!,
      /made or changed touched\/\.git, .*\(core\.sshcommand\) when git runs in touched/,
    );
  },
);

test(
  'a run whose commands make no repository warns of none, nor does one without the sandbox',
  needsBwrap,
  async () => {
    for (const args of [['--yes'], ['--yes', '--sandbox=off']]) {
      const dir = tempProject();
      writeFileSync(join(dir, 'a.txt'), 'a\n');
      const steps = [cmd('cat a.txt; mkdir -p x/y; echo ok > x/y/z')];
      const { run } = await scriptedRun(steps, { dir, args });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(warnings(run.stderr), [], run.stderr);
    }
  },
);

test(
  "hooks a command adds or changes where core.hooksPath keeps them in the project (husky's .husky/_) are named; rewritten as they were, not",
  needsBwrap,
  async () => {
    const dir = tempProject();
    git(dir, 'init', '-q');
    git(dir, 'config', 'core.hooksPath', '.husky/_');
    mkdirSync(join(dir, '.husky', '_'), { recursive: true });
    writeFileSync(join(dir, '.husky', '_', '.gitignore'), '*\n'); // husky's: the directory never shows in git status
    writeFileSync(join(dir, '.husky', '_', 'h'), '#!/bin/sh\n. "$(dirname "$0")/../$(basename "$0")"\n', {
      mode: 0o755,
    });
    writeFileSync(join(dir, '.husky', '_', 'pre-commit'), '#!/bin/sh\n. "$(dirname "$0")/h"\n', {
      mode: 0o755,
    });
    const reinstall = 'for f in .husky/_/*; do cp "$f" /tmp/x && cat /tmp/x > "$f"; done; echo reinstalled';
    const quiet = await scriptedRun([cmd(reinstall)], { dir, args: ['--yes'] });
    assert.equal(quiet.run.code, 0, quiet.run.stderr);
    assert.match(quiet.outputs[0]!, /reinstalled/);
    assert.deepEqual(hookWarnings(quiet.run.stderr), [], quiet.run.stderr);

    const plant =
      "echo 'touch pwned' >> .husky/_/h && printf '#!/bin/sh\\ntouch pwned\\n' > .husky/_/pre-push && chmod +x .husky/_/pre-push && git status --short";
    const { run, outputs } = await scriptedRun([cmd(plant)], { dir, args: ['--yes'] });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(outputs[0]!, /husky/, 'git status does not show the hooks');
    const lines = hookWarnings(run.stderr);
    assert.equal(lines.length, 1, run.stderr);
    assert.match(
      lines[0]!,
      /added or changed \.husky\/_\/h, \.husky\/_\/pre-push: hooks git runs \(core\.hooksPath\)/,
    );
    assert.ok(!existsSync(join(dir, 'pwned')));
  },
);

test('FIFOs where git files should be do not hang the look at the end', {
  ...needsBwrap,
  timeout: 30_000,
}, async () => {
  const dir = tempProject();
  git(dir, 'init', '-q');
  git(dir, 'config', 'core.hooksPath', 'hooks');
  mkdirSync(join(dir, 'hooks'));
  writeFileSync(join(dir, 'hooks', 'pre-commit'), '#!/bin/sh\n', { mode: 0o755 });
  const plant = [
    'mkdir -p fifo/.git/hooks && mkfifo fifo/.git/commondir fifo/.git/config fifo/.git/config.worktree fifo/.git/hooks/pre-push',
    'mkdir fifo2 && mkfifo fifo2/.git',
    'rm hooks/pre-commit && mkfifo hooks/pre-commit hooks/post-checkout',
    'echo planted',
  ].join(' && ');
  const started = Date.now();
  const { run, outputs } = await scriptedRun([cmd(plant)], { dir, args: ['--yes'] });
  assert.equal(run.code, 0, run.stderr);
  assert.match(outputs[0]!, /planted/);
  assert.ok(Date.now() - started < 15_000, 'the run ended promptly');
  assert.match(warnings(run.stderr).join('\n'), /made or changed fifo\/\.git, .*\(hooks\/pre-push\)/);
});
