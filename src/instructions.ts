// The instruction files that go into the system prompt, where peers look for them:
// the user's own `~/.config/nanocode/AGENTS.md`, then `AGENTS.md` (else `CLAUDE.md`) in every
// directory from the repository root down to the working directory, nearest last.
//
// Contract (a repository is not trusted):
// - A project file is read only when it is a regular file whose real path is inside the project
//   (the repository root, or the working directory outside a repository). A symlink out of the
//   project, a device, a FIFO or a directory is skipped with a one-line notice; nothing else is read.
// - The user's file may be a symlink (dotfile managers), but must end at a regular file.
// - At most MAX_FILE_BYTES are read from a file and MAX_TOTAL_BYTES in all (the nearest files
//   keep their share first); a cut says so. Nothing is ever read whole.

import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathExists } from './path-exists.ts';

export const MAX_FILE_BYTES = 16_000;
export const MAX_TOTAL_BYTES = 40_000;
const NAMES = ['AGENTS.md', 'CLAUDE.md'];

export interface InstructionFile {
  /** As shown to the model and the user: relative to the working directory, or ~/… for the user's. */
  label: string;
  path: string;
  text: string;
  /** The file was longer than its share and was cut. */
  cut: boolean;
}

export interface InstructionOptions {
  cwd: string;
  home: string;
  warn?: (message: string) => void;
}

/** The files to put in the prompt, user's first, then root → cwd. Never throws. */
export async function readInstructions({ cwd, home, warn }: InstructionOptions): Promise<InstructionFile[]> {
  const realCwd = realOr(cwd);
  const root = projectRoot(realCwd);
  const candidates: { label: string; path: string; inside?: string }[] = [];
  const userFile = join(home, '.config', 'nanocode', 'AGENTS.md');
  if (pathExists(userFile)) candidates.push({ label: '~/.config/nanocode/AGENTS.md', path: userFile });
  for (const dir of dirsFromRootTo(root, realCwd)) {
    const name = NAMES.find((n) => pathExists(join(dir, n)));
    if (!name) continue;
    const label = relative(realCwd, join(dir, name)) || name;
    candidates.push({ label, path: join(dir, name), inside: root });
  }
  // The nearest files get their share of the budget first.
  let budget = MAX_TOTAL_BYTES;
  const read: (InstructionFile | undefined)[] = [];
  for (const candidate of [...candidates].reverse()) {
    if (budget <= 0) {
      warn?.(`skipping ${candidate.label}: the instruction files already fill ${MAX_TOTAL_BYTES} bytes`);
      continue;
    }
    const file = readOne(candidate, Math.min(MAX_FILE_BYTES, budget), warn);
    if (file) budget -= Buffer.byteLength(file.text);
    read.unshift(file);
  }
  return read.filter((f): f is InstructionFile => f !== undefined && f.text.trim() !== '');
}

function readOne(
  candidate: { label: string; path: string; inside?: string },
  max: number,
  warn: InstructionOptions['warn'],
): InstructionFile | undefined {
  const skip = (why: string) => {
    warn?.(`skipping ${candidate.label}: ${why}`);
    return undefined;
  };
  let real: string;
  try {
    real = realpathSync(candidate.path);
  } catch {
    return skip('a broken symlink');
  }
  if (candidate.inside && !isInside(real, candidate.inside)) return skip('a symlink out of the project');
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the path checked is the one read.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    return skip(`cannot open it (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  try {
    if (!fstatSync(fd).isFile()) return skip('not a regular file');
    const buffer = Buffer.alloc(max + 1);
    const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    const cut = bytesRead > max;
    // Drop a character split by the cut.
    const text = buffer
      .subarray(0, Math.min(bytesRead, max))
      .toString('utf8')
      .replace(/\uFFFD$/, '');
    return { label: candidate.label, path: real, text: text.trim(), cut };
  } catch (error) {
    return skip(`cannot read it (${(error as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/** The nearest ancestor holding `.git` (the repository root), or `cwd` itself outside a repository. */
function projectRoot(cwd: string): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (pathExists(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

function dirsFromRootTo(root: string, cwd: string): string[] {
  const dirs: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    dirs.unshift(dir);
    if (dir === root || dirname(dir) === dir) return dirs;
  }
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
