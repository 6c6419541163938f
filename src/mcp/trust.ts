// A project's .mcp.json is untrusted, like its .env: the repository wrote it, and
// its servers are programs that would run on the user's machine. They start only
// when the user approved that exact file once (remembered by path and SHA-256 in
// $XDG_STATE_HOME/nanocode/mcp-trust.json), or with --trust-mcp for one run.
//
// Contract: reading or writing the trust file never throws; a broken file trusts nothing.

import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256Hex } from '../lazy-crypto.ts';
import { replaceFileSync } from '../replace-file.ts';
import { sessionsDir } from '../sessions/store.ts';

export const trustFile = (env: NodeJS.ProcessEnv): string =>
  join(dirname(sessionsDir(env)), 'mcp-trust.json');

export const hashOf = (text: string): string => sha256Hex(text);

function readTrust(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    const data = JSON.parse(readFileSync(trustFile(env), 'utf8'));
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {};
  } catch {
    return {};
  }
}

/** Whether the user approved this file with exactly this content. */
export function isTrusted(file: string, text: string, env: NodeJS.ProcessEnv): boolean {
  return readTrust(env)[file] === hashOf(text);
}

/** Remembers the approval of this file's current content. Returns an error message, or undefined. */
export function rememberTrust(file: string, text: string, env: NodeJS.ProcessEnv): string | undefined {
  const path = trustFile(env);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const trust = { ...readTrust(env), [file]: hashOf(text) };
    replaceFileSync(path, `${JSON.stringify(trust, null, 2)}\n`);
    return undefined;
  } catch (error) {
    return `could not remember the approval of ${file}: ${(error as Error).message}`;
  }
}
