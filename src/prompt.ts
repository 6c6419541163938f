// The system prompt: short and action-first, naming where and when the agent
// runs, with the project's own instructions and git context appended.

import { existsSync } from 'node:fs';
import { arch, homedir, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type InstructionFile, readInstructions } from './instructions.ts';
import { type GitOptions, gitStatusAndDiff } from './sandbox/git.ts';

const CORE = `You are nanocode, an autonomous coding agent in the user's terminal. Do the task; don't describe it.
- Use the tools to look, change and run things until the task is done. Read a file before editing it.
- Edit with edit_file (exact text) or write_file (whole file); never paste code to the user instead.
- Verify by running: the tests, the program, a quick check. If something fails, fix it and run again.
- Commands run without a terminal or stdin: use non-interactive flags; no editors, pagers or servers left running.
- Don't ask questions: make reasonable assumptions and say which.
- When done, reply briefly, without tool calls: what you changed and how you checked it.`;

const MAX_GIT = 4_000;

export interface PromptContext {
  cwd: string;
  now?: Date;
  /** --append-system-prompt: added at the end. */
  append?: string;
  /** Where the user's own ~/.config/nanocode/AGENTS.md is looked for (default: the home directory). */
  home?: string;
  /** Hears of instruction files skipped (unsafe, too big) and, with `verbose`, of those read. */
  warn?: (message: string) => void;
  verbose?: boolean;
  /**
   * The run's sandbox, once probed (the prompt is built meanwhile): what it allows commands (one line)
   * and the wrapper nanocode's own work-tree git calls run in. Undefined: no sandbox.
   */
  sandbox?: Promise<PromptSandbox | undefined>;
}

export interface PromptSandbox {
  line: string;
  wrapGit: (argv: string[]) => string[];
}

export async function buildSystemPrompt({
  cwd,
  now = new Date(),
  append,
  home = homedir(),
  warn,
  verbose,
  sandbox,
}: PromptContext): Promise<string> {
  const wrap = sandbox?.then((box) => box?.wrapGit);
  wrap?.catch(() => {}); // outside a repository nothing awaits it; a failed probe is reported by the caller
  const [instructions, gitText, box] = await Promise.all([
    readInstructions({ cwd, home, warn }),
    gitContext(cwd, wrap),
    sandbox,
  ]);
  if (verbose) {
    const names = instructions.map((f) => `${f.label}${f.cut ? ' (cut)' : ''}`).join(', ');
    warn?.(`instructions read: ${names || 'none'}`);
  }
  const parts = [
    CORE,
    `Working directory: ${cwd}\nOS: ${platform()} ${arch()}; shell: bash\nDate: ${now.toISOString().slice(0, 10)}`,
  ];
  if (box) parts.push(box.line);
  for (const file of instructions) parts.push(instructionSection(file));
  if (gitText) parts.push(`# Git\n${gitText}`);
  if (append?.trim()) parts.push(append.trim());
  return parts.join('\n\n');
}

function instructionSection(file: InstructionFile): string {
  const kind = file.label.startsWith('~') ? 'User instructions' : 'Project instructions';
  const note = file.cut ? '\n[... cut: the file is longer]' : '';
  return `# ${kind} (${file.label})\n${file.text}${note}`;
}

/** `git status --short` and `git diff --stat HEAD`, or undefined outside a repository. Never throws. */
async function gitContext(cwd: string, wrap: GitOptions['wrap']): Promise<string | undefined> {
  if (!mayBeInRepository(cwd)) return undefined;
  const git = await gitStatusAndDiff(cwd, { wrap });
  if (!git) return undefined;
  const lines = [`$ git status --short\n${git.status.trimEnd() || '(clean)'}`];
  if (git.diff.trim()) lines.push(`$ git diff --stat HEAD\n${git.diff.trimEnd()}`);
  return cut(lines.join('\n'), MAX_GIT);
}

/**
 * Whether git could see a work tree here: a `.git` in this directory or one above, or GIT_DIR set.
 * Saves starting bash and git at all in a directory that is no repository.
 */
function mayBeInRepository(cwd: string): boolean {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE) return true;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n[... cut at ${max} characters]`;
}
