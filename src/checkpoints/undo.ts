// `nanocode undo` and `nanocode checkpoints` (and the REPL's /undo, through undoLast).
//
// Contract:
// - undoLast restores the project to before the most recent run (or before turn N of it). It takes a
//   checkpoint first, as a run of its own, so the next undo takes the undo back.
// - A project without checkpoints, or a turn without one, is a UsageError naming what exists.

import { UsageError } from '../args.ts';
import { randomHex } from '../lazy-crypto.ts';
import { type Checkpoint, CheckpointStore } from './store.ts';

export interface UndoResult {
  /** The checkpoint restored. */
  target: Checkpoint;
  written: string[];
  removed: string[];
  /** One line for the user. */
  message: string;
}

/** Restores `cwd` to before the last run, or before its turn `turn`. */
export async function undoLast(
  cwd: string,
  /** `placeholders`: the sandbox's, when one runs in this process (the REPL's): never recorded nor touched. */
  opts: { turn?: number; env?: NodeJS.ProcessEnv; placeholders?: () => Iterable<string> } = {},
): Promise<UndoResult> {
  const env = opts.env ?? process.env;
  if (!CheckpointStore.exists(cwd, env)) throw new UsageError(`no checkpoints for ${cwd}: nothing to undo`);
  const store = await CheckpointStore.open(cwd, env);
  const all = store.list();
  const last = all.findLast((c) => c.kind !== 'end');
  if (!last) throw new UsageError(`no checkpoints for ${store.cwd}: nothing to undo`);
  const ofRun = all.filter((c) => c.run === last.run && c.kind !== 'end');
  const target =
    opts.turn === undefined ? ofRun[0]! : ofRun.find((c) => c.kind === 'turn' && c.turn >= opts.turn!);
  if (!target) {
    const turns = ofRun.map((c) => c.turn).join(', ');
    throw new UsageError(
      `the last run has no checkpoint at or after turn ${opts.turn} (checkpoints before turns ${turns})`,
    );
  }
  const run = `undo-${randomHex(3)}`;
  const now = await store.snapshot({ run, turn: 0, kind: 'undo' }, { placeholders: opts.placeholders?.() });
  const { written, removed } = await store.restore(target.tree, now.tree);
  await store.snapshot({ run, turn: 0, kind: 'end' }, { placeholders: opts.placeholders?.() });
  await store.prune();
  const where =
    target.kind === 'undo' ? 'before the last undo' : `before turn ${target.turn} of run ${target.run}`;
  const message =
    written.length + removed.length === 0
      ? `nothing to undo: the files are as they were ${where}`
      : `restored ${store.cwd} to ${where} (${time(target.time)}): ${count(written.length, 'file')} written, ${removed.length} removed; nanocode undo again takes this back`;
  return { target, written, removed, message };
}

export interface CheckpointRow {
  run: string;
  turn: number | 'undo';
  time: string;
  /** Files that changed between this checkpoint and the next one recorded. */
  files_changed: number;
  skipped: string[];
}

/** The checkpoints of `cwd`, newest first. */
export async function listCheckpoints(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CheckpointRow[]> {
  if (!CheckpointStore.exists(cwd, env)) return [];
  const store = await CheckpointStore.open(cwd, env);
  const all = store.list();
  const rows: CheckpointRow[] = [];
  for (const [i, c] of all.entries()) {
    if (c.kind === 'end') continue;
    const next = all[i + 1];
    const files = next ? (await store.changedBetween(c.tree, next.tree)).length : 0;
    rows.push({
      run: c.run,
      turn: c.kind === 'undo' ? 'undo' : c.turn,
      time: c.time,
      files_changed: files,
      skipped: c.skipped,
    });
  }
  return rows.reverse();
}

export function formatCheckpoints(rows: CheckpointRow[]): string {
  if (rows.length === 0) return '';
  const table = [
    ['RUN', 'TURN', 'TIME', 'FILES CHANGED'],
    ...rows.map((r) => [r.run, String(r.turn), time(r.time), String(r.files_changed)]),
  ];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((row) => row[col]!.length)));
  const lines = table.map((row) =>
    row
      .map((cell, col) => cell.padEnd(widths[col]!))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\nnanocode undo: back to before the newest run; --turn N: before its turn N\n`;
}

const time = (iso: string) => iso.replace('T', ' ').slice(0, 19);
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
