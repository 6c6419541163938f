// Checkpoints taken during runs: before each model turn whose tool calls may change files (a write or
// edit, or a command the classifier does not call `safe`), and once at the end of a run that took any
// (so `nanocode checkpoints` can say what each turn changed). Pruned after each run.
//
// After calls that may have changed files, the files are captured at once, while the next request is
// in flight, not when its answer comes: that capture is the checkpoint before the next turn that may
// change files (only safe calls ran in between) or the run's end, so the model's latency hides it.
// What a background process or the user changes while the model answers belongs to the next turn.
// The same holds for a run's start in a project that has a store (a run changed files there before):
// the files are captured while the first request is in flight, and that capture is the first
// checkpoint should a turn change files. A project without one gets its store only then: a run that
// changes nothing writes nothing.
//
// Contract: never throws and never stops a run. The first failure (no git, an unwritable state
// directory, a store another run keeps busy for more than ~2 s) is one warning, then checkpoints are
// off for the rest of the process.

import { randomHex } from '../lazy-crypto.ts';
import type { ToolCall } from '../model.ts';
import { afterFirstRequest } from '../provider/first-request.ts';
import { type Capture, CheckpointStore, MAX_FILE_BYTES } from './store.ts';

/** What the `checkpoint` agent event carries. */
export interface CheckpointInfo {
  id: string;
  run: string;
  turn: number;
  /** Files left out of this checkpoint for their size. */
  skipped: string[];
}

export interface RunCheckpoints {
  /** Takes the checkpoint for `turn` when one of `calls` may change files; once per turn. */
  before(turn: number, calls: ToolCall[]): Promise<CheckpointInfo | undefined>;
  /** The calls of the turn ran (or were stopped): captures the files now if they may have changed them. */
  after(calls: ToolCall[]): void;
  /** Ends the run: the end snapshot and pruning. Resolves with how many checkpoints the run took. */
  finish(): Promise<number>;
}

export interface CheckpointerOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The classifier's level of a command (user rules applied). */
  classify: (command: string) => Promise<{ level: string }>;
  warn: (message: string) => void;
  /** The sandbox's placeholders in the project now (absolute paths): never recorded. */
  placeholders?: () => Iterable<string>;
}

export interface Checkpointer {
  forRun(session: string): RunCheckpoints;
}

const FILE_TOOLS = new Set(['write_file', 'edit_file']);

export function createCheckpointer(opts: CheckpointerOptions): Checkpointer {
  let store: Promise<CheckpointStore> | undefined;
  let off = false;
  const noted = new Set<string>();
  /** Runs `fn` on the store; on failure warns once and turns checkpoints off. */
  const attempt = async <T>(fn: (s: CheckpointStore) => Promise<T>): Promise<T | undefined> => {
    if (off) return undefined;
    try {
      store ??= CheckpointStore.open(opts.cwd, opts.env);
      return await fn(await store);
    } catch (error) {
      off = true;
      opts.warn(`checkpoints off for this run: ${(error as Error).message}`);
      return undefined;
    }
  };
  /** The files now, the sandbox's placeholders left out. */
  const captureNow = (s: CheckpointStore) => s.capture({ placeholders: opts.placeholders?.() });
  const mayChangeFiles = async (calls: ToolCall[]): Promise<boolean> => {
    for (const call of calls) {
      if (FILE_TOOLS.has(call.name)) return true;
      if (call.name !== 'run_cmd') continue;
      const command = (call.input as { command?: unknown } | undefined)?.command;
      if (typeof command !== 'string') continue;
      const level = await opts.classify(command).then(
        (v) => v.level,
        () => 'dangerous',
      );
      if (level !== 'safe') return true;
    }
    return false;
  };

  return {
    forRun(session) {
      const run = randomHex(4);
      let taken = 0;
      let lastTurn = 0;
      let finished = false;
      /** The files after the last calls that may have changed them; taken by the next checkpoint. */
      let ahead: Promise<Capture | undefined> | undefined;
      const take = async () => {
        const capture = await ahead;
        ahead = undefined;
        return capture;
      };
      // The run's first request is on the wire (for a later run of the process: it is starting).
      afterFirstRequest(() => {
        if (finished || off || lastTurn > 0 || ahead) return; // a checkpoint is being taken already
        if (!CheckpointStore.exists(opts.cwd, opts.env)) return;
        ahead = attempt(captureNow);
      });
      return {
        async before(turn, calls) {
          if (off || turn === lastTurn || !(await mayChangeFiles(calls))) return undefined;
          lastTurn = turn;
          const capture = await take();
          const meta = { run, turn, kind: 'turn' as const, session };
          const c = await attempt(async (s) => s.record(capture ?? (await captureNow(s)), meta));
          if (!c) return undefined;
          taken++;
          for (const path of c.skipped.filter((p) => !noted.has(p))) {
            noted.add(path);
            const limit = `${MAX_FILE_BYTES / 1024 / 1024} MB`;
            opts.warn(`checkpoint: ${path} is over ${limit}, not recorded (undo will not restore it)`);
          }
          return { id: c.id, run, turn, skipped: c.skipped };
        },
        after(calls) {
          if (off || taken === 0) return;
          const previous = ahead;
          ahead = (async () => {
            if (!(await mayChangeFiles(calls))) return previous;
            await previous; // one capture at a time; a newer one replaces it
            return attempt(captureNow);
          })();
        },
        async finish() {
          finished = true;
          if (taken === 0) {
            await ahead; // a start's capture no turn needed: not left half-written at exit
            return 0;
          }
          const capture = await take();
          const meta = { run, turn: 0, kind: 'end' as const, session };
          await attempt(async (s) => {
            s.record(capture ?? (await captureNow(s)), meta);
            await s.prune();
          });
          return taken;
        },
      };
    },
  };
}
