// The checkpoint store of one project: a shadow git repository under
// $XDG_STATE_HOME/nanocode/checkpoints/<project-hash>/ (default ~/.local/state/...), whose work tree is
// the project and whose index is its own. Also works in directories that are not git repositories.
//
// Contract:
// - snapshot() records the project's files as they are: tracked and untracked, .gitignore respected,
//   files above MAX_FILE_BYTES skipped (named in the checkpoint's `skipped`), the audit log left out,
//   and so are the sandbox's placeholders a capture is told of (empty files bwrap made as mount points:
//   recorded, an undo would make them when no sandbox runs).
//   It is capture() then record(), which a caller may also call apart: capture while it waits for
//   something, record once it knows what the capture is the checkpoint of.
//   An unchanged tree costs one scan (git ls-files) and nothing more: the tree last written is reused
//   while the store's index is the file it was written from (noted in index-tree). A changed one adds
//   the changed paths only (git update-index), never a second walk, then one write-tree.
// - Objects: a snapshot of more than ADD_ALL_ABOVE changed paths (a first one) streams its blobs into
//   one pack as it adds them (no loose object per file: 20 000 files make ~4 MB, not ~80 MB, in the same
//   time); smaller ones write loose objects. Nothing is repacked at the end of a run: prune() drops
//   loose objects no kept checkpoint needs, and repacks only when the store has more than MAX_PACKS
//   packs (one per big snapshot), which is when packed objects of pruned checkpoints are dropped.
// - restore(tree) makes the project's recorded files exactly the tree's: contents, executable bits
//   and symlinks written, files recorded since removed, empty directories left behind removed.
//   Files never recorded (ignored, skipped) are left alone. An existing file keeps its permission
//   bits unless the checkpoint's executable bit differs; a re-created file gets the mode recorded
//   when it was snapshotted if that was not git's 644/755.
// - Metadata is checkpoints.jsonl in the store (one line per checkpoint, appended); each tree is kept
//   alive by a ref refs/nanocode/trees/<tree> (a loose ref file) until pruned.
// - Stores made by earlier versions need no migration: no note means one write-tree; loose objects
//   stay loose until a repack.

import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import { readJsonLines } from '../jsonl.ts';
import { randomHex, sha256Hex } from '../lazy-crypto.ts';
import { replaceFileSync } from '../replace-file.ts';
import { insideDir } from '../sandbox/policy.ts';
import { type Git, storeGit } from './git.ts';

/** Files bigger than this are not recorded (a note says so). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Pruning keeps the checkpoints of this many most recent runs of a project. */
export const KEEP_RUNS = 30;
/** ...and drops any older than this, whatever the count. */
export const KEEP_DAYS = 14;

/** Above this many changed paths (a first snapshot), git add's parallel walk beats naming each path. */
const ADD_ALL_ABOVE = 500;
/** Prune repacks the store (dropping what only pruned checkpoints kept) when it has more packs than this. */
export const MAX_PACKS = 4;
const ALWAYS_EXCLUDED = ['/.nanocode.log'];
/** In the store: the tree last written and the stamp of the index it was written from. */
const INDEX_TREE = 'index-tree';
/** Highest-precedence attributes: no filters, no end-of-line or encoding conversions. */
const ATTRIBUTES = '* -text -filter -ident -working-tree-encoding -diff -merge\n';

export type CheckpointKind = 'turn' | 'end' | 'undo';

export interface Checkpoint {
  id: string;
  /** The run it belongs to; an undo is a run of its own, so undo is undoable. */
  run: string;
  /** The turn it was taken before (0 for `end` and `undo`). */
  turn: number;
  kind: CheckpointKind;
  session?: string;
  time: string;
  tree: string;
  /** Files left out because they were bigger than MAX_FILE_BYTES (relative paths). */
  skipped: string[];
  /** Permission bits of files recorded with a mode other than 644/755. */
  modes?: Record<string, number>;
}

export type CheckpointMeta = Pick<Checkpoint, 'run' | 'turn' | 'kind' | 'session'>;

export interface CaptureOptions {
  /** The sandbox's placeholders (absolute paths): left out while they are empty files. */
  placeholders?: Iterable<string>;
}

/** The files at one moment, written to the store: what a checkpoint records. */
export type Capture = Pick<Checkpoint, 'tree' | 'skipped' | 'modes'>;

export function checkpointsRoot(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : undefined;
  return join(state ?? join(env.HOME || homedir(), '.local', 'state'), 'nanocode', 'checkpoints');
}

function storeDirFor(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const real = realpathSync(cwd);
  return join(checkpointsRoot(env), sha256Hex(real).slice(0, 16));
}

export class CheckpointStore {
  readonly cwd: string;
  readonly dir: string;
  #git: Git;
  /**
   * The index may hold a placeholder's path unchanged since it was recorded (a file you deleted, where
   * bwrap now puts an empty one; or what an earlier nanocode recorded): the scan does not list it.
   * The first capture of a process that is told of placeholders removes them; a new store has none.
   */
  #placeholdersChecked = false;

  private constructor(cwd: string, dir: string) {
    this.cwd = cwd;
    this.dir = dir;
    this.#git = storeGit(dir, cwd);
  }

  /** Whether `cwd` has a store already (a run changed files there before). Never throws. */
  static exists(cwd: string, env: NodeJS.ProcessEnv = process.env): boolean {
    try {
      return existsSync(join(storeDirFor(cwd, env), 'HEAD'));
    } catch {
      return false;
    }
  }

  /** The store for `cwd`, created on first use. Throws (GitError, fs errors) when it cannot be. */
  static async open(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<CheckpointStore> {
    const real = realpathSync(cwd);
    const dir = storeDirFor(real, env);
    const store = new CheckpointStore(real, dir);
    if (!existsSync(join(dir, 'HEAD'))) {
      mkdirSync(join(dir, 'info'), { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'info', 'attributes'), ATTRIBUTES);
      writeFileSync(join(dir, 'project'), `${real}\n`);
      store.#writeExcludes([]);
      await store.#init();
      store.#placeholdersChecked = true;
    }
    return store;
  }

  /**
   * Makes the store a repository whose work tree is the project; HEAD, what open() looks for, comes
   * last. On Linux by writing what `git init --bare --template=` writes (gitrepository-layout(5)), a git
   * process less: the directories, HEAD, and a config of format version 0 that is not bare; like git,
   * it notes `ignorecase` on a file system that finds config as CoNfIg. Elsewhere (macOS notes more
   * about its file systems) by git init.
   */
  async #init(): Promise<void> {
    if (process.platform !== 'linux') {
      await this.#git(['init', '--quiet', '--bare', '--template=', this.dir]);
      return this.#unbare();
    }
    for (const sub of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags'])
      mkdirSync(join(this.dir, sub), { recursive: true });
    const config = join(this.dir, 'config');
    writeFileSync(config, '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n');
    if (existsSync(join(this.dir, 'CoNfIg'))) appendFileSync(config, '\tignorecase = true\n');
    writeFileSync(join(this.dir, 'HEAD'), 'ref: refs/heads/master\n');
  }

  /**
   * The store has a work tree (the project): core.bare goes from true (`git init --bare` wrote it) to
   * false in the config file git just made, rather than by a second git process; by `git config`
   * should that file not read as expected.
   */
  async #unbare(): Promise<void> {
    const file = join(this.dir, 'config');
    const text = readFileSync(file, 'utf8');
    const unbare = text.replace(/^([ \t]*bare[ \t]*=[ \t]*)true[ \t]*$/m, '$1false');
    if (unbare === text) await this.#git(['config', 'core.bare', 'false']);
    else writeFileSync(file, unbare);
  }

  /** Every checkpoint recorded, oldest first (cut or foreign lines skipped). */
  list(): Checkpoint[] {
    return readJsonLines<Checkpoint>(
      join(this.dir, 'checkpoints.jsonl'),
      (c) => typeof c.tree === 'string' && typeof c.run === 'string',
    );
  }

  /** Records the project as it is now. */
  async snapshot(meta: CheckpointMeta, opts: CaptureOptions = {}): Promise<Checkpoint> {
    return this.record(await this.capture(opts), meta);
  }

  /**
   * The project's files as they are now, written to the store but not yet a checkpoint: record() makes
   * it one. A capture never recorded leaves only unreferenced objects, which prune drops.
   */
  async capture(opts: CaptureOptions = {}): Promise<Capture> {
    const placeholders = this.#inProject(opts.placeholders ?? []);
    const previous = this.list();
    const stillBig = (previous.at(-1)?.skipped ?? []).filter((p) => this.#isBig(p));
    this.#writeExcludes(stillBig);
    const changed = await this.#changedPaths();
    const modes: Record<string, number> = {};
    const big: string[] = [];
    const leftOut = new Set<string>();
    const goneTracked = new Set<string>();
    for (const { path, tracked } of changed) {
      const info = lstatOrUndefined(join(this.cwd, path));
      // Absent at the scan, bwrap may make it before update-index runs: a placeholder is never added.
      if (placeholders.has(path) && isPlaceholderLike(info)) {
        leftOut.add(path);
        if (tracked) goneTracked.add(path); // a file recorded before, gone since
        continue;
      }
      if (!info?.isFile()) continue;
      if (info.size > MAX_FILE_BYTES) {
        big.push(path);
        // Recorded before, too big now: it leaves the index as a gone file does (`git rm --cached` would
        // refuse a path whose index entry differs from both the file and HEAD, stopping every capture).
        if (tracked) goneTracked.add(path);
        continue;
      }
      const bits = info.mode & 0o7777;
      if (bits !== 0o644 && bits !== 0o755) modes[path] = bits;
    }
    const skipped = [...stillBig, ...big];
    if (big.length > 0) this.#writeExcludes(skipped);
    if (!this.#placeholdersChecked && placeholders.size > 0) {
      this.#placeholdersChecked = true;
      for (const path of this.#standing(placeholders)) goneTracked.add(path);
    }
    if (goneTracked.size > 0) {
      await this.#git(
        ['update-index', '--force-remove', '-z', '--stdin'],
        [...goneTracked].map((p) => `${p}\0`).join(''),
      );
    }
    // Only the paths the scan found: no second walk of the tree. Directories (a nested repository) are left out.
    const toAdd = changed
      .map((c) => c.path)
      .filter((p) => !p.endsWith('/') && !big.includes(p) && !leftOut.has(p));
    // Every blob over core.bigFileThreshold is streamed into one pack: 20 000 loose objects would take
    // 4 KB each on disk and a file apiece to create.
    if (toAdd.length > ADD_ALL_ABOVE) {
      // Its own walk: the placeholders (any bwrap made since the scan too) are excluded by name.
      for (const path of this.#standing(placeholders)) leftOut.add(path);
      const exclude = [...leftOut].map((p) => `:(exclude,literal)${p}`);
      await this.#git(['-c', 'core.bigFileThreshold=1', 'add', '--all', '--', '.', ...exclude]);
    } else if (toAdd.length > 0) {
      await this.#git(
        ['update-index', '--add', '--remove', '-z', '--stdin'],
        toAdd.map((p) => `${p}\0`).join(''),
      );
    }
    const unchanged = toAdd.length === 0 && goneTracked.size === 0;
    const tree = (unchanged && this.#unwrittenTree()) || (await this.#writeTree());
    return { tree, skipped, ...(Object.keys(modes).length > 0 ? { modes } : {}) };
  }

  /** Of the placeholders (project-relative), those that are absent or an empty file now. */
  #standing(placeholders: Iterable<string>): string[] {
    return [...placeholders].filter((path) => isPlaceholderLike(lstatOrUndefined(join(this.cwd, path))));
  }

  /** `paths` (absolute) as paths relative to the project, as git names them; those outside it or gone dropped. */
  #inProject(paths: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const path of paths) {
      try {
        // The directory's real path: the placeholder itself may not be made yet.
        const rel = insideDir(this.cwd, join(realpathSync(dirname(path)), basename(path)));
        if (rel) out.add(rel.split(sep).join('/'));
      } catch {
        // Its directory is gone: nothing to leave out.
      }
    }
    return out;
  }

  /** Makes a capture a checkpoint: its tree kept alive, its line appended to checkpoints.jsonl. */
  record(capture: Capture, meta: CheckpointMeta): Checkpoint {
    if (!this.list().some((c) => c.tree === capture.tree)) this.#keepTree(capture.tree);
    const checkpoint: Checkpoint = {
      id: `${Date.now().toString(36)}-${randomHex(3)}`,
      ...meta,
      time: new Date().toISOString(),
      ...capture,
    };
    appendFileSync(join(this.dir, 'checkpoints.jsonl'), `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
    return checkpoint;
  }

  /** Paths that differ between two recorded trees. */
  async changedBetween(a: string, b: string): Promise<string[]> {
    if (a === b) return [];
    const out = await this.#git(['diff-tree', '-r', '-z', '--no-renames', '--name-only', a, b]);
    return out.split('\0').filter(Boolean);
  }

  /**
   * Makes the project's recorded files those of `tree`. Call right after a snapshot (the store's
   * index must be the project as it is). Returns the paths written and removed.
   */
  async restore(tree: string, from: string): Promise<{ written: string[]; removed: string[] }> {
    const raw = await this.#git(['diff-tree', '-r', '-z', '--no-renames', from, tree]);
    const fields = raw.split('\0');
    const written: string[] = [];
    const removed: string[] = [];
    const keepBits = new Map<string, number>();
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [oldMode, newMode, , , status] = fields[i]!.slice(1).split(' ');
      const path = fields[i + 1]!;
      if (status === 'D') {
        removed.push(path);
        continue;
      }
      written.push(path);
      const now = lstatOrUndefined(join(this.cwd, path));
      if (status === 'M' && oldMode === newMode && now?.isFile()) keepBits.set(path, now.mode & 0o7777);
    }
    await this.#git(['read-tree', '--reset', '-u', tree]);
    const recorded = this.#recordedModes(tree);
    for (const path of written) {
      const bits = keepBits.get(path) ?? recorded[path];
      if (bits === undefined) continue;
      try {
        chmodSync(join(this.cwd, path), bits);
      } catch {
        // gone again, or a symlink: git's mode stands
      }
    }
    return { written, removed };
  }

  /**
   * Drops checkpoints beyond the KEEP_RUNS most recent runs and those older than KEEP_DAYS,
   * then the objects only they kept. Returns how many checkpoints were dropped.
   */
  async prune(now = Date.now()): Promise<number> {
    const all = this.list();
    const runs = [...new Set(all.map((c) => c.run))];
    const recent = new Set(runs.slice(-KEEP_RUNS));
    const cutoff = now - KEEP_DAYS * 24 * 3600 * 1000;
    const kept = all.filter((c) => recent.has(c.run) && Date.parse(c.time) >= cutoff);
    if (kept.length === all.length) return 0;
    const keptTrees = new Set(kept.map((c) => c.tree));
    const dropped = [...new Set(all.map((c) => c.tree))].filter((t) => !keptTrees.has(t));
    const file = join(this.dir, 'checkpoints.jsonl');
    replaceFileSync(file, kept.map((c) => `${JSON.stringify(c)}\n`).join(''));
    if (dropped.length > 0) {
      await this.#git(
        ['update-ref', '--stdin'],
        dropped.map((t) => `delete refs/nanocode/trees/${t}\n`).join(''),
      );
      await this.#git(['prune', '--expire=now']);
      if (this.#packCount() > MAX_PACKS) await this.#git(['repack', '-a', '-d', '-q']);
    }
    return all.length - kept.length;
  }

  /** write-tree, and a note of the tree with the index it was written from (see #unwrittenTree). */
  async #writeTree(): Promise<string> {
    const tree = (await this.#git(['write-tree'])).trim();
    const stamp = indexStamp(this.dir);
    if (stamp) writeFileSync(join(this.dir, INDEX_TREE), `${tree} ${stamp}\n`);
    return tree;
  }

  /**
   * The tree last written, when the index is still the one it was written from: git replaces the
   * index file on every write (a new inode), so an equal stamp means no command changed it since.
   */
  #unwrittenTree(): string | undefined {
    let note = '';
    try {
      note = readFileSync(join(this.dir, INDEX_TREE), 'utf8').trim();
    } catch {
      return undefined; // a store from before the note, or never written
    }
    const [tree, stamp] = note.split(' ');
    return tree && /^[0-9a-f]{40,64}$/.test(tree) && stamp === indexStamp(this.dir) ? tree : undefined;
  }

  /**
   * Keeps `tree` alive: a loose ref refs/nanocode/trees/<tree> written as git writes one (the id and a
   * newline, put in place by rename; a name ending in .lock is never read as a ref), a git spawn less.
   */
  #keepTree(tree: string): void {
    const dir = join(this.dir, 'refs', 'nanocode', 'trees');
    mkdirSync(dir, { recursive: true });
    replaceFileSync(join(dir, tree), `${tree}\n`, {
      mode: 0o644,
      temp: join(dir, `${tree}.${randomHex(4)}.lock`),
    });
  }

  /** Untracked (not ignored) and modified or deleted paths, relative to the store's index. */
  async #changedPaths(): Promise<{ path: string; tracked: boolean }[]> {
    const out = await this.#git(['ls-files', '-z', '-t', '--others', '--modified', '--exclude-standard']);
    return out
      .split('\0')
      .filter(Boolean)
      .map((entry) => ({ path: entry.slice(2), tracked: entry[0] !== '?' }));
  }

  #packCount(): number {
    try {
      return readdirSync(join(this.dir, 'objects', 'pack')).filter((f) => f.endsWith('.pack')).length;
    } catch {
      return 0;
    }
  }

  #isBig(path: string): boolean {
    const info = lstatOrUndefined(join(this.cwd, path));
    return Boolean(info?.isFile() && info.size > MAX_FILE_BYTES);
  }

  #writeExcludes(skipped: string[]): void {
    const file = join(this.dir, 'info', 'exclude');
    const lines = [...ALWAYS_EXCLUDED, ...skipped.filter((p) => !p.includes('\n')).map(excludePattern)];
    const text = `${lines.join('\n')}\n`;
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // first write
    }
    if (current !== text) writeFileSync(file, text);
  }

  /** The non-canonical modes recorded up to the checkpoint of `tree`, latest first wins. */
  #recordedModes(tree: string): Record<string, number> {
    const all = this.list();
    const end = all.findLastIndex((c) => c.tree === tree);
    const modes: Record<string, number> = {};
    for (const c of all.slice(0, end + 1)) Object.assign(modes, c.modes ?? {});
    return modes;
  }
}

/** The store's index file as inode, size and change times; undefined when there is none. */
function indexStamp(store: string): string | undefined {
  const s = statSync(join(store, 'index'), { bigint: true, throwIfNoEntry: false });
  return s && `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** Nothing there yet, or an empty file: what bwrap makes (a non-empty file at that path is the user's). */
function isPlaceholderLike(info: Stats | undefined): boolean {
  return info === undefined || (info.isFile() && info.size === 0);
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** An anchored gitignore pattern matching exactly `path`. */
function excludePattern(path: string): string {
  return `/${path.replace(/[\\*?[\]]/g, '\\$&').replace(/ $/, '\\ ')}`;
}
