// What a prompt brings along besides its text:
// - `@path` attaches that file as read_file would return it (numbered lines, same size bounds, same
//   checks), or a directory's listing; a mention that names nothing stays plain text.
// - an image (`--image FILE`, `@shot.png`, or an image path typed or pasted into the prompt) becomes
//   an image part `{ type: 'image', image: base64, mediaType }` of the user message, for models
//   that take images. For a model known not to, the image is left out with a note.
//
// Contract: never throws; what could not be attached is said in `notes`.

import { extname, isAbsolute, join, relative } from 'node:path';
import { UsageError } from './args.ts';
import { readFile as readBytes, readdir, stat } from './lazy-fs.ts';
import type { ModelChoice } from './providers.ts';
import { imageMediaType, MAX_IMAGE_BYTES } from './tools/image-file.ts';
import type { ToolResult } from './tools/types.ts';

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};
const MAX_MENTIONS = 10;
const MAX_LISTING = 200;

export type Part = { type: 'text'; text: string } | { type: 'image'; image: string; mediaType: string };

export interface AttachOptions {
  cwd: string;
  /** --image files (relative to cwd). */
  images?: string[];
  /** Whether the model takes images: false refuses them with a note; undefined (unknown) sends them. */
  vision: boolean | undefined;
  /** The read_file tool, so a mention is read with its bounds and checks. */
  readFile: (path: string) => Promise<ToolResult>;
}

export interface Attached {
  parts: Part[];
  notes: string[];
}

export async function attach(prompt: string, opts: AttachOptions): Promise<Attached> {
  const parts: Part[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const addImage = async (path: string, shown: string, explicit: boolean) => {
    if (seen.has(path)) return;
    seen.add(path);
    if (opts.vision === false) {
      notes.push(`${shown} not attached: this model does not take images`);
      return;
    }
    const image = await readImage(path);
    if (typeof image === 'string') {
      if (explicit) notes.push(`${shown} not attached: ${image}`);
      return;
    }
    parts.push({ type: 'image', ...image });
  };

  for (const file of opts.images ?? []) await addImage(join(opts.cwd, file), file, true);
  for (const { word, mention } of candidates(prompt).slice(0, MAX_MENTIONS * 2)) {
    const abs = isAbsolute(word) ? word : join(opts.cwd, word);
    if (imageType(word)) {
      if (await isFile(abs)) await addImage(abs, word, mention);
      continue;
    }
    if (!mention || seen.has(abs) || seen.size >= MAX_MENTIONS) continue;
    const info = await stat(abs).catch(() => undefined);
    if (!info) continue;
    seen.add(abs);
    if (info.isDirectory()) parts.push({ type: 'text', text: await listing(abs, opts.cwd) });
    else parts.push({ type: 'text', text: await fileText(word, opts) });
  }
  return { parts, notes };
}

/** Whether a model takes images: true or false where known, undefined for servers we cannot tell. */
export function takesImages(choice: Pick<ModelChoice, 'provider' | 'model'>): boolean | undefined {
  const model = choice.model.toLowerCase();
  switch (choice.provider) {
    case 'anthropic':
    case 'google':
      return true;
    case 'openai':
      return !/^(o1-mini|o3-mini|gpt-3\.5)/.test(model);
    case 'deepseek':
      return false;
    case 'xai':
      return !model.startsWith('grok-code');
    case 'groq':
      return /llama-4|vision/.test(model);
    default:
      if (/deepseek|gpt-oss|grok-code|qwen3-coder/.test(model)) return false;
      if (/claude|gemini|gpt-4o|gpt-4\.1|gpt-5|vision|-vl|llava/.test(model)) return true;
      return undefined;
  }
}

export const imageType = (path: string): string | undefined => IMAGE_TYPES[extname(path).toLowerCase()];

/** Words of the prompt that may name a path: `@mentions`, and (for images) bare or quoted paths. */
function candidates(prompt: string): { word: string; mention: boolean }[] {
  const out: { word: string; mention: boolean }[] = [];
  const pattern = /(?:^|\s)(@?)(?:'([^']+)'|"([^"]+)"|((?:\\ |[^\s])+))/g;
  for (const match of prompt.matchAll(pattern)) {
    const quoted = match[2] ?? match[3];
    const raw = quoted ?? match[4]!.replace(/\\ /g, ' ');
    const word = quoted ? raw : raw.replace(/[.,;:!?)]+$/, '');
    const mention = match[1] === '@';
    if (word && (mention || imageType(word))) out.push({ word, mention });
  }
  return out;
}

async function fileText(word: string, opts: AttachOptions): Promise<string> {
  const result = await opts.readFile(word);
  return `<file path="${word}">\n${result.output}\n</file>`;
}

async function listing(abs: string, cwd: string): Promise<string> {
  const shown = relative(cwd, abs) || '.';
  const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
  const names = entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
  const more = names.length > MAX_LISTING ? `\n[... ${names.length - MAX_LISTING} more entries]` : '';
  return `<directory path="${shown}">\n${names.slice(0, MAX_LISTING).join('\n')}${more}\n</directory>`;
}

async function readImage(path: string): Promise<{ image: string; mediaType: string } | string> {
  const mediaType = imageType(path);
  if (!mediaType) return 'not a PNG, JPEG, GIF or WebP image';
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return 'no such file';
  if (info.size > MAX_IMAGE_BYTES) return `larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`;
  try {
    const bytes = await readBytes(path);
    // The bytes say what it is: a provider refuses an image whose media type is wrong.
    const actual = imageMediaType(bytes);
    if (!actual) return 'not a PNG, JPEG, GIF or WebP image';
    return { image: bytes.toString('base64'), mediaType: actual };
  } catch (error) {
    return `cannot read it (${(error as NodeJS.ErrnoException).code ?? error})`;
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** --image flags checked before anything runs: each an image file, and a model that takes images. */
export async function checkImageFlags(
  images: string[],
  cwd: string,
  choice: Pick<ModelChoice, 'provider' | 'model' | 'label'>,
): Promise<void> {
  if (images.length === 0) return;
  if (takesImages(choice) === false) {
    throw new UsageError(
      `${choice.label} does not take images (--image); use a model that does, e.g. -m anthropic/claude-sonnet-4-6`,
    );
  }
  for (const file of images) {
    const problem = await readImage(join(cwd, file)).then((r) => (typeof r === 'string' ? r : undefined));
    if (problem) throw new UsageError(`--image ${file}: ${problem}`);
  }
}
