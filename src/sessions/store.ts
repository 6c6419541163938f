// Sessions on disk: one JSONL file per session under $XDG_STATE_HOME/nanocode/sessions/ (or
// ~/.local/state/nanocode/sessions/), one event per line, written as the run goes; and index.jsonl,
// one line when a run starts (its directory and prompt) and one when it ends (turns, cost).
//
// Contract:
// - Writing never throws and never stops a run: the first failure is a warning, then the session is off.
// - Each line is written with one synchronous write, so a killed process loses at most the line in flight.
// - Reading stops at the first line that is cut or not JSON: everything before it is resumed, with a warning,
//   and the file is rewritten to those whole lines (the damaged original kept as ID.jsonl.damaged).
// - Files are 0600 in a 0700 directory: they hold the whole conversation, tool outputs included.

import {
  appendFileSync,
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../args.ts';
import { answerDanglingCalls } from '../context/messages.ts';
import { readJsonLines } from '../jsonl.ts';
import type { HistoryMessage, Usage } from '../model.ts';
import { replaceFileSync } from '../replace-file.ts';

export const SESSION_VERSION = 1;

export function sessionsDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : undefined;
  return join(state ?? join(env.HOME || homedir(), '.local', 'state'), 'nanocode', 'sessions');
}

const ID = /^[0-9a-f][0-9a-f-]*$/i;
const fileOf = (dir: string, id: string) => join(dir, `${id}.jsonl`);

/** Appends lines to one session file. */
export class SessionWriter {
  private fd: number | undefined;

  private constructor(
    readonly id: string,
    readonly file: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** A new session file (its header first), or an existing one to append to; undefined when it cannot be opened. */
  static open(
    dir: string,
    header: { id: string; cwd: string },
    warn: (message: string) => void,
    existing = false,
  ): SessionWriter | undefined {
    const writer = new SessionWriter(header.id, fileOf(dir, header.id), warn);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writer.fd = openSync(writer.file, existing ? 'a' : 'wx', 0o600);
    } catch (error) {
      warn(`cannot write the session (${(error as Error).message}); this run is not saved`);
      return undefined;
    }
    if (!existing) {
      const created = new Date().toISOString();
      writer.write({ type: 'session', version: SESSION_VERSION, id: header.id, cwd: header.cwd, created });
    }
    return writer;
  }

  write(event: Record<string, unknown>): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, `${JSON.stringify(event)}\n`);
    } catch (error) {
      this.warn(
        `cannot write the session any more (${(error as Error).message}); the rest of this run is not saved`,
      );
      this.close();
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already gone
    }
    this.fd = undefined;
  }
}

export interface LoadedSession {
  id: string;
  cwd: string;
  created: string;
  /** The history to continue from: compactions applied, calls left unanswered by a killed run answered. */
  history: HistoryMessage[];
  /** Messages added to answer those calls (to be written to the session before the next run). */
  repairs: HistoryMessage[];
  /** What the finished runs so far added up to (their `result` lines); cost null once one was unknown. */
  totals: { runs: number; turns: number; usage: Usage; costUsd: number | null };
}

/** Loads a session; throws UsageError when it does not exist or has no header. */
export function loadSession(dir: string, id: string, warn: (message: string) => void): LoadedSession {
  if (!ID.test(id)) throw new UsageError(`"${id}" is not a session id (see nanocode sessions)`);
  const file = fileOf(dir, id);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`no session ${id} (see nanocode sessions)`);
  }
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  if (complete) lines.pop();
  let header: { id?: string; cwd?: string; created?: string } | undefined;
  let history: HistoryMessage[] = [];
  const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  const totals: LoadedSession['totals'] = { runs: 0, turns: 0, usage, costUsd: 0 };
  let good = 0;
  for (const [i, line] of lines.entries()) {
    let event: { type?: string; message?: HistoryMessage; messages?: HistoryMessage[] };
    try {
      event = JSON.parse(line);
      if (typeof event !== 'object' || event === null) throw new Error('not an object');
    } catch {
      const cut = i === lines.length - 1 && !complete;
      warn(
        `session ${id}: line ${i + 1} is ${cut ? 'cut off' : 'not valid JSON'}; resuming from the ${good} whole lines before it`,
      );
      break;
    }
    good++;
    if (event.type === 'session') header = event as typeof header;
    else if (event.type === 'message' && event.message) history.push(event.message);
    else if (event.type === 'compaction' && Array.isArray(event.messages)) history = [...event.messages];
    else if (event.type === 'result') addResult(totals, event as ResultLine);
  }
  if (!header?.cwd) throw new UsageError(`session ${id} has no header line: it cannot be resumed`);
  if (good < lines.length || !complete) rewrite(file, lines.slice(0, good));
  const repaired = answerDanglingCalls(history);
  return {
    id,
    cwd: header.cwd,
    created: header.created ?? '',
    history: repaired,
    repairs: repaired.slice(history.length),
    totals,
  };
}

type ResultLine = {
  turns?: number;
  usage?: { input?: number; output?: number; cache_read?: number; cache_write?: number };
  cost_usd?: number | null;
};

function addResult(totals: LoadedSession['totals'], r: ResultLine): void {
  totals.runs++;
  totals.turns += r.turns ?? 0;
  const u = r.usage ?? {};
  totals.usage.input += u.input ?? 0;
  totals.usage.output += u.output ?? 0;
  totals.usage.cacheRead += u.cache_read ?? 0;
  totals.usage.cacheWrite += u.cache_write ?? 0;
  totals.costUsd =
    totals.costUsd === null || typeof r.cost_usd !== 'number' ? null : totals.costUsd + r.cost_usd;
}

/** Keeps the whole lines only, so new events start on a line of their own. */
function rewrite(file: string, lines: string[]): void {
  try {
    copyFileSync(file, `${file}.damaged`);
    replaceFileSync(file, lines.map((l) => `${l}\n`).join(''));
  } catch {
    // Resuming still works from memory; appending goes after the damaged line.
  }
}

export interface IndexStart {
  event: 'start';
  id: string;
  cwd: string;
  ts: string;
  prompt: string;
  model: string;
}

export interface IndexEnd {
  event: 'end';
  id: string;
  ts: string;
  status: string;
  turns: number;
  cost_usd: number | null;
}

export type IndexEntry = IndexStart | IndexEnd;

export function appendIndex(dir: string, entry: IndexEntry, warn: (message: string) => void): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    appendFileSync(join(dir, 'index.jsonl'), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  } catch (error) {
    warn(`cannot update the session index (${(error as Error).message})`);
  }
}

/** Every whole, well-formed index line, in order. */
export function readIndex(dir: string): IndexEntry[] {
  return readJsonLines<IndexEntry>(
    join(dir, 'index.jsonl'),
    (e) => typeof e.id === 'string' && (e.event === 'start' || e.event === 'end'),
  );
}

/** The session most recently started in `cwd`, if any. */
export function lastSessionIn(dir: string, cwd: string): string | undefined {
  const starts = readIndex(dir).filter((e): e is IndexStart => e.event === 'start' && e.cwd === cwd);
  return starts.at(-1)?.id;
}

/** The full id of the session `given` names (the whole id or a unique prefix); UsageError otherwise. */
export function resolveSessionId(dir: string, given: string): string {
  const wanted = given.trim().toLowerCase();
  if (!ID.test(wanted)) throw new UsageError(`"${given}" is not a session id (see nanocode sessions)`);
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    // no sessions yet
  }
  const ids = files.filter((f) => f.endsWith('.jsonl') && f !== 'index.jsonl').map((f) => f.slice(0, -6));
  if (ids.includes(wanted)) return wanted;
  const matches = ids.filter((id) => id.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new UsageError(`session id "${given}" is ambiguous (${matches.length} sessions start with it)`);
  throw new UsageError(`no session ${given} (see nanocode sessions)`);
}
