// read_file: numbered lines of a text file, a window at a time.
// Contract: output stays within `maxLines` lines and `maxBytes` bytes and says
// how to read on when cut; binary files, directories and missing files come back
// as errors that say what to do instead. Text files are streamed, never read whole.
// An image (PNG, JPEG, GIF, WebP by its bytes, up to MAX_IMAGE_BYTES) comes back as an image
// when the model sees tools' images (ctx.images); otherwise as an error saying it cannot be shown.

import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { formatBytes } from '../format.ts';
import { open, readdir, stat } from '../lazy-fs.ts';
import { IMAGE_SNIFF_BYTES, imageMediaType, MAX_IMAGE_BYTES } from './image-file.ts';
import { readLineWindow } from './line-window.ts';
import { didYouMean, displayPath, resolvePath } from './paths.ts';
import type { Tool, ToolResult } from './types.ts';

export interface ReadFileArgs {
  path: string;
  offset?: number;
  limit?: number;
}

const LIMITS = {
  maxLines: 2000,
  maxBytes: 50 * 1024,
  maxLineChars: 2000,
  /** Bytes sniffed for binary content. */
  sniffBytes: 8192,
  /** Above this size we stop reading once the window is full instead of counting every line. */
  countLinesUpTo: 64 * 1024 * 1024,
};

export const readFile: Tool<ReadFileArgs> = {
  name: 'read_file',
  description:
    'Read a text file with line numbers, up to 2000 lines / 50 KB per call; use offset to read on. ' +
    'An image file (PNG, JPEG, GIF, WebP) is returned as an image when the model can see images.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Path, relative to the project dir' },
      offset: { type: 'integer', description: 'First line to read, 1-based (default 1)' },
      limit: { type: 'integer', description: 'Most lines to read (default 2000)' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  async execute({ path, offset, limit }, ctx) {
    const abs = resolvePath(ctx.cwd, path);
    const shown = displayPath(ctx.cwd, abs);
    const fail = (output: string): ToolResult => ({ output, isError: true, path: abs });
    const gate = await ctx.gate.read?.(abs);
    if (gate && !gate.allowed) return { ...fail(gate.message ?? `Blocked: reading ${shown}`), gate };

    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        return fail(`Error: ${shown} not found.${await didYouMean(ctx.cwd, abs)}`);
      }
      return fail(`Error: cannot read ${shown}: ${(err as Error).message}`);
    }
    if (info.isDirectory()) return fail(await describeDir(abs, shown));
    if (!info.isFile()) return fail(`Error: ${shown} is not a regular file; use run_cmd to inspect it.`);

    const first = Math.max(1, Math.floor(offset ?? 1));
    const count = Math.max(1, Math.floor(limit ?? LIMITS.maxLines));
    let fh: FileHandle;
    try {
      // Non-blocking, and checked again on the handle: a file swapped for a FIFO since the stat cannot hang us.
      fh = await open(abs, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      return fail(`Error: cannot read ${shown}: ${(err as Error).message}`);
    }
    try {
      if (!(await fh.stat()).isFile())
        return fail(`Error: ${shown} is not a regular file; use run_cmd to inspect it.`);
      const head = await readHead(fh);
      const media = imageMediaType(head);
      if (media)
        return await imageResult(fh, { media, size: info.size, shown, abs, show: ctx.images === true });
      if (isBinary(head)) {
        return fail(
          `Error: ${shown} is a binary file (${info.size} bytes); use run_cmd with a suitable tool (e.g. xxd, file) instead.`,
        );
      }
      if (info.size === 0) return { output: `${shown} is empty (0 bytes).`, path: abs, bytes: 0 };
      const win = await readLineWindow(fh, {
        offset: first,
        limit: count,
        maxBytes: LIMITS.maxBytes,
        maxLineChars: LIMITS.maxLineChars,
        countAll: info.size <= LIMITS.countLinesUpTo,
      });
      if (win.lines.length === 0) {
        return fail(
          `Error: offset ${first} is past the end of ${shown}, which has ${win.total} lines; use an offset from 1 to ${win.total}.`,
        );
      }
      const more = win.total === undefined || win.last < win.total;
      const of = win.total === undefined ? `a ${info.size}-byte file` : `${win.total}`;
      const note = more
        ? `\n[showing lines ${first}-${win.last} of ${of}; call read_file with offset=${win.last + 1} to read on]`
        : '';
      return {
        output: win.lines.join('\n') + note,
        path: abs,
        bytes: info.size,
        truncated: more || win.cutLines,
      };
    } finally {
      await fh.close();
    }
  },
};

/** The file's first bytes, for sniffing. */
async function readHead(fh: FileHandle): Promise<Buffer> {
  const buf = Buffer.alloc(Math.max(LIMITS.sniffBytes, IMAGE_SNIFF_BYTES));
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
  return buf.subarray(0, bytesRead);
}

/** NUL in the first bytes, or mostly invalid UTF-8, means binary. */
function isBinary(head: Buffer): boolean {
  if (head.includes(0)) return true;
  // Ignore a character cut at the end of the sample.
  const text = new TextDecoder('utf-8').decode(head.subarray(0, Math.max(0, head.length - 3)));
  let bad = 0;
  for (const ch of text) if (ch === '\uFFFD') bad++;
  return bad >= 4 && bad > text.length * 0.1;
}

async function describeDir(abs: string, shown: string): Promise<string> {
  let names: string[] = [];
  try {
    const entries = await readdir(abs, { withFileTypes: true });
    names = entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
  } catch {
    // Unreadable: still say it is a directory.
  }
  const list = names.slice(0, 10).join(', ') + (names.length > 10 ? ', ...' : '');
  return `Error: ${shown} is a directory (${names.length} entries${names.length ? `: ${list}` : ''}); call read_file on a file inside it, or run_cmd with ls.`;
}

/** An image file as the model gets it: an image part, or an error that says why it cannot be shown. */
async function imageResult(
  fh: FileHandle,
  file: { media: string; size: number; shown: string; abs: string; show: boolean },
): Promise<ToolResult> {
  const { media, size, shown, abs } = file;
  const what = `${shown} is a ${media.slice('image/'.length).toUpperCase()} image (${formatBytes(size)})`;
  const fail = (output: string): ToolResult => ({ output, isError: true, path: abs, bytes: size });
  if (!file.show)
    return fail(
      `Error: ${what}; this model cannot be shown images, so use run_cmd to inspect it (e.g. file ${shown}).`,
    );
  if (size > MAX_IMAGE_BYTES) {
    return fail(
      `Error: ${what}, larger than the ${MAX_IMAGE_BYTES / 1024 / 1024} MB a model takes; make a smaller copy with run_cmd and read that.`,
    );
  }
  const data = Buffer.alloc(size);
  let filled = 0;
  while (filled < size) {
    const { bytesRead } = await fh.read(data, filled, size - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return {
    output: `${what}, attached.`,
    images: [{ data: data.subarray(0, filled).toString('base64'), mediaType: media }],
    path: abs,
    bytes: filled,
  };
}
