// The script a fake LLM plays, and the normalized reply every wire encoder renders.

export type Format = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini';

/** A tool call the fake model makes. `args` as a string is sent verbatim (use it for invalid JSON). */
export type ScriptedToolCall = { name: string; args: Record<string, unknown> | string; id?: string };

/**
 * Token counts of one reply. `input` is the total prompt size *including* `cacheRead` and `cacheWrite`:
 * it is what the SDK reports as `usage.inputTokens` for every provider (encoders convert, e.g. Anthropic's
 * `input_tokens` excludes cached tokens on the wire).
 */
export type ScriptedUsage = { input?: number; output?: number; cacheRead?: number; cacheWrite?: number };

export type ReplyStep = {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  usage?: ScriptedUsage;
  /** Wait this long before sending the first byte of the response. */
  delayMs?: number;
};
export type HttpErrorStep = { httpError: number; body?: string; retryAfter?: number /* seconds */ };
/** Send 200 + stream headers, then nothing, until the client disconnects or the server closes. */
export type HangStep = { hang: true };
/** Send the first part of a valid text stream, then destroy the socket. Issues no tool calls. */
export type BrokenStreamStep = { brokenStream: true };

/**
 * Replay a recorded provider stream: each non-empty line of `chunks` (a `*.chunks.txt` capture, one JSON
 * chunk per line) is sent byte for byte as one SSE `data:` frame; OpenAI chat streams end with `data: [DONE]`.
 * `rename` rewrites quoted strings (tool names) onto ours: `{ weather: 'read_file' }` turns `"weather"` into
 * `"read_file"`. `lines` keeps only the lines in [start, end) (one response of a multi-response capture);
 * `drop` destroys the socket after the kept lines instead of ending the response. Replayed tool calls are
 * not tracked by the tool ledger.
 */
export type ReplayStep = {
  replay: string;
  rename?: Record<string, string>;
  lines?: [number, number?];
  drop?: boolean;
};

export type Step =
  | ReplyStep
  | HttpErrorStep
  | HangStep
  | BrokenStreamStep
  | ReplayStep
  /** Decided when the request arrives; a promise holds the reply until it settles. */
  | ((req: RecordedRequest) => Step | Promise<Step>);

export interface RecordedRequest {
  format: Format;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: a recorded JSON body is whatever the client sent
  body: any;
  /** Raw body length in bytes. */
  bytes: number;
  /** performance.now() when the whole body had arrived (before the server parsed it). */
  receivedAt: number;
  /** performance.now() when a scripted reply's last frame was written (absent for other replies). */
  answeredAt?: number;
}

/** A tool call with its id decided. `wireId` is false when the format does not carry the id (Gemini). */
export type IssuedCall = { id: string; name: string; argsJson: string; wireId: boolean };

/** What an encoder renders: one complete model turn. */
export type Reply = {
  /** Unique per server, for message / response ids. */
  seq: number;
  text: string;
  toolCalls: IssuedCall[];
  usage: Required<ScriptedUsage>;
};

export const DEFAULT_USAGE: Required<ScriptedUsage> = { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 };

/** Split into `parts` pieces (fewer for short strings) on code point boundaries; never returns []. */
export function split(s: string, parts: number): string[] {
  const chars = Array.from(s);
  const size = Math.max(1, Math.ceil(chars.length / parts));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length > 0 ? out : [''];
}

export function argsJson(args: ScriptedToolCall['args']): string {
  return typeof args === 'string' ? args : JSON.stringify(args);
}

/** JSON-encoded SSE frame, with an optional `event:` line (Anthropic, Responses). */
export function sse(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

/** A tool result found in a request: the call id it answers (Gemini: the name, and the id if sent). */
export type ToolResultRef = { id?: string; name?: string };

/** One provider's wire format. Pure functions: no I/O. */
export interface Encoder {
  /** Prefix of generated tool call ids, e.g. `call_`. */
  idPrefix: string;
  /** False when tool call ids are not sent on the wire (Gemini matches results by name). */
  wireIds: boolean;
  /** The complete SSE response body of one reply to `req`, frame by frame, ending with the terminal frame. */
  stream(reply: Reply, req: RecordedRequest): string[];
  /** JSON error body in this provider's shape. */
  error(status: number, message: string): unknown;
  /** Every tool result in a request body, in order. Must not throw on odd bodies. */
  toolResults(body: unknown): ToolResultRef[];
  /** Whether the request asked for a stream (each SDK does for streamText). */
  wantsStream(body: unknown, path: string): boolean;
}

/** `x` when it is an array, else []: request bodies are checked without trusting their shape. */
export function list(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

/** The model a request names in its body (`model`), or `fallback`. */
export function modelOf(req: RecordedRequest, fallback = 'fake-model'): string {
  return isObject(req.body) && typeof req.body.model === 'string' ? req.body.model : fallback;
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
