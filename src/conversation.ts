// A conversation: one session's history, carried across prompts (the REPL, JSONL
// on stdin, --continue), with its context manager, session file and totals.
// Each prompt is one run of the agent loop.
//
// Contract: send() never throws; it resolves with the run's result once the run
// has ended, whatever the ending, after its session record is written.

import { type AgentEvent, type AgentOptions, type RunResult, runAgent } from './agent.ts';
import { attach, takesImages } from './attachments.ts';
import type { Checkpointer } from './checkpoints/run.ts';
import { createContextManager } from './context/compaction.ts';
import type { ContextManager } from './context/types.ts';
import { exitCodeFor } from './exit-codes.ts';
import { randomUUID } from './lazy-crypto.ts';
import { addUsage, emptyUsage, type HistoryMessage, type Usage } from './model.ts';
import { pricerFor } from './pricing.ts';
import type { ModelChoice } from './providers.ts';
import { type RunSession, startSession } from './sessions/run.ts';
import type { LoadedSession } from './sessions/store.ts';
import { runTool } from './tools/index.ts';

export interface ConversationOptions {
  cwd: string;
  choice: ModelChoice;
  system: string;
  tools: AgentOptions['tools'];
  emit: (event: AgentEvent) => void;
  idleTimeoutMs?: number;
  /** Undefined: no compaction (--no-compact). */
  compaction?: { compactAt?: number; compactEvery?: number };
  /** The session continued (-c, --resume), if any. */
  previous?: LoadedSession;
  /** False with --no-session. */
  save: boolean;
  version: string;
  env: NodeJS.ProcessEnv;
  warn: (message: string) => void;
  /** Absent with --no-checkpoints. */
  checkpoints?: Checkpointer;
}

export interface RunLimits {
  signal: AbortSignal;
  maxTurns: number;
  maxCostUsd?: number;
  timeoutMs?: number;
}

/** `checkpoints`: how many the run took (`nanocode undo` can restore them). */
export type RunOutcome = RunResult & { durationMs: number; exitCode: number; checkpoints?: number };

export interface Totals {
  runs: number;
  turns: number;
  usage: Usage;
  /** Null once any run's cost was unknown. */
  costUsd: number | null;
}

export class Conversation {
  id: string;
  #opts: ConversationOptions;
  #choice: ModelChoice;
  #history: HistoryMessage[];
  #context: ContextManager | undefined;
  #session: RunSession | undefined;
  #previous: LoadedSession | undefined;
  #totals: Totals = emptyTotals();

  constructor(opts: ConversationOptions) {
    this.#opts = opts;
    this.#choice = opts.choice;
    this.#previous = opts.previous;
    this.#history = opts.previous?.history ?? [];
    this.id = opts.previous?.id ?? randomUUID();
    // /cost after -c or --resume counts the resumed session's earlier runs too.
    if (opts.previous?.totals) this.#totals = structuredClone(opts.previous.totals);
    this.#context = this.#newContext();
  }

  get choice(): ModelChoice {
    return this.#choice;
  }

  get totals(): Totals {
    return structuredClone(this.#totals);
  }

  get historyLength(): number {
    return this.#history.length;
  }

  /** Can --max-cost be enforced for the current model? */
  get priced(): boolean {
    return pricerFor(this.#choice) !== undefined;
  }

  /** Runs one prompt; `images` (--image) are attached to it, as are its @mentions and image paths. */
  async send(task: string, limits: RunLimits, images?: string[]): Promise<RunOutcome> {
    const session = this.#openSession(task);
    const emit = (event: AgentEvent) => {
      session.sink(event);
      this.#opts.emit(event);
    };
    const started = Date.now();
    const tools = { ...this.#opts.tools, signal: limits.signal };
    const attached = await attach(task, {
      cwd: this.#opts.cwd,
      images,
      vision: takesImages(this.#choice),
      readFile: (path) => runTool({ id: 'attach', name: 'read_file', input: { path } }, tools),
    });
    for (const message of attached.notes) emit({ type: 'notice', message });
    const checkpoints = this.#opts.checkpoints?.forRun(this.id);
    const result = await runAgent({
      task,
      choice: this.#choice,
      system: this.#opts.system,
      tools: this.#opts.tools,
      history: this.#history,
      sessionId: this.id,
      idleTimeoutMs: this.#opts.idleTimeoutMs,
      context: this.#context,
      costOf: pricerFor(this.#choice),
      attachments: attached.parts,
      emit,
      checkpoint: checkpoints?.before,
      afterCalls: checkpoints?.after,
      ...limits,
    });
    this.#history = result.history;
    const taken = await checkpoints?.finish();
    const outcome = { ...result, durationMs: Date.now() - started, exitCode: exitCodeFor(result.status) };
    if (taken) Object.assign(outcome, { checkpoints: taken });
    session.finish(outcome);
    this.#add(result);
    return outcome;
  }

  /**
   * Compacts the history now (the REPL's /compact); its summary request counts in the totals.
   * Returns what happened in words when nothing was emitted (a `compaction` event says the rest).
   */
  async compact(signal: AbortSignal): Promise<string | undefined> {
    if (!this.#context) return 'compaction is off (--no-compact)';
    const prepared = await this.#context.compactNow(this.#history, signal);
    if (!prepared?.compaction) return 'nothing to compact yet';
    const { compaction } = prepared;
    this.#history = prepared.history;
    const event = { type: 'compaction' as const, ...compaction };
    this.#session?.sink(event);
    this.#opts.emit(event);
    const price = pricerFor(this.#choice);
    this.#addUsage(compaction.usage, price ? price(compaction.usage) : null);
    return undefined;
  }

  /** Starts a new session: empty history, new id, totals from zero. */
  clear(): void {
    this.#session?.close();
    this.#session = undefined;
    this.#previous = undefined;
    this.#history = [];
    this.#totals = emptyTotals();
    this.id = randomUUID();
    this.#context = this.#newContext();
  }

  /** Switches the model for the next prompts; the history stays. */
  setModel(choice: ModelChoice): void {
    this.#choice = choice;
    this.#context = this.#newContext();
  }

  close(): void {
    this.#opts.tools.shell?.dispose();
    this.#session?.close();
  }

  #openSession(task: string): RunSession {
    if (this.#session) {
      this.#session.beginRun(task);
      return this.#session;
    }
    const { cwd, version, save, env, warn } = this.#opts;
    const previous = this.#previous;
    this.#session = startSession({
      previous,
      id: this.id,
      cwd,
      task,
      model: this.#choice.label,
      version,
      save,
      env,
      warn,
    });
    return this.#session;
  }

  #newContext(): ContextManager | undefined {
    const { compaction, system } = this.#opts;
    if (!compaction) return undefined;
    return createContextManager({ choice: this.#choice, system, sessionId: this.id, ...compaction });
  }

  #add(r: RunResult): void {
    this.#totals.runs++;
    this.#totals.turns += r.turns;
    this.#addUsage(r.usage, r.costUsd);
  }

  #addUsage(usage: Usage, costUsd: number | null): void {
    const t = this.#totals;
    addUsage(t.usage, usage);
    t.costUsd = t.costUsd === null || costUsd === null ? null : t.costUsd + costUsd;
  }
}

const emptyTotals = (): Totals => ({ runs: 0, turns: 0, usage: emptyUsage(), costUsd: 0 });
