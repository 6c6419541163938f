// write_file: create or overwrite a whole file with exactly the given content.
// Contract: the gate is asked first and nothing is touched when it says no;
// parent directories are created; content is written byte for byte (UTF-8), atomically
// (atomic-write.ts: the old file stays whole on a full disk or a kill); only regular files are written.

import { dirname } from 'node:path';
import { mkdir, stat } from '../lazy-fs.ts';
import { plainWords, WriteError, writeFileAtomic } from './atomic-write.ts';
import { displayPath, resolvePath, writeTarget } from './paths.ts';
import type { Tool } from './types.ts';

export interface WriteFileArgs {
  path: string;
  content: string;
}

export const writeFile: Tool<WriteFileArgs> = {
  name: 'write_file',
  description: 'Create or overwrite a file with the given content; creates parent dirs.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Path, relative to the project dir' },
      content: { type: 'string', description: 'The complete new file content' },
    },
    required: ['path', 'content'],
    additionalProperties: false,
  },
  async execute({ path, content }, ctx) {
    const given = resolvePath(ctx.cwd, path);
    const shown = displayPath(ctx.cwd, given);
    const abs = await writeTarget(given);
    const gate = await ctx.gate.write(abs);
    if (!gate.allowed) {
      return {
        output: gate.message ?? `Blocked: writing ${shown} was not allowed`,
        isError: true,
        path: abs,
        gate,
      };
    }
    let existed = false;
    try {
      const info = await stat(abs);
      if (info.isDirectory()) {
        return {
          output: `Error: ${shown} is a directory; give a file path.`,
          isError: true,
          path: abs,
          gate,
        };
      }
      existed = true;
    } catch {
      // Missing: it will be created.
    }
    try {
      await mkdir(dirname(abs), { recursive: true });
      await writeFileAtomic(abs, content);
    } catch (err) {
      const why = err instanceof WriteError ? err.message : plainWords(err as NodeJS.ErrnoException);
      return {
        output: `Error: cannot write ${shown}: ${why}`,
        isError: true,
        path: abs,
        gate,
      };
    }
    const bytes = Buffer.byteLength(content);
    const lines = countLines(content);
    const output = existed
      ? `Wrote ${bytes} bytes (${lines} lines) to ${shown}`
      : `Created ${shown}: ${bytes} bytes (${lines} lines)`;
    return { output, path: abs, bytes, gate };
  },
};

/** Lines as an editor counts them: a final newline does not start another line. */
export function countLines(text: string): number {
  if (text === '') return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}
