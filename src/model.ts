// The one seam over the provider SDK: run one streamed model step and report it as our own events.
// Nothing outside this file, src/provider/ and provider-factory.ts imports the SDK.
//
// The request is ours: the history is sent as the provider-level prompt (each message converted once,
// src/provider/prompt.ts) straight to the provider model's `doStream`; retries, tool-call parsing and
// the response messages are ours too (src/provider/). Contract: streamStep never throws; every step
// ends with exactly one `end` or `error` event, which carries the usage of every request it made.
//
// Every way a step can end has an outcome here or in the loop (README, "Exit codes"):
// - an error before or inside the stream: retried when transient (overloaded, rate limit, 5xx,
//   connection failure; Retry-After honoured), `restart` each time, then `error` in the provider's words;
// - a stream that drops or ends without a finish: retried once, then "the connection to the provider
//   dropped mid-answer"; a silent stream (idleTimeoutMs): retried once, then an error;
// - content filter / refusal / blocked prompt: `error` naming it;
// - Gemini's malformed function call: asked again with a note, at most twice, then `error`;
// - `length`: `end` with finishReason `length` (the loop decides); calls cut by it are marked so.

import type { LanguageModelV3, LanguageModelV3FunctionTool, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { ResponseAssembler } from './provider/assemble.ts';
import { describeError, isAbort, isOverflow, isTransient, retryDelayMs } from './provider/errors.ts';
import { buildPrompt } from './provider/prompt.ts';
import { rawUsage } from './provider/raw-usage.ts';
import { callSettings, type ThinkingLevel } from './provider/thinking.ts';
import { StreamDropError } from './provider/transport-errors.ts';
import { createLanguageModel } from './provider-factory.ts';
import type { ModelChoice } from './providers.ts';
import type { ParamSchema } from './tools/types.ts';

export { describeError } from './provider/errors.ts';

/** A history entry. Opaque outside the seam: the loop only stores and forwards them. */
export type HistoryMessage = { role: 'system' | 'user' | 'assistant' | 'tool'; content: unknown };

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
  /** Set when the call cannot run: unknown tool, arguments that are not valid JSON, cut at the output limit. */
  invalid?: string;
}

export interface ToolDeclaration {
  name: string;
  description: string;
  parameters: ParamSchema;
}

export type StepEvent =
  | { type: 'text'; text: string }
  /** The model's thinking, as the provider shows it (a summary for some). */
  | { type: 'reasoning'; text: string }
  | { type: 'tool-call'; call: ToolCall }
  /** `finishReason`: stop, tool-calls, length, other; `rawFinishReason` in the provider's words. */
  | { type: 'end'; finishReason: string; rawFinishReason?: string; usage: Usage; messages: HistoryMessage[] }
  /** `overflow`: the provider said the prompt does not fit the model's context window. */
  /** `refusal`: the provider's content filter or the model itself declined (ACP's `refusal` stop reason). */
  | { type: 'error'; message: string; aborted: boolean; overflow?: boolean; refusal?: boolean; usage?: Usage }
  /** The step starts over (a retry): drop the text and calls received so far. */
  | { type: 'restart'; reason: string };

export interface StepRequest {
  choice: ModelChoice;
  system: string;
  messages: HistoryMessage[];
  tools: ToolDeclaration[];
  signal: AbortSignal;
  /** Stable per session; sent to OpenAI as prompt_cache_key. */
  sessionId?: string;
  /** Retries of transient errors (default 2). */
  maxRetries?: number;
  /** Abort and retry once when the stream sends nothing for this long; 0 or absent: wait forever. */
  idleTimeoutMs?: number;
  /** Reasoning effort; absent: the provider's default. Defaults to `choice.thinking`. */
  thinking?: ThinkingLevel;
}

export const DROPPED = 'the connection to the provider dropped mid-answer';
const MALFORMED_RETRIES = 2;
const MALFORMED_NOTE =
  'Your last function call was malformed and could not be parsed. Call the tool again with valid arguments: ' +
  'one JSON object matching its schema; for large content, write it in smaller pieces.';

export const userMessage = (text: string): HistoryMessage => ({ role: 'user', content: text });

export type ToolImage = { data: string; mediaType: string };

/** Providers whose tool results may carry images (the others would get them as JSON text). */
export const takesToolImages = (provider: ModelChoice['provider']): boolean =>
  provider === 'anthropic' || provider === 'google' || provider === 'openai';

export function toolResultsMessage(
  results: { id: string; name: string; output: string; images?: ToolImage[] }[],
): HistoryMessage {
  const output = (r: (typeof results)[number]) =>
    r.images?.length
      ? {
          type: 'content',
          value: [
            { type: 'text', text: r.output },
            ...r.images.map((i) => ({ type: 'image-data', data: i.data, mediaType: i.mediaType })),
          ],
        }
      : { type: 'text', value: r.output };
  return {
    role: 'tool',
    content: results.map((r) => ({
      type: 'tool-result',
      toolCallId: r.id,
      toolName: r.name,
      output: output(r),
    })),
  };
}

export const emptyUsage = (): Usage => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

/** Adds `add` into `total`. */
export function addUsage(total: Usage, add: Usage): void {
  total.input += add.input;
  total.output += add.output;
  total.cacheRead += add.cacheRead;
  total.cacheWrite += add.cacheWrite;
}

/** How one attempt (one HTTP request) ended. */
type Attempt =
  | { kind: 'finished'; response: ResponseAssembler }
  | { kind: 'failed'; error: unknown }
  | { kind: 'dropped' }
  | { kind: 'silent' }
  | { kind: 'aborted' };

/** One model step: as many requests as its retries take, reported as one. */
export async function* streamStep(req: StepRequest): AsyncGenerator<StepEvent> {
  const usage = emptyUsage();
  const maxRetries = req.maxRetries ?? 2;
  const tried = { transient: 0, dropped: 0, silent: 0, malformed: 0 };
  let note: string | undefined;
  const fail = (
    message: string,
    extra: { overflow?: boolean; aborted?: boolean; refusal?: boolean } = {},
  ): StepEvent => ({
    type: 'error',
    message,
    aborted: extra.aborted ?? false,
    overflow: extra.overflow,
    ...(extra.refusal && { refusal: true }),
    usage,
  });

  for (;;) {
    const attempt = yield* attemptStep(req, note, usage);
    note = undefined;
    let retry: string | undefined;
    let waitMs = 0;
    if (attempt.kind === 'aborted') {
      yield fail('interrupted', { aborted: true });
      return;
    }
    if (attempt.kind === 'silent') {
      const seconds = Math.round((req.idleTimeoutMs ?? 0) / 1000);
      if (tried.silent++ >= 1) {
        yield fail(`the model stream sent nothing for ${seconds} s, twice`);
        return;
      }
      retry = `the model stream sent nothing for ${seconds} s; retrying once`;
    } else if (attempt.kind === 'dropped' || droppedFinish(attempt)) {
      if (tried.dropped++ >= 1) {
        yield fail(DROPPED);
        return;
      }
      retry = `${DROPPED}; retrying once`;
    } else if (attempt.kind === 'failed') {
      const message = describeError(attempt.error);
      if (!isTransient(attempt.error) || tried.transient >= maxRetries) {
        yield fail(message, { overflow: isOverflow(attempt.error) });
        return;
      }
      tried.transient++;
      waitMs = retryDelayMs(attempt.error, tried.transient);
      retry = `${message}; retrying in ${formatWait(waitMs)} (${tried.transient} of ${maxRetries})`;
    } else {
      const { response } = attempt;
      const finish = response.finish!;
      if (finish.unified === 'content-filter') {
        yield fail(contentFilterMessage(finish.raw, response.finishMetadata), { refusal: true });
        return;
      }
      if (finish.raw === 'MALFORMED_FUNCTION_CALL') {
        if (tried.malformed >= MALFORMED_RETRIES) {
          yield fail(
            `the model sent a malformed function call ${MALFORMED_RETRIES + 1} times (MALFORMED_FUNCTION_CALL)`,
          );
          return;
        }
        tried.malformed++;
        note = MALFORMED_NOTE;
        retry = `the model sent a malformed function call; asking again (${tried.malformed} of ${MALFORMED_RETRIES})`;
      } else if (finish.unified === 'error') {
        yield fail(`the provider ended the answer with an error (${finish.raw ?? 'no reason given'})`);
        return;
      } else if (finish.unified === 'other' && response.messages().length === 0) {
        yield fail(`the model stopped without an answer (${finish.raw})`);
        return;
      } else {
        if (finish.unified === 'length') response.markCut();
        yield {
          type: 'end',
          finishReason: finish.unified,
          rawFinishReason: finish.raw,
          usage,
          messages: response.messages(),
        };
        return;
      }
    }
    yield { type: 'restart', reason: retry };
    if (waitMs > 0 && !(await sleep(waitMs, req.signal))) {
      yield fail('interrupted', { aborted: true });
      return;
    }
  }
}

/** The SDK reports a stream that ended before its finish event as `other` with no provider reason. */
function droppedFinish(attempt: Attempt): boolean {
  if (attempt.kind !== 'finished') return false;
  const { finish } = attempt.response;
  return finish!.unified === 'other' && finish!.raw === undefined;
}

/**
 * One request. Streams text, reasoning and tool calls as they come; adds the request's usage into
 * `usage` (from the finish event, or from the raw chunks when the stream failed before it).
 */
async function* attemptStep(
  req: StepRequest,
  note: string | undefined,
  usage: Usage,
): AsyncGenerator<StepEvent, Attempt> {
  const idleMs = req.idleTimeoutMs ?? 0;
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const activity = () => {
    clearTimeout(timer);
    if (idleMs > 0) timer = setTimeout(() => idle.abort(), idleMs);
  };
  const signal = idleMs > 0 ? AbortSignal.any([req.signal, idle.signal]) : req.signal;
  const ended = (error?: unknown): Attempt => {
    if (req.signal.aborted) return { kind: 'aborted' };
    if (idle.signal.aborted) return { kind: 'silent' };
    return error === undefined ? { kind: 'dropped' } : { kind: 'failed', error };
  };
  const response = new ResponseAssembler(new Set(req.tools.map((t) => t.name)));
  let billed: Usage | undefined;
  try {
    // The silence clock starts with the request, not with loading the provider module.
    const model = await languageModel(req.choice);
    activity();
    const settings = callSettings(req.choice, req.thinking ?? req.choice.thinking, req.sessionId);
    const prompt: LanguageModelV3Prompt = buildPrompt(
      req.system,
      req.messages,
      req.choice.provider === 'anthropic',
    );
    if (note) prompt.push({ role: 'user', content: [{ type: 'text', text: note }] });
    const { stream } = await model.doStream({
      prompt,
      tools: functionTools(req.tools),
      toolChoice: { type: 'auto' },
      maxOutputTokens: settings.maxOutputTokens,
      providerOptions: settings.providerOptions,
      abortSignal: signal,
      includeRawChunks: true,
    });
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value: part } = await reader.read();
        if (done) break;
        activity();
        if (part.type === 'raw') {
          billed = rawUsage(part.rawValue, billed);
          continue;
        }
        const delivered = response.add(part);
        if (delivered) yield delivered;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  } catch (error) {
    if (response.usage) addUsage(usage, response.usage);
    else if (billed) addUsage(usage, billed);
    return isAbort(error) || signal.aborted ? ended() : ended(isNetworkDrop(error) ? undefined : error);
  } finally {
    clearTimeout(timer);
  }
  if (response.usage) addUsage(usage, response.usage);
  else if (billed) addUsage(usage, billed);
  if (signal.aborted) return ended();
  if (response.error !== undefined)
    return isNetworkDrop(response.error) ? ended() : { kind: 'failed', error: response.error };
  if (!response.finish) return { kind: 'dropped' };
  return { kind: 'finished', response };
}

/** The body stream broke off (socket closed, reset): the answer was cut, not refused. */
function isNetworkDrop(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Our transport says so plainly; the SDK may wrap it ("Failed to process successful response").
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++)
    if (e instanceof StreamDropError) return true;
  const text = `${error.name} ${error.message} ${String((error as { cause?: unknown }).cause ?? '')}`;
  return /terminated|ECONNRESET|socket hang up|other side closed|UND_ERR_SOCKET|premature close/i.test(text);
}

function contentFilterMessage(raw: string | undefined, metadata: unknown): string {
  const details = (metadata as { anthropic?: { stopDetails?: { explanation?: string } } } | undefined)
    ?.anthropic?.stopDetails?.explanation;
  const reason = raw ?? 'content filter';
  const what =
    raw === 'refusal' ? 'the model refused to answer' : `the provider blocked the answer (${reason})`;
  return details ? `${what}: ${details.replace(/\s+/g, ' ').trim()}` : what;
}

const models = new WeakMap<ModelChoice, Promise<LanguageModelV3>>();

/**
 * Starts importing the choice's provider module and building its model, so the first request does not
 * wait for it; set-up (sandbox probe, git, MCP) goes on meanwhile. Loading the provider holds this
 * thread ~40 ms: it starts once what set-up already queued has run, so the processes that set-up
 * starts (the system prompt's git) run on another core meanwhile instead of after it. A failure is not
 * reported here: the first request meets it again and says so.
 */
export function preloadModel(choice: ModelChoice): void {
  setImmediate(() => languageModel(choice).catch(() => {}));
}

/** One provider model per choice: the module is imported and the model built once. */
function languageModel(choice: ModelChoice): Promise<LanguageModelV3> {
  let model = models.get(choice);
  if (!model) {
    model = createLanguageModel(choice) as Promise<LanguageModelV3>;
    model.catch(() => models.delete(choice));
    models.set(choice, model);
  }
  return model;
}

const declared = new WeakMap<ToolDeclaration[], LanguageModelV3FunctionTool[]>();

/** Tools as function declarations; the loop runs them itself. Converted once per declaration list. */
function functionTools(tools: ToolDeclaration[]): LanguageModelV3FunctionTool[] {
  let out = declared.get(tools);
  if (!out) {
    out = tools.map((t) => ({
      type: 'function',
      name: t.name,
      description: t.description,
      inputSchema: t.parameters as LanguageModelV3FunctionTool['inputSchema'],
    }));
    declared.set(tools, out);
  }
  return out;
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** Resolves true after `ms`, false at once if `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', aborted);
      resolve(true);
    };
    const aborted = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', aborted, { once: true });
  });
}
