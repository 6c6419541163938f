// Bundles src/cli.ts into dist/ as ESM. Provider modules stay separate chunks
// (dynamic import), so a run loads only the provider it uses. dist/ is the whole
// package: web-tree-sitter is bundled and both wasm files are copied beside it,
// so an install needs no dependency at all.
import { chmodSync, copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { bundleTrim } from './bundle-trim.mjs';
import { writeLicenses } from './licenses.mjs';

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minify: process.env.NANOCODE_BUILD_DEBUG !== '1', // NANOCODE_BUILD_DEBUG=1: readable names in CPU profiles
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [bundleTrim(process.cwd())],
  // Our small Headers instead of the global one, which loads all of undici (src/provider/headers.ts).
  inject: ['src/provider/headers.ts'],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __ncCreateRequire } from 'node:module'; const require = __ncCreateRequire(import.meta.url);",
  },
});
chmodSync('dist/cli.js', 0o755);
const require = createRequire(import.meta.url);
for (const wasm of ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm']) {
  copyFileSync(require.resolve(wasm), `dist/${wasm.split('/')[1]}`);
}
writeLicenses(
  Object.keys(result.metafile.inputs),
  ['node_modules/tree-sitter-bash'],
  'dist/THIRD-PARTY-LICENSES.txt',
);
