// read_file on an image, through the built CLI and the fake LLM: the image reaches the model as an
// image in the tool result on each provider that takes images there (OpenAI Responses, Anthropic,
// Gemini), with the media type its bytes say; an OpenAI-compatible server (tool results are text
// only) and an oversized image get an error that says why, never base64 as text.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type RecordedRequest, startFakeLLM } from './fake-llm/server.ts';
import { cleanEnv, runCli, tempProject } from './helpers/cli.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PNG_BASE64 = PNG.toString('base64');

const PROVIDERS: { name: RecordedRequest['format']; env: (url: string) => Record<string, string> }[] = [
  {
    name: 'openai-responses',
    env: (url) => ({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${url}/v1`,
      NANOCODE_OPENAI_API: 'responses',
    }),
  },
  { name: 'anthropic', env: (url) => ({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: url }) },
  { name: 'gemini', env: (url) => ({ GEMINI_API_KEY: 'gem-test', GOOGLE_GEMINI_BASE_URL: url }) },
];

/** Reads `file` with read_file, then ends; returns the second request (the one carrying the result). */
async function readImage(file: string, bytes: Buffer, env: (url: string) => Record<string, string>) {
  const dir = tempProject();
  writeFileSync(join(dir, file), bytes);
  const fake = await startFakeLLM([
    { toolCalls: [{ name: 'read_file', args: { path: file } }] },
    { text: 'A single pixel.' },
  ]);
  try {
    const run = await runCli(['what is in the picture?'], { cwd: dir, env: cleanEnv(env(fake.url)) });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fake.requests.length, 2);
    assert.deepEqual(fake.protocolErrors, []);
    return JSON.stringify(fake.requests[1]!.body);
  } finally {
    await fake.close();
  }
}

for (const provider of PROVIDERS) {
  test(`read_file on an image sends it as an image over ${provider.name}`, async () => {
    // Named .jpg, but the bytes are a PNG: the media type sent is the bytes'.
    const body = await readImage('shot.jpg', PNG, provider.env);
    assert.ok(body.includes(PNG_BASE64), 'the image data is in the request');
    assert.match(body, /image\/png/);
    assert.doesNotMatch(body, /image\/jpeg/);
    assert.match(body, /shot\.jpg is a PNG image \(\d+ B\), attached/);
  });
}

test('read_file on an image, for an OpenAI-compatible server, says it cannot be shown', async () => {
  const body = await readImage('shot.png', PNG, (url) => ({
    OPENAI_API_KEY: 'k',
    OPENAI_BASE_URL: `${url}/v1`,
    OPENAI_MODEL: 'local-model',
  }));
  assert.match(body, /shot\.png is a PNG image \(\d+ B\); this model cannot be shown images/);
  assert.ok(!body.includes(PNG_BASE64), 'no base64 as text');
  assert.doesNotMatch(body, /binary file/);
});

test('read_file on an image above 5 MB says so, and sends nothing of it', async () => {
  const big = Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]);
  const body = await readImage('huge.png', big, PROVIDERS[1]!.env);
  assert.match(body, /huge\.png is a PNG image \(6\.0 MB\), larger than the 5 MB a model takes/);
  assert.ok(body.length < 100_000, `request is ${body.length} bytes`);
});

test('a file named .png that is not an image is read as what it is', async () => {
  const body = await readImage('notes.png', Buffer.from('just text\n'), PROVIDERS[1]!.env);
  assert.match(body, /1\\tjust text/);
  assert.doesNotMatch(body, /"type":"image"/);
});
