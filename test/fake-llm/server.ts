// A scripted fake LLM over real HTTP: each POST plays the next step in the wire format its path names.
//   const llm = await startFakeLLM([{ text: 'Reading.', toolCalls: [{ name: 'read_file', args: { path: 'a' } }] },
//                                   { text: 'Done.' }]);
//   createOpenAI({ baseURL: `${llm.url}/v1`, apiKey: 'k' }) ... ; assert.deepEqual(llm.protocolErrors, []);
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { anthropic } from './anthropic.ts';
import { gemini } from './gemini.ts';
import { openaiChat } from './openai-chat.ts';
import { openaiResponses } from './openai-responses.ts';
import { ToolLedger } from './protocol.ts';
import {
  argsJson,
  DEFAULT_USAGE,
  type Encoder,
  type Format,
  type IssuedCall,
  isObject,
  list,
  type RecordedRequest,
  type ReplayStep,
  type Reply,
  type ReplyStep,
  type Step,
} from './script.ts';

export type { Format, RecordedRequest, ScriptedToolCall, ScriptedUsage, Step } from './script.ts';

export interface FakeLLM {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** Every POST in a known format, in arrival order (live array). */
  requests: RecordedRequest[];
  /** Protocol violations and script exhaustion, in order (live array). A passing run leaves it empty. */
  protocolErrors: string[];
  /** Append steps to the script. */
  push(...steps: Step[]): void;
  /** Stop listening and destroy every open connection, hanging ones included. */
  close(): Promise<void>;
}

const ENCODERS: Record<Format, Encoder> = {
  'openai-chat': openaiChat,
  'openai-responses': openaiResponses,
  anthropic,
  gemini,
};

export const EXHAUSTED = 'fake-llm: script exhausted';
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

/** The wire format a POST path asks for, or undefined (answered 404, no step consumed). */
export function formatOf(path: string): Format | undefined {
  const p = path.split('?')[0] ?? '';
  if (p.endsWith('/chat/completions')) return 'openai-chat';
  if (p.endsWith('/responses')) return 'openai-responses';
  if (p.endsWith('/messages')) return 'anthropic';
  if (p.includes(':streamGenerateContent')) return 'gemini';
  return undefined;
}

/** Listens on 127.0.0.1 (`opts.port`, default random). Never throws from request handling. */
export async function startFakeLLM(steps: Step[], opts: { port?: number } = {}): Promise<FakeLLM> {
  const queue = [...steps];
  const requests: RecordedRequest[] = [];
  const protocolErrors: string[] = [];
  const ledger = new ToolLedger();
  const sockets = new Set<Socket>();
  const timers = new Set<() => void>();
  let callCount = 0; // generated tool call ids
  let seq = 0; // replies, for message ids
  let closed = false;

  /** Resolves after `ms`, or at once when the server closes. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        timers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timers.add(done);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const receivedAt = performance.now();
    const path = req.url ?? '/';
    // OpenAI's model list, as local servers serve it: one model, `fake-model`.
    if (req.method === 'GET' && path.split('?')[0]!.endsWith('/models'))
      return sendJson(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model' }] });
    if (req.method !== 'POST')
      return sendJson(res, 404, { error: { message: `fake-llm: nothing at ${path}` } });
    const format = formatOf(path);
    if (!format) {
      protocolErrors.push(`POST ${path}: no known wire format at this path`);
      return sendJson(res, 404, { error: { message: `fake-llm: unknown path ${path}` } });
    }
    const encoder = ENCODERS[format];
    const rec: RecordedRequest = {
      format,
      path,
      headers: req.headers,
      body: parseJson(raw),
      bytes: raw.length,
      receivedAt,
    };
    requests.push(rec);
    const n = requests.length;
    if (typeof rec.body === 'string') protocolErrors.push(`request #${n}: body is not JSON`);
    if (!encoder.wantsStream(rec.body, path)) protocolErrors.push(`request #${n}: did not ask for a stream`);
    // A request that declares no tools (a compaction summary) is a side request: the previous reply's calls
    // stay pending for the next request that does declare tools.
    const side = !(isObject(rec.body) && list(rec.body.tools).length > 0);
    protocolErrors.push(...ledger.check(n, encoder.toolResults(rec.body), side));

    let step = queue.shift();
    if (step === undefined) {
      protocolErrors.push(`${EXHAUSTED} (request #${n}, POST ${path})`);
      // Retry-After: 0 makes the SDK's retries immediate instead of a 2 s + 4 s backoff.
      return sendJson(res, 500, encoder.error(500, EXHAUSTED), { 'retry-after': '0' });
    }
    for (let depth = 0; typeof step === 'function'; depth++) {
      if (depth > 10) throw new Error('dynamic steps nest deeper than 10');
      step = await step(rec);
    }

    if ('httpError' in step) {
      const headers = step.retryAfter !== undefined ? { 'retry-after': String(step.retryAfter) } : undefined;
      return sendJson(res, step.httpError, encoder.error(step.httpError, step.body ?? 'fake error'), headers);
    }
    if ('hang' in step) {
      res.writeHead(200, SSE_HEADERS);
      res.flushHeaders();
      return; // left open: close() or the client ends it
    }
    if ('replay' in step) {
      ledger.trustAll();
      res.writeHead(200, SSE_HEADERS);
      for (const frame of replayFrames(step, format)) {
        if (closed || res.destroyed) return;
        res.write(frame);
        await new Promise(setImmediate);
      }
      if (step.drop) res.socket?.destroy();
      else res.end();
      return;
    }
    if ('brokenStream' in step) {
      const frames = encoder.stream(reply({ text: 'This stream breaks off here.' }, []), rec);
      res.writeHead(200, SSE_HEADERS);
      res.write(frames.slice(0, Math.max(1, Math.floor(frames.length / 2))).join(''), () =>
        res.socket?.destroy(),
      );
      return;
    }

    if (step.delayMs) await sleep(step.delayMs);
    if (closed || res.destroyed) return;
    const calls: IssuedCall[] = (step.toolCalls ?? []).map((c) => ({
      id: c.id ?? `${encoder.idPrefix}${++callCount}`,
      name: c.name,
      argsJson: argsJson(c.args),
      wireId: encoder.wireIds || c.id !== undefined,
    }));
    const frames = encoder.stream(reply(step, calls), rec);
    res.writeHead(200, SSE_HEADERS);
    for (const [i, frame] of frames.entries()) {
      if (res.destroyed) return;
      // Issued once the client can have seen them all; a side request's reply leaves the pending calls alone.
      if (i === frames.length - 1 && (!side || calls.length > 0)) ledger.issue(calls);
      res.write(frame);
      await new Promise(setImmediate); // separate reads on the client, like a real stream
    }
    res.end();
    rec.answeredAt = performance.now();
  }

  const reply = (step: ReplyStep, calls: IssuedCall[]): Reply => ({
    seq: ++seq,
    text: step.text ?? '',
    toolCalls: calls,
    usage: { ...DEFAULT_USAGE, ...step.usage },
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (req.destroyed && !req.complete) return; // the client went away while sending its request
      protocolErrors.push(`fake-llm internal error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'fake-llm internal error' } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    protocolErrors,
    push: (...more) => {
      queue.push(...more);
    },
    close: async () => {
      closed = true;
      for (const cancel of [...timers]) cancel();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}

/** The SSE frames of a replayed capture (see ReplayStep). */
export function replayFrames(step: ReplayStep, format: Format): string[] {
  let lines = step.replay.split('\n').filter((line) => line.trim() !== '');
  if (step.lines) lines = lines.slice(step.lines[0], step.lines[1]);
  const frames = lines.map((line) => {
    for (const [from, to] of Object.entries(step.rename ?? {}))
      line = line.replaceAll(`"${from}"`, `"${to}"`);
    return `data: ${line}\n\n`;
  });
  if (format === 'openai-chat' && !step.drop) frames.push('data: [DONE]\n\n');
  return frames;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
