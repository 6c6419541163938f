// Small real projects for end-to-end runs.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempProject } from './cli.ts';

/** A git repository in `dir` (a new project by default) whose one commit holds `files`, as a user has it. */
export function committedRepo(files: Record<string, string>, dir = tempProject()): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
  return dir;
}

/** A git repository with a bug in calc.py (add subtracts), an AGENTS.md and one uncommitted file. */
export function buggyProject(): string {
  const dir = committedRepo({
    'calc.py': 'def add(a, b):\n    return a - b\n',
    'AGENTS.md': 'House rule: check changes with python3 -c before finishing.\n',
  });
  writeFileSync(join(dir, 'notes.txt'), 'untracked\n');
  return dir;
}

/** The scripted fix for buggyProject: read, edit, check, answer. */
export const BUGFIX_SCRIPT = [
  { text: 'Let me look.', toolCalls: [{ name: 'read_file', args: { path: 'calc.py' } }] },
  {
    toolCalls: [
      { name: 'edit_file', args: { path: 'calc.py', old_text: 'return a - b', new_text: 'return a + b' } },
    ],
  },
  {
    toolCalls: [
      {
        name: 'run_cmd',
        args: { command: 'python3 -c "from calc import add; assert add(2, 3) == 5; print(\'ok\')"' },
      },
    ],
  },
  {
    text: 'Fixed add() in calc.py: it now returns a + b.',
    usage: { input: 900, output: 20, cacheRead: 800 },
  },
];
