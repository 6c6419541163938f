// File tools that never destroy: atomic writes (a full disk leaves the old file whole and says so),
// only regular files read or written (FIFOs and devices refused without hanging), reads capped
// before reading, edit_file's reply bounded.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { editFile, MAX_EDIT_BYTES } from '../src/tools/edit-file.ts';
import { writeFile } from '../src/tools/write-file.ts';
import { startFakeLLM } from './fake-llm/server.ts';
import { makeCtx } from './fixtures/tool-ctx.ts';
import { cleanEnv, runCli, tempProject } from './helpers/cli.ts';
import { needsMount, withSmallDisk } from './helpers/small-disk.ts';

const ctx = makeCtx();
after(() => ctx.cleanup());

/** Runs the CLI with a model that makes `calls` one turn, then answers. Returns the tool outputs. */
async function runCalls(dir: string, calls: { name: string; args: Record<string, unknown> }[]) {
  const fake = await startFakeLLM([{ toolCalls: calls }, { text: 'done' }]);
  try {
    const env = cleanEnv({
      OPENAI_API_KEY: 'sk-test-key-123456',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_MODEL: 'm',
    });
    const run = await runCli(['--json', '--yes', '--no-checkpoints', 'go'], {
      cwd: dir,
      env,
      timeoutMs: 20_000,
    });
    const outputs = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === 'tool_result')
      .map((e) => String(e.output));
    return { run, outputs };
  } finally {
    await fake.close();
  }
}

test('edit_file /dev/zero and a FIFO are refused at once, read or written; nothing hangs or grows', async () => {
  const dir = tempProject();
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  const { run, outputs } = await runCalls(dir, [
    { name: 'edit_file', args: { path: '/dev/zero', old_text: 'a', new_text: 'b' } },
    { name: 'edit_file', args: { path: 'pipe', old_text: 'a', new_text: 'b' } },
    { name: 'write_file', args: { path: 'pipe', content: 'x' } },
    { name: 'read_file', args: { path: 'pipe' } },
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(outputs[0]!, /\/dev\/zero is a device, not a regular file/);
  assert.match(outputs[1]!, /pipe is a named pipe \(FIFO\), not a regular file/);
  assert.match(outputs[2]!, /cannot write pipe: it is a named pipe \(FIFO\)/);
  assert.match(outputs[3]!, /pipe is not a regular file/);
  assert.ok(statSync(join(dir, 'pipe')).isFIFO(), 'the FIFO is still a FIFO');
});

test('a full disk leaves the old file whole and says "disk full" (a real 1 MB tmpfs)', needsMount, (t) =>
  withSmallDisk(t, async (disk) => {
    writeFileSync(join(disk, 'keep.txt'), 'precious\n', { mode: 0o640 });
    chmodSync(join(disk, 'keep.txt'), 0o640);
    const big = 'x'.repeat(2 * 1024 * 1024);
    const { run, outputs } = await runCalls(disk, [
      { name: 'write_file', args: { path: 'keep.txt', content: big } },
      { name: 'edit_file', args: { path: 'keep.txt', old_text: 'precious', new_text: big } },
    ]);
    assert.equal(run.code, 0, run.stderr);
    for (const out of outputs) assert.match(out, /^Error: cannot write keep\.txt: disk full/);
    assert.equal(readFileSync(join(disk, 'keep.txt'), 'utf8'), 'precious\n');
    assert.equal(statSync(join(disk, 'keep.txt')).mode & 0o777, 0o640);
    assert.deepEqual(
      readdirSync(disk).filter((f) => f.includes('nanocode-')),
      [],
      'no temporary file left behind',
    );
  }),
);

test('writes keep the mode of the file they replace', async () => {
  writeFileSync(join(ctx.cwd, 'run.sh'), 'echo 1\n');
  chmodSync(join(ctx.cwd, 'run.sh'), 0o750);
  writeFileSync(join(ctx.cwd, 'secret.env'), 'A=1\n');
  chmodSync(join(ctx.cwd, 'secret.env'), 0o600);
  await writeFile.execute({ path: 'run.sh', content: 'echo 2\n' }, ctx);
  await editFile.execute({ path: 'secret.env', old_text: 'A=1', new_text: 'A=2' }, ctx);
  assert.equal(readFileSync(join(ctx.cwd, 'run.sh'), 'utf8'), 'echo 2\n');
  assert.equal(statSync(join(ctx.cwd, 'run.sh')).mode & 0o777, 0o750);
  assert.equal(readFileSync(join(ctx.cwd, 'secret.env'), 'utf8'), 'A=2\n');
  assert.equal(statSync(join(ctx.cwd, 'secret.env')).mode & 0o777, 0o600);
});

test('a file over the edit cap is refused before it is read', async () => {
  const huge = join(ctx.cwd, 'huge.log');
  writeFileSync(huge, '');
  truncateSync(huge, MAX_EDIT_BYTES + 1); // sparse: reading it would take 10 MB of memory
  const r = await editFile.execute({ path: 'huge.log', old_text: 'a', new_text: 'b' }, ctx);
  assert.equal(r.isError, true);
  assert.match(r.output, /huge\.log is too big to edit \(10485761 bytes, limit 10485760\); use run_cmd/);
});

test("edit_file's reply stays small when the edited line is huge", async () => {
  const line = `${'a'.repeat(2_000_000)} needle ${'b'.repeat(2_000_000)}`;
  writeFileSync(join(ctx.cwd, 'one-line.txt'), `${line}\n`);
  const r = await editFile.execute({ path: 'one-line.txt', old_text: 'needle', new_text: 'thread' }, ctx);
  assert.equal(r.isError, undefined, r.output);
  assert.ok(r.output.length < 9000, `reply is ${r.output.length} characters`);
  assert.match(r.output, /^Edited one-line\.txt: replaced 1 occurrence\n/);
  assert.match(r.output, /characters cut/);
  assert.ok(readFileSync(join(ctx.cwd, 'one-line.txt'), 'utf8').includes(' thread '));
  const miss = await editFile.execute(
    { path: 'one-line.txt', old_text: `${'a'.repeat(50)} zzz`, new_text: 'x' },
    ctx,
  );
  assert.ok(miss.output.length < 9000, `error reply is ${miss.output.length} characters`);
});
