// The `--trajectory FILE` sink: the run as one ATIF document (Agent Trajectory Interchange Format,
// ATIF-v1.7, Harbor's RFC 0001), collected from the agent's events.
//
// Contract:
// - Steps: the system prompt (`system`), the task (`user`), then one `agent` step per model turn with its
//   text, its reasoning (`reasoning_content`), its tool calls, the results of those calls (`observation`,
//   same step) and its own request's metrics (tokens, and `cost_usd` when the model's price is known).
//   A compaction is an `agent` step of its own, carrying the summary request's metrics (llm_call_count 1;
//   0 and no metrics when it made no request), so no turn's figures are replaced and the final totals
//   add up every request of the run. Later prompts (JSON lines on stdin) are further `user` steps.
//   step_id runs 1, 2, 3, … with no gaps; every observation answers a tool call of its own step.
// - The file is rewritten after each step (a model reply, a tool result, a compaction, a new prompt) with
//   status `incomplete`, so a run killed hard (SIGKILL, OOM) still leaves a valid document; `finish`
//   writes the final one. Every write replaces the file atomically (temp file in the same directory, then
//   rename): a reader sees the previous document or the new one, never half of one.
// - `finish` writes at most once; later calls, and snapshots after it, are no-ops (the exit hook may
//   call it again).
// - Fields the schema marks optional are omitted when unknown, never null (cost stays absent until a
//   price is known).

import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { AgentEvent, RunStatus } from '../agent.ts';
import { UsageError } from '../args.ts';
import type { Compaction } from '../context/types.ts';
import type { ToolCall, Usage } from '../model.ts';
import { pricerFor } from '../pricing.ts';
import type { ModelChoice } from '../providers.ts';
import { replaceFileSync } from '../replace-file.ts';
import { toolDeclarations } from '../tools/index.ts';
import type { ToolResult } from '../tools/types.ts';

export const ATIF_VERSION = 'ATIF-v1.7';

// The ATIF shapes we write (a subset of the schema: no multimodal content, no subagents).
type Json = Record<string, unknown>;

export interface AtifToolCall {
  tool_call_id: string;
  function_name: string;
  arguments: Json;
  extra?: Json;
}

export interface AtifObservationResult {
  source_call_id: string;
  content: string;
  extra?: Json;
}

export interface AtifMetrics {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd?: number;
  extra?: Json;
}

export interface AtifStep {
  step_id: number;
  timestamp: string;
  source: 'system' | 'user' | 'agent';
  /** Only when it is not the trajectory's `agent.model_name`. */
  model_name?: string;
  message: string;
  reasoning_content?: string;
  tool_calls?: AtifToolCall[];
  observation?: { results: AtifObservationResult[] };
  metrics?: AtifMetrics;
  llm_call_count?: number;
  extra?: Json;
}

export interface AtifFinalMetrics {
  total_prompt_tokens: number;
  total_completion_tokens: number;
  total_cached_tokens: number;
  total_cost_usd?: number;
  total_steps: number;
  extra?: Json;
}

export interface AtifTrajectory {
  schema_version: typeof ATIF_VERSION;
  session_id: string;
  agent: {
    name: 'nanocode';
    version: string;
    model_name: string;
    tool_definitions: {
      type: 'function';
      function: { name: string; description: string; parameters: object };
    }[];
    extra: Json;
  };
  steps: AtifStep[];
  final_metrics: AtifFinalMetrics;
  extra: Json;
}

export interface TrajectoryStart {
  /** Absolute path of the file to write (see checkTrajectoryPath). */
  path: string;
  sessionId: string;
  version: string;
  model: string;
  provider: ModelChoice['provider'];
  cwd: string;
  system: string;
  task: string;
  /** The model in use now; asked at each turn, since a later JSON-lines prompt may switch it. Steps name
   * a model other than `model`, and their cost is priced with the model that made them. Default: `model`
   * of `provider`, fixed. */
  current?: () => Pick<ModelChoice, 'provider' | 'model'>;
}

export interface TrajectoryEnd {
  /** `incomplete`: the run had not ended when the document was written (the snapshot after each step). */
  status: RunStatus | 'incomplete';
  reason: string;
  exitCode?: number;
  turns?: number;
  durationMs?: number;
  /** The run's total cost (every prompt of it) when known; otherwise the sum of per-step costs, if every step had one. */
  costUsd?: number | null;
}

/**
 * Resolves FILE against `base` (the process's working directory, not -C) and checks, before anything runs,
 * that it can be written: its directory exists and is writable, and FILE is not itself a directory.
 * Throws UsageError (exit 2) otherwise.
 */
export function checkTrajectoryPath(file: string, base = process.cwd()): string {
  if (!file.trim()) throw new UsageError('--trajectory needs a file name, e.g. --trajectory run.json');
  const abs = resolve(base, file);
  if (statOrUndefined(abs)?.isDirectory()) {
    throw new UsageError(
      `--trajectory ${abs} is a directory; give a file name inside it, e.g. ${join(abs, 'trajectory.json')}`,
    );
  }
  const dir = dirname(abs);
  const dirStat = statOrUndefined(dir);
  if (!dirStat) throw new UsageError(`--trajectory: directory ${dir} does not exist (create it first)`);
  if (!dirStat.isDirectory()) throw new UsageError(`--trajectory: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--trajectory: directory ${dir} is not writable`);
  }
  return abs;
}

export class TrajectoryRecorder {
  readonly #start: TrajectoryStart;
  readonly #now: () => Date;
  readonly #steps: AtifStep[] = [];
  /** The agent step of the turn in progress. */
  #current: AtifStep | undefined;
  #written = false;
  /** The metrics of the last usage event, until the next event shows what they belong to. */
  #pendingUsage: AtifMetrics | undefined;
  /** The task given to the constructor arrives again as the run's first `message`; later tasks are new user steps. */
  #firstTaskSeen = false;

  constructor(start: TrajectoryStart, now: () => Date = () => new Date()) {
    this.#start = start;
    this.#now = now;
    const timestamp = now().toISOString();
    this.#push({ timestamp, source: 'system', message: start.system });
    this.#push({ timestamp, source: 'user', message: start.task });
  }

  /** The event sink. Must not throw. */
  readonly sink = (event: AgentEvent): void => {
    // A usage event is settled by the event after it: a compaction's summary request reports its usage
    // just before the `compaction` event; any other usage belongs to the turn in progress.
    if (event.type === 'compaction') {
      this.#compaction(event);
      this.#snapshot();
      return;
    }
    this.#settleUsage();
    switch (event.type) {
      case 'turn': {
        this.#current = this.#push({ timestamp: this.#now().toISOString(), source: 'agent', message: '' });
        const { model } = this.#model();
        if (model !== this.#start.model) this.#current.model_name = model;
        this.#current.llm_call_count = 1;
        break;
      }
      case 'text':
        this.#agentStep().message += event.text;
        break;
      case 'reasoning': {
        const step = this.#agentStep();
        step.reasoning_content = (step.reasoning_content ?? '') + event.text;
        break;
      }
      case 'tool-call': {
        const step = this.#agentStep();
        step.tool_calls = [...(step.tool_calls ?? []), toolCall(event.call)];
        break;
      }
      case 'tool-result': {
        const step = this.#stepOfCall(event.call.id);
        const result = observationResult(event.call, event.result, event.durationMs);
        step.observation = { results: [...(step.observation?.results ?? []), result] };
        this.#snapshot();
        break;
      }
      case 'usage':
        this.#pendingUsage = this.#metrics(event.usage);
        break;
      case 'error': {
        const step = this.#agentStep();
        step.extra = { ...step.extra, error: event.message };
        break;
      }
      case 'message': {
        const { role, content } = event.message;
        if (role === 'user' && typeof content === 'string') {
          if (!this.#firstTaskSeen && content === this.#start.task) this.#firstTaskSeen = true;
          else this.#push({ timestamp: this.#now().toISOString(), source: 'user', message: content });
          this.#current = undefined;
        }
        this.#snapshot();
        break;
      }
      case 'notice': {
        // A notice during a turn's stream means the stream went silent and the turn starts over: the loop
        // drops what it had received, and so does the trajectory. Kept as a note on the step either way.
        const step = this.#current;
        if (!step) break;
        if (!step.metrics && !step.observation) {
          step.message = '';
          delete step.tool_calls;
          delete step.reasoning_content;
        }
        const notices = Array.isArray(step.extra?.notices) ? step.extra.notices : [];
        step.extra = { ...step.extra, notices: [...notices, event.message] };
        break;
      }
    }
  };

  /** The document as it stands, with `end` describing how the run ended. */
  build(end: TrajectoryEnd): AtifTrajectory {
    this.#settleUsage(); // nothing can follow it now but the end
    // A turn that produced nothing (interrupted before the first byte) is not a step.
    const steps = this.#steps
      .filter(
        (s) =>
          s.source !== 'agent' || s.message || s.reasoning_content || s.tool_calls || s.metrics || s.extra,
      )
      .map((s, i) => ({ ...s, step_id: i + 1 }));
    const agentSteps = steps.filter((s) => s.source === 'agent');
    const sum = (pick: (m: AtifMetrics) => number) =>
      agentSteps.reduce((total, s) => total + (s.metrics ? pick(s.metrics) : 0), 0);
    const final: AtifFinalMetrics = {
      total_prompt_tokens: sum((m) => m.prompt_tokens),
      total_completion_tokens: sum((m) => m.completion_tokens),
      total_cached_tokens: sum((m) => m.cached_tokens),
      total_steps: steps.length,
    };
    const metered = agentSteps.filter((s) => s.metrics);
    if (typeof end.costUsd === 'number' && Number.isFinite(end.costUsd)) final.total_cost_usd = end.costUsd;
    else if (metered.length > 0 && metered.every((s) => s.metrics?.cost_usd !== undefined))
      final.total_cost_usd = sum((m) => m.cost_usd ?? 0);
    const cacheWrite = sum((m) => Number(m.extra?.cache_creation_input_tokens ?? 0));
    if (cacheWrite > 0) final.extra = { total_cache_creation_input_tokens: cacheWrite };

    const { sessionId, version, model, provider, cwd } = this.#start;
    return {
      schema_version: ATIF_VERSION,
      session_id: sessionId,
      agent: {
        name: 'nanocode',
        version,
        model_name: model,
        tool_definitions: toolDeclarations().map(({ name, description, parameters }) => ({
          type: 'function',
          function: { name, description, parameters },
        })),
        extra: { provider },
      },
      steps,
      final_metrics: final,
      extra: {
        status: end.status,
        reason: end.reason,
        ...(end.exitCode !== undefined ? { exit_code: end.exitCode } : {}),
        ...(end.turns !== undefined ? { turns: end.turns } : {}),
        ...(end.durationMs !== undefined ? { duration_ms: end.durationMs } : {}),
        cwd,
      },
    };
  }

  /** Writes the document once (atomically); false when it had already been written. Throws on I/O errors. */
  finish(end: TrajectoryEnd): boolean {
    if (this.#written) return false;
    this.#written = true;
    writeAtomically(this.#start.path, `${JSON.stringify(this.build(end), null, 2)}\n`);
    return true;
  }

  /** finish(), with an I/O failure reported through `warn` instead of thrown. Never throws. */
  save(end: TrajectoryEnd, warn: (message: string) => void): void {
    try {
      this.finish(end);
    } catch (error) {
      warn(`could not write the trajectory to ${this.#start.path}: ${(error as Error).message}`);
    }
  }

  /** Rewrites the file as it stands, status `incomplete`; never throws (the final write reports errors). */
  #snapshot(): void {
    if (this.#written) return;
    const end: TrajectoryEnd = {
      status: 'incomplete',
      reason: 'the run had not ended when this was written (it is still running, or was killed)',
    };
    try {
      writeAtomically(this.#start.path, `${JSON.stringify(this.build(end), null, 2)}\n`);
    } catch {
      // the final write tries again and warns
    }
  }

  /** One request's metrics: tokens, cache writes, and its cost when the model's price is known. */
  #metrics(usage: Usage): AtifMetrics {
    const { input, output, cacheRead, cacheWrite } = usage;
    const metrics: AtifMetrics = {
      prompt_tokens: input,
      completion_tokens: output,
      cached_tokens: cacheRead,
    };
    const cost = pricerFor(this.#model())?.(usage);
    if (cost !== undefined && Number.isFinite(cost)) metrics.cost_usd = cost;
    if (cacheWrite > 0) metrics.extra = { cache_creation_input_tokens: cacheWrite };
    return metrics;
  }

  #model(): Pick<ModelChoice, 'provider' | 'model'> {
    return this.#start.current?.() ?? this.#start;
  }

  /** Gives a usage event not followed by a compaction to the turn in progress. */
  #settleUsage(): void {
    if (!this.#pendingUsage) return;
    this.#agentStep().metrics = this.#pendingUsage;
    this.#pendingUsage = undefined;
  }

  /** A compaction as an agent step of its own, before the turn it came in (an overflow retry) if that
   * turn has produced nothing yet. */
  #compaction(c: Compaction): void {
    const metrics = this.#pendingUsage;
    this.#pendingUsage = undefined;
    const compaction: Json = {
      reason: c.reason,
      method: c.method,
      tokens_before: c.tokensBefore,
      tokens_after: c.tokensAfter,
      messages_before: c.messagesBefore,
      messages_after: c.messagesAfter,
      ...(c.note ? { note: c.note } : {}),
    };
    const step: AtifStep = {
      step_id: 0, // numbered in build()
      timestamp: this.#now().toISOString(),
      source: 'agent',
      message: `[history compacted (${c.method}, ${c.reason}): about ${c.tokensBefore} → ${c.tokensAfter} tokens]`,
      llm_call_count: metrics ? 1 : 0,
      extra: { compaction },
    };
    if (metrics) step.metrics = metrics;
    const current = this.#current;
    const currentIsEmpty =
      current !== undefined &&
      this.#steps.at(-1) === current &&
      !current.message &&
      !current.tool_calls &&
      !current.metrics &&
      !current.reasoning_content;
    if (currentIsEmpty) this.#steps.splice(this.#steps.length - 1, 0, step);
    else this.#steps.push(step);
  }

  #push(step: Omit<AtifStep, 'step_id'>): AtifStep {
    const full = { step_id: this.#steps.length + 1, ...step };
    this.#steps.push(full);
    return full;
  }

  /** The current agent step; one is opened if an event arrives before any `turn` (it should not). */
  #agentStep(): AtifStep {
    this.#current ??= this.#push({ timestamp: this.#now().toISOString(), source: 'agent', message: '' });
    return this.#current;
  }

  /** The agent step that made call `id` (results follow their calls, so it is normally the current one). */
  #stepOfCall(id: string): AtifStep {
    for (let i = this.#steps.length - 1; i >= 0; i--) {
      const step = this.#steps[i]!;
      if (step.tool_calls?.some((c) => c.tool_call_id === id)) return step;
    }
    return this.#agentStep();
  }
}

/** How an exit code maps back to a status, for the exit hook (the run's own status is used when known). */
export function endFromExitCode(code: number): TrajectoryEnd {
  const status: RunStatus =
    code === 0 ? 'done' : code === 3 ? 'limit' : code === 130 ? 'interrupted' : 'error';
  return { status, reason: `nanocode exited with code ${code}`, exitCode: code };
}

function toolCall(call: ToolCall): AtifToolCall {
  const out: AtifToolCall = { tool_call_id: call.id, function_name: call.name, arguments: {} };
  if (isPlainObject(call.input)) out.arguments = call.input;
  else
    out.extra = {
      raw_arguments: typeof call.input === 'string' ? call.input : JSON.stringify(call.input ?? null),
    };
  if (call.invalid) out.extra = { ...out.extra, invalid: call.invalid };
  return out;
}

function observationResult(call: ToolCall, result: ToolResult, durationMs: number): AtifObservationResult {
  const extra: Json = { is_error: result.isError ?? false, duration_ms: durationMs };
  if (result.exitCode !== undefined && result.exitCode !== null) extra.exit_code = result.exitCode;
  if (result.truncated) extra.truncated = true;
  if (result.gate) {
    extra.level = result.gate.level;
    extra.decision = result.gate.decision;
  }
  return { source_call_id: call.id, content: result.output, extra };
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Readers see the old file or the whole new one; the temporary file is hidden beside it (the user's directory). */
function writeAtomically(path: string, text: string): void {
  replaceFileSync(path, text, {
    mode: 0o644,
    temp: join(dirname(path), `.${basename(path)}.${process.pid}.tmp`),
  });
}
