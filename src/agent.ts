// The agent loop: step the model, run the tools it calls, feed back the
// results, repeat until the model answers without tool calls or a limit stops it.
//
// Contract:
// - runAgent never throws; it always resolves with a RunResult whose status
//   says why it ended (`done`, `error`, `limit`, `interrupted`).
// - Every tool call the model made gets exactly one result in the history,
//   even when the run is interrupted mid-way, so the history can be resumed.
// - It reports progress only through `emit`; sinks (terminal, JSON, log, session) subscribe.
//   Every message appended to the history is a `message` event, a compaction a `compaction` event.
// - Caps (turns, cost, wall time): whichever is reached first ends the run with status `limit`.
//   The cost cap is checked before each request, so a run can pass it by at most one request.
// - With a context manager, the history is offered to it before each request (it may compact it),
//   and a request refused for context overflow is retried once with the history it shrank.

import { takesImages } from './attachments.ts';
import { formatDuration } from './caps.ts';
import type { CheckpointInfo } from './checkpoints/run.ts';
import type { Compaction, ContextManager } from './context/types.ts';
import {
  addUsage,
  emptyUsage,
  type HistoryMessage,
  type StepEvent,
  type StepRequest,
  streamStep,
  type ToolCall,
  takesToolImages,
  toolResultsMessage,
  type Usage,
  userMessage,
} from './model.ts';
import { formatUsd } from './pricing.ts';
import { OutputLimit } from './provider/output-limit.ts';
import type { ModelChoice } from './providers.ts';
import { observeGate } from './safety/gate.ts';
import { runTool, toolDeclarations } from './tools/index.ts';
import type { GateDecision, ToolContext, ToolResult } from './tools/types.ts';

export type RunStatus = 'done' | 'error' | 'limit' | 'interrupted';

export type AgentEvent =
  | { type: 'turn'; turn: number }
  | { type: 'text'; text: string }
  /** The model's thinking as the provider shows it. */
  | { type: 'reasoning'; text: string }
  | { type: 'tool-call'; call: ToolCall }
  /** The approval gate decided on a call, before the tool acts (only for tools that ask it). */
  | { type: 'tool-approval'; call: ToolCall; decision: GateDecision }
  | { type: 'tool-result'; call: ToolCall; result: ToolResult; durationMs: number }
  | { type: 'usage'; usage: Usage; total: Usage }
  | { type: 'error'; message: string }
  /** Something the user should know that does not end the run (e.g. a retried silent stream). */
  | { type: 'notice'; message: string }
  /** A message was appended to the history (the task, the model's messages, tool results). */
  | { type: 'message'; message: HistoryMessage }
  /** The history was compacted; `history` is the history from now on. */
  | ({ type: 'compaction' } & Compaction)
  /** The project's files were recorded before this turn's calls (`nanocode undo` restores them). */
  | ({ type: 'checkpoint' } & CheckpointInfo);

export interface RunResult {
  status: RunStatus;
  reason: string;
  finalText: string;
  turns: number;
  /** Summed over every request of the run, summary requests included. */
  usage: Usage;
  /** USD, or null when the model's price is unknown. */
  costUsd: number | null;
  compactions: number;
  history: HistoryMessage[];
  /** With status `error`: the provider's content filter or the model declined to answer. */
  refusal?: boolean;
}

export interface AgentOptions {
  task: string;
  choice: ModelChoice;
  system: string;
  maxTurns: number;
  tools: Omit<ToolContext, 'signal'>;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  history?: HistoryMessage[];
  sessionId?: string;
  /** See StepRequest.idleTimeoutMs. */
  idleTimeoutMs?: number;
  /** Cap: no request once the run has cost this much (USD). Needs `costOf`. */
  maxCostUsd?: number;
  /** The price of one request's usage in USD; absent when the model's price is unknown (cost stays null). */
  costOf?: (usage: Usage) => number;
  /** Cap: wall-clock time of the whole run; the request or command in flight is stopped. */
  timeoutMs?: number;
  /** Keeps the history inside the context window; absent: the history only grows. */
  context?: ContextManager;
  /** Parts sent after the task's text in its user message (attached files, images; see attachments.ts). */
  attachments?: unknown[];
  /** Records the files before a turn whose calls may change them (src/checkpoints/run.ts). */
  checkpoint?: (turn: number, calls: ToolCall[]) => Promise<CheckpointInfo | undefined>;
  /** The turn's calls ran (or were stopped); not awaited (checkpoints capture the files meanwhile). */
  afterCalls?: (calls: ToolCall[]) => void;
  /** The model step; the default talks to the provider. Tests may script it in-process. */
  step?: (req: StepRequest) => AsyncIterable<StepEvent>;
}

export async function runAgent(opts: AgentOptions): Promise<RunResult> {
  const { emit } = opts;
  const step = opts.step ?? streamStep;
  // The time cap stops whatever is in flight, as Ctrl-C does, but the run ends as a limit.
  const deadline = opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined;
  const signal = deadline ? AbortSignal.any([opts.signal, deadline]) : opts.signal;
  const timedOut = () => Boolean(deadline?.aborted) && !opts.signal.aborted;
  let history: HistoryMessage[] = [...(opts.history ?? [])];
  const append = (...messages: HistoryMessage[]) => {
    history.push(...messages);
    for (const message of messages) emit({ type: 'message', message });
  };
  append(
    opts.attachments?.length
      ? { role: 'user', content: [{ type: 'text', text: opts.task }, ...opts.attachments] }
      : userMessage(opts.task),
  );
  const usage = emptyUsage();
  let costUsd: number | null = opts.costOf ? 0 : null;
  let compactions = 0;
  const tools = toolDeclarations(opts.tools.extraTools);
  let finalText = '';
  let turns = 0;
  const outputLimit = new OutputLimit();
  const end = (status: RunStatus, reason: string): RunResult => ({
    status,
    reason,
    finalText,
    turns,
    usage,
    costUsd,
    compactions,
    history,
  });
  const stopped = () =>
    timedOut()
      ? end('limit', `reached the time limit (--timeout ${formatDuration(opts.timeoutMs!)})`)
      : end('interrupted', 'interrupted');
  const overBudget = () => opts.maxCostUsd !== undefined && costUsd !== null && costUsd >= opts.maxCostUsd;
  const budgetEnd = () =>
    end('limit', `reached the cost limit (${formatUsd(costUsd ?? 0)} spent, --max-cost ${opts.maxCostUsd})`);
  const spend = (u: Usage) => {
    addUsage(usage, u);
    if (costUsd !== null && opts.costOf) costUsd += opts.costOf(u);
    emit({ type: 'usage', usage: u, total: { ...usage } });
  };
  const compacted = (c: Compaction | undefined) => {
    if (!c) return;
    compactions++;
    if (c.usage.input || c.usage.output) spend(c.usage);
    emit({ type: 'compaction', ...c });
  };

  while (turns < opts.maxTurns) {
    if (signal.aborted) return stopped();
    if (overBudget()) return budgetEnd();
    if (opts.context) {
      const prepared = await opts.context.prepare(history, turns, signal);
      history = prepared.history;
      compacted(prepared.compaction);
      if (signal.aborted) return stopped();
      if (overBudget()) return budgetEnd();
    }
    turns++;
    emit({ type: 'turn', turn: turns });

    const outcome = await takeStep(step, { ...opts, messages: history, tools, signal }, turns, {
      emit,
      spend,
      compacted,
    });
    history = outcome.history;
    if (outcome.kind === 'stopped') return stopped();
    if (outcome.kind === 'error') return { ...end('error', outcome.message), refusal: outcome.refusal };
    append(...outcome.produced);
    const continued = outputLimit.continuing && outcome.calls.length === 0;
    if (outcome.text.trim()) finalText = continued ? finalText + outcome.text : outcome.text;
    if (outcome.finishReason === 'length') {
      // The output limit: see provider/output-limit.ts.
      const next = outputLimit.afterCut(outcome.calls);
      const note = next.note ?? '';
      if (outcome.calls.length > 0) append(answerUnrun(outcome.calls, note, emit));
      else if (next.kind === 'continue') append(userMessage(note));
      if (next.kind === 'error') {
        emit({ type: 'error', message: next.reason });
        return end('error', next.reason);
      }
      continue;
    }
    outputLimit.afterStep();
    if (outcome.calls.length === 0) return end('done', 'the model finished');

    const checkpoint = await opts.checkpoint?.(turns, outcome.calls);
    if (checkpoint) emit({ type: 'checkpoint', ...checkpoint });
    const why = () => (timedOut() ? 'the run reached its time limit' : 'the user interrupted the run');
    const images = takesToolImages(opts.choice.provider) && takesImages(opts.choice) !== false;
    append(await runCalls(outcome.calls, { ...opts.tools, signal, images }, emit, why, images));
    opts.afterCalls?.(outcome.calls);
    if (signal.aborted) return stopped();
  }
  return end('limit', `reached the turn limit (--max-turns ${opts.maxTurns})`);
}

/** `history`: the history the request was sent with (smaller than given after an overflow recovery). */
type StepOutcome = { history: HistoryMessage[] } & (
  | { kind: 'ok'; text: string; calls: ToolCall[]; produced: HistoryMessage[]; finishReason: string }
  | { kind: 'stopped' }
  | { kind: 'error'; message: string; refusal?: boolean }
);

interface StepHooks {
  emit: (event: AgentEvent) => void;
  spend: (usage: Usage) => void;
  compacted: (compaction: Compaction | undefined) => void;
}

/**
 * One model request, streamed to `emit`. A request refused for context overflow
 * is retried once with the history the context manager shrank (returned as `history`).
 */
async function takeStep(
  step: NonNullable<AgentOptions['step']>,
  req: StepRequest & { context?: ContextManager },
  turns: number,
  hooks: StepHooks,
): Promise<StepOutcome> {
  let history = req.messages;
  for (let recovered = false; ; recovered = true) {
    let text = '';
    const calls: ToolCall[] = [];
    let failure: Extract<StepEvent, { type: 'error' }> | undefined;
    let produced: HistoryMessage[] | undefined;
    let finishReason = 'stop';
    for await (const event of step({ ...req, messages: history })) {
      if (event.type === 'text') {
        text += event.text;
        hooks.emit(event);
      } else if (event.type === 'reasoning') {
        hooks.emit(event);
      } else if (event.type === 'tool-call') {
        calls.push(event.call);
        hooks.emit(event);
      } else if (event.type === 'restart') {
        text = '';
        calls.length = 0;
        hooks.emit({ type: 'notice', message: event.reason });
      } else if (event.type === 'end') {
        produced = event.messages;
        finishReason = event.finishReason;
        req.context?.observe(event.usage);
        hooks.spend(event.usage);
      } else {
        failure = event;
        if (event.usage) hooks.spend(event.usage);
      }
    }
    if (produced) return { kind: 'ok', text, calls, produced, finishReason, history };
    if (failure?.aborted || req.signal.aborted) return { kind: 'stopped', history };
    if (!failure) return { kind: 'error', message: 'the model stream ended without finishing', history };
    if (failure.overflow && req.context && !recovered) {
      const smaller = await req.context.recover(history, turns - 1, req.signal);
      if (smaller) {
        history = smaller.history;
        hooks.compacted(smaller.compaction);
        continue;
      }
    }
    hooks.emit({ type: 'error', message: failure.message });
    return { kind: 'error', message: failure.message, refusal: failure.refusal, history };
  }
}

/** Answers calls that are not run (cut at the output limit) with `note`, as tool results. */
function answerUnrun(calls: ToolCall[], note: string, emit: (event: AgentEvent) => void): HistoryMessage {
  for (const call of calls)
    emit({ type: 'tool-result', call, result: { output: note, isError: true }, durationMs: 0 });
  return toolResultsMessage(calls.map((call) => ({ id: call.id, name: call.name, output: note })));
}

/** Runs the calls one after another; once the run is stopped, the rest are answered without running. */
async function runCalls(
  calls: ToolCall[],
  ctx: ToolContext,
  emit: (event: AgentEvent) => void,
  why: () => string,
  /** Pass the tools' images on (the provider takes them). */
  images = false,
): Promise<HistoryMessage> {
  const results: Parameters<typeof toolResultsMessage>[0] = [];
  for (const call of calls) {
    const started = Date.now();
    const gate = observeGate(ctx.gate, (decision) => emit({ type: 'tool-approval', call, decision }));
    let result: ToolResult = ctx.signal.aborted
      ? { output: `Not run: ${why()}.`, isError: true }
      : await runTool(call, { ...ctx, gate });
    // Stopped while a person was being asked: an interruption, not a refusal.
    if (ctx.signal.aborted && result.gate?.decision === 'blocked')
      result = { ...result, output: `Not run: ${why()}.` };
    emit({ type: 'tool-result', call, result, durationMs: Date.now() - started });
    results.push({
      id: call.id,
      name: call.name,
      output: result.output,
      images: images ? result.images : undefined,
    });
  }
  return toolResultsMessage(results);
}
