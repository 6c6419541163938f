// The placeholders of every run, so that no run removes one another run's sandbox still has mounted.
// bwrap's placeholders are host files and directories (src/sandbox/bwrap.ts); a run that starts while
// another runs in the same project binds the other's placeholders as existing files, and removing a
// mount point on the host unmounts it inside every sandbox: a command of the second run could then
// create the path (a .nanocode/config.json of its choosing).
//
// Contract:
// - A ledger is one file per run, $XDG_STATE_HOME/nanocode/placeholders/<pid>-<random>.json (nanocode's
//   state, which sandboxes cannot see), holding the project and the placeholders the run's bwrap made
//   there; written before bwrap makes them, so a run that is killed leaves a record.
// - `register` (before the run's first sandbox is planned) writes the run's ledger, and removes what
//   runs that are gone left in the project, when no other run in the project is alive.
// - `settle` (once the run's own sandboxes have ended) removes the placeholders of this run and of runs
//   that are gone, unless another run in the project is alive: then they stay for the last run out.
//   Runs of one process (ACP sessions) count as alive until they have settled.
// - Only empty files and directories inside the project are ever removed (`remove` checks emptiness).
//   Never throws: a state directory that cannot be written leaves the run to remove only its own.

import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomHex } from '../lazy-crypto.ts';
import { replaceFileSync } from '../replace-file.ts';
import { isAlive } from './limits.ts';
import { insideDir } from './policy.ts';

export interface PlaceholderLedger {
  /** Writes this run's ledger and clears what runs that are gone left (once; later calls do nothing). */
  register(): void;
  /** The placeholders this run's bwrap made (its plans count them as missing, so they stay placeholders). */
  readonly paths: ReadonlySet<string>;
  /** Notes paths this run's bwrap is about to create. */
  add(paths: readonly string[]): void;
  /** The placeholders in the project now: this run's and those of the other runs' ledgers. Never throws. */
  inProject(): Set<string>;
  /** This run's sandboxes have ended: removes the project's placeholders unless another run is alive. */
  settle(): void;
}

interface Entry {
  project: string;
  paths: string[];
}

/** Ledgers of this process not settled yet (ACP runs sessions side by side; each has a sandbox). */
const unsettledHere = new Set<string>();

export function openLedger(
  stateDir: string,
  project: string,
  remove: (path: string) => void,
): PlaceholderLedger {
  const dir = join(stateDir, 'placeholders');
  let name = ''; // made at register: nothing is read or written before the run's first sandbox
  const paths = new Set<string>();
  let registered = false;
  let usable = false;

  const write = () => {
    replaceFileSync(join(dir, name), JSON.stringify({ project, paths: [...paths] } satisfies Entry));
  };
  /** The other runs' ledgers of this project, and whether any of those runs is alive. */
  const others = () => {
    const found: { file: string; entry: Entry; alive: boolean }[] = [];
    for (const file of readdirSync(dir)) {
      const pid = Number(/^(\d+)-[0-9a-f]+\.json$/.exec(file)?.[1]);
      if (!pid || file === name) continue;
      const entry = readEntry(join(dir, file));
      const alive = pid === process.pid ? unsettledHere.has(file) : isAlive(pid);
      if (entry?.project === project) found.push({ file, entry, alive });
    }
    return found;
  };
  /** Removes the placeholders of `gone` (and this run's, with `mine`) and their ledgers. */
  const clear = (gone: { file: string; entry: Entry }[], mine: boolean) => {
    const all = [...gone.flatMap((g) => g.entry.paths), ...(mine ? paths : [])];
    const inside = all.filter((p) => insideDir(project, p));
    // Deepest first: a directory placeholder is empty only once those inside it are gone.
    for (const path of [...new Set(inside)].sort((a, b) => b.length - a.length)) remove(path);
    for (const g of gone) rmSync(join(dir, g.file), { force: true });
  };

  return {
    paths,
    register() {
      if (registered) return;
      registered = true;
      try {
        name = `${process.pid}-${randomHex(4)}.json`;
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        write();
        usable = true;
        unsettledHere.add(name);
        const found = others();
        if (!found.some((o) => o.alive)) clear(found, false);
      } catch {
        // No ledger: this run removes its own placeholders at the end, as before there was one.
      }
    },
    add(list) {
      if (list.length === 0) return;
      for (const path of list) paths.add(path);
      try {
        if (usable) write();
      } catch {
        // The old record stands; the end of the run still removes these.
      }
    },
    inProject() {
      const all = new Set(paths);
      try {
        for (const other of others()) for (const path of other.entry.paths) all.add(path);
      } catch {
        // No ledger directory: this run's only.
      }
      return all;
    },
    settle() {
      unsettledHere.delete(name);
      try {
        if (!registered) return; // no sandbox was ever planned: no placeholder made
        if (!usable) return clear([], true);
        const found = others();
        if (found.some((o) => o.alive)) return; // the last run out removes them all
        clear(found, true);
        rmSync(join(dir, name), { force: true });
      } catch {
        // Left for a later run.
      }
    },
  };
}

function readEntry(file: string): Entry | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
    if (typeof entry.project === 'string' && Array.isArray(entry.paths)) {
      return { project: entry.project, paths: entry.paths.filter((p) => typeof p === 'string') };
    }
  } catch {
    // Cut short or not ours.
  }
  return undefined;
}
