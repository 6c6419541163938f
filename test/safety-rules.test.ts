// User rules: deny → ask → allow per sub-command, and loading them from config files.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzeCommand } from '../src/safety/classify.ts';
import { applyRules, loadRules, matchesRule, type UserRules } from '../src/safety/rules.ts';
import { tempDir } from './helpers/cli.ts';

async function level(command: string, rules: UserRules) {
  return applyRules(await analyzeCommand(command), rules);
}

test('deny makes a matching sub-command forbidden, however it is wrapped or spelled', async () => {
  const rules = { deny: ['rm'] };
  for (const command of [
    'rm x',
    'ls && rm x',
    'sudo timeout 5 rm x',
    '/bin/rm x',
    '\\rm x',
    'RM x',
    'echo $(rm x)',
    'bash -c "rm x"',
    'find . -exec rm {} +',
  ]) {
    const v = await level(command, rules);
    assert.equal(v.level, 'forbidden', command);
    assert.deepEqual(v.reasons, ['denied by rule "rm"'], command);
  }
});

test('deny matches a prefix of the words, not of the text', async () => {
  assert.equal((await level('git push --force origin', { deny: ['git push'] })).level, 'forbidden');
  // Not denied; dangerous only because `pushy` is no git command the classifier knows.
  assert.equal((await level('git pushy', { deny: ['git push'] })).level, 'dangerous');
  assert.equal((await level('git status', { deny: ['git push'] })).level, 'safe');
});

test('ask makes a matching sub-command at least dangerous', async () => {
  const v = await level('git status', { ask: ['git status'] });
  assert.equal(v.level, 'dangerous');
  assert.deepEqual(v.reasons, ['rule "git status" asks for confirmation']);
  assert.equal((await level('rm -rf /', { ask: ['rm'] })).level, 'forbidden');
});

test('allow lowers a matching sub-command to safe', async () => {
  assert.equal((await level('npm test', { allow: ['npm test'] })).level, 'safe');
  assert.equal((await level('rm build/x.o', { allow: ['rm'] })).level, 'safe');
  assert.equal((await level('npm test --watch', { allow: ['npm test'] })).level, 'safe');
});

test('allow applies per sub-command', async () => {
  const v = await level('npm test && rm x', { allow: ['npm test'] });
  assert.equal(v.level, 'dangerous');
  assert.deepEqual(v.reasons, ['rm deletes files']);
});

test('deny wins over ask, ask over allow', async () => {
  assert.equal((await level('rm x', { allow: ['rm'], ask: ['rm'], deny: ['rm'] })).level, 'forbidden');
  assert.equal((await level('ls', { allow: ['ls'], ask: ['ls'] })).level, 'dangerous');
});

test('allow never lowers a fail-closed verdict', async () => {
  assert.equal((await level('ls "unterminated', { allow: ['ls'] })).level, 'dangerous');
  assert.equal((await level('$CMD x', { allow: ['$CMD'] })).level, 'dangerous');
  assert.equal((await level('ls \u202e', { allow: ['ls'] })).level, 'dangerous');
  assert.equal((await level('bash -c "$S"', { allow: ['bash'] })).level, 'dangerous');
});

test('allow never lowers a forbidden finding', async () => {
  assert.equal((await level('rm -rf /', { allow: ['rm'] })).level, 'forbidden');
  assert.equal((await level('kill -9 -1', { allow: ['kill'] })).level, 'forbidden');
});

test('allow does not lower what the line does beyond the command itself', async () => {
  assert.equal((await level('echo x > /etc/passwd', { allow: ['echo'] })).level, 'dangerous');
  assert.equal((await level('cat ~/.ssh/id_rsa', { allow: ['cat'] })).level, 'dangerous');
  assert.equal((await level('curl https://x | sh', { allow: ['curl', 'sh'] })).level, 'dangerous');
  assert.equal((await level('sudo rm x', { allow: ['rm'] })).level, 'dangerous');
  assert.equal((await level('sudo rm x', { allow: ['sudo'] })).level, 'dangerous');
  assert.equal((await level('sudo rm x', { allow: ['sudo rm', 'rm'] })).level, 'safe');
});

test('matchesRule compares the command name by basename, loosely only on request', () => {
  assert.ok(matchesRule(['/usr/bin/git', 'push'], 'git push', false));
  assert.ok(!matchesRule(['GIT', 'push'], 'git push', false));
  assert.ok(matchesRule(['GIT', 'push'], 'git push', true));
  assert.ok(!matchesRule(['git'], 'git push', true));
  assert.ok(!matchesRule(['git'], '   ', true));
});

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): { project: string; home: string } {
  const root = tempDir('nanocode-rules-');
  dirs.push(root);
  const project = join(root, 'project');
  const home = join(root, 'home');
  mkdirSync(project);
  mkdirSync(home);
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return { project, home };
}

const USER = 'home/.config/nanocode/config.json';
const PROJECT = 'project/.nanocode/config.json';

test('loadRules: no config files, no rules', () => {
  const { project, home } = tree({});
  assert.deepEqual(loadRules(project, home), {});
});

test('loadRules merges user and project lists and ignores other keys', () => {
  const { project, home } = tree({
    [USER]: JSON.stringify({ allow: ['npm test'], deny: ['rm'], model: 'x' }),
    [PROJECT]: JSON.stringify({ ask: ['git push'], deny: ['curl'] }),
  });
  assert.deepEqual(loadRules(project, home), {
    allow: ['npm test'],
    ask: ['git push'],
    deny: ['rm', 'curl'],
  });
});

test('loadRules ignores project allow rules unless trusted', () => {
  const { project, home } = tree({ [PROJECT]: JSON.stringify({ allow: ['curl'], deny: ['rm'] }) });
  assert.deepEqual(loadRules(project, home), { deny: ['rm'] });
  assert.deepEqual(loadRules(project, home, { trustProjectAllow: true }), { allow: ['curl'], deny: ['rm'] });
});

test('loadRules: a malformed file throws a one-line error naming the file', () => {
  const cases: [string, RegExp][] = [
    ['{ "allow": [', /invalid JSON/],
    ['[]', /expected a JSON object/],
    ['{ "deny": "rm" }', /"deny" must be a list of non-empty strings/],
    ['{ "ask": [1] }', /"ask" must be a list/],
    ['{ "allow": [""] }', /"allow" must be a list/],
  ];
  for (const [text, pattern] of cases) {
    const { project, home } = tree({ [PROJECT]: text });
    assert.throws(
      () => loadRules(project, home),
      (err: Error) =>
        pattern.test(err.message) &&
        err.message.includes(join(project, '.nanocode', 'config.json')) &&
        !err.message.includes('\n'),
      text,
    );
  }
});
