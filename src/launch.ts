// The command's entry (dist/cli.cjs): runs the CLI's bundle, dist/nanocode.cjs, with V8's code cache
// (src/provider/cached-script.ts). Node 20 caches no compiled ES modules, so the CLI is one CommonJS
// bundle: after the first run, its start skips compiling what the last run used. Only the built
// package uses this file; from src/, src/cli.ts is the entry.
import { fileURLToPath } from 'node:url';
import { loadCachedScript } from './provider/cached-script.ts';

loadCachedScript(fileURLToPath(new URL('./nanocode.cjs', import.meta.url)));
