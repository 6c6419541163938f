// One run's session: which earlier session it continues (-c, --resume), and the sink that writes the
// run's events to the session file as they happen (or nowhere, with --no-session).

import type { AgentEvent, RunResult } from '../agent.ts';
import { UsageError } from '../args.ts';
import { wireUsage } from '../format.ts';
import { randomUUID } from '../lazy-crypto.ts';
import type { HistoryMessage } from '../model.ts';
import { cacheHitRatio } from '../pricing.ts';
import { lockSession } from './lock.ts';
import {
  appendIndex,
  type LoadedSession,
  lastSessionIn,
  loadSession,
  resolveSessionId,
  SessionWriter,
  sessionsDir,
} from './store.ts';

type Warn = (message: string) => void;

/** The session `-c` (the last one started in `cwd`) or `--resume ID` names, loaded; undefined without either. */
export function previousSession(
  wanted: { continue?: boolean; resume?: string },
  cwd: string,
  env: NodeJS.ProcessEnv,
  warn: Warn,
): LoadedSession | undefined {
  if (!wanted.continue && wanted.resume === undefined) return undefined;
  const dir = sessionsDir(env);
  const id = wanted.resume !== undefined ? resolveSessionId(dir, wanted.resume) : lastSessionIn(dir, cwd);
  if (!id) throw new UsageError(`no session to continue in ${cwd} (start one with nanocode "task")`);
  // Before loading: a second run continuing it at once is refused, never interleaved.
  lockSession(dir, id);
  return loadSession(dir, id, warn);
}

export interface RunSession {
  id: string;
  /** The history this run starts from (empty for a new session). */
  history: HistoryMessage[];
  /** The file written, or undefined (--no-session, or it could not be opened). */
  file?: string;
  sink: (event: AgentEvent) => void;
  /** Records the start of another run in this session (a REPL's next prompt); the first is recorded already. */
  beginRun: (task: string) => void;
  /** Writes the run's result (and its end in the index). */
  finish: (r: RunResult & { durationMs: number; exitCode: number }) => void;
  close: () => void;
}

export function startSession(opts: {
  previous?: LoadedSession;
  cwd: string;
  /** The first run's task; without it, call beginRun before each run. */
  task?: string;
  /** The id of a new session (default: a fresh UUID); a resumed one keeps its own. */
  id?: string;
  model: string;
  version: string;
  /** False with --no-session: nothing is written. */
  save: boolean;
  env: NodeJS.ProcessEnv;
  warn: Warn;
}): RunSession {
  const { previous, cwd, warn } = opts;
  const id = previous?.id ?? opts.id ?? randomUUID();
  const dir = sessionsDir(opts.env);
  const writer = opts.save ? SessionWriter.open(dir, { id, cwd }, warn, Boolean(previous)) : undefined;
  const unlock = writer ? lockSession(dir, id) : () => {};
  const now = () => new Date().toISOString();
  const beginRun = (task: string) => {
    if (!writer) return;
    writer.write({ type: 'run', ts: now(), cwd, prompt: task, model: opts.model, version: opts.version });
    appendIndex(dir, { event: 'start', id, cwd, ts: now(), prompt: task, model: opts.model }, warn);
  };
  // A resumed session first gets the results its killed run never wrote.
  for (const message of previous?.repairs ?? []) writer?.write({ type: 'message', message });
  if (opts.task !== undefined) beginRun(opts.task);
  return {
    id,
    history: previous?.history ?? [],
    file: writer?.file,
    beginRun,
    close: () => {
      writer?.close();
      unlock();
    },
    sink: (event) => {
      if (!writer) return;
      switch (event.type) {
        case 'message':
          writer.write({ type: 'message', message: event.message });
          break;
        case 'turn':
          writer.write({ type: 'turn', turn: event.turn });
          break;
        case 'usage':
          writer.write({ type: 'usage', usage: wireUsage(event.usage) });
          break;
        case 'compaction':
          writer.write({
            type: 'compaction',
            ts: now(),
            reason: event.reason,
            method: event.method,
            turn: event.turn,
            tokens_before: event.tokensBefore,
            tokens_after: event.tokensAfter,
            note: event.note,
            messages: event.history,
          });
          break;
        case 'error':
          writer.write({ type: 'error', message: event.message });
          break;
        case 'checkpoint':
          writer.write({ type: 'checkpoint', ts: now(), id: event.id, run: event.run, turn: event.turn });
          break;
      }
    },
    finish: (r) => {
      if (!writer) return;
      writer.write({
        type: 'result',
        ts: now(),
        status: r.status,
        reason: r.reason,
        turns: r.turns,
        usage: wireUsage(r.usage),
        cost_usd: r.costUsd,
        cache_hit_ratio: cacheHitRatio(r.usage),
        compactions: r.compactions,
        duration_ms: r.durationMs,
        exit_code: r.exitCode,
      });
      const end = {
        event: 'end',
        id,
        ts: now(),
        status: r.status,
        turns: r.turns,
        cost_usd: r.costUsd,
      } as const;
      appendIndex(dir, end, warn);
    },
  };
}
