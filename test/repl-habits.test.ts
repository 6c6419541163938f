// The REPL as a person types in it (tmux): a paste is one prompt sent only on Enter and cleared by
// Ctrl-U / Ctrl-C; text typed during a turn becomes the next draft; a spinner while a command runs
// with its last output line; "always" at an approval; /cost after a resume and after /compact;
// arrow-up returns a `\`-continued prompt whole; one exit line saying how to resume.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type RecordedRequest, type Step, startFakeLLM } from './fake-llm/server.ts';
import { hasBwrap } from './helpers/bwrap.ts';
import { runCli, tempProject } from './helpers/cli.ts';
import { hasTmux, Terminal, terminalEnv } from './helpers/tmux.ts';

const skip = !hasTmux && 'tmux is not installed';

/** The text of the last user message a request carried. */
function lastUserText(r: RecordedRequest): string {
  const users = (r.body.messages as { role: string; content: unknown }[]).filter((m) => m.role === 'user');
  const content = users.at(-1)!.content;
  return typeof content === 'string' ? content : JSON.stringify(content);
}

async function withRepl(
  steps: Step[],
  body: (ctx: {
    term: Terminal;
    fake: Awaited<ReturnType<typeof startFakeLLM>>;
    dir: string;
  }) => Promise<void>,
  opts: { color?: boolean; args?: string[]; dir?: string; env?: Record<string, string> } = {},
) {
  const fake = await startFakeLLM(steps);
  const dir = opts.dir ?? tempProject();
  const env = opts.env ?? terminalEnv(fakeEnv(fake.url), { color: opts.color });
  const term = new Terminal(dir, env, opts.args);
  try {
    await term.waitFor(/›/);
    await body({ term, fake, dir });
  } finally {
    term.close();
    await fake.close();
  }
}

const fakeEnv = (url: string) => ({
  OPENAI_API_KEY: 'sk-test',
  OPENAI_BASE_URL: `${url}/v1`,
  OPENAI_MODEL: 'm',
});

test(
  'a paste of three lines is one prompt: nothing sent before Enter, Ctrl-U and Ctrl-C clear it, /exit then leaves',
  {
    skip,
    timeout: 60_000,
  },
  () =>
    withRepl([{ text: 'got all three' }], async ({ term, fake }) => {
      term.paste('alpha one\nalpha two\nalpha three');
      await term.waitFor(/› \[paste #1 · 3 lines\]$/m);
      term.type(' and more');
      await term.waitFor(/\[paste #1 · 3 lines\] and more/);
      assert.equal(fake.requests.length, 0, 'nothing sent before Enter');
      term.press('C-u');
      await term.waitFor(/›\s*$/);
      term.paste('beta one\nbeta two');
      await term.waitFor(/\[paste #2 · 2 lines\]/);
      term.press('C-c');
      await term.waitFor(/\^C\n›\s*$/);
      term.paste('gamma one\ngamma two\ngamma three');
      await term.waitFor(/\[paste #3 · 3 lines\]/);
      term.press('Enter');
      await term.waitFor(/got all three/);
      assert.equal(fake.requests.length, 1);
      assert.equal(lastUserText(fake.requests[0]!), 'gamma one\ngamma two\ngamma three');
      await term.waitFor(/got all three[\s\S]*›/);
      term.type('/exit');
      term.press('Enter');
      assert.equal(await term.waitForExit(), 0);
      assert.equal(fake.requests.length, 1, '/exit was not sent to the model');
    }),
);

test(
  'text typed while a turn runs is not drawn over it and becomes the next prompt',
  {
    skip,
    timeout: 60_000,
  },
  () =>
    withRepl(
      [
        { toolCalls: [{ name: 'run_cmd', args: { command: 'sleep 2; echo slept' } }] },
        { text: 'first done' },
        { text: 'second done' },
      ],
      async ({ term, fake }) => {
        term.type('go slow');
        term.press('Enter');
        await term.waitFor(/\$ sleep 2/);
        term.type('next task');
        let screen = await term.waitFor(/first done[\s\S]*› next task/);
        assert.equal(screen.match(/next task/g)!.length, 1, `drawn once, at the prompt:\n${screen}`);
        assert.equal(fake.requests.length, 2, 'not sent by itself');
        term.press('Enter');
        screen = await term.waitFor(/second done/);
        assert.equal(lastUserText(fake.requests[2]!), 'next task');
      },
    ),
);

test(
  'a running command shows a spinner with the elapsed time and its last output line',
  {
    skip,
    timeout: 60_000,
  },
  () =>
    withRepl(
      [
        {
          toolCalls: [
            { name: 'run_cmd', args: { command: 'for i in 1 2 3 4 5 6; do echo step-$i; sleep 0.5; done' } },
          ],
        },
        { text: 'loop done' },
      ],
      async ({ term }) => {
        term.type('loop');
        term.press('Enter');
        await term.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \d+\.\d s running · step-[2-5]/);
        const screen = await term.waitFor(/loop done/);
        assert.doesNotMatch(screen, /running · step/, 'the spinner is erased');
      },
      { color: true },
    ),
);

test('"always" approves that command prefix for the rest of the session, and the log says so', {
  skip,
  timeout: 60_000,
}, async () => {
  const dir = tempProject();
  for (const f of ['a.txt', 'b.txt']) writeFileSync(join(dir, f), 'x');
  await withRepl(
    [
      { toolCalls: [{ name: 'run_cmd', args: { command: 'rm a.txt' } }] },
      { text: 'removed a' },
      { toolCalls: [{ name: 'run_cmd', args: { command: 'rm b.txt' } }] },
      { text: 'removed b' },
    ],
    async ({ term }) => {
      term.type('remove a');
      term.press('Enter');
      await term.waitFor(/\[a\]lways "rm" in this session/);
      term.type('a');
      term.press('Enter');
      await term.waitFor(/removed a[\s\S]*›/);
      term.type('remove b');
      term.press('Enter');
      const screen = await term.waitFor(/removed b/);
      assert.equal(screen.match(/wants to run/g)!.length, 1, 'asked once');
      assert.ok(!existsSync(join(dir, 'b.txt')));
      const log = readFileSync(join(dir, '.nanocode.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.ok(log.some((e) => e.event === 'approval' && e.answer === 'always' && e.always === 'rm'));
    },
    { dir },
  );
});

test('/cost after -c counts the resumed session; /compact prints one line and its request counts', {
  skip,
  timeout: 90_000,
}, async () => {
  const fake = await startFakeLLM([
    { text: 'first', usage: { input: 1000, output: 100 } },
    { text: 'second', usage: { input: 2000, output: 200 } },
    { text: 'Goal: x\nWhat was done: y', usage: { input: 500, output: 50 } },
  ]);
  const dir = tempProject();
  const env = terminalEnv({ ...fakeEnv(fake.url), XDG_STATE_HOME: tempProject('nanocode-state-') });
  const first = await runCli(['the first task'], { cwd: dir, env });
  assert.equal(first.code, 0, first.stderr);
  const term = new Terminal(dir, env, ['-c']);
  try {
    await term.waitFor(/›/);
    term.type('/cost');
    term.press('Enter');
    await term.waitFor(/1 prompts · 1 turns · tokens in 1000 out 100/);
    term.type('the second task');
    term.press('Enter');
    await term.waitFor(/second[\s\S]*›/);
    term.type('/compact');
    term.press('Enter');
    const screen = await term.waitFor(/compacted the history[^\n]*\n›/);
    assert.equal(screen.match(/compacted/g)!.length, 1, 'one line');
    term.type('/cost');
    term.press('Enter');
    await term.waitFor(/2 prompts · 2 turns · tokens in 3500 out 350/);
    term.type('/exit');
    term.press('Enter');
    const end = await term.waitFor(/\[nanocode exited 0\]/);
    assert.match(end, /session [0-9a-f]{8} · 2 prompts · 2 turns · .* · resume with: nanocode -c/);
  } finally {
    term.close();
    await fake.close();
  }
});

test('arrow-up returns a \\-continued prompt whole', { skip, timeout: 60_000 }, () =>
  withRepl([{ text: 'one' }, { text: 'two' }], async ({ term, fake }) => {
    term.type('line one\\');
    term.press('Enter');
    term.type('line two');
    term.press('Enter');
    await term.waitFor(/one\n[\s\S]*›/);
    term.press('Up');
    await term.waitFor(/› \[paste #1 · 2 lines\]$/m);
    term.press('Enter');
    await term.waitFor(/^two$/m);
    assert.equal(lastUserText(fake.requests[1]!), 'line one\nline two');
  }),
);

test('an image path pasted into the REPL reaches the model as an image part', {
  skip,
  timeout: 60_000,
}, async () => {
  const dir = tempProject();
  const png =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  writeFileSync(join(dir, 'Screen Shot.png'), Buffer.from(png, 'base64'));
  await withRepl(
    [{ text: 'a dot' }],
    async ({ term, fake }) => {
      term.paste(`'${join(dir, 'Screen Shot.png')}'`);
      term.type(' what is this?');
      term.press('Enter');
      await term.waitFor(/a dot/);
      assert.match(JSON.stringify(fake.requests[0]!.body), /data:image\/png;base64,iVBORw0KGgo/);
    },
    { dir },
  );
});

test('/undo restores the files to before the last prompt, and /undo again takes that back; the sandbox placeholders are left alone', {
  skip,
  timeout: 60_000,
}, () => {
  const dir = tempProject();
  writeFileSync(join(dir, 'notes.txt'), 'original\n');
  const write: Step = {
    toolCalls: [{ name: 'write_file', args: { path: 'notes.txt', content: 'changed\n' } }],
  };
  const look: Step = { toolCalls: [{ name: 'run_cmd', args: { command: 'cat notes.txt' } }] };
  return withRepl(
    [look, write, { text: 'rewrote the notes' }],
    async ({ term }) => {
      term.type('rewrite the notes');
      term.press('Enter');
      await term.waitFor(/rewrote the notes[\s\S]*›/);
      assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'changed\n');
      // The REPL's sandbox (its command shell lives on) holds .env as an empty placeholder: mounts of the
      // sandbox sit on it, and an undo that removed it would unmount them under a running command.
      if (hasBwrap) assert.equal(existsSync(join(dir, '.env')), true);
      term.type('/undo');
      term.press('Enter');
      await term.waitFor(/\/undo\nrestored .* 1 file written, 0 removed[\s\S]*›\s*$/);
      assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'original\n');
      if (hasBwrap) assert.equal(existsSync(join(dir, '.env')), true);
      term.type('/undo');
      term.press('Enter');
      await term.waitFor(/(\/undo\nrestored [^\n]*\n[\s\S]*){2}›\s*$/);
      assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'changed\n');
    },
    { dir },
  );
});

test('a git repository a command plants is named right after the prompt, before the user runs git', {
  skip: (skip || (!hasBwrap && 'bubblewrap is not usable here')) as string | false,
  timeout: 60_000,
}, () => {
  const plant: Step = {
    toolCalls: [
      { name: 'run_cmd', args: { command: 'git init -q lib && git -C lib config core.pager "touch pwned"' } },
    ],
  };
  return withRepl(
    [plant, { text: 'set up lib' }],
    async ({ term }) => {
      term.type('set up lib');
      term.press('Enter');
      await term.waitFor(/set up lib[\s\S]*made or changed lib\/\.git[\s\S]*\(core\.pager\)[\s\S]*›\s*$/);
    },
    { args: ['--yes'] },
  );
});
